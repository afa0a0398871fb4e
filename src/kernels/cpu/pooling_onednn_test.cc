// Differential tests: oneDNN MaxPool / AvgPool against the reference kernels (exact for max;
// 1e-5 of the range for average, whose summation order differs).
#include "gtest/gtest.h"
#include "kernels/cpu/onednn_test_util.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/nn_test_util.h"

namespace savedserve {
namespace {

using nn_testing::RunOne;
using nn_testing::WindowCase;

void SetPoolAttrs(OpRunner& r, const WindowCase& c) {
  nn_testing::SetWindowAttrs(r, c, /*dilations=*/false);
  r.Attr("ksize", std::vector<int64_t>{1, c.window_h, c.window_w, 1});
}

const std::vector<WindowCase> kPoolCases = {
    {1, 300, 300, 3, 2, 2, 0, 2, 2, 1, 1, "VALID"},
    {1, 75, 75, 17, 2, 2, 0, 2, 2, 1, 1, "SAME"},  // SSD conv3 pool: 75 -> 38
    {2, 19, 19, 20, 3, 3, 0, 1, 1, 1, 1, "SAME"},  // SSD pool5: 3x3 s1
    {1, 13, 11, 5, 3, 3, 0, 2, 2, 1, 1, "SAME"},
    {3, 14, 15, 33, 3, 2, 0, 3, 2, 1, 1, "VALID"},
    {1, 9, 9, 16, 5, 5, 0, 3, 3, 1, 1, "SAME"},
    {1, 8, 8, 7, 1, 1, 0, 2, 2, 1, 1, "VALID"},
};

TEST(PoolOneDnn, MatchesReference) {
  for (const char* op : {"MaxPool", "AvgPool"}) {
    for (const WindowCase& c : kPoolCases) {
      SCOPED_TRACE(std::string(op) + " " + c.Name());
      OpRunner r(op);
      SetPoolAttrs(r, c);
      r.Threads(2);
      Tensor in = RandomTensor(tensorflow::DT_FLOAT, c.input_shape(), 5, -3, 1);
      EXPECT_TRUE(TensorsNear(RunOne(r, {in}), RunOne(r, {in}, KernelVariant::kReference), 1e-5));
    }
  }
  // MaxPool also takes EXPLICIT padding.
  WindowCase c{1, 10, 10, 4, 3, 3, 0, 2, 2, 1, 1, "EXPLICIT", {1, 1, 0, 2}};
  OpRunner r("MaxPool");
  SetPoolAttrs(r, c);
  Tensor in = RandomTensor(tensorflow::DT_FLOAT, c.input_shape(), 5, -3, -1);
  EXPECT_TRUE(TensorsNear(RunOne(r, {in}), RunOne(r, {in}, KernelVariant::kReference), 1e-5));
}

TEST(PoolOneDnn, UsesJitImplementations) {
  for (const char* op : {"MaxPool", "AvgPool"}) {
    const WindowCase c{1, 38, 38, 64, 2, 2, 0, 2, 2, 1, 1, "SAME"};
    OpRunner r(op);
    SetPoolAttrs(r, c);
    std::string impl =
        nn_testing::ImplementationOf(r, {Tensor(tensorflow::DT_FLOAT, c.input_shape())}, 2);
    EXPECT_TRUE(onednn::IsJitImplementation(impl)) << op << ": " << impl;
  }
}

}  // namespace
}  // namespace savedserve
