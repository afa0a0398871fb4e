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

Tensor Paddings(const std::vector<int32_t>& flat) {
  return Make<int32_t>({static_cast<int64_t>(flat.size() / 2), 2}, flat);
}

TEST(Pad, ZerosAround) {
  // np.pad(np.arange(4).reshape(2,2), [[1,0],[0,2]])
  OpRunner r("Pad");
  auto out = r.Run({Iota<float>({2, 2}), Paddings({1, 0, 0, 2})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape({3, 4}));
  EXPECT_EQ(Values<float>((*out)[0]), (std::vector<float>{0, 0, 0, 0, 0, 1, 0, 0, 2, 3, 0, 0}));
}

TEST(Pad, ConstantValuesAndStrings) {
  OpRunner r("PadV2");
  auto out =
      r.Run({Iota<int32_t>({3}), Make<int64_t>({1, 2}, {2, 1}), Tensor::Scalar<int32_t>(-7)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>((*out)[0]), (std::vector<int32_t>{-7, -7, 0, 1, 2, -7}));
  Tensor fill(tensorflow::DT_STRING, {});
  fill.data<std::string>()[0] = "pad";
  out = r.Run({StringIota({1}), Paddings({1, 1}), fill});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>((*out)[0]), (std::vector<std::string>{"pad", "0", "pad"}));
}

TEST(Pad, EmptyAndScalar) {
  OpRunner r("Pad");
  auto out = r.Run({Tensor(tensorflow::DT_FLOAT, {0, 2}), Paddings({1, 1, 0, 0})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape({2, 2}));
  EXPECT_EQ(Values<float>((*out)[0]), (std::vector<float>{0, 0, 0, 0}));
  out = r.Run({Tensor::Scalar<float>(5), Tensor(tensorflow::DT_INT32, {0, 2})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>((*out)[0]), (std::vector<float>{5}));
}

TEST(Pad, Errors) {
  OpRunner r("Pad", "p");
  SS_EXPECT_ERROR_CONTAINS(r.Run({Iota<float>({2, 2}), Paddings({1, 1})}),
                           "paddings must have shape [2,2]");
  SS_EXPECT_ERROR_CONTAINS(r.Run({Iota<float>({2}), Paddings({-1, 1})}), "non-negative");
  SS_EXPECT_ERROR_CONTAINS(
      r.Run({Iota<float>({2}), Make<int64_t>({1, 2}, {int64_t{1} << 62, int64_t{1} << 62})}),
      "overflows");
  OpRunner v2("PadV2");
  SS_EXPECT_ERROR_CONTAINS(v2.Run({Iota<float>({2}), Paddings({1, 1}), Iota<float>({2})}),
                           "constant_values");
}

}  // namespace
}  // namespace savedserve
