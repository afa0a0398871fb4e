#include <cmath>
#include <complex>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Make;
using testing_util::Values;
using testing_util::Vec;

absl::StatusOr<Tensor> Where(const Tensor& in) {
  OpRunner r("Where");
  auto out = r.Run({in});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(Where, CoordinatesOfTrueElements) {
  // np.argwhere([[F, T, F], [T, F, T]])
  auto out = Where(Make<bool>({2, 3}, {false, true, false, true, false, true}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->dtype(), tensorflow::DT_INT64);
  EXPECT_EQ(out->shape(), TensorShape({3, 2}));
  EXPECT_EQ(Values<int64_t>(*out), (std::vector<int64_t>{0, 1, 1, 0, 1, 2}));
}

TEST(Where, NonZeroNumbers) {
  // np.argwhere([[0, 1.5, 0], [nan, -0.0, -2]]): NaN is non-zero, -0 is zero.
  auto out = Where(Make<float>({2, 3}, {0, 1.5f, 0, NAN, -0.0f, -2}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int64_t>(*out), (std::vector<int64_t>{0, 1, 1, 0, 1, 2}));
  Tensor halves(tensorflow::DT_HALF, {3});
  halves.data<Half>()[0] = FloatToHalf(-0.0f);
  halves.data<Half>()[1] = FloatToHalf(0.25f);
  halves.data<Half>()[2] = FloatToHalf(0);
  out = Where(halves);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int64_t>(*out), (std::vector<int64_t>{1}));
  out = Where(Vec<uint8_t>({0, 0, 7}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int64_t>(*out), (std::vector<int64_t>{2}));
  Tensor complex(tensorflow::DT_COMPLEX64, {2});
  static_cast<std::complex<float>*>(complex.raw_data())[1] = {0, 1};
  out = Where(complex);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int64_t>(*out), (std::vector<int64_t>{1}));
}

TEST(Where, ScalarsAndNone) {
  auto out = Where(Tensor::Scalar<bool>(true));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({1, 0}));
  out = Where(Make<int32_t>({2, 2}, {0, 0, 0, 0}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({0, 2}));
  Tensor s(tensorflow::DT_STRING, {1});
  SS_EXPECT_ERROR_CONTAINS(Where(s), "unsupported dtype DT_STRING");
  OpRunner three("Where");
  SS_EXPECT_ERROR_CONTAINS(
      three.Run({Tensor::Scalar<bool>(true), Tensor::Scalar<float>(1), Tensor::Scalar<float>(2)}),
      "takes 1 input");
}

}  // namespace
}  // namespace savedserve
