#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Iota;

absl::StatusOr<Tensor> Squeeze(const Tensor& in, const std::vector<int64_t>& dims,
                               bool set_attr = true) {
  OpRunner r("Squeeze");
  if (set_attr) r.Attr("squeeze_dims", dims);
  auto out = r.Run({in});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(Squeeze, AllSizeOneDims) {
  Tensor in = Iota<float>({1, 3, 1, 2});
  auto out = Squeeze(in, {}, /*set_attr=*/false);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({3, 2}));
  EXPECT_TRUE(out->SharesBufferWith(in));
  out = Squeeze(in, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({3, 2}));
  out = Squeeze(Iota<float>({1, 1}), {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({}));
}

TEST(Squeeze, ListedAndNegativeDims) {
  auto out = Squeeze(Iota<float>({1, 3, 1, 2}), {2});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({1, 3, 2}));
  out = Squeeze(Iota<float>({1, 3, 1, 2}), {-4, -2});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({3, 2}));
  out = Squeeze(Tensor(tensorflow::DT_STRING, {0, 1}), {1});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({0}));
}

TEST(Squeeze, Errors) {
  SS_EXPECT_ERROR_CONTAINS(Squeeze(Iota<float>({1, 3}), {1}), "its size is 3, not 1");
  SS_EXPECT_ERROR_CONTAINS(Squeeze(Iota<float>({1, 3}), {2}), "out of range [-2, 2)");
  SS_EXPECT_ERROR_CONTAINS(Squeeze(Iota<float>({1, 3}), {-3}), "out of range");
}

}  // namespace
}  // namespace savedserve
