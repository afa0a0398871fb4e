#include <string>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Iota;
using testing_util::Make;
using testing_util::StringIota;
using testing_util::Values;
using testing_util::Vec;

absl::StatusOr<Tensor> BroadcastTo(const Tensor& in, const Tensor& shape) {
  OpRunner r("BroadcastTo");
  auto out = r.Run({in, shape});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(BroadcastTo, RepeatsRowsColumnsAndNewDims) {
  // np.broadcast_to(np.arange(3), (2, 3))
  auto out = BroadcastTo(Iota<float>({3}), Vec<int32_t>({2, 3}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 3}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 1, 2, 0, 1, 2}));
  // np.broadcast_to(np.arange(2).reshape(2, 1), (2, 2, 3))
  out = BroadcastTo(Iota<int32_t>({2, 1}), Vec<int64_t>({2, 2, 3}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1}));
  // np.broadcast_to(np.arange(6).reshape(2, 1, 3), (2, 2, 3))
  out = BroadcastTo(Iota<int32_t>({2, 1, 3}), Vec<int64_t>({2, 2, 3}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5}));
}

TEST(BroadcastTo, ScalarStringsSameShapeAndEmpty) {
  auto out = BroadcastTo(Tensor::Scalar<bool>(true), Vec<int32_t>({2, 2}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<bool>(*out), (std::vector<bool>{true, true, true, true}));
  out = BroadcastTo(StringIota({2}), Vec<int32_t>({2, 2}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>(*out), (std::vector<std::string>{"0", "1", "0", "1"}));
  const Tensor same = Iota<float>({2, 2});
  out = BroadcastTo(same, Vec<int32_t>({2, 2}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->SharesBufferWith(same));
  out = BroadcastTo(Iota<float>({1, 3}), Vec<int32_t>({0, 3}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({0, 3}));
}

TEST(BroadcastTo, Errors) {
  SS_EXPECT_ERROR_CONTAINS(BroadcastTo(Iota<float>({3}), Vec<int32_t>({2, 2})),
                           "Unable to broadcast tensor of shape [3] to tensor of shape [2,2]");
  SS_EXPECT_ERROR_CONTAINS(BroadcastTo(Iota<float>({3}), Vec<int32_t>({1})),
                           "Unable to broadcast tensor of shape [3] to tensor of shape [1]");
  SS_EXPECT_ERROR_CONTAINS(BroadcastTo(Iota<float>({2, 3}), Vec<int32_t>({3})),
                           "Unable to broadcast");
  SS_EXPECT_ERROR_CONTAINS(BroadcastTo(Iota<float>({1}), Vec<int32_t>({-2})),
                           "has a negative dimension 0");
  SS_EXPECT_ERROR_CONTAINS(BroadcastTo(Iota<float>({1}), Make<int32_t>({1, 1}, {2})), "vector");
  SS_EXPECT_ERROR_CONTAINS(BroadcastTo(Iota<float>({1}), Vec<int64_t>({INT64_MAX, INT64_MAX})),
                           "too many elements");
}

}  // namespace
}  // namespace savedserve
