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

absl::StatusOr<Tensor> Pack(const std::vector<Tensor>& values, int64_t axis) {
  OpRunner r("Pack");
  r.Attr("N", static_cast<int64_t>(values.size())).Attr("axis", axis);
  auto out = r.Run(values);
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(Pack, Axes) {
  Tensor a = Iota<float>({2, 2});  // [[0,1],[2,3]]
  Tensor b = Make<float>({2, 2}, {10, 11, 12, 13});
  // np.stack([a, b], axis=k)
  auto out = Pack({a, b}, 0);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 2, 2}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 1, 2, 3, 10, 11, 12, 13}));
  out = Pack({a, b}, 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 1, 10, 11, 2, 3, 12, 13}));
  out = Pack({a, b}, -1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 2, 2}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 10, 1, 11, 2, 12, 3, 13}));
  out = Pack({a, b}, -3);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 1, 2, 3, 10, 11, 12, 13}));
}

TEST(Pack, ScalarsStringsAndEmpty) {
  auto out = Pack({Tensor::Scalar<int32_t>(4), Tensor::Scalar<int32_t>(5)}, 0);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{4, 5}));
  out = Pack({StringIota({2}), StringIota({2}), StringIota({2})}, 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 3}));
  EXPECT_EQ(Values<std::string>(*out), (std::vector<std::string>{"0", "0", "0", "1", "1", "1"}));
  out = Pack({Tensor(tensorflow::DT_FLOAT, {0, 2})}, 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({0, 1, 2}));
}

TEST(Pack, Errors) {
  SS_EXPECT_ERROR_CONTAINS(Pack({Iota<float>({2}), Iota<float>({3})}, 0),
                           "input 1 is DT_FLOAT [3] but input 0 is DT_FLOAT [2]");
  SS_EXPECT_ERROR_CONTAINS(Pack({Iota<float>({2}), Iota<float>({2})}, 2),
                           "axis 2 is out of range [-2, 2)");
  SS_EXPECT_ERROR_CONTAINS(Pack({Iota<float>({2}), Iota<float>({2})}, -3), "out of range");
}

}  // namespace
}  // namespace savedserve
