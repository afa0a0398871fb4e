#include <complex>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Iota;
using testing_util::Values;

TEST(OnesLike, NumbersBoolAndComplex) {
  OpRunner r("OnesLike");
  auto out = r.Run({Iota<float>({2, 2})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>((*out)[0]), std::vector<float>(4, 1.0f));
  out = r.Run({Tensor(tensorflow::DT_BOOL, {3})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<bool>((*out)[0]), std::vector<bool>(3, true));
  out = r.Run({Tensor(tensorflow::DT_BFLOAT16, {2})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(BFloat16ToFloat((*out)[0].data<BFloat16>()[1]), 1.0f);
  out = r.Run({Tensor(tensorflow::DT_COMPLEX64, {2})});
  ASSERT_TRUE(out.ok()) << out.status();
  const auto* c = static_cast<const std::complex<float>*>((*out)[0].raw_data());
  EXPECT_EQ(c[1], std::complex<float>(1, 0));
  out = r.Run({Tensor(tensorflow::DT_INT64, {0, 4})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape({0, 4}));
}

TEST(OnesLike, RejectsStrings) {
  OpRunner r("OnesLike");
  SS_EXPECT_ERROR_CONTAINS(r.Run({Tensor(tensorflow::DT_STRING, {1})}), "unsupported dtype");
}

}  // namespace
}  // namespace savedserve
