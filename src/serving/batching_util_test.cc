#include "serving/batching_util.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace savedserve {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Tensor Floats(std::vector<float> values, TensorShape shape) {
  return Tensor::FromVector<float>(values, std::move(shape));
}

std::vector<float> Values(const Tensor& t) {
  return {t.flat<float>().begin(), t.flat<float>().end()};
}

Tensor Strings(std::vector<std::string> values, TensorShape shape) {
  return Tensor::FromVector<std::string>(values, std::move(shape));
}

std::vector<std::string> StringValues(const Tensor& t) {
  return {t.flat<std::string>().begin(), t.flat<std::string>().end()};
}

TEST(InputBatchSizeTest, SharedZerothDimension) {
  auto size = InputBatchSize({{"a", Floats({1, 2, 3, 4}, {2, 2})}, {"b", Floats({1, 2}, {2})}});
  ASSERT_TRUE(size.ok()) << size.status();
  EXPECT_EQ(*size, 2);
}

TEST(InputBatchSizeTest, TfServingErrors) {
  EXPECT_THAT(InputBatchSize({}).status().message(), HasSubstr("at least one input tensor"));
  EXPECT_THAT(InputBatchSize({{"a", Tensor::Scalar<float>(1)}}).status().message(),
              HasSubstr("Batching Run() input tensors must have at least one dimension"));
  auto mismatched = InputBatchSize({{"a", Floats({1, 2}, {2})}, {"b", Floats({1, 2, 3}, {3})}});
  EXPECT_EQ(mismatched.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(mismatched.status().message(),
              HasSubstr("Batching Run() input tensors must have equal 0th-dimension size"));
}

TEST(RoundToAllowedBatchSizeTest, NextAllowedEntry) {
  const std::vector<int64_t> allowed = {2, 4, 8};
  EXPECT_EQ(RoundToAllowedBatchSize(allowed, 1), 2);
  EXPECT_EQ(RoundToAllowedBatchSize(allowed, 2), 2);
  EXPECT_EQ(RoundToAllowedBatchSize(allowed, 3), 4);
  EXPECT_EQ(RoundToAllowedBatchSize(allowed, 8), 8);
  EXPECT_EQ(RoundToAllowedBatchSize({}, 5), 5);
}

TEST(ConcatRowsTest, ConcatenatesAndPadsWithFirstRowOfLastPart) {
  Tensor merged = ConcatRows({Floats({1, 2}, {1, 2}), Floats({3, 4, 5, 6}, {2, 2})}, 2);
  EXPECT_EQ(merged.shape(), TensorShape({5, 2}));
  EXPECT_THAT(Values(merged), ElementsAre(1, 2, 3, 4, 5, 6, 3, 4, 3, 4));
}

TEST(ConcatRowsTest, PaddingSkipsEmptyLastPart) {
  Tensor merged = ConcatRows({Floats({1, 2}, {1, 2}), Floats({}, {0, 2})}, 1);
  EXPECT_THAT(Values(merged), ElementsAre(1, 2, 1, 2));
}

TEST(ConcatRowsTest, Strings) {
  Tensor merged = ConcatRows({Strings({"a"}, {1}), Strings({"b", "c"}, {2})}, 1);
  EXPECT_THAT(StringValues(merged), ElementsAre("a", "b", "c", "b"));
}

TEST(SliceRowsTest, CopiesRows) {
  Tensor t = Floats({1, 2, 3, 4, 5, 6}, {3, 2});
  Tensor middle = SliceRows(t, 1, 2);
  EXPECT_EQ(middle.shape(), TensorShape({1, 2}));
  EXPECT_THAT(Values(middle), ElementsAre(3, 4));
  EXPECT_FALSE(middle.SharesBufferWith(t));
  EXPECT_EQ(SliceRows(Strings({"a", "b", "c"}, {3}), 2, 3).data<std::string>()[0], "c");
  EXPECT_EQ(SliceRows(t, 3, 3).shape(), TensorShape({0, 2}));
}

TEST(PadToDimsTest, PadsInnerDimsWithFirstElement) {
  // [[1,2],[3,4]] of shape [2,1,2] grown to [2,2,3]: new elements take the value 1.
  Tensor padded = PadToDims(Floats({1, 2, 3, 4}, {2, 1, 2}), {7, 2, 3});
  EXPECT_EQ(padded.shape(), TensorShape({2, 2, 3}));
  EXPECT_THAT(Values(padded), ElementsAre(1, 2, 1, 1, 1, 1, 3, 4, 1, 1, 1, 1));
}

TEST(PadToDimsTest, StringsAndNoOp) {
  Tensor padded = PadToDims(Strings({"x", "y"}, {2, 1}), {2, 2});
  EXPECT_THAT(StringValues(padded), ElementsAre("x", "x", "y", "x"));
  Tensor same = Floats({1, 2}, {1, 2});
  EXPECT_TRUE(PadToDims(same, {1, 2}).SharesBufferWith(same));
  // Nothing to copy the value from: zeros.
  EXPECT_THAT(Values(PadToDims(Floats({}, {1, 0}), {1, 2})), ElementsAre(0, 0));
}

TEST(SameDimsExceptFirstTest, ComparesRankAndInnerDims) {
  EXPECT_TRUE(SameDimsExceptFirst(TensorShape({1, 3}), TensorShape({5, 3})));
  EXPECT_FALSE(SameDimsExceptFirst(TensorShape({1, 3}), TensorShape({1, 4})));
  EXPECT_FALSE(SameDimsExceptFirst(TensorShape({1, 3}), TensorShape({1, 3, 1})));
}

}  // namespace
}  // namespace savedserve
