#include <cmath>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/nn_test_util.h"

namespace savedserve {
namespace {

using nn_testing::Floats;
using nn_testing::RunOne;
using nn_testing::Values;

TEST(FusedBatchNorm, InferenceMatchesFormulaAndFillsExtraOutputs) {
  Tensor x = Floats({1, 1, 2, 2}, {1, 2, 3, 4});
  Tensor scale = Floats({2}, {2, 0.5f});
  Tensor offset = Floats({2}, {1, -1});
  Tensor mean = Floats({2}, {1, 2});
  Tensor var = Floats({2}, {4, 1});
  for (bool constant : {false, true}) {
    OpRunner r("FusedBatchNormV3");
    r.Attr("T", tensorflow::DT_FLOAT).Attr("U", tensorflow::DT_FLOAT);
    r.Attr("epsilon", 0.0f).Attr("is_training", false).NumOutputs(6);
    if (constant) r.ConstantInput(1).ConstantInput(2).ConstantInput(3).ConstantInput(4);
    auto out = r.Run({x, scale, offset, mean, var});
    ASSERT_TRUE(out.ok()) << out.status();
    ASSERT_EQ(out->size(), 6u);
    // c0: (v - 1) / 2 * 2 + 1; c1: (v - 2) / 1 * 0.5 - 1.
    EXPECT_EQ(Values((*out)[0]), (std::vector<float>{1, -1, 3, 0}));
    EXPECT_EQ(Values((*out)[1]), Values(mean));
    EXPECT_EQ(Values((*out)[2]), Values(var));
    EXPECT_EQ(Values((*out)[3]), Values(mean));
    EXPECT_EQ(Values((*out)[4]), Values(var));
  }
}

TEST(FusedBatchNorm, ChannelsFirstAndEpsilon) {
  Tensor x = Floats({1, 2, 1, 2}, {1, 2, 3, 4});
  OpRunner r("FusedBatchNorm");
  r.Attr("data_format", "NCHW").Attr("is_training", false).Attr("epsilon", 1.0f).NumOutputs(5);
  Tensor y = RunOne(
      r, {x, Floats({2}, {1, 1}), Floats({2}, {0, 0}), Floats({2}, {0, 0}), Floats({2}, {3, 0})});
  EXPECT_EQ(Values(y), (std::vector<float>{0.5f, 1, 3, 4}));
}

TEST(FusedBatchNorm, TrainingIsUnimplemented) {
  OpRunner r("FusedBatchNormV3");
  r.NumOutputs(6);  // is_training defaults to true, as in TF
  Tensor v = Floats({1}, {1});
  EXPECT_EQ(r.Run({Floats({1, 1, 1, 1}, {1}), v, v, v, v}).status().code(),
            absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace savedserve
