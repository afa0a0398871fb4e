// Reference Conv2D / DepthwiseConv2dNative / _FusedConv2D checked by hand and against an
// independent im2col formulation (nn_test_util.h).
#include "kernels/ops/conv2d.h"

#include <cmath>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/nn_test_util.h"

namespace savedserve {
namespace {

using nn_testing::Floats;
using nn_testing::Im2ColConv2D;
using nn_testing::RunOne;
using nn_testing::Values;
using nn_testing::WindowCase;
constexpr auto kRef = KernelVariant::kReference;

TEST(WindowGeometry, TensorFlowPaddingArithmetic) {
  // SAME: out = ceil(in / stride), the odd padding goes after.
  auto d = ComputeWindowDim(5, 3, 2, 1, Padding::kSame, 0, 0);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->out, 3);
  EXPECT_EQ(d->pad_before, 1);
  EXPECT_EQ(d->pad_after, 1);
  d = ComputeWindowDim(6, 3, 2, 1, Padding::kSame, 0, 0);
  EXPECT_EQ(d->out, 3);
  EXPECT_EQ(d->pad_before, 0);
  EXPECT_EQ(d->pad_after, 1);
  d = ComputeWindowDim(19, 3, 1, 6, Padding::kSame, 0, 0);  // SSD conv6: dilation 6
  EXPECT_EQ(d->out, 19);
  EXPECT_EQ(d->pad_before, 6);
  EXPECT_EQ(d->pad_after, 6);
  // VALID: floor((in - effective) / stride) + 1, no padding.
  d = ComputeWindowDim(7, 3, 2, 1, Padding::kValid, 0, 0);
  EXPECT_EQ(d->out, 3);
  d = ComputeWindowDim(10, 3, 1, 2, Padding::kValid, 0, 0);
  EXPECT_EQ(d->out, 6);
  // EXPLICIT.
  d = ComputeWindowDim(10, 3, 2, 1, Padding::kExplicit, 1, 2);
  EXPECT_EQ(d->out, 6);
  EXPECT_EQ(d->pad_before, 1);
  EXPECT_EQ(d->pad_after, 2);
  EXPECT_FALSE(ComputeWindowDim(2, 3, 1, 1, Padding::kValid, 0, 0).ok());
}

TEST(Conv2DReference, HandComputed) {
  Tensor input = Floats({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Tensor filter = Floats({2, 2, 1, 1}, {1, 2, 3, 4});
  OpRunner valid("Conv2D");
  nn_testing::SetWindowAttrs(valid, WindowCase{1, 3, 3, 1, 2, 2, 1, 1, 1, 1, 1, "VALID"}, true);
  EXPECT_EQ(Values(RunOne(valid, {input, filter}, kRef)), (std::vector<float>{37, 47, 67, 77}));
  // SAME pads one row below and one column to the right.
  OpRunner same("Conv2D");
  nn_testing::SetWindowAttrs(same, WindowCase{1, 3, 3, 1, 2, 2, 1, 1, 1, 1, 1, "SAME"}, true);
  EXPECT_EQ(Values(RunOne(same, {input, filter}, kRef)),
            (std::vector<float>{37, 47, 21, 67, 77, 33, 23, 26, 9}));
}

TEST(Conv2DReference, MatchesIm2Col) {
  const std::vector<WindowCase> cases = {
      {1, 7, 9, 3, 3, 3, 5, 1, 1, 1, 1, "SAME"},
      {2, 8, 6, 4, 3, 3, 6, 2, 2, 1, 1, "SAME"},
      {1, 11, 10, 3, 5, 5, 4, 3, 2, 1, 1, "VALID"},
      {1, 13, 13, 2, 3, 3, 3, 1, 1, 2, 3, "SAME"},
      {2, 9, 7, 5, 3, 2, 3, 2, 1, 1, 2, "EXPLICIT", {1, 2, 0, 3}},
      {1, 5, 5, 7, 1, 1, 9, 1, 1, 1, 1, "VALID"},
  };
  for (const WindowCase& c : cases) {
    SCOPED_TRACE(c.Name());
    Tensor input = RandomTensor(tensorflow::DT_FLOAT, c.input_shape(), 1);
    Tensor filter = RandomTensor(tensorflow::DT_FLOAT, c.filter_shape(), 2);
    OpRunner r("Conv2D");
    nn_testing::SetWindowAttrs(r, c, true);
    Tensor got = RunOne(r, {input, filter}, kRef);
    EXPECT_TRUE(TensorsNear(got, Im2ColConv2D(input, filter, nn_testing::CaseGeometry(c)), 1e-5));
  }
}

// Depthwise == a full convolution whose filter is block diagonal.
Tensor BlockDiagonalFilter(const Tensor& dw) {
  const int64_t kh = dw.shape().dim(0), kw = dw.shape().dim(1), ic = dw.shape().dim(2),
                mult = dw.shape().dim(3);
  Tensor full(tensorflow::DT_FLOAT, TensorShape({kh, kw, ic, ic * mult}));
  for (int64_t k = 0; k < kh * kw; ++k)
    for (int64_t c = 0; c < ic; ++c)
      for (int64_t m = 0; m < mult; ++m)
        full.data<float>()[(k * ic + c) * ic * mult + c * mult + m] =
            dw.data<float>()[(k * ic + c) * mult + m];
  return full;
}

TEST(DepthwiseConv2DReference, MatchesBlockDiagonalConv) {
  const std::vector<WindowCase> cases = {
      {1, 6, 7, 3, 3, 3, 1, 1, 1, 1, 1, "SAME"},
      {2, 9, 8, 5, 3, 3, 2, 2, 2, 1, 1, "SAME"},
      {1, 10, 10, 4, 5, 5, 2, 3, 3, 1, 1, "VALID"},
      {1, 12, 9, 3, 3, 3, 1, 1, 1, 2, 2, "EXPLICIT", {2, 1, 1, 2}},
  };
  for (const WindowCase& c : cases) {
    SCOPED_TRACE(c.Name());
    Tensor input = RandomTensor(tensorflow::DT_FLOAT, c.input_shape(), 3);
    Tensor filter = RandomTensor(tensorflow::DT_FLOAT, c.filter_shape(), 4);
    OpRunner dw("DepthwiseConv2dNative");
    nn_testing::SetWindowAttrs(dw, c, true);
    OpRunner full("Conv2D");
    nn_testing::SetWindowAttrs(full, c, true);
    EXPECT_TRUE(TensorsNear(RunOne(dw, {input, filter}, kRef),
                            RunOne(full, {input, BlockDiagonalFilter(filter)}, kRef), 1e-5));
  }
}

TEST(DepthwiseConv2DReference, HandComputedMultiplier2) {
  // 1x1 input pixel with channels (2, 3); 1x1 filter, multiplier 2.
  Tensor input = Floats({1, 1, 1, 2}, {2, 3});
  Tensor filter = Floats({1, 1, 2, 2}, {1, 10, 100, 1000});
  OpRunner r("DepthwiseConv2dNative");
  nn_testing::SetWindowAttrs(r, WindowCase{1, 1, 1, 2, 1, 1, 2, 1, 1, 1, 1, "VALID"}, true);
  EXPECT_EQ(Values(RunOne(r, {input, filter}, kRef)), (std::vector<float>{2, 20, 300, 3000}));
}

TEST(FusedConv2DReference, BiasReluBatchNormAndAdd) {
  WindowCase c{1, 5, 6, 3, 3, 3, 4, 1, 1, 1, 1, "SAME"};
  Tensor input = RandomTensor(tensorflow::DT_FLOAT, c.input_shape(), 5);
  Tensor filter = RandomTensor(tensorflow::DT_FLOAT, c.filter_shape(), 6);
  OpRunner plain("Conv2D");
  nn_testing::SetWindowAttrs(plain, c, true);
  std::vector<float> conv = Values(RunOne(plain, {input, filter}, kRef));
  Tensor bias = Floats({4}, {0.5f, -0.25f, 1.0f, -2.0f});
  Tensor scale = Floats({4}, {1.5f, 0.5f, 2.0f, 1.0f});
  Tensor offset = Floats({4}, {0.1f, 0.2f, -0.3f, 0.0f});
  Tensor mean = Floats({4}, {0.2f, -0.1f, 0.0f, 0.3f});
  Tensor var = Floats({4}, {1.0f, 0.5f, 2.0f, 0.25f});
  Tensor addend = RandomTensor(tensorflow::DT_FLOAT, TensorShape({1, 5, 6, 4}), 7);

  OpRunner bias_relu("_FusedConv2D");
  nn_testing::SetWindowAttrs(bias_relu, c, true);
  bias_relu.Attr("fused_ops", std::vector<std::string>{"BiasAdd", "Relu"}).Attr("num_args", 1);
  std::vector<float> got = Values(RunOne(bias_relu, {input, filter, bias}, kRef));
  OpRunner bn("_FusedConv2D");
  nn_testing::SetWindowAttrs(bn, c, true);
  bn.Attr("fused_ops", std::vector<std::string>{"FusedBatchNorm", "Relu6"})
      .Attr("num_args", 4)
      .Attr("epsilon", 0.001f);
  std::vector<float> got_bn = Values(RunOne(bn, {input, filter, scale, offset, mean, var}, kRef));
  OpRunner add("_FusedConv2D");
  nn_testing::SetWindowAttrs(add, c, true);
  add.Attr("fused_ops", std::vector<std::string>{"BiasAdd", "Add", "LeakyRelu"})
      .Attr("num_args", 2)
      .Attr("leakyrelu_alpha", 0.1f);
  std::vector<float> got_add = Values(RunOne(add, {input, filter, bias, addend}, kRef));
  ASSERT_EQ(got.size(), conv.size());
  for (size_t i = 0; i < conv.size(); ++i) {
    const int o = i % 4;
    EXPECT_NEAR(got[i], std::max(conv[i] + bias.data<float>()[o], 0.0f), 1e-5);
    float y = (conv[i] - mean.data<float>()[o]) / std::sqrt(var.data<float>()[o] + 0.001f) *
                  scale.data<float>()[o] +
              offset.data<float>()[o];
    EXPECT_NEAR(got_bn[i], std::min(std::max(y, 0.0f), 6.0f), 1e-5);
    float z = conv[i] + bias.data<float>()[o] + addend.data<float>()[i];
    EXPECT_NEAR(got_add[i], z > 0 ? z : 0.1f * z, 1e-5);
  }
}

TEST(Conv2DReference, RejectsWhatItCannotRun) {
  Tensor input = RandomTensor(tensorflow::DT_FLOAT, TensorShape({1, 4, 4, 2}), 1);
  Tensor filter = RandomTensor(tensorflow::DT_FLOAT, TensorShape({3, 3, 2, 2}), 1);
  OpRunner nchw("Conv2D");
  nn_testing::SetWindowAttrs(nchw, WindowCase{1, 4, 4, 2, 3, 3, 2, 1, 1, 1, 1, "SAME"}, true);
  nchw.Attr("data_format", "NCHW");
  auto s = nchw.Run({input, filter}, kRef);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kUnimplemented);
  OpRunner ok("Conv2D");
  nn_testing::SetWindowAttrs(ok, WindowCase{1, 4, 4, 2, 3, 3, 2, 1, 1, 1, 1, "SAME"}, true);
  Tensor wrong_depth = RandomTensor(tensorflow::DT_FLOAT, TensorShape({3, 3, 1, 2}), 1);
  EXPECT_EQ(ok.Run({input, wrong_depth}, kRef).status().code(), absl::StatusCode::kInvalidArgument);
  OpRunner fused("_FusedConv2D");
  nn_testing::SetWindowAttrs(fused, WindowCase{1, 4, 4, 2, 3, 3, 2, 1, 1, 1, 1, "SAME"}, true);
  fused.Attr("fused_ops", std::vector<std::string>{"BiasAdd", "Softsign"}).Attr("num_args", 1);
  EXPECT_EQ(fused.Run({input, filter, Floats({2}, {0, 0})}, kRef).status().code(),
            absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace savedserve
