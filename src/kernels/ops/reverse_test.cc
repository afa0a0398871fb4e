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

absl::StatusOr<Tensor> ReverseV2(const Tensor& in, const Tensor& axis) {
  OpRunner r("ReverseV2");
  auto out = r.Run({in, axis});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(ReverseV2, AxesAndNegativeAxes) {
  // np.flip(np.arange(24).reshape(2, 3, 4), axis=(0, 2))
  auto out = ReverseV2(Iota<int32_t>({2, 3, 4}), Vec<int32_t>({0, -1}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 3, 4}));
  EXPECT_EQ(Values<int32_t>(*out),
            (std::vector<int32_t>{15, 14, 13, 12, 19, 18, 17, 16, 23, 22, 21, 20,
                                  3,  2,  1,  0,  7,  6,  5,  4,  11, 10, 9,  8}));
  // np.flip(np.arange(24).reshape(2, 3, 4), axis=1)
  out = ReverseV2(Iota<float>({2, 3, 4}), Vec<int64_t>({1}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>(*out),
            (std::vector<float>{8,  9,  10, 11, 4,  5,  6,  7,  0,  1,  2,  3,
                                20, 21, 22, 23, 16, 17, 18, 19, 12, 13, 14, 15}));
}

TEST(ReverseV2, StringsEmptyAndNoAxes) {
  auto out = ReverseV2(StringIota({3}), Vec<int32_t>({0}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>(*out), (std::vector<std::string>{"2", "1", "0"}));
  out = ReverseV2(Tensor(tensorflow::DT_FLOAT, {0, 3}), Vec<int32_t>({0, 1}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({0, 3}));
  const Tensor scalar = Tensor::Scalar<float>(2);
  out = ReverseV2(scalar, Vec<int32_t>({}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->SharesBufferWith(scalar));
}

TEST(ReverseV2, Errors) {
  SS_EXPECT_ERROR_CONTAINS(ReverseV2(Iota<float>({2, 3}), Vec<int32_t>({2})),
                           "axis[0] 2 is out of range [-2, 2)");
  SS_EXPECT_ERROR_CONTAINS(ReverseV2(Iota<float>({2, 3}), Vec<int32_t>({1, -1})),
                           "axis 1 specified more than once");
  SS_EXPECT_ERROR_CONTAINS(ReverseV2(Iota<float>({2, 3}), Tensor::Scalar<int32_t>(0)),
                           "axis must be a vector");
}

TEST(Reverse, OneBoolPerDimension) {
  OpRunner r("Reverse");
  auto out = r.Run({Iota<int32_t>({2, 3, 4}), Vec<bool>({true, false, true})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>((*out)[0]),
            (std::vector<int32_t>{15, 14, 13, 12, 19, 18, 17, 16, 23, 22, 21, 20,
                                  3,  2,  1,  0,  7,  6,  5,  4,  11, 10, 9,  8}));
  SS_EXPECT_ERROR_CONTAINS(r.Run({Iota<int32_t>({2, 3}), Vec<bool>({true})}),
                           "one bool per dimension of the input [2,3]");
  SS_EXPECT_ERROR_CONTAINS(r.Run({Iota<int32_t>({2}), Vec<int32_t>({1})}),
                           "input 1 is DT_INT32, expected DT_BOOL");
}

}  // namespace
}  // namespace savedserve
