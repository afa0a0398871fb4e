// Differential tests: the oneDNN Conv3D against the reference kernel over a table of shapes
// (odd sizes, strides, dilations, SAME/VALID, batch 1 and N, channel counts that are not
// multiples of 16), constant and per-call filters, 1 and 2 threads, and from several threads
// at once. Tolerance: 1e-4 of the reference output's range (another summation order).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "kernels/cpu/onednn_test_util.h"
#include "kernels/kernel_testing.h"

namespace savedserve {
namespace {

constexpr double kTolerance = 1e-4;

struct Case {
  std::vector<int64_t> input, filter;  // NDHWC, [kd, kh, kw, in_c, out_c]
  int64_t stride, dilation;
  std::string padding;

  std::string Name() const {
    return absl::StrCat(TensorShape(input).DebugString(), "*", TensorShape(filter).DebugString(),
                        " s", stride, " d", dilation, " ", padding);
  }
};

void SetAttrs(OpRunner& r, const Case& c) {
  r.Attr("T", tensorflow::DT_FLOAT).Attr("padding", c.padding).Attr("data_format", "NDHWC");
  r.Attr("strides", std::vector<int64_t>{1, c.stride, c.stride, c.stride, 1});
  r.Attr("dilations", std::vector<int64_t>{1, c.dilation, c.dilation, c.dilation, 1});
}

const std::vector<Case>& Cases() {
  static const auto* cases = new std::vector<Case>{
      {{1, 5, 6, 7, 3}, {3, 3, 3, 3, 4}, 1, 1, "SAME"},
      {{2, 7, 8, 6, 5}, {3, 3, 3, 5, 7}, 2, 1, "SAME"},
      {{1, 9, 7, 8, 3}, {2, 3, 4, 3, 17}, 1, 1, "VALID"},
      {{1, 8, 9, 9, 6}, {3, 3, 3, 6, 9}, 1, 2, "SAME"},
      {{3, 6, 6, 6, 20}, {1, 1, 1, 20, 24}, 1, 1, "VALID"},
      {{1, 11, 10, 9, 4}, {3, 5, 3, 4, 8}, 3, 1, "VALID"},
      {{1, 8, 28, 28, 32}, {3, 3, 3, 32, 64}, 1, 1, "SAME"},  // video-model sized, 2 threads
  };
  return *cases;
}

TEST(Conv3DOneDnn, MatchesReference) {
  uint32_t seed = 1;
  for (const Case& c : Cases()) {
    const Tensor input = RandomTensor(tensorflow::DT_FLOAT, TensorShape(c.input), seed++);
    const Tensor filter = RandomTensor(tensorflow::DT_FLOAT, TensorShape(c.filter), seed++);
    for (bool constant : {true, false}) {
      SCOPED_TRACE(c.Name() + (constant ? " const" : " var"));
      OpRunner r("Conv3D");
      SetAttrs(r, c);
      r.Threads(constant ? 2 : 1);
      if (constant) r.ConstantInput(1);
      auto want = r.Run({input, filter}, KernelVariant::kReference);
      auto got = r.Run({input, filter}, KernelVariant::kOptimized);
      ASSERT_TRUE(want.ok() && got.ok()) << want.status() << got.status();
      EXPECT_TRUE(TensorsNear((*got)[0], (*want)[0], kTolerance));
      const std::string impl = nn_testing::ImplementationOf(r, {input, filter}, constant ? 2 : 1);
      EXPECT_TRUE(onednn::IsJitImplementation(impl)) << impl;
    }
  }
}

TEST(Conv3DOneDnn, ConcurrentComputeIsSafe) {
  const Case c{{1, 5, 7, 7, 4}, {3, 3, 3, 4, 8}, 1, 1, "SAME"};
  OpRunner r("Conv3D");
  SetAttrs(r, c);
  r.ConstantInput(1);
  const Tensor filter = RandomTensor(tensorflow::DT_FLOAT, TensorShape(c.filter), 2);
  auto kernel = r.Create({RandomTensor(tensorflow::DT_FLOAT, TensorShape(c.input), 1), filter},
                         KernelVariant::kOptimized);
  ASSERT_TRUE(kernel.ok()) << kernel.status();
  auto failures = nn_testing::RunConcurrently(4, 6, [&](int t, int i, ThreadPool* pool) {
    const int64_t batch = 1 + (t + i) % 3;
    const Tensor input =
        RandomTensor(tensorflow::DT_FLOAT, TensorShape({batch, 5, 7, 7, 4}), 100 * t + i);
    auto got = nn_testing::ComputeOnce(**kernel, r.node(), {input, filter}, pool);
    OpRunner ref("Conv3D");
    ref.node() = r.node();
    auto want = ref.Run({input, filter}, KernelVariant::kReference);
    return got.ok() && want.ok() && TensorsNear(*got, (*want)[0], kTolerance);
  });
  EXPECT_TRUE(failures.empty()) << failures.front();
}

}  // namespace
}  // namespace savedserve
