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

absl::StatusOr<Tensor> Tile(const Tensor& in, const std::vector<int32_t>& multiples) {
  OpRunner r("Tile", "t");
  auto out = r.Run({in, Vec<int32_t>(multiples)});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(Tile, TwoDims) {
  // np.tile(np.arange(6).reshape(2,3), (2,2))
  auto out = Tile(Iota<int32_t>({2, 3}), {2, 2});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({4, 6}));
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5,
                                                         0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5}));
}

TEST(Tile, ThreeDimsOnesZerosScalarStrings) {
  // np.tile(np.arange(4).reshape(2,1,2), (1,3,1))
  auto out = Tile(Iota<float>({2, 1, 2}), {1, 3, 1});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 3, 2}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3}));
  out = Tile(Iota<float>({2, 2}), {0, 3});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({0, 6}));
  out = Tile(Tensor::Scalar<float>(2), {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{2}));
  out = Tile(StringIota({2}), {2});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>(*out), (std::vector<std::string>{"0", "1", "0", "1"}));
}

TEST(Tile, Errors) {
  SS_EXPECT_ERROR_CONTAINS(Tile(Iota<float>({2}), {1, 1}), "multiples has 2 entries");
  SS_EXPECT_ERROR_CONTAINS(Tile(Iota<float>({2}), {-1}), "multiples[0] = -1 is negative");
  OpRunner r("Tile");
  SS_EXPECT_ERROR_CONTAINS(
      r.Run({Iota<float>({2, 2}), Vec<int64_t>({int64_t{1} << 62, int64_t{1} << 62})}), "overflow");
}

}  // namespace
}  // namespace savedserve
