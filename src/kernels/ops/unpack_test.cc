#include <string>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Iota;
using testing_util::StringIota;
using testing_util::Values;

absl::StatusOr<std::vector<Tensor>> Unpack(const Tensor& in, int64_t num, int64_t axis,
                                           int outputs = -1) {
  OpRunner r("Unpack");
  r.Attr("num", num).Attr("axis", axis).NumOutputs(outputs < 0 ? static_cast<int>(num) : outputs);
  return r.Run({in});
}

TEST(Unpack, Axes) {
  // np.arange(6).reshape(2, 3): rows along axis 0, columns along axis 1.
  auto out = Unpack(Iota<float>({2, 3}), 2, 0);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ(Values<float>((*out)[1]), (std::vector<float>{3, 4, 5}));
  out = Unpack(Iota<float>({2, 3}), 3, -1);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 3u);
  EXPECT_EQ((*out)[2].shape(), TensorShape({2}));
  EXPECT_EQ(Values<float>((*out)[0]), (std::vector<float>{0, 3}));
  EXPECT_EQ(Values<float>((*out)[2]), (std::vector<float>{2, 5}));
}

TEST(Unpack, StringsAndEmpty) {
  auto out = Unpack(StringIota({3}), 3, 0);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[1].shape(), TensorShape({}));
  EXPECT_EQ((*out)[1].data<std::string>()[0], "1");
  out = Unpack(Tensor(tensorflow::DT_FLOAT, {2, 0}), 2, 0);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[1].shape(), TensorShape({0}));
  out = Unpack(Tensor(tensorflow::DT_FLOAT, {0, 2}), 0, 0);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->empty());
}

TEST(Unpack, Errors) {
  SS_EXPECT_ERROR_CONTAINS(Unpack(Iota<float>({2, 3}), 3, 0),
                           "has 2 entries along axis 0 but num is 3");
  SS_EXPECT_ERROR_CONTAINS(Unpack(Iota<float>({2, 3}), 2, 2), "axis 2 is out of range");
  SS_EXPECT_ERROR_CONTAINS(Unpack(Tensor::Scalar<float>(1), 1, 0), "scalar");
  SS_EXPECT_ERROR_CONTAINS(Unpack(Iota<float>({2}), 2, 0, /*outputs=*/1), "1 outputs");
}

}  // namespace
}  // namespace savedserve
