// Reference MaxPool / AvgPool checked on cases computed by hand.
#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/nn_test_util.h"

namespace savedserve {
namespace {

using nn_testing::Floats;
using nn_testing::RunOne;
using nn_testing::Values;
constexpr auto kRef = KernelVariant::kReference;

void SetPoolAttrs(OpRunner& r, int64_t k, int64_t s, const std::string& padding) {
  r.Attr("T", tensorflow::DT_FLOAT)
      .Attr("ksize", std::vector<int64_t>{1, k, k, 1})
      .Attr("strides", std::vector<int64_t>{1, s, s, 1})
      .Attr("padding", padding);
}

// 3x3 single-channel input 1..9.
Tensor Input3x3() { return Floats({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9}); }

TEST(PoolReference, MaxPoolValidAndSame) {
  OpRunner valid("MaxPool");
  SetPoolAttrs(valid, 2, 1, "VALID");
  EXPECT_EQ(Values(RunOne(valid, {Input3x3()}, kRef)), (std::vector<float>{5, 6, 8, 9}));
  OpRunner same("MaxPool");
  SetPoolAttrs(same, 2, 2, "SAME");  // out 2x2, pad after only
  EXPECT_EQ(Values(RunOne(same, {Input3x3()}, kRef)), (std::vector<float>{5, 6, 8, 9}));
  // Negative values: padding must not contribute zeros to the max.
  Tensor neg = Floats({1, 2, 2, 1}, {-4, -3, -2, -1});
  OpRunner same3("MaxPool");
  SetPoolAttrs(same3, 3, 1, "SAME");
  EXPECT_EQ(Values(RunOne(same3, {neg}, kRef)), (std::vector<float>{-1, -1, -1, -1}));
}

TEST(PoolReference, AvgPoolSameExcludesPadding) {
  OpRunner same("AvgPool");
  SetPoolAttrs(same, 2, 2, "SAME");
  // Windows {1,2,4,5}, {3,6}, {7,8}, {9}.
  EXPECT_EQ(Values(RunOne(same, {Input3x3()}, kRef)), (std::vector<float>{3, 4.5f, 7.5f, 9}));
  OpRunner same3("AvgPool");
  SetPoolAttrs(same3, 3, 1, "SAME");
  Tensor out = RunOne(same3, {Input3x3()}, kRef);
  EXPECT_FLOAT_EQ(out.data<float>()[0], (1 + 2 + 4 + 5) / 4.0f);
  EXPECT_FLOAT_EQ(out.data<float>()[4], 5.0f);
  OpRunner valid("AvgPool");
  SetPoolAttrs(valid, 3, 1, "VALID");
  EXPECT_EQ(Values(RunOne(valid, {Input3x3()}, kRef)), (std::vector<float>{5}));
}

TEST(PoolReference, ChannelsAndBatchAreIndependent) {
  // Two images, two channels: channel 1 is channel 0 times -1.
  Tensor in = Floats({2, 2, 2, 2}, {1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8, -8});
  OpRunner max("MaxPool");
  SetPoolAttrs(max, 2, 2, "VALID");
  EXPECT_EQ(Values(RunOne(max, {in}, kRef)), (std::vector<float>{4, -1, 8, -5}));
  OpRunner avg("AvgPool");
  SetPoolAttrs(avg, 2, 2, "VALID");
  EXPECT_EQ(Values(RunOne(avg, {in}, kRef)), (std::vector<float>{2.5f, -2.5f, 6.5f, -6.5f}));
}

TEST(PoolReference, RejectsUnsupportedAttributes) {
  OpRunner r("MaxPool");
  SetPoolAttrs(r, 2, 2, "VALID");
  r.Attr("ksize", std::vector<int64_t>{1, 2, 2, 2});
  EXPECT_EQ(r.Run({Input3x3()}, kRef).status().code(), absl::StatusCode::kUnimplemented);
  OpRunner nchw("AvgPool");
  SetPoolAttrs(nchw, 2, 2, "VALID");
  nchw.Attr("data_format", "NCHW");
  EXPECT_EQ(nchw.Run({Input3x3()}, kRef).status().code(), absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace savedserve
