#include "runtime/graph_rewrites.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "runtime/runtime_test_util.h"
#include "runtime/serving_graph_test_util.h"

namespace savedserve {
namespace {

using testing::ExpectSameWithAndWithoutPasses;
using testing::ServingMetaGraph;

// A small NHWC network under construction, with seeded random weights.
class Net {
 public:
  explicit Net(PartialShape input = PartialShape(std::vector<int64_t>{-1, 9, 9, 3}))
      : x_(g_.Placeholder("x", tensorflow::DT_FLOAT, input)) {}

  GraphBuilder& g() { return g_; }
  const NodeOutput& x() const { return x_; }
  // A weight: a variable (read through `name/read`) or a Const.
  NodeOutput Weight(const std::string& name, const TensorShape& shape, bool variable = true) {
    Tensor value = RandomTensor(tensorflow::DT_FLOAT, shape, ++seed_, -0.5, 0.5);
    return variable ? g_.VariableV2(name, value).value : g_.Const(name, value);
  }
  NodeOutput Conv(const std::string& name, const NodeOutput& in, int64_t out_c,
                  const ConvOptions& options = {}) {
    const int64_t in_c = in.shape.dims()[3];
    return g_.Conv2D(name, in, Weight(name + "_w", {3, 3, in_c, out_c}), options);
  }
  NodeOutput Bias(const std::string& name, const NodeOutput& in) {
    return g_.BiasAdd(name, in, Weight(name + "_b", {in.shape.dims().back()}));
  }

  // Finishes the graph with signature "s" (x -> `outputs`) and returns its nodes after
  // RewriteForServing, keeping the outputs.
  std::vector<tensorflow::NodeDef> Rewritten(const std::map<std::string, NodeOutput>& outputs) {
    meta_ = ServingMetaGraph(g_, {{"s", {{{"x", x_}}, outputs}}});
    std::set<std::string> keep;
    for (const auto& [alias, output] : outputs) keep.insert(output.node);
    std::vector<tensorflow::NodeDef> nodes(meta_.graph_def().node().begin(),
                                           meta_.graph_def().node().end());
    RewriteForServing(keep, &nodes);
    return nodes;
  }

  // Differential check of signature "s" with and without the passes. REQUIRES: Rewritten.
  void ExpectSameOutputs(int64_t batch = 2) {
    std::vector<int64_t> dims = x_.shape.dims();
    dims[0] = batch;
    ExpectSameWithAndWithoutPasses(
        meta_, "s", {{"x", RandomTensor(tensorflow::DT_FLOAT, TensorShape(dims), 7, -2, 2)}});
  }

 private:
  GraphBuilder g_;
  NodeOutput x_;
  uint32_t seed_ = 0;
  tensorflow::MetaGraphDef meta_;
};

const tensorflow::NodeDef& Find(const std::vector<tensorflow::NodeDef>& nodes,
                                const std::string& name) {
  for (const auto& node : nodes) {
    if (node.name() == name) return node;
  }
  static const tensorflow::NodeDef* missing = new tensorflow::NodeDef;
  ADD_FAILURE() << "no node " << name;
  return *missing;
}

std::vector<std::string> Inputs(const tensorflow::NodeDef& node) {
  return {node.input().begin(), node.input().end()};
}

std::vector<std::string> FusedOps(const tensorflow::NodeDef& node) {
  auto it = node.attr().find("fused_ops");
  if (it == node.attr().end()) return {};
  return {it->second.list().s().begin(), it->second.list().s().end()};
}

std::vector<int64_t> ExplicitPads(const tensorflow::NodeDef& node) {
  auto it = node.attr().find("explicit_paddings");
  if (it == node.attr().end()) return {};
  return {it->second.list().i().begin(), it->second.list().i().end()};
}

using Strings = std::vector<std::string>;

TEST(GraphRewritesTest, FusesConvBiasAddReluIntoTheRelu) {
  Net net;
  NodeOutput y = net.g().Relu("relu", net.Bias("bias", net.Conv("conv", net.x(), 8)));
  auto nodes = net.Rewritten({{"y", y}});
  const tensorflow::NodeDef& fused = Find(nodes, "relu");
  EXPECT_EQ(fused.op(), "_FusedConv2D");
  EXPECT_EQ(Inputs(fused), (Strings{"x", "conv_w/read", "bias_b/read"}));
  EXPECT_EQ(FusedOps(fused), (Strings{"BiasAdd", "Relu"}));
  EXPECT_EQ(fused.attr().at("num_args").i(), 1);
  EXPECT_EQ(fused.attr().at("padding").s(), "SAME");
  EXPECT_EQ(fused.attr().at("_output_shapes").DebugString(),
            Find(nodes, "bias").attr().at("_output_shapes").DebugString());
  EXPECT_EQ(Find(nodes, "conv").op(), "Conv2D");  // left for other readers; pruned otherwise
  net.ExpectSameOutputs();
}

TEST(GraphRewritesTest, BiasAddWithTwoReadersKeepsItsActivationApart) {
  Net net;
  NodeOutput biased = net.Bias("bias", net.Conv("conv", net.x(), 8));
  NodeOutput relu = net.g().Relu("relu", biased);
  NodeOutput other = net.g().Square("square", biased);
  auto nodes = net.Rewritten({{"relu", relu}, {"square", other}});
  EXPECT_EQ(Find(nodes, "bias").op(), "_FusedConv2D");
  EXPECT_EQ(FusedOps(Find(nodes, "bias")), (Strings{"BiasAdd"}));
  EXPECT_EQ(Find(nodes, "relu").op(), "Relu");
  net.ExpectSameOutputs();
}

TEST(GraphRewritesTest, LeavesSharedAndFetchedIntermediatesAlone) {
  Net net;
  NodeOutput conv = net.Conv("conv", net.x(), 8);
  NodeOutput a = net.g().Relu("relu", net.Bias("bias", conv));
  NodeOutput b = net.g().Square("square", conv);  // a second reader of the convolution
  NodeOutput conv2 = net.Conv("conv2", a, 4);
  NodeOutput c = net.g().Relu("relu2", net.Bias("bias2", conv2));
  auto nodes = net.Rewritten({{"square", b}, {"relu2", c}, {"conv2", conv2}});  // conv2 fetched
  EXPECT_EQ(Find(nodes, "bias").op(), "BiasAdd");
  EXPECT_EQ(Find(nodes, "relu").op(), "Relu");
  EXPECT_EQ(Find(nodes, "bias2").op(), "BiasAdd");
  EXPECT_EQ(Find(nodes, "relu2").op(), "Relu");
  net.ExpectSameOutputs();
}

TEST(GraphRewritesTest, FoldsZeroSpatialPadsIntoConvolutions) {
  Net net;
  NodeOutput padded = net.g().Pad("pad", net.x(), {{0, 0}, {1, 2}, {2, 1}, {0, 0}});
  ConvOptions valid;
  valid.padding = "VALID";
  valid.strides = {2, 2};
  NodeOutput a = net.Conv("conv_valid", padded, 4, valid);
  ConvOptions explicit_pads;
  explicit_pads.padding = "EXPLICIT";
  explicit_pads.explicit_paddings = {1, 0, 0, 3};
  NodeOutput b = net.Conv("conv_explicit", padded, 4, explicit_pads);
  auto nodes = net.Rewritten({{"a", a}, {"b", b}});
  const tensorflow::NodeDef& folded = Find(nodes, "conv_valid");
  EXPECT_EQ(Inputs(folded)[0], "x");
  EXPECT_EQ(folded.attr().at("padding").s(), "EXPLICIT");
  EXPECT_EQ(ExplicitPads(folded), (std::vector<int64_t>{0, 0, 1, 2, 2, 1, 0, 0}));
  EXPECT_EQ(ExplicitPads(Find(nodes, "conv_explicit")),
            (std::vector<int64_t>{0, 0, 2, 2, 2, 4, 0, 0}));
  net.ExpectSameOutputs();
}

TEST(GraphRewritesTest, KeepsPadsThatAreNotSpatialZeros) {
  Net net;
  ConvOptions valid;
  valid.padding = "VALID";
  NodeOutput channel_pad = net.g().Pad("channel_pad", net.x(), {{0, 0}, {1, 1}, {1, 1}, {0, 1}});
  NodeOutput a = net.Conv("conv_a", channel_pad, 4, valid);
  NodeOutput b =
      net.Conv("conv_same", net.g().Pad("pad", net.x(), {{0, 0}, {1, 1}, {1, 1}, {0, 0}}),
               4);  // SAME: the pad would not simply add up
  auto nodes = net.Rewritten({{"a", a}, {"b", b}});
  EXPECT_EQ(Inputs(Find(nodes, "conv_a"))[0], "channel_pad");
  EXPECT_EQ(Inputs(Find(nodes, "conv_same"))[0], "pad");
  net.ExpectSameOutputs();
}

// PadV2 folds only when it pads with zeros.
TEST(GraphRewritesTest, FoldsPadV2OnlyWithZeros) {
  auto pad_v2 = [](const std::string& name, float fill) {
    return absl::StrCat(testing::FloatConstNode(name + "_fill", fill), "node { name: '", name,
                        "' op: 'PadV2' input: 'x' input: 'pads' input: '", name,
                        "_fill' attr { key: 'T' value { type: DT_FLOAT } } }\n", "node { name: '",
                        name, "_conv' op: 'Conv2D' input: '", name, "' input: 'w' ",
                        "attr { key: 'T' value { type: DT_FLOAT } } ",
                        "attr { key: 'padding' value { s: 'VALID' } } }\n");
  };
  const tensorflow::GraphDef graph = testing::GraphFromText(absl::StrCat(
      testing::PlaceholderNode("x", "DT_FLOAT"), testing::PlaceholderNode("w", "DT_FLOAT"),
      "node { name: 'pads' op: 'Const' attr { key: 'dtype' value { type: DT_INT32 } } attr { "
      "key: 'value' value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 4 } dim { size: "
      "2 } } int_val: [0, 0, 1, 1, 1, 1, 0, 0] } } } }\n",
      pad_v2("zeros", 0.0f), pad_v2("ones", 1.0f)));
  std::vector<tensorflow::NodeDef> nodes(graph.node().begin(), graph.node().end());
  RewriteForServing({"zeros_conv", "ones_conv"}, &nodes);
  EXPECT_EQ(Inputs(Find(nodes, "zeros_conv"))[0], "x");
  EXPECT_EQ(ExplicitPads(Find(nodes, "zeros_conv")),
            (std::vector<int64_t>{0, 0, 1, 1, 1, 1, 0, 0}));
  EXPECT_EQ(Inputs(Find(nodes, "ones_conv"))[0], "ones");
}

TEST(GraphRewritesTest, FusesBatchNormAndDepthwise) {
  Net net;
  NodeOutput conv = net.Conv("conv", net.x(), 8);
  auto vec = [&](const std::string& name) { return net.Weight(name, {8}); };
  NodeOutput bn = net.g().FusedBatchNormV3("bn", conv, vec("scale"), vec("offset"), vec("mean"),
                                           net.g().Square("var", vec("v")));
  NodeOutput a = net.g().Relu6("relu6", bn);
  NodeOutput dw = net.g().DepthwiseConv2dNative("dw", a, net.Weight("dw_w", {3, 3, 8, 2}));
  NodeOutput b = net.g().Relu("dw_relu", net.Bias("dw_bias", dw));
  auto nodes = net.Rewritten({{"b", b}});
  EXPECT_EQ(Find(nodes, "relu6").op(), "_FusedConv2D");
  EXPECT_EQ(FusedOps(Find(nodes, "relu6")), (Strings{"FusedBatchNorm", "Relu6"}));
  EXPECT_EQ(Find(nodes, "relu6").attr().at("num_args").i(), 4);
  EXPECT_FLOAT_EQ(Find(nodes, "relu6").attr().at("epsilon").f(), 0.001f);
  EXPECT_EQ(Find(nodes, "dw_relu").op(), "_FusedDepthwiseConv2dNative");
  net.ExpectSameOutputs();
}

TEST(GraphRewritesTest, FusesMatMulBiasAddTanh) {
  auto matrix = [](const std::string& name, const std::vector<int64_t>& dims, uint32_t seed) {
    Tensor t = RandomTensor(tensorflow::DT_FLOAT, TensorShape(dims), seed);
    std::string values;
    for (float v : t.flat<float>()) absl::StrAppend(&values, values.empty() ? "" : ", ", v);
    std::string shape;
    for (int64_t d : dims) absl::StrAppend(&shape, "dim { size: ", d, " } ");
    return absl::StrCat("node { name: '", name, "' op: 'Const' attr { key: 'dtype' value { type: ",
                        "DT_FLOAT } } attr { key: 'value' value { tensor { dtype: DT_FLOAT ",
                        "tensor_shape { ", shape, "} float_val: [", values, "] } } } }\n");
  };
  auto op = [](const std::string& name, const std::string& type, const std::string& inputs) {
    return absl::StrCat("node { name: '", name, "' op: '", type, "' ", inputs,
                        " attr { key: 'T' value { type: DT_FLOAT } } }\n");
  };
  const tensorflow::MetaGraphDef meta = testing::MetaGraphFromText(absl::StrCat(
      "graph_def { ", testing::PlaceholderNode("x", "DT_FLOAT"), matrix("w", {4, 3}, 1),
      matrix("b", {3}, 2), op("mm", "MatMul", "input: 'x' input: 'w'"),
      op("bias", "BiasAdd", "input: 'mm' input: 'b'"), op("y", "Tanh", "input: 'bias'"), "}\n",
      "signature_def { key: 's' value { inputs { key: 'x' value { name: 'x:0' dtype: DT_FLOAT } } "
      "outputs { key: 'y' value { name: 'y:0' dtype: DT_FLOAT } } } }"));
  std::vector<tensorflow::NodeDef> nodes(meta.graph_def().node().begin(),
                                         meta.graph_def().node().end());
  RewriteForServing({"y"}, &nodes);
  EXPECT_EQ(Find(nodes, "y").op(), "_FusedMatMul");
  EXPECT_EQ(FusedOps(Find(nodes, "y")), (Strings{"BiasAdd", "Tanh"}));
  EXPECT_EQ(Inputs(Find(nodes, "y")), (Strings{"x", "w", "b"}));
  ExpectSameWithAndWithoutPasses(
      meta, "s", {{"x", RandomTensor(tensorflow::DT_FLOAT, TensorShape({5, 4}), 3)}});
}

TEST(GraphRewritesTest, LeavesTrainingBatchNormAlone) {
  Net net;
  NodeOutput conv = net.Conv("conv", net.x(), 4);
  auto vec = [&](const std::string& name) { return net.Weight(name, {4}, false); };
  NodeOutput bn = net.g()
                      .AddOp("FusedBatchNormV3", "bn",
                             {conv, vec("scale"), vec("offset"), vec("mean"), vec("var")},
                             {{"epsilon", FloatAttr(0.001f)},
                              {"is_training", BoolAttr(true)},
                              {"data_format", StringAttr("NHWC")}})
                      .output();
  auto nodes = net.Rewritten({{"bn", bn}});
  EXPECT_EQ(Find(nodes, "bn").op(), "FusedBatchNormV3");
}

}  // namespace
}  // namespace savedserve
