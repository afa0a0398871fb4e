// Cumsum and Cumprod against numpy.cumsum / numpy.cumprod (exclusive: shifted by one with
// the identity first; reverse: flip, scan, flip).
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"
#include "kernels/ops/math_test_util.h"

namespace savedserve {
namespace {

using testing_util::AsDoubles;
using testing_util::Make;
using testing_util::MakeAs;
using testing_util::Values;
using testing_util::Vec;

absl::StatusOr<std::vector<Tensor>> RunScan(const std::string& op, const Tensor& x,
                                            const Tensor& axis, bool exclusive = false,
                                            bool reverse = false) {
  OpRunner r(op, "cumsum/node");
  r.Attr("T", x.dtype()).Attr("Tidx", axis.dtype());
  r.Attr("exclusive", exclusive).Attr("reverse", reverse);
  return r.Run({x, axis}, KernelVariant::kReference);
}

absl::StatusOr<std::vector<Tensor>> RunCumsum(const Tensor& x, const Tensor& axis) {
  return RunScan("Cumsum", x, axis);
}

std::vector<float> Scan(const std::string& op, const Tensor& x, int axis, bool exclusive,
                        bool reverse) {
  auto out = RunScan(op, x, Tensor::Scalar<int32_t>(axis), exclusive, reverse);
  EXPECT_TRUE(out.ok()) << out.status();
  if (!out.ok()) return {};
  EXPECT_EQ((*out)[0].shape(), x.shape());
  return Values<float>((*out)[0]);
}

TEST(Cumsum, EveryAttributeCombination) {
  // [[1, 2, 3], [4, 5, 6]]
  const Tensor x = Make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(Scan("Cumsum", x, 0, false, false), (std::vector<float>{1, 2, 3, 5, 7, 9}));
  EXPECT_EQ(Scan("Cumsum", x, 1, false, false), (std::vector<float>{1, 3, 6, 4, 9, 15}));
  EXPECT_EQ(Scan("Cumsum", x, -1, true, false), (std::vector<float>{0, 1, 3, 0, 4, 9}));
  EXPECT_EQ(Scan("Cumsum", x, 1, false, true), (std::vector<float>{6, 5, 3, 15, 11, 6}));
  EXPECT_EQ(Scan("Cumsum", x, 1, true, true), (std::vector<float>{5, 3, 0, 11, 6, 0}));
  EXPECT_EQ(Scan("Cumsum", x, -2, true, true), (std::vector<float>{4, 5, 6, 0, 0, 0}));
}

TEST(Cumprod, EveryAttributeCombination) {
  // [[1, 2, 3], [4, 5, 6]]
  const Tensor x = Make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(Scan("Cumprod", x, 0, false, false), (std::vector<float>{1, 2, 3, 4, 10, 18}));
  EXPECT_EQ(Scan("Cumprod", x, 1, false, false), (std::vector<float>{1, 2, 6, 4, 20, 120}));
  EXPECT_EQ(Scan("Cumprod", x, 1, true, false), (std::vector<float>{1, 1, 2, 1, 4, 20}));
  EXPECT_EQ(Scan("Cumprod", x, 1, false, true), (std::vector<float>{6, 6, 3, 120, 30, 6}));
  EXPECT_EQ(Scan("Cumprod", x, -1, true, true), (std::vector<float>{6, 3, 1, 30, 6, 1}));
  auto wrapped = RunScan("Cumprod", Vec<int32_t>({65536, 65536, 7}), Tensor::Scalar<int32_t>(0));
  ASSERT_TRUE(wrapped.ok()) << wrapped.status();
  EXPECT_EQ(Values<int32_t>((*wrapped)[0]), (std::vector<int32_t>{65536, 0, 0}));
}

TEST(Cumsum, MiddleAxisWithInt64Axis) {
  // x[i, j, k] = 1 everywhere over [2, 3, 2]: along j the sums are 1, 2, 3.
  auto out =
      RunCumsum(Make<int32_t>({2, 3, 2}, std::vector<int32_t>(12, 1)), Tensor::Scalar<int64_t>(1));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>((*out)[0]), (std::vector<int32_t>{1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}));
}

TEST(Cumsum, TypesAndOverflow) {
  const int32_t max = std::numeric_limits<int32_t>::max();
  auto wrapped = RunCumsum(Vec<int32_t>({max, 1}), Tensor::Scalar<int32_t>(0));
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(Values<int32_t>((*wrapped)[0]),
            (std::vector<int32_t>{max, std::numeric_limits<int32_t>::min()}));
  // Half rounds after each addition: 2048 + 1 is 2048 in half, twice.
  auto half = RunCumsum(MakeAs(tensorflow::DT_HALF, {3}, {2048, 1, 1}), Tensor::Scalar<int32_t>(0));
  ASSERT_TRUE(half.ok());
  EXPECT_EQ(AsDoubles((*half)[0]), (std::vector<double>{2048, 2048, 2048}));
}

TEST(Cumsum, EmptyAndErrors) {
  auto empty = RunCumsum(Tensor(tensorflow::DT_FLOAT, {0, 3}), Tensor::Scalar<int32_t>(0));
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ((*empty)[0].shape(), TensorShape({0, 3}));
  const Tensor x = Vec<float>({1, 2});
  auto out = RunCumsum(x, Tensor::Scalar<int32_t>(1));
  SS_EXPECT_ERROR_CONTAINS(out, "axis 1 is out of range [-1, 1)");
  SS_EXPECT_ERROR_CONTAINS(out, "cumsum/node");
  SS_EXPECT_ERROR_CONTAINS(RunCumsum(x, Vec<int32_t>({0})), "axis must be a scalar");
  SS_EXPECT_ERROR_CONTAINS(RunScan("Cumprod", x, Tensor::Scalar<int32_t>(-2)), "out of range");
  SS_EXPECT_ERROR_CONTAINS(RunCumsum(Tensor::Scalar<float>(1), Tensor::Scalar<int32_t>(0)),
                           "out of range");
}

}  // namespace
}  // namespace savedserve
