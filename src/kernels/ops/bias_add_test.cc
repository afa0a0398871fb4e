#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/nn_test_util.h"

namespace savedserve {
namespace {

using nn_testing::Floats;
using nn_testing::RunOne;
using nn_testing::Values;

TEST(BiasAdd, ChannelsLastAndFirst) {
  Tensor value = Floats({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  Tensor bias = Floats({2}, {10, 100});
  OpRunner nhwc("BiasAdd");
  nhwc.Attr("T", tensorflow::DT_FLOAT);
  EXPECT_EQ(Values(RunOne(nhwc, {value, bias})),
            (std::vector<float>{11, 102, 13, 104, 15, 106, 17, 108}));
  OpRunner nchw("BiasAdd");
  nchw.Attr("data_format", "NCHW");
  EXPECT_EQ(Values(RunOne(nchw, {value, bias})),
            (std::vector<float>{11, 12, 13, 14, 105, 106, 107, 108}));
}

TEST(BiasAdd, IntegersAndErrors) {
  Tensor value = Tensor::FromVector<int32_t>(std::vector<int32_t>{1, 2, 3, 4}, {2, 2});
  Tensor bias = Tensor::FromVector<int32_t>(std::vector<int32_t>{10, 20}, {2});
  OpRunner r("BiasAdd");
  Tensor out = RunOne(r, {value, bias});
  EXPECT_EQ(out.data<int32_t>()[3], 24);
  EXPECT_EQ(r.Run({Floats({2, 3}, {1, 2, 3, 4, 5, 6}), Floats({2}, {1, 2})}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace savedserve
