#include <limits>
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

absl::StatusOr<Tensor> Slice(const Tensor& in, const std::vector<int64_t>& begin,
                             const std::vector<int64_t>& size) {
  OpRunner r("Slice", "s");
  auto out = r.Run({in, Vec<int64_t>(begin), Vec<int64_t>(size)});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(Slice, Basic) {
  // np.arange(24).reshape(2,3,4)[1:2, 0:2, 1:4]
  auto out = Slice(Iota<int32_t>({2, 3, 4}), {1, 0, 1}, {1, 2, 3});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({1, 2, 3}));
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{13, 14, 15, 17, 18, 19}));
  // np.arange(12).reshape(3,4)[1:, 2:]  (size -1)
  out = Slice(Iota<int32_t>({3, 4}), {1, 2}, {-1, -1});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{6, 7, 10, 11}));
}

TEST(Slice, WholeEmptyScalarStrings) {
  Tensor in = Iota<float>({2, 2});
  auto out = Slice(in, {0, 0}, {-1, 2});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->SharesBufferWith(in));
  out = Slice(in, {2, 0}, {0, 2});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({0, 2}));
  out = Slice(Tensor::Scalar<float>(3), {}, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{3}));
  out = Slice(StringIota({5}), {3}, {2});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>(*out), (std::vector<std::string>{"3", "4"}));
}

TEST(Slice, Errors) {
  SS_EXPECT_ERROR_CONTAINS(Slice(Iota<float>({3, 4}), {4, 0}, {1, 1}),
                           "begin[0] = 4 is not in [0, 3]");
  SS_EXPECT_ERROR_CONTAINS(Slice(Iota<float>({3, 4}), {1, 1}, {1, 4}),
                           "size[1] = 4 is not in [0, 3]");
  SS_EXPECT_ERROR_CONTAINS(Slice(Iota<float>({3, 4}), {-1, 0}, {1, 1}), "begin[0] = -1");
  SS_EXPECT_ERROR_CONTAINS(Slice(Iota<float>({3, 4}), {0}, {1}), "one entry per dimension");
  SS_EXPECT_ERROR_CONTAINS(Slice(Iota<float>({3}), {1}, {-2}), "size[0] = -2");
  SS_EXPECT_ERROR_CONTAINS(Slice(Iota<float>({3}), {std::numeric_limits<int64_t>::max()}, {1}),
                           "begin[0]");
}

}  // namespace
}  // namespace savedserve
