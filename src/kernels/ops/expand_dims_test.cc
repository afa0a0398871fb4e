#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Iota;
using testing_util::Vec;

absl::StatusOr<Tensor> ExpandDims(const Tensor& in, const Tensor& dim) {
  OpRunner r("ExpandDims");
  auto out = r.Run({in, dim});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(ExpandDims, PositiveAndNegative) {
  Tensor in = Iota<float>({2, 3});
  struct Case {
    int dim;
    TensorShape want;
  };
  for (const Case& c : std::vector<Case>{{0, {1, 2, 3}},
                                         {1, {2, 1, 3}},
                                         {2, {2, 3, 1}},
                                         {-1, {2, 3, 1}},
                                         {-2, {2, 1, 3}},
                                         {-3, {1, 2, 3}}}) {
    auto out = ExpandDims(in, Tensor::Scalar<int32_t>(c.dim));
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->shape(), c.want) << "dim " << c.dim;
    EXPECT_TRUE(out->SharesBufferWith(in));
  }
}

TEST(ExpandDims, ScalarInputAndOneElementDim) {
  auto out = ExpandDims(Tensor::Scalar<float>(1), Vec<int64_t>({0}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({1}));
  out = ExpandDims(Tensor(tensorflow::DT_STRING, {0}), Tensor::Scalar<int64_t>(-1));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({0, 1}));
}

TEST(ExpandDims, Errors) {
  SS_EXPECT_ERROR_CONTAINS(ExpandDims(Iota<float>({2, 3}), Tensor::Scalar<int32_t>(3)),
                           "dim 3 is out of range [-3, 2] for an input of rank 2");
  SS_EXPECT_ERROR_CONTAINS(ExpandDims(Iota<float>({2, 3}), Tensor::Scalar<int32_t>(-4)),
                           "out of range");
  SS_EXPECT_ERROR_CONTAINS(ExpandDims(Iota<float>({2}), Vec<int32_t>({0, 1})), "scalar");
  SS_EXPECT_ERROR_CONTAINS(ExpandDims(Iota<float>({2}), Tensor::Scalar<float>(0)),
                           "int32 or int64");
}

}  // namespace
}  // namespace savedserve
