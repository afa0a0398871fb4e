// Blocked (nChw16c) activations: the conversions (oneDNN against the reference loops, round
// trips) and the oneDNN convolutions and pools with _layout = nChw16c against the NHWC
// reference kernels, with inputs converted in and outputs converted back.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "kernels/cpu/conv2d_onednn.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/blocked_layout.h"
#include "kernels/ops/nn_test_util.h"

namespace savedserve {
namespace {

using nn_testing::RunOne;
using nn_testing::WindowCase;

Tensor Convert(const Tensor& t, bool to_blocked,
               KernelVariant variant = KernelVariant::kReference) {
  OpRunner r(to_blocked ? kToBlockedOp : kFromBlockedOp);
  r.Attr("T", tensorflow::DT_FLOAT);
  return RunOne(r, {t}, variant);
}

TEST(BlockedLayout, ConversionsRoundTripAndAgree) {
  const Tensor nhwc = RandomTensor(tensorflow::DT_FLOAT, TensorShape({2, 5, 7, 48}), 1);
  const Tensor blocked = Convert(nhwc, true);
  EXPECT_EQ(blocked.shape(), TensorShape({2, 3, 5, 7, 16}));
  // Element (n=1, y=2, x=3, c=37) sits in block 2 at lane 5.
  EXPECT_EQ(blocked.data<float>()[(((1 * 3 + 2) * 5 + 2) * 7 + 3) * 16 + 5],
            nhwc.data<float>()[((1 * 5 + 2) * 7 + 3) * 48 + 37]);
  EXPECT_TRUE(Convert(nhwc, true, KernelVariant::kOptimized).Identical(blocked));
  EXPECT_TRUE(Convert(blocked, false).Identical(nhwc));
  EXPECT_TRUE(Convert(blocked, false, KernelVariant::kOptimized).Identical(nhwc));

  OpRunner bad(kToBlockedOp);
  bad.Attr("T", tensorflow::DT_FLOAT);
  for (KernelVariant variant : {KernelVariant::kReference, KernelVariant::kOptimized}) {
    EXPECT_FALSE(
        bad.Run({RandomTensor(tensorflow::DT_FLOAT, TensorShape({1, 2, 2, 20}), 2)}, variant).ok());
  }
}

// Channels in multiples of 16; Winograd-sized, dilated, strided with explicit pads, 1x1.
const std::vector<WindowCase>& BlockedConvCases() {
  static const auto* cases = new std::vector<WindowCase>{
      {1, 12, 12, 64, 3, 3, 64, 1, 1, 1, 1, "SAME"},
      {2, 9, 10, 32, 3, 3, 48, 1, 1, 1, 1, "SAME"},
      {1, 19, 19, 16, 3, 3, 32, 1, 1, 6, 6, "SAME"},
      {1, 10, 10, 32, 3, 3, 16, 2, 2, 1, 1, "EXPLICIT", {1, 1, 1, 1}},
      {1, 7, 7, 64, 1, 1, 32, 1, 1, 1, 1, "VALID"},
  };
  return *cases;
}

TEST(BlockedLayout, ConvolutionsMatchTheNhwcReference) {
  const WinogradPolicy default_policy = GetWinogradPolicy();
  for (bool winograd : {true, false}) {
    SetWinogradPolicy(winograd ? WinogradPolicy::kAll : WinogradPolicy::kNone);
    for (const WindowCase& c : BlockedConvCases()) {
      SCOPED_TRACE(absl::StrCat(c.Name(), winograd ? " winograd" : " direct"));
      auto configure = [&](OpRunner& r, bool blocked) {
        nn_testing::SetWindowAttrs(r, c, true);
        r.Attr("fused_ops", std::vector<std::string>{"BiasAdd", "Relu"}).Attr("num_args", 1);
        if (blocked) r.Attr(kLayoutAttr, kBlockedLayout);
        r.ConstantInput(1).ConstantInput(2).Threads(2);
      };
      const Tensor input = RandomTensor(tensorflow::DT_FLOAT, c.input_shape(), 1);
      const Tensor filter = RandomTensor(tensorflow::DT_FLOAT, c.filter_shape(), 2);
      const Tensor bias = RandomTensor(tensorflow::DT_FLOAT, TensorShape({c.out_channels}), 3);
      OpRunner reference("_FusedConv2D"), blocked("_FusedConv2D");
      configure(reference, false);
      configure(blocked, true);
      const Tensor want = RunOne(reference, {input, filter, bias}, KernelVariant::kReference);
      const Tensor got = RunOne(blocked, {Convert(input, true), filter, bias});
      EXPECT_TRUE(TensorsNear(Convert(got, false), want, 1e-4));
    }
  }
  SetWinogradPolicy(default_policy);
}

TEST(BlockedLayout, PoolsMatchTheNhwcReference) {
  for (const char* op : {"MaxPool", "AvgPool"}) {
    SCOPED_TRACE(op);
    auto configure = [&](OpRunner& r, bool blocked) {
      r.Attr("T", tensorflow::DT_FLOAT);
      r.Attr("ksize", std::vector<int64_t>{1, 3, 3, 1});
      r.Attr("strides", std::vector<int64_t>{1, 2, 2, 1});
      r.Attr("padding", "SAME").Attr("data_format", "NHWC").Threads(2);
      if (blocked) r.Attr(kLayoutAttr, kBlockedLayout);
    };
    const Tensor input = RandomTensor(tensorflow::DT_FLOAT, TensorShape({2, 9, 8, 32}), 4);
    OpRunner reference(op), blocked(op);
    configure(reference, false);
    configure(blocked, true);
    const Tensor want = RunOne(reference, {input}, KernelVariant::kReference);
    const Tensor got = RunOne(blocked, {Convert(input, true)});
    EXPECT_TRUE(TensorsNear(Convert(got, false), want, 1e-5));
  }
}

}  // namespace
}  // namespace savedserve
