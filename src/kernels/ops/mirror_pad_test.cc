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

absl::StatusOr<Tensor> MirrorPad(const Tensor& in, const std::vector<int32_t>& pads,
                                 const char* mode) {
  OpRunner r("MirrorPad");
  r.Attr("mode", mode);
  auto out = r.Run({in, Make<int32_t>({static_cast<int64_t>(pads.size() / 2), 2}, pads)});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(MirrorPad, ReflectAndSymmetric1D) {
  // np.pad([0,1,2], 2, mode='reflect') and mode='symmetric'
  auto out = MirrorPad(Iota<int32_t>({3}), {2, 2}, "REFLECT");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{2, 1, 0, 1, 2, 1, 0}));
  out = MirrorPad(Iota<int32_t>({3}), {3, 1}, "SYMMETRIC");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{2, 1, 0, 0, 1, 2, 2}));
}

TEST(MirrorPad, TwoDimsAndStrings) {
  // np.pad(np.arange(6).reshape(2,3), [[1,1],[2,0]], mode='reflect')
  auto out = MirrorPad(Iota<float>({2, 3}), {1, 1, 2, 0}, "REFLECT");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({4, 5}));
  EXPECT_EQ(Values<float>(*out),
            (std::vector<float>{5, 4, 3, 4, 5, 2, 1, 0, 1, 2, 5, 4, 3, 4, 5, 2, 1, 0, 1, 2}));
  out = MirrorPad(StringIota({2}), {1, 0}, "SYMMETRIC");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>(*out), (std::vector<std::string>{"0", "0", "1"}));
}

TEST(MirrorPad, Errors) {
  SS_EXPECT_ERROR_CONTAINS(MirrorPad(Iota<float>({3}), {3, 0}, "REFLECT"), "exceed 2");
  SS_EXPECT_ERROR_CONTAINS(MirrorPad(Iota<float>({3}), {0, 4}, "SYMMETRIC"), "exceed 3");
  SS_EXPECT_ERROR_CONTAINS(MirrorPad(Iota<float>({3}), {0, 0}, "WRAP"), "mode");
}

}  // namespace
}  // namespace savedserve
