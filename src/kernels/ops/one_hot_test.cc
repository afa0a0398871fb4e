#include <string>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Make;
using testing_util::Values;
using testing_util::Vec;

absl::StatusOr<Tensor> OneHot(const Tensor& indices, int32_t depth, const Tensor& on,
                              const Tensor& off, int64_t axis = -1) {
  OpRunner r("OneHot");
  r.Attr("axis", axis);
  auto out = r.Run({indices, Tensor::Scalar<int32_t>(depth), on, off});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(OneHot, LastAxisOutOfRangeIndicesGiveOffRows) {
  // tf.one_hot([0, 2, -1, 5], 3)
  auto out =
      OneHot(Vec<int64_t>({0, 2, -1, 5}), 3, Tensor::Scalar<float>(1), Tensor::Scalar<float>(0));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({4, 3}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
}

TEST(OneHot, EveryAxis) {
  // (np.expand_dims(idx, axis) == np.arange(3) along axis) -> 5 / -1, idx = [[0,2],[1,-1]]
  const Tensor indices = Make<int32_t>({2, 2}, {0, 2, 1, -1});
  const std::vector<std::pair<int64_t, std::vector<int32_t>>> expected = {
      {0, {5, -1, -1, -1, -1, -1, 5, -1, -1, 5, -1, -1}},
      {1, {5, -1, -1, -1, -1, 5, -1, -1, 5, -1, -1, -1}},
      {2, {5, -1, -1, -1, -1, 5, -1, 5, -1, -1, -1, -1}},
      {-1, {5, -1, -1, -1, -1, 5, -1, 5, -1, -1, -1, -1}},
  };
  for (const auto& [axis, values] : expected) {
    auto out = OneHot(indices, 3, Tensor::Scalar<int32_t>(5), Tensor::Scalar<int32_t>(-1), axis);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->shape().dim(axis == -1 ? 2 : static_cast<int>(axis)), 3);
    EXPECT_EQ(Values<int32_t>(*out), values) << "axis " << axis;
  }
}

TEST(OneHot, IndexAndValueTypes) {
  Tensor on(tensorflow::DT_STRING, {}), off(tensorflow::DT_STRING, {});
  on.data<std::string>()[0] = "yes";
  off.data<std::string>()[0] = "no";
  auto out = OneHot(Vec<uint8_t>({1}), 2, on, off);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>(*out), (std::vector<std::string>{"no", "yes"}));
  out =
      OneHot(Tensor::Scalar<int8_t>(0), 2, Tensor::Scalar<bool>(true), Tensor::Scalar<bool>(false));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2}));
  EXPECT_EQ(Values<bool>(*out), (std::vector<bool>{true, false}));
  out = OneHot(Vec<int32_t>({0, 1}), 0, Tensor::Scalar<float>(1), Tensor::Scalar<float>(0));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 0}));
}

TEST(OneHot, Errors) {
  const Tensor one = Tensor::Scalar<float>(1), zero = Tensor::Scalar<float>(0);
  SS_EXPECT_ERROR_CONTAINS(OneHot(Vec<int32_t>({0}), -1, one, zero),
                           "depth must be non-negative, got: -1");
  SS_EXPECT_ERROR_CONTAINS(OneHot(Vec<int32_t>({0}), 2, one, zero, 2),
                           "Expected axis to be -1 or between [0, 2)");
  SS_EXPECT_ERROR_CONTAINS(OneHot(Vec<int32_t>({0}), 2, one, zero, -2), "axis must be >= -1");
  SS_EXPECT_ERROR_CONTAINS(OneHot(Vec<int32_t>({0}), 2, Vec<float>({1}), zero),
                           "on_value must be a scalar");
  SS_EXPECT_ERROR_CONTAINS(OneHot(Vec<int32_t>({0}), 2, one, Tensor::Scalar<int32_t>(0)),
                           "on_value is DT_FLOAT but off_value is DT_INT32");
  SS_EXPECT_ERROR_CONTAINS(OneHot(Vec<float>({0}), 2, one, zero), "indices: unsupported dtype");
  // 2^20 indices x depth 2^31-1: petabytes, refused rather than attempted.
  SS_EXPECT_ERROR_CONTAINS(OneHot(Tensor(tensorflow::DT_INT32, {1 << 20}), INT32_MAX, one, zero),
                           "cannot allocate");
}

}  // namespace
}  // namespace savedserve
