#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Make;
using testing_util::Vec;

absl::StatusOr<std::vector<Tensor>> RunCompare(const std::string& op, const Tensor& a,
                                               const Tensor& b) {
  OpRunner r(op, "cmp/node");
  r.Attr("T", a.dtype());
  return r.Run({a, b}, KernelVariant::kReference);
}

std::vector<bool> Bools(const Tensor& t) {
  return std::vector<bool>(t.data<bool>(), t.data<bool>() + t.num_elements());
}

// Each op against the C++ operator on every pair, with a NaN (always false).
TEST(CwiseCompare, MatchesOperatorsIncludingNan) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> xs = {1, 2, 3, nan, -0.0f};
  const std::vector<float> ys = {2, 2, 1, 1, 0.0f};
  struct Case {
    std::string op;
    bool (*fn)(float, float);
  };
  const Case cases[] = {{"Less", [](float a, float b) { return a < b; }},
                        {"LessEqual", [](float a, float b) { return a <= b; }},
                        {"Greater", [](float a, float b) { return a > b; }},
                        {"GreaterEqual", [](float a, float b) { return a >= b; }}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.op);
    auto out = RunCompare(c.op, Vec<float>(xs), Vec<float>(ys));
    ASSERT_TRUE(out.ok()) << out.status();
    ASSERT_EQ((*out)[0].dtype(), tensorflow::DT_BOOL);
    std::vector<bool> expected;
    for (size_t i = 0; i < xs.size(); ++i) expected.push_back(c.fn(xs[i], ys[i]));
    EXPECT_EQ(Bools((*out)[0]), expected);
  }
}

TEST(CwiseCompare, BroadcastsAndTypes) {
  // [2,3] < [3]: row-wise against the vector.
  auto out = RunCompare("Less", Make<int32_t>(TensorShape{2, 3}, {0, 5, 2, 7, 1, 9}),
                        Vec<int32_t>({1, 5, 3}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), (TensorShape{2, 3}));
  EXPECT_EQ(Bools((*out)[0]), (std::vector<bool>{true, false, true, false, true, false}));
  // Scalars, as a loop condition compares its counter.
  auto scalar = RunCompare("Less", Tensor::Scalar<int64_t>(3), Tensor::Scalar<int64_t>(4));
  ASSERT_TRUE(scalar.ok()) << scalar.status();
  EXPECT_EQ((*scalar)[0].shape().rank(), 0);
  EXPECT_TRUE((*scalar)[0].data<bool>()[0]);
  // Empty broadcast output.
  auto empty =
      RunCompare("Greater", Tensor(tensorflow::DT_FLOAT, TensorShape{0, 3}), Vec<float>({1, 2, 3}));
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ((*empty)[0].shape(), (TensorShape{0, 3}));
}

TEST(CwiseCompare, Errors) {
  SS_EXPECT_ERROR_CONTAINS(RunCompare("Less", Vec<float>({1, 2}), Vec<float>({1, 2, 3})),
                           "cmp/node");
  OpRunner r("Less", "cmp/strings");
  r.Attr("T", tensorflow::DT_STRING);
  SS_EXPECT_ERROR_CONTAINS(r.Run({Tensor(tensorflow::DT_STRING, TensorShape{}),
                                  Tensor(tensorflow::DT_STRING, TensorShape{})}),
                           "unsupported dtype");
}

}  // namespace
}  // namespace savedserve
