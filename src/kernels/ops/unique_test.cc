// Expected values: TensorFlow's documented examples for tf.unique and
// tf.unique_with_counts, and small cases worked by hand from their definitions.
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
using testing_util::Values;
using testing_util::Vec;

absl::StatusOr<std::vector<Tensor>> RunUnique(const Tensor& x, bool with_counts,
                                              DataType out_idx = tensorflow::DT_INT32) {
  OpRunner r(with_counts ? "UniqueWithCounts" : "Unique", "u");
  r.Attr("T", x.dtype()).Attr("out_idx", out_idx).NumOutputs(with_counts ? 3 : 2);
  return r.Run({x});
}

TEST(Unique, DocExample) {
  // tf.unique([1, 1, 2, 4, 4, 4, 7, 8, 8]) -> y [1, 2, 4, 7, 8], idx [0, 0, 1, 2, 2, 2, 3, 4, 4]
  auto out = RunUnique(Vec<int32_t>({1, 1, 2, 4, 4, 4, 7, 8, 8}), false);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>((*out)[0]), (std::vector<int32_t>{1, 2, 4, 7, 8}));
  EXPECT_EQ(Values<int32_t>((*out)[1]), (std::vector<int32_t>{0, 0, 1, 2, 2, 2, 3, 4, 4}));
}

TEST(Unique, FirstOccurrenceOrderCountsAndInt64) {
  // tf.unique_with_counts([4, 1, 4, 2, 1, 4]) keeps first-occurrence order.
  auto out = RunUnique(Vec<float>({4, 1, 4, 2, 1, 4}), true, tensorflow::DT_INT64);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>((*out)[0]), (std::vector<float>{4, 1, 2}));
  EXPECT_EQ(Values<int64_t>((*out)[1]), (std::vector<int64_t>{0, 1, 0, 2, 1, 0}));
  EXPECT_EQ(Values<int64_t>((*out)[2]), (std::vector<int64_t>{3, 2, 1}));
}

TEST(Unique, StringsSignedZerosNaNAndEmpty) {
  Tensor s(tensorflow::DT_STRING, TensorShape({4}));
  s.data<std::string>()[0] = "b";
  s.data<std::string>()[1] = "a";
  s.data<std::string>()[2] = "b";
  s.data<std::string>()[3] = "";
  auto out = RunUnique(s, true);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>((*out)[0]), (std::vector<std::string>{"b", "a", ""}));
  EXPECT_EQ(Values<int32_t>((*out)[1]), (std::vector<int32_t>{0, 1, 0, 2}));
  EXPECT_EQ(Values<int32_t>((*out)[2]), (std::vector<int32_t>{2, 1, 1}));

  const double nan = std::numeric_limits<double>::quiet_NaN();
  out = RunUnique(Vec<double>({0.0, -0.0, nan, nan}), false);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].num_elements(), 3);  // 0 == -0; NaN != NaN
  EXPECT_EQ(Values<int32_t>((*out)[1]), (std::vector<int32_t>{0, 0, 1, 2}));

  out = RunUnique(Vec<bool>({true, true, false}), false);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<bool>((*out)[0]), (std::vector<bool>{true, false}));

  out = RunUnique(Vec<int64_t>({}), true);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape({0}));
  EXPECT_EQ((*out)[2].shape(), TensorShape({0}));
}

TEST(Unique, Errors) {
  SS_EXPECT_ERROR_CONTAINS(RunUnique(Make<int32_t>({2, 2}, {1, 2, 3, 4}), false),
                           "x must be a vector");
  SS_EXPECT_ERROR_CONTAINS(RunUnique(Tensor::Scalar<int32_t>(1), false), "x must be a vector");
  SS_EXPECT_ERROR_CONTAINS(RunUnique(Vec<int32_t>({1}), false, tensorflow::DT_FLOAT),
                           "out_idx must be int32 or int64");
}

}  // namespace
}  // namespace savedserve
