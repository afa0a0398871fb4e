#include "runtime/shape_inference.h"

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tensor/shape.h"

namespace savedserve {
namespace {

std::vector<tensorflow::NodeDef> Nodes(const std::vector<std::string>& texts) {
  std::vector<tensorflow::NodeDef> nodes;
  for (const std::string& text : texts) {
    tensorflow::NodeDef node;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &node)) << text;
    nodes.push_back(node);
  }
  return nodes;
}

// Output `index`'s shape as written, or "none".
std::string ShapeOf(const std::vector<tensorflow::NodeDef>& nodes, const std::string& name,
                    int index = 0) {
  for (const auto& node : nodes) {
    if (node.name() != name) continue;
    auto it = node.attr().find("_output_shapes");
    if (it == node.attr().end() || index >= it->second.list().shape_size()) return "none";
    return PartialShape::FromProto(it->second.list().shape(index)).DebugString();
  }
  return "missing";
}

const char* kImage = R"pb(name: "image" op: "Placeholder"
  attr { key: "dtype" value { type: DT_FLOAT } }
  attr { key: "shape" value { shape { dim { size: -1 } dim { size: 64 } dim { size: 63 } dim { size: 3 } } } })pb";

std::string Filter(const std::string& name, std::vector<int> dims) {
  std::string shape;
  for (int d : dims) shape += " dim { size: " + std::to_string(d) + " }";
  return "name: \"" + name + "\" op: \"Const\" attr { key: \"dtype\" value { type: DT_FLOAT } } " +
         "attr { key: \"value\" value { tensor { dtype: DT_FLOAT tensor_shape {" + shape + " } } } }";
}

TEST(ShapeInferenceTest, ConvolutionsPoolsAndElementwiseFromThePlaceholder) {
  auto nodes = Nodes({
      kImage,
      Filter("w", {3, 3, 3, 32}),
      Filter("dw", {3, 3, 32, 2}),
      Filter("b", {64}),
      R"pb(name: "conv" op: "Conv2D" input: "image" input: "w"
           attr { key: "strides" value { list { i: [ 1, 2, 2, 1 ] } } }
           attr { key: "padding" value { s: "SAME" } })pb",
      R"pb(name: "depthwise" op: "DepthwiseConv2dNative" input: "conv" input: "dw"
           attr { key: "strides" value { list { i: [ 1, 1, 1, 1 ] } } }
           attr { key: "padding" value { s: "VALID" } })pb",
      R"pb(name: "bias" op: "BiasAdd" input: "depthwise" input: "b")pb",
      R"pb(name: "relu" op: "Relu" input: "bias" input: "^conv")pb",
      R"pb(name: "pool" op: "MaxPool" input: "relu"
           attr { key: "ksize" value { list { i: [ 1, 3, 3, 1 ] } } }
           attr { key: "strides" value { list { i: [ 1, 2, 2, 1 ] } } }
           attr { key: "padding" value { s: "VALID" } })pb",
      R"pb(name: "sum" op: "AddV2" input: "pool" input: "b")pb",
  });
  EXPECT_EQ(InferMissingShapes(&nodes), 10);  // every node, the Consts and Placeholder too
  EXPECT_EQ(ShapeOf(nodes, "conv"), "[-1,32,32,32]");       // SAME: ceil(64/2), ceil(63/2)
  EXPECT_EQ(ShapeOf(nodes, "depthwise"), "[-1,30,30,64]");  // VALID 3x3; 32 x multiplier 2
  EXPECT_EQ(ShapeOf(nodes, "relu"), "[-1,30,30,64]");
  EXPECT_EQ(ShapeOf(nodes, "pool"), "[-1,14,14,64]");       // (30 - 3) / 2 + 1
  EXPECT_EQ(ShapeOf(nodes, "sum"), "[-1,14,14,64]");
  EXPECT_EQ(ShapeOf(nodes, "b"), "[64]");
}

TEST(ShapeInferenceTest, ExistingShapesAreKeptOrMadeMoreSpecific) {
  auto nodes = Nodes({
      kImage,
      Filter("w", {1, 1, 3, 16}),
      R"pb(name: "conv" op: "Conv2D" input: "image" input: "w"
           attr { key: "strides" value { list { i: [ 1, 1, 1, 1 ] } } }
           attr { key: "padding" value { s: "SAME" } }
           attr { key: "_output_shapes" value { list { shape { unknown_rank: true } } } })pb",
      R"pb(name: "relu" op: "Relu" input: "conv"
           attr { key: "_output_shapes" value { list { shape { dim { size: 8 } dim { size: -1 } dim { size: -1 } dim { size: 16 } } } } })pb",
      R"pb(name: "odd" op: "Relu6" input: "conv"
           attr { key: "_output_shapes" value { list { shape { dim { size: 5 } } } } })pb",
  });
  EXPECT_EQ(InferMissingShapes(&nodes), 4);  // image, w, conv, relu; odd conflicts
  EXPECT_EQ(ShapeOf(nodes, "conv"), "[-1,64,63,16]");
  EXPECT_EQ(ShapeOf(nodes, "relu"), "[8,64,63,16]");
  EXPECT_EQ(ShapeOf(nodes, "odd"), "[5]");
}

TEST(ShapeInferenceTest, PadsConcatAndBatchNorm) {
  auto nodes = Nodes({
      kImage,
      R"pb(name: "paddings" op: "Const" attr { key: "dtype" value { type: DT_INT32 } }
           attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 4 } dim { size: 2 } }
                                                int_val: [ 0, 0, 1, 2, 3, 4, 0, 0 ] } } })pb",
      R"pb(name: "axis" op: "Const" attr { key: "dtype" value { type: DT_INT32 } }
           attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape {} int_val: -1 } } })pb",
      R"pb(name: "pad" op: "Pad" input: "image" input: "paddings")pb",
      R"pb(name: "concat" op: "ConcatV2" input: "pad" input: "pad" input: "axis")pb",
      Filter("scale", {6}),
      R"pb(name: "bn" op: "FusedBatchNormV3" input: "concat" input: "scale" input: "scale"
           input: "scale" input: "scale")pb",
      R"pb(name: "loop" op: "Merge" input: "bn" input: "next")pb",
      R"pb(name: "next" op: "NextIteration" input: "loop")pb",
  });
  InferMissingShapes(&nodes);
  EXPECT_EQ(ShapeOf(nodes, "pad"), "[-1,67,70,3]");
  EXPECT_EQ(ShapeOf(nodes, "concat"), "[-1,67,70,6]");
  EXPECT_EQ(ShapeOf(nodes, "bn"), "[-1,67,70,6]");
  EXPECT_EQ(ShapeOf(nodes, "bn", 5), "<unknown>");
  EXPECT_EQ(ShapeOf(nodes, "loop"), "none");  // on a cycle, and not an op it knows
}

}  // namespace
}  // namespace savedserve
