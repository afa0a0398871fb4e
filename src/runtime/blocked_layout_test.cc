#include "runtime/blocked_layout.h"

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/blocked_layout.h"
#include "runtime/graph_rewrites.h"
#include "runtime/serving_graph_test_util.h"

namespace savedserve {
namespace {

// x (16 channels) -> relu1 = conv+bias+relu (32) -> pool -> conv2 (32) = y; square reads
// relu1 in NHWC; narrow = conv (8 channels, not blockable) of x.
class BlockedLayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NodeOutput x =
        g_.Placeholder("x", tensorflow::DT_FLOAT, PartialShape(std::vector<int64_t>{-1, 8, 8, 16}));
    auto weight = [&](const std::string& name, const TensorShape& shape) {
      return g_.VariableV2(name, RandomTensor(tensorflow::DT_FLOAT, shape, ++seed_, -0.5, 0.5))
          .value;
    };
    NodeOutput relu1 =
        g_.Relu("relu1", g_.BiasAdd("bias1", g_.Conv2D("conv1", x, weight("w1", {3, 3, 16, 32})),
                                    weight("b1", {32})));
    PoolOptions pool;
    pool.padding = "SAME";
    NodeOutput pooled = g_.MaxPool("pool", relu1, pool);
    outputs_["y"] = g_.Conv2D("conv2", pooled, weight("w2", {3, 3, 32, 32}));
    outputs_["square"] = g_.Square("square", relu1);
    outputs_["narrow"] = g_.Conv2D("narrow", x, weight("w3", {1, 1, 16, 8}));
    meta_ = testing::ServingMetaGraph(g_, {{"s", {{{"x", x}}, outputs_}}});
  }

  GraphBuilder g_;
  uint32_t seed_ = 0;
  std::map<std::string, NodeOutput> outputs_;
  tensorflow::MetaGraphDef meta_;
};

TEST_F(BlockedLayoutTest, KeepsRunsBlockedAndConvertsAtTheEdges) {
  std::vector<tensorflow::NodeDef> nodes(meta_.graph_def().node().begin(),
                                         meta_.graph_def().node().end());
  RewriteForServing({"conv2", "square", "narrow"}, &nodes);
  // The fused relu1, the pool and conv2 (and the unfused conv1, left for other readers).
  EXPECT_EQ(KeepActivationsBlocked(&nodes), 4);
  const tensorflow::NodeDef* relu1 = testing::FindNode(nodes, "relu1/_nChw16c");
  ASSERT_NE(relu1, nullptr);
  EXPECT_EQ(relu1->op(), "_FusedConv2D");
  EXPECT_EQ(relu1->attr().at(kLayoutAttr).s(), kBlockedLayout);
  EXPECT_EQ(relu1->input(0), "x/_to_nChw16c");
  EXPECT_EQ(relu1->attr().at("_output_shapes").list().shape(0).dim_size(), 5);
  EXPECT_EQ(testing::FindNode(nodes, "x/_to_nChw16c")->op(), kToBlockedOp);
  EXPECT_EQ(testing::FindNode(nodes, "pool/_nChw16c")->input(0), "relu1/_nChw16c");  // blocked to blocked
  EXPECT_EQ(testing::FindNode(nodes, "conv2/_nChw16c")->input(0), "pool/_nChw16c");
  // The original names now convert back, for NHWC readers and fetches.
  EXPECT_EQ(testing::FindNode(nodes, "relu1")->op(), kFromBlockedOp);
  EXPECT_EQ(testing::FindNode(nodes, "conv2")->op(), kFromBlockedOp);
  EXPECT_EQ(testing::FindNode(nodes, "square")->input(0), "relu1");
  EXPECT_EQ(testing::FindNode(nodes, "narrow")->op(), "Conv2D");  // 8 channels: left as it is
  EXPECT_EQ(testing::FindNode(nodes, "narrow/_nChw16c"), nullptr);
}

TEST_F(BlockedLayoutTest, SameOutputsWithAndWithoutPasses) {
  testing::ExpectSameWithAndWithoutPasses(
      meta_, "s", {{"x", RandomTensor(tensorflow::DT_FLOAT, TensorShape({2, 8, 8, 16}), 9)}}, 1e-4);
}

}  // namespace
}  // namespace savedserve
