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

absl::StatusOr<Tensor> Concat(std::vector<Tensor> values, int64_t axis) {
  OpRunner r("ConcatV2", "c");
  r.Attr("N", static_cast<int64_t>(values.size()));
  values.push_back(Tensor::Scalar<int64_t>(axis));
  auto out = r.Run(values);
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(ConcatV2, Axis0And1) {
  Tensor a = Iota<float>({2, 2});  // [[0,1],[2,3]]
  Tensor b = Make<float>({1, 2}, {10, 11});
  auto out = Concat({a, b}, 0);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({3, 2}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 1, 2, 3, 10, 11}));
  Tensor c = Make<float>({2, 1}, {20, 21});
  out = Concat({a, c, a}, -1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 5}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 1, 20, 0, 1, 2, 3, 21, 2, 3}));
}

TEST(ConcatV2, MiddleAxisEmptyInputsAndStrings) {
  // np.concatenate([np.arange(12).reshape(2,3,2), np.zeros((2,0,2))], axis=1) == input
  Tensor a = Iota<int32_t>({2, 3, 2});
  auto out = Concat(
      {a, Tensor(tensorflow::DT_INT32, {2, 0, 2}), Make<int32_t>({2, 1, 2}, {-1, -2, -3, -4})}, 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 4, 2}));
  EXPECT_EQ(Values<int32_t>(*out),
            (std::vector<int32_t>{0, 1, 2, 3, 4, 5, -1, -2, 6, 7, 8, 9, 10, 11, -3, -4}));
  out = Concat({StringIota({2}), StringIota({1})}, 0);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>(*out), (std::vector<std::string>{"0", "1", "0"}));
  out = Concat({Tensor(tensorflow::DT_FLOAT, {0, 3}), Tensor(tensorflow::DT_FLOAT, {0, 3})}, 0);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({0, 3}));
}

TEST(ConcatV2, TF1ConcatTakesAxisFirst) {
  OpRunner r("Concat");
  auto out = r.Run({Tensor::Scalar<int32_t>(1), Iota<float>({1, 2}), Iota<float>({1, 1})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>((*out)[0]), (std::vector<float>{0, 1, 0}));
}

TEST(ConcatV2, Errors) {
  SS_EXPECT_ERROR_CONTAINS(Concat({Iota<float>({2, 3}), Iota<float>({2, 4})}, 0),
                           "input 1 has shape [2,4] but input 0 has shape [2,3]");
  SS_EXPECT_ERROR_CONTAINS(Concat({Iota<float>({2, 3}), Iota<float>({2, 3, 1})}, 0),
                           "input 1 has shape [2,3,1]");
  SS_EXPECT_ERROR_CONTAINS(Concat({Iota<float>({2, 3}), Iota<float>({2, 3})}, 2),
                           "axis 2 is out of range [-2, 2)");
  SS_EXPECT_ERROR_CONTAINS(Concat({Iota<float>({2}), Iota<int32_t>({2})}, 0), "DT_INT32");
  SS_EXPECT_ERROR_CONTAINS(Concat({Tensor::Scalar<float>(1), Tensor::Scalar<float>(2)}, 0),
                           "scalars");
}

}  // namespace
}  // namespace savedserve
