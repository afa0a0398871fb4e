// Differential tests: the oneDNN Conv2DBackpropInput (a deconvolution) against the reference
// kernel over a table of shapes, with constant and per-call filters and input_sizes, 1 and 2
// threads, and from several threads at once. Tolerance: 1e-4 of the reference output's range,
// as for the forward convolutions (oneDNN sums in another order).
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/cpu/onednn_test_util.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/nn_test_util.h"

namespace savedserve {
namespace {

using nn_testing::InputSizes;
using nn_testing::RunOne;
using nn_testing::WindowCase;
constexpr double kTolerance = 1e-4;

// Odd sizes (SAME stride 2 onto both parities), strides 1/2/3, kernels 1-5, SAME/VALID/
// EXPLICIT, dilations, batch 1 and N, channel counts that are not multiples of 16, and
// decoder-sized upsamplings big enough for 2 threads.
const std::vector<WindowCase>& Cases() {
  static const auto* cases = new std::vector<WindowCase>{
      {1, 13, 11, 3, 3, 3, 17, 1, 1, 1, 1, "SAME"},
      {3, 10, 10, 5, 3, 3, 7, 2, 2, 1, 1, "SAME"},
      {3, 9, 11, 5, 3, 3, 7, 2, 2, 1, 1, "SAME"},
      {1, 15, 14, 19, 5, 5, 21, 3, 3, 1, 1, "SAME"},
      {2, 17, 13, 8, 4, 4, 33, 2, 2, 1, 1, "SAME"},
      {2, 16, 16, 8, 2, 2, 12, 2, 2, 1, 1, "VALID"},
      {1, 17, 15, 6, 3, 3, 10, 2, 2, 1, 1, "VALID"},
      {1, 12, 12, 35, 1, 1, 40, 1, 1, 1, 1, "VALID"},
      {1, 21, 19, 9, 3, 3, 20, 1, 1, 2, 2, "SAME"},
      {2, 14, 16, 12, 3, 3, 13, 2, 3, 2, 1, "VALID"},
      {1, 10, 10, 6, 3, 3, 11, 2, 2, 1, 1, "EXPLICIT", {1, 1, 1, 1}},
      {3, 8, 9, 5, 3, 5, 9, 1, 2, 1, 1, "EXPLICIT", {0, 2, 3, 1}},
      {1, 64, 64, 32, 3, 3, 64, 2, 2, 1, 1, "SAME"},  // U-Net-like decoder step
      {2, 32, 32, 64, 4, 4, 48, 2, 2, 1, 1, "SAME"},  // DCGAN-like generator step
  };
  return *cases;
}

// Which implementation `r`'s optimized kernel picks for case `c`.
std::string ImplementationOf(OpRunner& r, const WindowCase& c, int threads) {
  const TensorShape dy = nn_testing::CaseGeometry(c).output_shape();
  auto kernel = r.Create({InputSizes(c), Tensor(tensorflow::DT_FLOAT, c.filter_shape()),
                          Tensor(tensorflow::DT_FLOAT, dy)},
                         KernelVariant::kOptimized);
  if (!kernel.ok()) return std::string(kernel.status().message());
  auto* introspect = dynamic_cast<const onednn::Introspectable*>(kernel->get());
  if (introspect == nullptr) return "not a oneDNN kernel";
  // The forward input's shape stands in for input_sizes.
  auto impl = introspect->Implementation({c.input_shape(), c.filter_shape(), dy}, threads);
  return impl.ok() ? *impl : std::string(impl.status().message());
}

void ExpectMatchesReference(const WindowCase& c, bool constant, int threads) {
  SCOPED_TRACE(c.Name() + (constant ? " const" : " var") + " threads " + std::to_string(threads));
  const WindowGeometry g = nn_testing::CaseGeometry(c);
  Tensor filter = RandomTensor(tensorflow::DT_FLOAT, c.filter_shape(), 12);
  Tensor dy = RandomTensor(tensorflow::DT_FLOAT, g.output_shape(), 11);
  OpRunner r("Conv2DBackpropInput");
  nn_testing::SetWindowAttrs(r, c, true);
  r.Threads(threads);
  if (constant) r.ConstantInput(0).ConstantInput(1);
  Tensor want = RunOne(r, {InputSizes(c), filter, dy}, KernelVariant::kReference);
  Tensor got = RunOne(r, {InputSizes(c), filter, dy}, KernelVariant::kOptimized);
  EXPECT_TRUE(TensorsNear(got, want, kTolerance));
  // Every case runs in oneDNN (dilated and strided ones in its gemm-based JIT), not the
  // reference fallback.
  EXPECT_TRUE(onednn::IsJitImplementation(ImplementationOf(r, c, threads)));
}

TEST(Conv2DBackpropInputOneDnn, MatchesReference) {
  for (const WindowCase& c : Cases()) {
    ExpectMatchesReference(c, /*constant=*/true, 2);
    ExpectMatchesReference(c, /*constant=*/false, 1);
  }
}

TEST(Conv2DBackpropInputOneDnn, EmptyShapesGiveEmptyOrZeroOutput) {
  WindowCase c{0, 6, 6, 3, 3, 3, 2, 2, 2, 1, 1, "SAME"};
  OpRunner r("Conv2DBackpropInput");
  nn_testing::SetWindowAttrs(r, c, true);
  Tensor out = RunOne(r, {InputSizes(c), RandomTensor(tensorflow::DT_FLOAT, c.filter_shape(), 1),
                          Tensor(tensorflow::DT_FLOAT, TensorShape({0, 3, 3, 2}))});
  EXPECT_EQ(out.shape(), TensorShape({0, 6, 6, 3}));
  // No output channels in the forward convolution: the gradient is all zeros.
  WindowCase none{1, 5, 5, 3, 3, 3, 0, 1, 1, 1, 1, "SAME"};
  OpRunner z("Conv2DBackpropInput");
  nn_testing::SetWindowAttrs(z, none, true);
  Tensor zeros = RunOne(z, {InputSizes(none), Tensor(tensorflow::DT_FLOAT, none.filter_shape()),
                            Tensor(tensorflow::DT_FLOAT, TensorShape({1, 5, 5, 0}))});
  ASSERT_EQ(zeros.shape(), TensorShape({1, 5, 5, 3}));
  for (float v : nn_testing::Values(zeros)) EXPECT_EQ(v, 0.0f);
}

// oneDNN silently falls back to reference implementations when it does not like a layout;
// make sure decoder shapes get JIT code.
TEST(Conv2DBackpropInputOneDnn, UsesJitImplementations) {
  const std::vector<WindowCase> hot = {
      {1, 64, 64, 64, 3, 3, 128, 2, 2, 1, 1, "SAME"},
      {1, 32, 32, 128, 2, 2, 256, 2, 2, 1, 1, "VALID"},
      {4, 16, 16, 64, 4, 4, 128, 2, 2, 1, 1, "SAME"},
      {1, 28, 28, 3, 3, 3, 32, 1, 1, 1, 1, "SAME"},
  };
  for (const WindowCase& c : hot) {
    OpRunner r("Conv2DBackpropInput");
    nn_testing::SetWindowAttrs(r, c, true);
    r.ConstantInput(1);
    for (int threads : {1, 2}) {
      const std::string impl = ImplementationOf(r, c, threads);
      EXPECT_TRUE(onednn::IsJitImplementation(impl)) << c.Name() << ": " << impl;
    }
  }
}

// One kernel, many threads computing at once with different batch sizes (so plans are created
// concurrently too): every result must match the reference.
TEST(Conv2DBackpropInputOneDnn, ConcurrentComputeIsSafe) {
  const WindowCase c{1, 15, 15, 8, 3, 3, 24, 2, 2, 1, 1, "SAME"};
  OpRunner r("Conv2DBackpropInput");
  nn_testing::SetWindowAttrs(r, c, true);
  r.ConstantInput(1);
  Tensor filter = RandomTensor(tensorflow::DT_FLOAT, c.filter_shape(), 2);
  const TensorShape dy_shape = nn_testing::CaseGeometry(c).output_shape();
  auto kernel = r.Create({InputSizes(c), filter, Tensor(tensorflow::DT_FLOAT, dy_shape)},
                         KernelVariant::kOptimized);
  ASSERT_TRUE(kernel.ok()) << kernel.status();
  auto failures = nn_testing::RunConcurrently(4, 6, [&](int t, int i, ThreadPool* pool) {
    WindowCase b = c;
    b.batch = 1 + (t + i) % 3;
    Tensor dy =
        RandomTensor(tensorflow::DT_FLOAT,
                     TensorShape({b.batch, dy_shape.dim(1), dy_shape.dim(2), 24}), 100 * t + i);
    auto got = nn_testing::ComputeOnce(**kernel, r.node(), {InputSizes(b), filter, dy}, pool);
    OpRunner ref("Conv2DBackpropInput");
    ref.node() = r.node();
    auto want = ref.Run({InputSizes(b), filter, dy}, KernelVariant::kReference);
    return got.ok() && want.ok() && TensorsNear(*got, (*want)[0], kTolerance);
  });
  EXPECT_TRUE(failures.empty()) << failures.front();
}

TEST(Conv2DBackpropInputOneDnn, RejectsWhatTheReferenceRejects) {
  WindowCase c{1, 8, 8, 3, 3, 3, 4, 2, 2, 1, 1, "SAME"};
  OpRunner r("Conv2DBackpropInput");
  nn_testing::SetWindowAttrs(r, c, true);
  r.ConstantInput(1);
  Tensor filter = RandomTensor(tensorflow::DT_FLOAT, c.filter_shape(), 1);
  Tensor dy = RandomTensor(tensorflow::DT_FLOAT, TensorShape({1, 4, 4, 4}), 2);
  WindowCase ten = c;
  ten.height = ten.width = 10;
  Tensor wrong = InputSizes(ten);
  for (auto variant : {KernelVariant::kReference, KernelVariant::kOptimized}) {
    EXPECT_TRUE(r.Run({InputSizes(c), filter, dy}, variant).ok());
    EXPECT_EQ(r.Run({wrong, filter, dy}, variant).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace savedserve
