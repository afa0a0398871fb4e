// The TF.js-only op rewrites: structure (names, inputs, attributes kept) and, run in the
// runtime, values equal to the ops' definitions. The differential suite in tests/ checks
// the same rewrites against TensorFlow.js itself.
#include "export/tfjs_graph_rewrite.h"

#include <map>
#include <set>

#include "export/signature.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "runtime/loaded_model.h"

namespace savedserve {
namespace {

tensorflow::GraphDef Parse(const std::string& text) {
  tensorflow::GraphDef graph;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &graph)) << text;
  return graph;
}

std::map<std::string, tensorflow::NodeDef> ByName(const tensorflow::GraphDef& graph) {
  std::map<std::string, tensorflow::NodeDef> nodes;
  for (const auto& node : graph.node()) nodes[node.name()] = node;
  return nodes;
}

constexpr char kInputs[] = R"pb(
  node {
    name: "x"
    op: "Placeholder"
    attr {
      key: "dtype"
      value { type: DT_FLOAT }
    }
  }
  node {
    name: "w"
    op: "Placeholder"
    attr {
      key: "dtype"
      value { type: DT_FLOAT }
    }
  }
  node {
    name: "b"
    op: "Placeholder"
    attr {
      key: "dtype"
      value { type: DT_FLOAT }
    }
  }
  node {
    name: "a"
    op: "Placeholder"
    attr {
      key: "dtype"
      value { type: DT_FLOAT }
    }
  }
)pb";

std::string FusedDepthwise(const std::string& fused_ops, const std::string& inputs) {
  return std::string(kInputs) + R"pb(
           node { name: "dw" op: "FusedDepthwiseConv2dNative")pb" +
         inputs + R"pb(
           input: "^x"
           device: "/device:CPU:0"
           attr {
             key: "T"
             value { type: DT_FLOAT }
           }
           attr {
             key: "strides"
             value { list { i: 1 i: 2 i: 2 i: 1 } }
           }
           attr {
             key: "padding"
             value { s: "SAME" }
           }
           attr {
             key: "dilations"
             value { list { i: 1 i: 1 i: 1 i: 1 } }
           }
           attr {
             key: "data_format"
             value { s: "NHWC" }
           }
           attr {
             key: "leakyrelu_alpha"
             value { f: 0.3 }
           }
           attr { key: "fused_ops"
                  value { list {)pb" +
         fused_ops + R"pb(}
                          } }
    }
    node { name: "out" op: "Identity" input: "dw" attr { key: "T" value { type: DT_FLOAT } } }
  )pb";
}

TEST(TfjsGraphRewrite, SplitsFusedDepthwiseKeepingTheNameLast) {
  auto graph =
      Parse(FusedDepthwise(R"(s: "BiasAdd" s: "Relu6")", R"(input: "x" input: "w" input: "b")"));
  ASSERT_TRUE(RewriteTfjsOnlyOps(&graph).ok());
  auto nodes = ByName(graph);
  const auto& conv = nodes.at("dw/depthwise");
  EXPECT_EQ(conv.op(), "DepthwiseConv2dNative");
  EXPECT_EQ(conv.input_size(), 3);  // x, w and the control input
  EXPECT_EQ(conv.input(2), "^x");
  EXPECT_EQ(conv.attr().at("strides").list().i(1), 2);
  EXPECT_EQ(conv.attr().at("padding").s(), "SAME");
  EXPECT_FALSE(conv.attr().contains("fused_ops"));
  EXPECT_EQ(conv.device(), "/device:CPU:0");
  const auto& bias = nodes.at("dw/bias_add");
  EXPECT_EQ(bias.op(), "BiasAdd");
  EXPECT_EQ(bias.input(0), "dw/depthwise");
  EXPECT_EQ(bias.input(1), "b");
  EXPECT_EQ(nodes.at("dw").op(), "Relu6");
  EXPECT_EQ(nodes.at("dw").input(0), "dw/bias_add");
  EXPECT_EQ(nodes.at("out").input(0), "dw");
}

TEST(TfjsGraphRewrite, LeakyReluTakesTheFusedAlpha) {
  auto graph = Parse(
      FusedDepthwise(R"(s: "BiasAdd" s: "LeakyRelu")", R"(input: "x" input: "w" input: "b")"));
  ASSERT_TRUE(RewriteTfjsOnlyOps(&graph).ok());
  auto nodes = ByName(graph);
  const auto& act = nodes.at("dw");
  EXPECT_EQ(act.op(), "LeakyRelu");
  EXPECT_FLOAT_EQ(act.attr().at("alpha").f(), 0.3f);
}

TEST(TfjsGraphRewrite, NoFusedOpsLeavesAPlainDepthwiseUnderTheOriginalName) {
  auto graph = Parse(FusedDepthwise("", R"(input: "x" input: "w")"));
  ASSERT_TRUE(RewriteTfjsOnlyOps(&graph).ok());
  EXPECT_EQ(ByName(graph).at("dw").op(), "DepthwiseConv2dNative");
}

TEST(TfjsGraphRewrite, UnsupportedFusionsNameTheNode) {
  auto batch_norm =
      Parse(FusedDepthwise(R"(s: "FusedBatchNorm")", R"(input: "x" input: "w" input: "b")"));
  auto status = RewriteTfjsOnlyOps(&batch_norm);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(status.message().find("'dw'"), std::string::npos) << status;
  auto wrong_args =
      Parse(FusedDepthwise(R"(s: "BiasAdd" s: "Prelu")", R"(input: "x" input: "w" input: "b")"));
  status = RewriteTfjsOnlyOps(&wrong_args);
  EXPECT_NE(status.message().find("1 extra inputs"), std::string::npos) << status;
}

TEST(TfjsGraphRewrite, FusedConvWithPreluKeepsTheBiasFused) {
  auto graph = Parse(std::string(kInputs) + R"pb(
    node {
      name: "conv"
      op: "_FusedConv2D"
      input: "x"
      input: "w"
      input: "b"
      input: "a"
      attr {
        key: "T"
        value { type: DT_FLOAT }
      }
      attr {
        key: "num_args"
        value { i: 2 }
      }
      attr {
        key: "padding"
        value { s: "VALID" }
      }
      attr {
        key: "strides"
        value { list { i: 1 i: 1 i: 1 i: 1 } }
      }
      attr {
        key: "fused_ops"
        value { list { s: "BiasAdd" s: "Prelu" } }
      }
    }
    node { name: "conv/fused" op: "NoOp" }
  )pb");
  ASSERT_TRUE(RewriteTfjsOnlyOps(&graph).ok());
  auto nodes = ByName(graph);
  const auto& core = nodes.at("conv/fused_1");  // "conv/fused" was taken
  EXPECT_EQ(core.op(), "_FusedConv2D");
  EXPECT_EQ(core.input_size(), 3);
  EXPECT_EQ(core.attr().at("num_args").i(), 1);
  ASSERT_EQ(core.attr().at("fused_ops").list().s_size(), 1);
  EXPECT_EQ(core.attr().at("fused_ops").list().s(0), "BiasAdd");
  EXPECT_EQ(core.attr().at("padding").s(), "VALID");
  EXPECT_EQ(nodes.at("conv").op(), "AddV2");
  EXPECT_EQ(nodes.at("conv/prelu/scaled").input(0), "a");
}

TEST(TfjsGraphRewrite, TensorFlowFusedOpsStayAsTheyAre) {
  auto graph = Parse(std::string(kInputs) + R"pb(
    node {
      name: "conv"
      op: "_FusedConv2D"
      input: "x"
      input: "w"
      input: "b"
      attr {
        key: "fused_ops"
        value { list { s: "BiasAdd" s: "Relu" } }
      }
    }
  )pb");
  auto before = graph.SerializeAsString();
  ASSERT_TRUE(RewriteTfjsOnlyOps(&graph).ok());
  EXPECT_EQ(graph.SerializeAsString(), before);
}

TEST(TfjsGraphRewrite, TfjsOnlyOpsInFunctionsAreRefused) {
  auto graph = Parse(R"pb(
    library {
      function {
        signature { name: "f" }
        node_def { name: "p" op: "Prelu" input: "x" input: "a" }
      }
    }
  )pb");
  auto status = RewriteTfjsOnlyOps(&graph);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(status.message().find("function 'f'"), std::string::npos) << status;
}

// Prelu's replacement, run, equals its definition x < 0 ? alpha * x : x exactly.
TEST(TfjsGraphRewrite, PreluReplacementIsExact) {
  tensorflow::MetaGraphDef meta;
  *meta.mutable_graph_def() = Parse(std::string(kInputs) + R"pb(
    node {
      name: "p"
      op: "Prelu"
      input: "x"
      input: "a"
      attr {
        key: "T"
        value { type: DT_FLOAT }
      }
    }
  )pb");
  ASSERT_TRUE(RewriteTfjsOnlyOps(meta.mutable_graph_def()).ok());
  for (const auto& node : meta.graph_def().node()) EXPECT_NE(node.op(), "Prelu");
  auto model = LoadedModel::FromMetaGraph(meta);
  ASSERT_TRUE(model.ok()) << model.status();
  Tensor x = RandomTensor(tensorflow::DT_FLOAT, TensorShape({4, 5, 6}), 7, -3, 3);
  Tensor alpha = RandomTensor(tensorflow::DT_FLOAT, TensorShape({6}), 8, -1, 2);
  auto out = (*model)->Run({{"x:0", x}, {"a:0", alpha}}, {"p:0"}, {});
  ASSERT_TRUE(out.ok()) << out.status();
  const float* xs = x.data<float>();
  const float* as = alpha.data<float>();
  const float* ys = (*out)[0].data<float>();
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    float want = xs[i] < 0 ? as[i % 6] * xs[i] : xs[i];
    ASSERT_EQ(ys[i], want) << "element " << i;
  }
}

TEST(TfjsGraphRewrite, ListsTheOpsItReplaces) {
  std::vector<std::string> ops = TfjsOnlyOps();
  EXPECT_EQ(std::set<std::string>(ops.begin(), ops.end()),
            (std::set<std::string>{"DepthwiseConv2d", "FusedDepthwiseConv2dNative", "Prelu"}));
}

}  // namespace
}  // namespace savedserve
