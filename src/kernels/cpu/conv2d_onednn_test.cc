// Differential tests: oneDNN Conv2D / DepthwiseConv2dNative / fused variants against the
// reference kernels over a table of shapes. Tolerance: 1e-4 of the reference output's range
// (at least 1e-4 absolute) — oneDNN sums in a different order (and blocks K), so results
// differ in the last bits.
#include "kernels/cpu/conv2d_onednn.h"


#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "kernels/cpu/onednn_test_util.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/nn_test_util.h"

namespace savedserve {
namespace {

using nn_testing::RunOne;
using nn_testing::WindowCase;
constexpr double kTolerance = 1e-4;

// Odd sizes, strides 1/2/3, dilations 1/2/6, SAME/VALID/EXPLICIT, kernels 1/3/5, batch 1
// and 3, channel counts that are not multiples of 16.
const std::vector<WindowCase>& ConvCases() {
  static const auto* cases = new std::vector<WindowCase>{
      {1, 13, 11, 3, 3, 3, 17, 1, 1, 1, 1, "SAME"},
      {3, 9, 10, 5, 3, 3, 7, 2, 2, 1, 1, "SAME"},
      {1, 15, 14, 19, 5, 5, 21, 3, 3, 1, 1, "SAME"},
      {2, 17, 13, 8, 5, 5, 33, 2, 1, 1, 1, "VALID"},
      {1, 12, 12, 35, 1, 1, 40, 1, 1, 1, 1, "VALID"},
      {1, 11, 11, 24, 1, 1, 18, 2, 2, 1, 1, "SAME"},
      {1, 21, 19, 9, 3, 3, 20, 1, 1, 2, 2, "SAME"},
      {1, 19, 19, 16, 3, 3, 32, 1, 1, 6, 6, "SAME"},  // SSD conv6-like
      {2, 14, 16, 12, 3, 3, 13, 2, 3, 2, 1, "VALID"},
      {1, 10, 10, 6, 3, 3, 11, 2, 2, 1, 1, "EXPLICIT", {1, 1, 1, 1}},  // SSD block8
      {3, 8, 9, 5, 3, 5, 9, 1, 2, 1, 1, "EXPLICIT", {0, 2, 3, 1}},
      {1, 5, 5, 64, 3, 3, 64, 1, 1, 1, 1, "SAME"},
      {1, 3, 3, 128, 3, 3, 256, 1, 1, 1, 1, "VALID"},  // SSD block10 -> 1x1
      {2, 38, 38, 64, 3, 3, 96, 1, 1, 2, 2, "SAME"},   // big enough for 2 threads
  };
  return *cases;
}

const std::vector<WindowCase>& DepthwiseCases() {
  static const auto* cases = new std::vector<WindowCase>{
      {1, 13, 11, 3, 3, 3, 1, 1, 1, 1, 1, "SAME"},
      {2, 16, 16, 32, 3, 3, 1, 2, 2, 1, 1, "SAME"},  // MobileNet-like
      {1, 15, 17, 17, 3, 3, 2, 1, 1, 1, 1, "SAME"},
      {3, 9, 10, 7, 5, 5, 2, 2, 2, 1, 1, "VALID"},
      {1, 20, 20, 24, 3, 3, 1, 3, 3, 1, 1, "SAME"},
      {1, 19, 21, 10, 3, 3, 1, 1, 1, 2, 2, "SAME"},
      {1, 12, 12, 5, 3, 3, 2, 2, 1, 1, 1, "EXPLICIT", {1, 0, 2, 1}},
      {1, 7, 7, 48, 1, 1, 1, 1, 1, 1, 1, "VALID"},
      {2, 75, 75, 64, 3, 3, 1, 1, 1, 1, 1, "SAME"},  // big enough for 2 threads
  };
  return *cases;
}

void ExpectMatchesReference(const std::string& op, const WindowCase& c, bool constant,
                            int threads) {
  SCOPED_TRACE(op + " " + c.Name() + (constant ? " const" : " var") + " threads " +
               std::to_string(threads));
  Tensor input = RandomTensor(tensorflow::DT_FLOAT, c.input_shape(), 11);
  Tensor filter = RandomTensor(tensorflow::DT_FLOAT, c.filter_shape(), 12);
  OpRunner r(op);
  nn_testing::SetWindowAttrs(r, c, true);
  r.Threads(threads);
  if (constant) r.ConstantInput(1);
  Tensor want = RunOne(r, {input, filter}, KernelVariant::kReference);
  Tensor got = RunOne(r, {input, filter}, KernelVariant::kOptimized);
  EXPECT_TRUE(TensorsNear(got, want, kTolerance));
}

TEST(Conv2DOneDnn, MatchesReference) {
  for (const WindowCase& c : ConvCases()) {
    ExpectMatchesReference("Conv2D", c, /*constant=*/true, 2);
    ExpectMatchesReference("Conv2D", c, /*constant=*/false, 1);
  }
}

TEST(DepthwiseConv2DOneDnn, MatchesReference) {
  for (const WindowCase& c : DepthwiseCases()) {
    ExpectMatchesReference("DepthwiseConv2dNative", c, /*constant=*/true, 2);
    ExpectMatchesReference("DepthwiseConv2dNative", c, /*constant=*/false, 1);
  }
}

struct FusedCase {
  std::vector<std::string> ops;
  int num_args;
};

TEST(FusedConv2DOneDnn, MatchesReference) {
  const std::vector<FusedCase> fused = {
      {{"BiasAdd"}, 1},
      {{"BiasAdd", "Relu"}, 1},
      {{"BiasAdd", "Relu6"}, 1},
      {{"BiasAdd", "Elu"}, 1},
      {{"BiasAdd", "LeakyRelu"}, 1},
      {{"FusedBatchNorm"}, 4},
      {{"FusedBatchNorm", "Relu"}, 4},
      {{"BiasAdd", "Add", "Relu"}, 2},
  };
  const WindowCase conv{2, 9, 11, 5, 3, 3, 19, 2, 1, 1, 1, "SAME"};
  const WindowCase dw{1, 10, 9, 7, 3, 3, 2, 1, 1, 1, 1, "SAME"};
  for (bool depthwise : {false, true}) {
    const WindowCase& c = depthwise ? dw : conv;
    const int64_t out_c = depthwise ? c.channels * c.out_channels : c.out_channels;
    for (const FusedCase& f : fused) {
      if (depthwise && f.ops.size() > 1 && f.ops[1] == "Add") continue;
      for (bool constant : {false, true}) {
        SCOPED_TRACE(absl::StrCat(depthwise ? "depthwise " : "conv ", f.ops[0], " ", f.ops.back(),
                                  constant ? " const" : " var"));
        OpRunner r(depthwise ? "_FusedDepthwiseConv2dNative" : "_FusedConv2D");
        nn_testing::SetWindowAttrs(r, c, true);
        r.Attr("fused_ops", f.ops).Attr("num_args", f.num_args).Attr("epsilon", 0.001f);
        r.Attr("leakyrelu_alpha", 0.3f).Threads(2);
        std::vector<Tensor> inputs = {RandomTensor(tensorflow::DT_FLOAT, c.input_shape(), 1),
                                      RandomTensor(tensorflow::DT_FLOAT, c.filter_shape(), 2)};
        if (f.num_args == 4) {
          inputs.push_back(RandomTensor(tensorflow::DT_FLOAT, TensorShape({out_c}), 3, 0.5, 2));
          inputs.push_back(RandomTensor(tensorflow::DT_FLOAT, TensorShape({out_c}), 4));
          inputs.push_back(RandomTensor(tensorflow::DT_FLOAT, TensorShape({out_c}), 5));
          inputs.push_back(RandomTensor(tensorflow::DT_FLOAT, TensorShape({out_c}), 6, 0.1, 3));
        } else {
          inputs.push_back(RandomTensor(tensorflow::DT_FLOAT, TensorShape({out_c}), 3));
        }
        if (f.num_args == 2) {  // the residual has the output's shape
          OpRunner plain(depthwise ? "DepthwiseConv2dNative" : "Conv2D");
          nn_testing::SetWindowAttrs(plain, c, true);
          Tensor conv = RunOne(plain, {inputs[0], inputs[1]}, KernelVariant::kReference);
          inputs.push_back(RandomTensor(tensorflow::DT_FLOAT, conv.shape(), 7));
        }
        if (constant) {
          for (int i = 1; i < static_cast<int>(inputs.size()); ++i) r.ConstantInput(i);
        }
        Tensor want = RunOne(r, inputs, KernelVariant::kReference);
        Tensor got = RunOne(r, inputs, KernelVariant::kOptimized);
        EXPECT_TRUE(TensorsNear(got, want, kTolerance));
      }
    }
  }
}

// oneDNN silently falls back to reference implementations (~1000x slower) when it does not
// like a layout; make sure the shapes that matter get JIT / brgemm code.
TEST(Conv2DOneDnn, UsesJitImplementations) {
  const std::vector<WindowCase> hot = {
      {1, 38, 38, 64, 3, 3, 64, 1, 1, 1, 1, "SAME"},
      {1, 19, 19, 64, 3, 3, 128, 1, 1, 6, 6, "SAME"},
      {1, 19, 19, 128, 1, 1, 64, 1, 1, 1, 1, "SAME"},
      {1, 10, 10, 32, 3, 3, 64, 2, 2, 1, 1, "EXPLICIT", {1, 1, 1, 1}},
      {1, 30, 30, 3, 3, 3, 64, 1, 1, 1, 1, "SAME"},
      {4, 38, 38, 64, 3, 3, 64, 1, 1, 1, 1, "SAME"},
  };
  for (const WindowCase& c : hot) {
    OpRunner r("Conv2D");
    nn_testing::SetWindowAttrs(r, c, true);
    r.ConstantInput(1);
    Tensor input(tensorflow::DT_FLOAT, c.input_shape());
    Tensor filter(tensorflow::DT_FLOAT, c.filter_shape());
    for (int threads : {1, 2}) {
      std::string impl = nn_testing::ImplementationOf(r, {input, filter}, threads);
      EXPECT_TRUE(onednn::IsJitImplementation(impl)) << c.Name() << ": " << impl;
    }
  }
  const WindowCase dw{1, 38, 38, 32, 3, 3, 1, 1, 1, 1, 1, "SAME"};
  OpRunner r("DepthwiseConv2dNative");
  nn_testing::SetWindowAttrs(r, dw, true);
  r.ConstantInput(1);
  std::string impl = nn_testing::ImplementationOf(r,
                                                  {Tensor(tensorflow::DT_FLOAT, dw.input_shape()),
                                                   Tensor(tensorflow::DT_FLOAT, dw.filter_shape())},
                                                  2);
  EXPECT_TRUE(onednn::IsJitImplementation(impl)) << impl;
}

// Winograd (WinogradPolicy::kAll: for 3x3 stride-1 convolutions with >= 64 channels)
// against the reference; its transforms add rounding error, so the tolerance is 1e-4 of the
// range here too but the inputs are the scale real activations have. The default policy
// (kLarge) leaves images this small to direct convolution, as does kNone.
TEST(Conv2DOneDnn, WinogradMatchesReference) {
  const std::vector<WindowCase> cases = {
      {1, 16, 16, 64, 3, 3, 64, 1, 1, 1, 1, "SAME"},
      {2, 19, 19, 128, 3, 3, 80, 1, 1, 1, 1, "SAME"},
      {1, 13, 10, 96, 3, 3, 64, 1, 1, 1, 1, "VALID"},
      {1, 38, 38, 256, 3, 3, 128, 1, 1, 1, 1, "SAME"},
  };
  const WinogradPolicy default_policy = GetWinogradPolicy();
  ASSERT_EQ(default_policy, WinogradPolicy::kLarge);
  SetWinogradPolicy(WinogradPolicy::kAll);
  for (const WindowCase& c : cases) {
    SCOPED_TRACE(c.Name());
    Tensor input = RandomTensor(tensorflow::DT_FLOAT, c.input_shape(), 21, 0, 1);
    Tensor filter = RandomTensor(tensorflow::DT_FLOAT, c.filter_shape(), 22, -0.1, 0.1);
    Tensor bias = RandomTensor(tensorflow::DT_FLOAT, TensorShape({c.out_channels}), 23);
    OpRunner r("_FusedConv2D");
    nn_testing::SetWindowAttrs(r, c, true);
    r.Attr("fused_ops", std::vector<std::string>{"BiasAdd", "Relu"}).Attr("num_args", 1);
    r.ConstantInput(1).ConstantInput(2).Threads(2);
    if (__builtin_cpu_supports("avx512f")) {  // oneDNN has Winograd for AVX-512 only
      EXPECT_NE(nn_testing::ImplementationOf(r, {input, filter, bias}, 2).find("wino"),
                std::string::npos);
    }
    Tensor want = RunOne(r, {input, filter, bias}, KernelVariant::kReference);
    EXPECT_TRUE(TensorsNear(RunOne(r, {input, filter, bias}), want, kTolerance));
  }
  for (WinogradPolicy policy : {WinogradPolicy::kNone, WinogradPolicy::kLarge}) {
    SetWinogradPolicy(policy);
    OpRunner r("Conv2D");
    nn_testing::SetWindowAttrs(r, cases[0], true);
    r.ConstantInput(1);
    std::string impl =
        nn_testing::ImplementationOf(r,
                                     {Tensor(tensorflow::DT_FLOAT, cases[0].input_shape()),
                                      Tensor(tensorflow::DT_FLOAT, cases[0].filter_shape())},
                                     2);
    EXPECT_EQ(impl.find("wino"), std::string::npos) << impl;
  }
  SetWinogradPolicy(default_policy);
  EXPECT_EQ(*ParseWinogradPolicy("true"), WinogradPolicy::kAll);
  EXPECT_EQ(*ParseWinogradPolicy("large"), WinogradPolicy::kLarge);
  EXPECT_EQ(*ParseWinogradPolicy("none"), WinogradPolicy::kNone);
  EXPECT_FALSE(ParseWinogradPolicy("fast").ok());
}

// One kernel, many threads computing at once with different shapes (so plans are created
// concurrently too): every result must match the reference.
TEST(Conv2DOneDnn, ConcurrentComputeIsSafe) {
  const WindowCase c{1, 15, 15, 8, 3, 3, 24, 1, 1, 1, 1, "SAME"};
  OpRunner r("_FusedConv2D");
  nn_testing::SetWindowAttrs(r, c, true);
  r.Attr("fused_ops", std::vector<std::string>{"BiasAdd", "Relu"}).Attr("num_args", 1);
  r.ConstantInput(1).ConstantInput(2);
  Tensor filter = RandomTensor(tensorflow::DT_FLOAT, c.filter_shape(), 2);
  Tensor bias = RandomTensor(tensorflow::DT_FLOAT, TensorShape({24}), 3);
  Tensor probe = RandomTensor(tensorflow::DT_FLOAT, c.input_shape(), 1);
  auto kernel = r.Create({probe, filter, bias}, KernelVariant::kOptimized);
  ASSERT_TRUE(kernel.ok()) << kernel.status();
  auto failures = nn_testing::RunConcurrently(4, 6, [&](int t, int i, ThreadPool* pool) {
    const int64_t batch = 1 + (t + i) % 3;
    Tensor input = RandomTensor(tensorflow::DT_FLOAT, TensorShape({batch, 15, 15, 8}), 100 * t + i);
    auto got = nn_testing::ComputeOnce(**kernel, r.node(), {input, filter, bias}, pool);
    OpRunner ref("_FusedConv2D");
    ref.node() = r.node();
    auto want = ref.Run({input, filter, bias}, KernelVariant::kReference);
    return got.ok() && want.ok() && TensorsNear(*got, (*want)[0], kTolerance);
  });
  EXPECT_TRUE(failures.empty()) << failures.front();
}

}  // namespace
}  // namespace savedserve
