#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Make;
using testing_util::Values;
using testing_util::Vec;

absl::StatusOr<std::vector<Tensor>> TopK(const Tensor& in, int32_t k) {
  OpRunner r("TopKV2", "topk");
  r.NumOutputs(2).Attr("sorted", true);
  return r.Run({in, Tensor::Scalar<int32_t>(k)});
}

TEST(TopKV2, RowsLargestFirstTiesToLowerIndex) {
  auto out = TopK(Make<float>({2, 4}, {1, 3, 2, 3, -1, -5, 0, 7}), 3);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape({2, 3}));
  EXPECT_EQ(Values<float>((*out)[0]), (std::vector<float>{3, 3, 2, 7, 0, -1}));
  ASSERT_EQ((*out)[1].dtype(), tensorflow::DT_INT32);
  EXPECT_EQ(Values<int32_t>((*out)[1]), (std::vector<int32_t>{1, 3, 2, 3, 2, 0}));
}

TEST(TopKV2, AllEqualKeepsIndexOrder) {
  auto out = TopK(Vec<int32_t>({5, 5, 5, 5, 5}), 5);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>((*out)[1]), (std::vector<int32_t>{0, 1, 2, 3, 4}));
}

TEST(TopKV2, KZeroEmptyRowsAndOtherTypes) {
  auto out = TopK(Vec<float>({1, 2}), 0);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape({0}));
  out = TopK(Tensor(tensorflow::DT_FLOAT, {0, 3}), 2);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[1].shape(), TensorShape({0, 2}));
  Tensor half(tensorflow::DT_HALF, {3});
  for (int i = 0; i < 3; ++i) half.data<Half>()[i] = FloatToHalf(static_cast<float>(i % 2));
  out = TopK(half, 2);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>((*out)[1]), (std::vector<int32_t>{1, 0}));
  out = TopK(Vec<uint8_t>({3, 200, 7}), 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<uint8_t>((*out)[0]), (std::vector<uint8_t>{200}));
}

TEST(TopKV2, NanRanksFirstAndInt64Indices) {
  OpRunner r("TopKV2");
  r.NumOutputs(2).Attr("index_type", tensorflow::DT_INT64);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  auto out = r.Run({Vec<float>({1, nan, 3, nan}), Tensor::Scalar<int32_t>(3)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int64_t>((*out)[1]), (std::vector<int64_t>{1, 3, 2}));
}

TEST(TopKV2, TF1TopKAttr) {
  OpRunner r("TopK");
  r.NumOutputs(2).Attr("k", 1);
  auto out = r.Run({Vec<double>({0.5, 2.5, 1})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<double>((*out)[0]), (std::vector<double>{2.5}));
}

TEST(TopKV2, Errors) {
  SS_EXPECT_ERROR_CONTAINS(TopK(Vec<float>({1, 2}), 3), "k = 3 is not in [0, 2]");
  SS_EXPECT_ERROR_CONTAINS(TopK(Vec<float>({1, 2}), -1), "k = -1");
  SS_EXPECT_ERROR_CONTAINS(TopK(Tensor::Scalar<float>(1), 1), "scalar");
  Tensor strings(tensorflow::DT_STRING, {2});
  SS_EXPECT_ERROR_CONTAINS(TopK(strings, 1), "unsupported dtype");
}

}  // namespace
}  // namespace savedserve
