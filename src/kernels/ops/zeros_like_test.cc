#include <string>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Iota;
using testing_util::StringIota;
using testing_util::Values;

TEST(ZerosLike, KeepsDtypeAndShape) {
  OpRunner r("ZerosLike");
  auto out = r.Run({Iota<int32_t>({2, 3})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape({2, 3}));
  EXPECT_EQ(Values<int32_t>((*out)[0]), std::vector<int32_t>(6, 0));
  out = r.Run({StringIota({2})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>((*out)[0]), (std::vector<std::string>{"", ""}));
  out = r.Run({Tensor(tensorflow::DT_BOOL, {0})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dtype(), tensorflow::DT_BOOL);
}

TEST(ZerosLike, RejectsResources) {
  OpRunner r("ZerosLike");
  SS_EXPECT_ERROR_CONTAINS(r.Run({Tensor(tensorflow::DT_RESOURCE, {})}), "unsupported dtype");
}

}  // namespace
}  // namespace savedserve
