#include <limits>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Iota;
using testing_util::Make;
using testing_util::Values;
using testing_util::Vec;

absl::StatusOr<Tensor> Reshape(const Tensor& in, const Tensor& shape) {
  OpRunner r("Reshape", "r");
  auto out = r.Run({in, shape});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(Reshape, SharesBufferAndKeepsOrder) {
  Tensor in = Iota<float>({2, 3});
  auto out = Reshape(in, Vec<int32_t>({3, 2}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({3, 2}));
  EXPECT_TRUE(out->SharesBufferWith(in));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 1, 2, 3, 4, 5}));
}

TEST(Reshape, InfersMinusOne) {
  auto out = Reshape(Iota<int32_t>({2, 3, 4}), Vec<int64_t>({-1, 4}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({6, 4}));
  out = Reshape(Iota<int32_t>({2, 3, 4}), Vec<int32_t>({2, -1, 3}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 4, 3}));
}

TEST(Reshape, ToAndFromScalar) {
  auto out = Reshape(Make<float>({1, 1}, {7}), Vec<int32_t>({}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({}));
  out = Reshape(Make<float>({}, {7}), Vec<int32_t>({-1}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({1}));
}

TEST(Reshape, EmptyTensorsFollowTensorFlow) {
  // Zero dims in the request are left out of the inference: [0,-1] on [0,2] -> [0,2].
  auto out = Reshape(Tensor(tensorflow::DT_FLOAT, {0, 2}), Vec<int32_t>({0, -1}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({0, 2}));
  out = Reshape(Tensor(tensorflow::DT_FLOAT, {0, 3}), Vec<int32_t>({-1}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({0}));
  out = Reshape(Tensor(tensorflow::DT_FLOAT, {0, 2}), Vec<int32_t>({-1, 6}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({0, 6}));
}

TEST(Reshape, Strings) {
  Tensor in(tensorflow::DT_STRING, {2, 2});
  in.data<std::string>()[3] = "last";
  auto out = Reshape(in, Vec<int32_t>({4}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->data<std::string>()[3], "last");
}

TEST(Reshape, ErrorsNameTheSizes) {
  auto out = Reshape(Iota<float>({3, 4}), Vec<int32_t>({5, 2}));
  SS_EXPECT_ERROR_CONTAINS(out, "12 elements");
  SS_EXPECT_ERROR_CONTAINS(out, "[5,2] (10 elements)");
  SS_EXPECT_ERROR_CONTAINS(out, "'r'");
  out = Reshape(Iota<float>({3, 4}), Vec<int32_t>({5, -1}));
  SS_EXPECT_ERROR_CONTAINS(out, "12 is not a multiple of 5");
  SS_EXPECT_ERROR_CONTAINS(Reshape(Iota<float>({4}), Vec<int32_t>({-1, -1})), "only one dimension");
  SS_EXPECT_ERROR_CONTAINS(Reshape(Iota<float>({4}), Vec<int32_t>({-2, -2})),
                           "negative dimension 0");
  SS_EXPECT_ERROR_CONTAINS(Reshape(Iota<float>({4}), Vec<float>({4})), "int32 or int64");
  SS_EXPECT_ERROR_CONTAINS(Reshape(Iota<float>({4}), Make<int32_t>({1, 1}, {4})),
                           "must be a vector");
}

TEST(Reshape, HugeSizesAreErrorsNotCrashes) {
  const int64_t big = int64_t{1} << 40;
  SS_EXPECT_ERROR_CONTAINS(Reshape(Iota<float>({4}), Vec<int64_t>({big, big, -1})),
                           "too many elements");
  SS_EXPECT_ERROR_CONTAINS(Reshape(Iota<float>({4}), Vec<int64_t>({big, big})), "[4]");
  // An empty input whose non-zero dims overflow when multiplied.
  Tensor empty(tensorflow::DT_FLOAT, {0, big, big});
  EXPECT_FALSE(Reshape(empty, Vec<int64_t>({0, -1})).ok());
  auto ok = Reshape(empty, Vec<int64_t>({-1}));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->shape(), TensorShape({0}));
}

}  // namespace
}  // namespace savedserve
