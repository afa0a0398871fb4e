#include "runtime/banded_chains.h"

#include <cmath>

#include "gtest/gtest.h"
#include "kernels/cpu/conv2d_onednn.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/banded_chain.h"
#include "kernels/ops/blocked_layout.h"
#include "runtime/blocked_layout.h"
#include "runtime/graph_rewrites.h"
#include "runtime/serving_graph_test_util.h"

namespace savedserve {
namespace {

// Sets the pass's options for the test's life (tiny bands, so even small images are cut
// into many), restoring the defaults after.
class BandedChainsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BandedChainOptions options;
    options.min_intermediate_bytes = 1;
    options.band_bytes = 1;  // one row per band
    SetDefaultBandedChainOptions(options);
  }
  void TearDown() override {
    SetDefaultBandedChainOptions(BandedChainOptions());
    SetWinogradPolicy(WinogradPolicy::kLarge);
  }

  // x (3 channels, h x w) -> block1: conv (16) + bias + relu, conv (64) + bias,
  // max pool 2x2 SAME -> block2: conv 3x3 (64), conv 5x3 VALID (64) + bias, conv 3x3 with
  // rows dilated by 2 (64) + bias + relu6, max pool 3x3 stride 2 SAME = y; `side` fetches
  // block2's first conv from a second signature output when `fetch_side`.
  tensorflow::MetaGraphDef Model(int64_t h, int64_t w, bool fetch_side) {
    GraphBuilder g;
    uint32_t seed = 0;
    // Scaled by the fan-in, so activations stay of order one through the layers.
    auto weight = [&](const std::string& name, const TensorShape& shape) {
      const double scale =
          shape.rank() == 4 ? 1.5 / std::sqrt(shape.dim(0) * shape.dim(1) * shape.dim(2)) : 0.5;
      return g.VariableV2(name, RandomTensor(tensorflow::DT_FLOAT, shape, ++seed, -scale, scale))
          .value;
    };
    NodeOutput x =
        g.Placeholder("x", tensorflow::DT_FLOAT, PartialShape(std::vector<int64_t>{-1, h, w, 3}));
    auto conv_bias = [&](const std::string& name, NodeOutput in, const TensorShape& filter,
                         const ConvOptions& options = {}) {
      return g.BiasAdd(name + "/bias", g.Conv2D(name, in, weight(name + "/w", filter), options),
                       weight(name + "/b", {filter.dim(3)}));
    };
    NodeOutput c1 = g.Relu("relu1_1", conv_bias("conv1_1", x, {3, 3, 3, 16}));
    NodeOutput c2 = conv_bias("conv1_2", c1, {3, 3, 16, 64});  // negative values reach the pool
    PoolOptions same2;
    same2.padding = "SAME";
    NodeOutput p1 = g.MaxPool("pool1", c2, same2);
    NodeOutput c3 = g.Conv2D("conv2_1", p1, weight("conv2_1/w", {3, 3, 64, 64}));
    ConvOptions valid;
    valid.padding = "VALID";
    NodeOutput c4 = conv_bias("conv2_2", c3, {5, 3, 64, 64}, valid);
    ConvOptions dilated;
    dilated.dilations = {2, 1};
    NodeOutput c5 = g.Relu6("relu2_3", conv_bias("conv2_3", c4, {3, 3, 64, 64}, dilated));
    PoolOptions overlapping;
    overlapping.ksize = {3, 3};
    overlapping.padding = "SAME";
    std::map<std::string, NodeOutput> outputs = {{"y", g.MaxPool("pool2", c5, overlapping)}};
    if (fetch_side) outputs["side"] = c3;
    return testing::ServingMetaGraph(g, {{"s", {{{"x", x}}, outputs}}});
  }
};

TEST_F(BandedChainsTest, FusesRunsOfConvolutionsEndingInPools) {
  for (bool fetch_side : {false, true}) {
    SCOPED_TRACE(fetch_side ? "conv2_1 fetched" : "nothing fetched inside");
    const tensorflow::MetaGraphDef meta = Model(23, 17, fetch_side);
    std::vector<tensorflow::NodeDef> nodes(meta.graph_def().node().begin(),
                                           meta.graph_def().node().end());
    // Frozen weights are what the pass wants; here the variables' reads stand in as Consts.
    for (auto& node : nodes) {
      if (node.op() == "Identity" && node.name().size() > 5 &&
          node.name().compare(node.name().size() - 5, 5, "/read") == 0) {
        node.set_op("Const");
        node.clear_input();
      }
    }
    std::set<std::string> keep = {"pool2"};
    if (fetch_side) keep.insert("conv2_1");
    RewriteForServing(keep, &nodes);
    ASSERT_GT(KeepActivationsBlocked(&nodes), 0);
    BandedChainOptions options;
    options.min_intermediate_bytes = 1;
    EXPECT_EQ(FuseBandedChains(keep, options, &nodes), 2);
    const tensorflow::NodeDef* block1 = testing::FindNode(nodes, "pool1/_nChw16c");
    ASSERT_NE(block1, nullptr);
    EXPECT_EQ(block1->op(), kBandedChainOp);
    EXPECT_EQ(block1->input(0), "x");  // the NHWC first convolution is a stage
    EXPECT_EQ(block1->attr().at(kStagesAttr).list().s_size(), 3);
    const tensorflow::NodeDef* block2 = testing::FindNode(nodes, "pool2/_nChw16c");
    ASSERT_NE(block2, nullptr);
    EXPECT_EQ(block2->op(), kBandedChainOp);
    // A fetched conv2_1 stays whole: the chain starts after it.
    EXPECT_EQ(block2->attr().at(kStagesAttr).list().s_size(), fetch_side ? 3 : 4);
    EXPECT_EQ(block2->input(0), fetch_side ? "conv2_1/_nChw16c" : "pool1/_nChw16c");
  }
}

TEST_F(BandedChainsTest, NothingToFuseWhenIntermediatesAreSmall) {
  const tensorflow::MetaGraphDef meta = Model(12, 12, false);
  std::vector<tensorflow::NodeDef> nodes(meta.graph_def().node().begin(),
                                         meta.graph_def().node().end());
  RewriteForServing({"pool2"}, &nodes);
  KeepActivationsBlocked(&nodes);
  EXPECT_EQ(FuseBandedChains({"pool2"}, BandedChainOptions(), &nodes), 0);
}

TEST_F(BandedChainsTest, SameOutputsWithAndWithoutPasses) {
  for (bool winograd : {true, false}) {
    SetWinogradPolicy(winograd ? WinogradPolicy::kAll : WinogradPolicy::kNone);
    for (auto [h, w] : {std::pair<int64_t, int64_t>{23, 17}, {30, 12}, {9, 40}}) {
      SCOPED_TRACE(::testing::Message() << h << "x" << w << (winograd ? " winograd" : " direct"));
      for (int64_t band_bytes : {int64_t{1}, int64_t{40000}, int64_t{1} << 30}) {
        BandedChainOptions options;
        options.min_intermediate_bytes = 1;
        options.band_bytes = band_bytes;
        SetDefaultBandedChainOptions(options);
        testing::ExpectSameWithAndWithoutPasses(
            Model(h, w, false), "s",
            {{"x", RandomTensor(tensorflow::DT_FLOAT, TensorShape({2, h, w, 3}), 9, -1, 1)}},
            1e-4);
      }
    }
  }
}

TEST(BandLayoutTest, BandsCoverTheOutputAndReadTheHalo) {
  // conv 3x3 SAME (pad 1) on 10 rows -> pool 2x2 stride 2 on 10 rows -> 5 rows.
  const std::vector<StageRows> stages = {{1, 3, 1, 10, 100}, {2, 2, 0, 5, 50}};
  const BandLayout one = ChooseBands(stages, 1);  // nothing fits: one output row per band
  EXPECT_EQ(one.band_rows, 1);
  EXPECT_EQ(one.bands, 5);
  EXPECT_EQ(one.out_rows, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(one.in_rows, 4);
  EXPECT_EQ(one.OutStart(stages, 0, 3), 6);
  EXPECT_EQ(one.InStart(stages, 0), -1);  // the padding row above the image
  EXPECT_EQ(one.InStart(stages, 4), 7);
  // Room for 7 conv rows: bands of 3 pool rows (6 conv rows), then equalised: 2 bands of 3.
  const BandLayout some = ChooseBands(stages, 700);
  EXPECT_EQ(some.band_rows, 3);
  EXPECT_EQ(some.bands, 2);
  EXPECT_EQ(some.in_rows, 8);
  const BandLayout all = ChooseBands(stages, 1 << 20);
  EXPECT_EQ(all.band_rows, 5);
  EXPECT_EQ(all.bands, 1);
}

}  // namespace
}  // namespace savedserve
