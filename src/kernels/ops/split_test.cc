#include <string>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Iota;
using testing_util::StringIota;
using testing_util::Values;
using testing_util::Vec;

absl::StatusOr<std::vector<Tensor>> Split(const Tensor& in, int32_t axis, int num_split) {
  OpRunner r("Split");
  r.Attr("num_split", num_split).NumOutputs(num_split);
  return r.Run({Tensor::Scalar<int32_t>(axis), in});
}

absl::StatusOr<std::vector<Tensor>> SplitV(const Tensor& in, const Tensor& sizes, int32_t axis) {
  OpRunner r("SplitV");
  const int n = static_cast<int>(sizes.num_elements());
  r.Attr("num_split", n).NumOutputs(n);
  return r.Run({in, sizes, Tensor::Scalar<int32_t>(axis)});
}

TEST(Split, EqualPieces) {
  // np.split(np.arange(12).reshape(3, 4), 2, axis=1)
  auto out = Split(Iota<float>({3, 4}), 1, 2);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0].shape(), TensorShape({3, 2}));
  EXPECT_EQ(Values<float>((*out)[0]), (std::vector<float>{0, 1, 4, 5, 8, 9}));
  EXPECT_EQ(Values<float>((*out)[1]), (std::vector<float>{2, 3, 6, 7, 10, 11}));
  // np.split(np.arange(12).reshape(3, 4), 3, axis=-2): rows.
  out = Split(Iota<int32_t>({3, 4}), -2, 3);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[2].shape(), TensorShape({1, 4}));
  EXPECT_EQ(Values<int32_t>((*out)[2]), (std::vector<int32_t>{8, 9, 10, 11}));
  // Strings copy; one piece is the input itself.
  out = Split(StringIota({2, 2}), 1, 2);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>((*out)[1]), (std::vector<std::string>{"1", "3"}));
  const Tensor whole = Iota<float>({2, 2});
  out = Split(whole, 0, 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE((*out)[0].SharesBufferWith(whole));
}

TEST(Split, EmptyDimension) {
  auto out = Split(Tensor(tensorflow::DT_FLOAT, {2, 0}), 1, 2);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[1].shape(), TensorShape({2, 0}));
}

TEST(Split, Errors) {
  SS_EXPECT_ERROR_CONTAINS(Split(Iota<float>({3, 5}), 1, 2),
                           "split_dim 1 (size = 5) and num_split 2");
  SS_EXPECT_ERROR_CONTAINS(Split(Iota<float>({3, 4}), 2, 2), "split_dim 2 is out of range");
  SS_EXPECT_ERROR_CONTAINS(Split(Tensor::Scalar<float>(1), 0, 1), "cannot split a scalar");
  OpRunner r("Split");
  r.Attr("num_split", 0);
  SS_EXPECT_ERROR_CONTAINS(r.Run({Tensor::Scalar<int32_t>(0), Iota<float>({2})}),
                           "num_split must be >= 1");
}

TEST(SplitV, SizesAndMinusOne) {
  // np.split(np.arange(10).reshape(2, 5), [1, 3], axis=1): sizes 1, 2, 2.
  auto out = SplitV(Iota<float>({2, 5}), Vec<int64_t>({1, -1, 2}), 1);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 3u);
  EXPECT_EQ(Values<float>((*out)[0]), (std::vector<float>{0, 5}));
  EXPECT_EQ((*out)[1].shape(), TensorShape({2, 2}));
  EXPECT_EQ(Values<float>((*out)[1]), (std::vector<float>{1, 2, 6, 7}));
  EXPECT_EQ(Values<float>((*out)[2]), (std::vector<float>{3, 4, 8, 9}));
  // A zero-size piece, int32 sizes, negative axis.
  out = SplitV(Iota<int32_t>({4}), Vec<int32_t>({0, 4}), -1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape({0}));
  EXPECT_EQ(Values<int32_t>((*out)[1]), (std::vector<int32_t>{0, 1, 2, 3}));
}

TEST(SplitV, Errors) {
  SS_EXPECT_ERROR_CONTAINS(SplitV(Iota<float>({5}), Vec<int32_t>({-1, -1}), 0), "only be one -1");
  SS_EXPECT_ERROR_CONTAINS(SplitV(Iota<float>({5}), Vec<int32_t>({2, 2}), 0),
                           "can't split axis of size 5 into pieces of size [2,2]");
  SS_EXPECT_ERROR_CONTAINS(SplitV(Iota<float>({5}), Vec<int32_t>({4, -1, 3}), 0),
                           "can't split axis of size 5");
  SS_EXPECT_ERROR_CONTAINS(SplitV(Iota<float>({5}), Vec<int32_t>({7, -2}), 0),
                           "Split size at index 1 must be >= 0");
  SS_EXPECT_ERROR_CONTAINS(SplitV(Iota<float>({5}), Vec<int64_t>({INT64_MAX, INT64_MAX, -1}), 0),
                           "overflow");
  OpRunner r("SplitV");
  r.Attr("num_split", 3).NumOutputs(3);
  SS_EXPECT_ERROR_CONTAINS(r.Run({Iota<float>({4}), Vec<int32_t>({2, 2}), Tensor::Scalar(0)}),
                           "size_splits has 2 entries but num_split is 3");
}

}  // namespace
}  // namespace savedserve
