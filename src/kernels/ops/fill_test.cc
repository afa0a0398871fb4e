#include <string>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Values;
using testing_util::Vec;

TEST(Fill, NumbersBoolAndStrings) {
  OpRunner r("Fill");
  auto out = r.Run({Vec<int32_t>({2, 3}), Tensor::Scalar<float>(1.5f)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape({2, 3}));
  EXPECT_EQ(Values<float>((*out)[0]), std::vector<float>(6, 1.5f));
  out = r.Run({Vec<int64_t>({3}), Tensor::Scalar<bool>(true)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<bool>((*out)[0]), std::vector<bool>(3, true));
  Tensor s(tensorflow::DT_STRING, {});
  s.data<std::string>()[0] = "x";
  out = r.Run({Vec<int32_t>({2}), s});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>((*out)[0]), (std::vector<std::string>{"x", "x"}));
  out = r.Run({Vec<int32_t>({}), Tensor::Scalar<int64_t>(9)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int64_t>((*out)[0]), (std::vector<int64_t>{9}));
  out = r.Run({Vec<int32_t>({4, 0}), Tensor::Scalar<int64_t>(9)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape({4, 0}));
}

TEST(Fill, Errors) {
  OpRunner r("Fill", "f");
  SS_EXPECT_ERROR_CONTAINS(r.Run({Vec<int32_t>({2, -1}), Tensor::Scalar<float>(0)}), "dimension 1");
  SS_EXPECT_ERROR_CONTAINS(r.Run({Vec<int32_t>({2}), Vec<float>({1, 2})}), "scalar");
  const int64_t big = int64_t{1} << 40;
  SS_EXPECT_ERROR_CONTAINS(r.Run({Vec<int64_t>({big, big}), Tensor::Scalar<float>(0)}), "'f'");
  // Representable but impossible to allocate: an error, not an abort.
  auto huge = r.Run({Vec<int64_t>({big, int64_t{1} << 20}), Tensor::Scalar<float>(0)});
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().code(), absl::StatusCode::kResourceExhausted) << huge.status();
}

}  // namespace
}  // namespace savedserve
