// ArgMax and ArgMin against indices worked by hand (numpy.argmax/argmin agree wherever no
// NaN is involved; with NaN, TF's CPU kernels skip it, see arg_min_max.cc).
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

using testing_util::Make;
using testing_util::MakeAs;
using testing_util::Values;
using testing_util::Vec;

const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

absl::StatusOr<std::vector<Tensor>> RunArg(const std::string& op, const Tensor& x,
                                           const Tensor& dimension,
                                           DataType output_type = tensorflow::DT_INT64) {
  OpRunner r(op, "arg/node");
  r.Attr("T", x.dtype()).Attr("Tidx", dimension.dtype()).Attr("output_type", output_type);
  return r.Run({x, dimension}, KernelVariant::kReference);
}

std::vector<int64_t> ArgIndices(const std::string& op, const Tensor& x, int64_t dimension) {
  auto out = RunArg(op, x, Tensor::Scalar<int64_t>(dimension));
  EXPECT_TRUE(out.ok()) << out.status();
  if (!out.ok()) return {};
  EXPECT_EQ((*out)[0].dtype(), tensorflow::DT_INT64);
  return Values<int64_t>((*out)[0]);
}

TEST(ArgMinMax, AlongEachAxisOfAMatrix) {
  // [[3, 9, 1], [7, 2, 8]]
  const Tensor x = Make<float>({2, 3}, {3, 9, 1, 7, 2, 8});
  EXPECT_EQ(ArgIndices("ArgMax", x, 0), (std::vector<int64_t>{1, 0, 1}));
  EXPECT_EQ(ArgIndices("ArgMax", x, 1), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(ArgIndices("ArgMax", x, -1), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(ArgIndices("ArgMin", x, 0), (std::vector<int64_t>{0, 1, 0}));
  EXPECT_EQ(ArgIndices("ArgMin", x, -2), (std::vector<int64_t>{0, 1, 0}));
  EXPECT_EQ(ArgIndices("ArgMin", x, 1), (std::vector<int64_t>{2, 1}));
}

TEST(ArgMinMax, MiddleAxisAndOutputShape) {
  // x[i, j, k] = (j == (i + k) % 3) ? 10 : i + j + k over [2, 3, 2].
  std::vector<int32_t> values;
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      for (int k = 0; k < 2; ++k) values.push_back(j == (i + k) % 3 ? 10 : i + j + k);
    }
  }
  auto out = RunArg("ArgMax", Make<int32_t>({2, 3, 2}, values), Tensor::Scalar<int32_t>(1),
                    tensorflow::DT_INT32);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape({2, 2}));
  EXPECT_EQ(Values<int32_t>((*out)[0]), (std::vector<int32_t>{0, 1, 1, 2}));
}

TEST(ArgMinMax, TiesGoToTheFirstIndex) {
  EXPECT_EQ(ArgIndices("ArgMax", Vec<int32_t>({1, 5, 5, 5}), 0), std::vector<int64_t>{1});
  EXPECT_EQ(ArgIndices("ArgMin", Vec<int32_t>({4, 0, 9, 0}), 0), std::vector<int64_t>{1});
  EXPECT_EQ(ArgIndices("ArgMax", Vec<float>({-0.0f, 0.0f}), 0), std::vector<int64_t>{0});
}

// TF's kernels never let a NaN win: it is skipped; a slice of nothing but NaN (or -inf
// for ArgMax, +inf for ArgMin) answers 0.
TEST(ArgMinMax, NanIsSkipped) {
  const Tensor x = Vec<float>({1, kNan, 3, 2});
  EXPECT_EQ(ArgIndices("ArgMax", x, 0), std::vector<int64_t>{2});
  EXPECT_EQ(ArgIndices("ArgMin", x, 0), std::vector<int64_t>{0});
  EXPECT_EQ(ArgIndices("ArgMax", Vec<float>({kNan, 5}), 0), std::vector<int64_t>{1});
  EXPECT_EQ(ArgIndices("ArgMin", Vec<float>({kNan, kNan, 5}), 0), std::vector<int64_t>{2});
  EXPECT_EQ(ArgIndices("ArgMax", Vec<float>({kNan, kNan}), 0), std::vector<int64_t>{0});
  EXPECT_EQ(ArgIndices("ArgMax", Vec<float>({-kInf, -kInf}), 0), std::vector<int64_t>{0});
  EXPECT_EQ(ArgIndices("ArgMax", Vec<float>({-kInf, -3}), 0), std::vector<int64_t>{1});
  EXPECT_EQ(ArgIndices("ArgMin", Vec<float>({kInf, 7, kInf}), 0), std::vector<int64_t>{1});
}

TEST(ArgMinMax, OtherTypes) {
  for (DataType dtype : {tensorflow::DT_DOUBLE, tensorflow::DT_HALF, tensorflow::DT_BFLOAT16,
                         tensorflow::DT_INT8, tensorflow::DT_UINT8, tensorflow::DT_INT64}) {
    const Tensor x = MakeAs(dtype, {5}, {3, 1, 4, 1, 5});
    EXPECT_EQ(ArgIndices("ArgMax", x, 0), std::vector<int64_t>{4}) << DataTypeName(dtype);
    EXPECT_EQ(ArgIndices("ArgMin", x, 0), std::vector<int64_t>{1}) << DataTypeName(dtype);
  }
}

TEST(ArgMinMax, Errors) {
  const Tensor x = Make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  auto out = RunArg("ArgMax", x, Tensor::Scalar<int32_t>(2));
  SS_EXPECT_ERROR_CONTAINS(out, "out of range [-2, 2)");
  SS_EXPECT_ERROR_CONTAINS(out, "arg/node");
  SS_EXPECT_ERROR_CONTAINS(RunArg("ArgMin", x, Vec<int32_t>({0})), "dimension must be a scalar");
  SS_EXPECT_ERROR_CONTAINS(
      RunArg("ArgMax", Tensor(tensorflow::DT_FLOAT, {2, 0}), Tensor::Scalar<int32_t>(1)),
      "Reduction axis 1 is empty in shape [2,0]");
  SS_EXPECT_ERROR_CONTAINS(RunArg("ArgMax", Tensor::Scalar<float>(1), Tensor::Scalar<int32_t>(0)),
                           "out of range");
  SS_EXPECT_ERROR_CONTAINS(RunArg("ArgMax", x, Tensor::Scalar<int32_t>(0), tensorflow::DT_FLOAT),
                           "output_type must be int32 or int64");
  // An empty outer dimension is fine: the output is empty.
  auto empty = RunArg("ArgMin", Tensor(tensorflow::DT_FLOAT, {0, 3}), Tensor::Scalar<int32_t>(1));
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ((*empty)[0].shape(), TensorShape({0}));
}

}  // namespace
}  // namespace savedserve
