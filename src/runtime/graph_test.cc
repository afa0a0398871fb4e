#include "runtime/graph.h"

#include "gtest/gtest.h"
#include "runtime/runtime_test_util.h"
#include "runtime/tensor_names.h"

namespace savedserve {
namespace {

using testing::GraphFromText;

TEST(TensorNamesTest, Parses) {
  auto a = ParseTensorId("x");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->node, "x");
  EXPECT_EQ(a->index, 0);
  auto b = ParseTensorId("scope/ParseExample:1");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->node, "scope/ParseExample");
  EXPECT_EQ(b->index, 1);
  auto c = ParseTensorId("^init");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->control);
  EXPECT_EQ(c->node, "init");
  EXPECT_FALSE(ParseTensorId("x:").ok());
  EXPECT_FALSE(ParseTensorId(":1").ok());
  EXPECT_FALSE(ParseTensorId("x:-1").ok());
  EXPECT_EQ(TargetNodeName("^a/b"), "a/b");
  EXPECT_EQ(TargetNodeName("NoOp:0"), "NoOp");
}

std::unique_ptr<Graph> Import(const std::string& text, const OpSignatures& ops) {
  auto graph = Graph::FromGraphDef(GraphFromText(text), ops);
  EXPECT_TRUE(graph.ok()) << graph.status();
  return graph.ok() ? std::move(*graph) : nullptr;
}

TEST(GraphTest, TypesOutputsFromOpDefs) {
  OpSignatures ops({}, nullptr);
  auto graph = Import(R"pb(
                        node {
                          name: "v"
                          op: "VariableV2"
                          attr {
                            key: "dtype"
                            value { type: DT_FLOAT }
                          }
                          attr {
                            key: "shape"
                            value { shape {} }
                          }
                        }
                        node {
                          name: "r"
                          op: "RestoreV2"
                          input: "p"
                          input: "p"
                          input: "p"
                          attr {
                            key: "dtypes"
                            value { list { type: DT_FLOAT type: DT_INT64 } }
                          }
                        }
                        node {
                          name: "p"
                          op: "Placeholder"
                          attr {
                            key: "dtype"
                            value { type: DT_STRING }
                          }
                          attr {
                            key: "shape"
                            value {
                              shape {
                                dim { size: -1 }
                                dim { size: 3 }
                              }
                            }
                          }
                        }
                        node {
                          name: "n"
                          op: "IdentityN"
                          input: "r:1"
                          input: "p"
                          attr {
                            key: "T"
                            value { list { type: DT_INT64 type: DT_STRING } }
                          }
                        }
                        node {
                          name: "mystery"
                          op: "Mystery"
                          attr {
                            key: "T"
                            value { type: DT_HALF }
                          }
                          attr {
                            key: "_output_shapes"
                            value {
                              list {
                                shape {}
                                shape {}
                              }
                            }
                          }
                        }
                      )pb",
                      ops);
  ASSERT_NE(graph, nullptr);
  const GraphNode& v = graph->node(graph->FindNode("v"));
  ASSERT_EQ(v.outputs.size(), 1u);
  EXPECT_TRUE(v.outputs[0].is_ref);
  EXPECT_EQ(v.outputs[0].dtype, tensorflow::DT_FLOAT);
  EXPECT_EQ(v.def.attr().at("container").s(), "");  // default filled in
  const GraphNode& r = graph->node(graph->FindNode("r"));
  ASSERT_EQ(r.outputs.size(), 2u);
  EXPECT_EQ(r.outputs[1].dtype, tensorflow::DT_INT64);
  const GraphNode& p = graph->node(graph->FindNode("p"));
  EXPECT_EQ(p.outputs[0].shape.DebugString(), "[-1,3]");
  const GraphNode& n = graph->node(graph->FindNode("n"));
  ASSERT_EQ(n.inputs.size(), 2u);
  EXPECT_EQ(n.inputs[0].node, graph->FindNode("r"));
  EXPECT_EQ(n.inputs[0].index, 1);
  EXPECT_EQ(n.outputs[1].dtype, tensorflow::DT_STRING);
  const GraphNode& m = graph->node(graph->FindNode("mystery"));
  ASSERT_EQ(m.outputs.size(), 2u);  // no OpDef: one output per _output_shapes entry
  EXPECT_EQ(m.outputs[0].dtype, tensorflow::DT_HALF);
}

TEST(GraphTest, FunctionalControlFlowDeclaresOutputShapes) {
  OpSignatures ops({}, nullptr);
  auto graph = Import(R"pb(
                        node {
                          name: "p"
                          op: "Placeholder"
                          attr {
                            key: "dtype"
                            value { type: DT_BOOL }
                          }
                        }
                        node {
                          name: "cond"
                          op: "StatelessIf"
                          input: "p"
                          input: "p"
                          attr {
                            key: "Tcond"
                            value { type: DT_BOOL }
                          }
                          attr {
                            key: "Tin"
                            value { list { type: DT_BOOL } }
                          }
                          attr {
                            key: "Tout"
                            value { list { type: DT_FLOAT type: DT_VARIANT } }
                          }
                          attr {
                            key: "output_shapes"
                            value {
                              list {
                                shape {
                                  dim { size: -1 }
                                  dim { size: 4 }
                                }
                                shape {}
                              }
                            }
                          }
                        }
                      )pb",
                      ops);
  ASSERT_NE(graph, nullptr);
  const GraphNode& cond = graph->node(graph->FindNode("cond"));
  ASSERT_EQ(cond.outputs.size(), 2u);
  EXPECT_EQ(cond.outputs[0].shape.DebugString(), "[-1,4]");
  EXPECT_EQ(cond.outputs[1].dtype, tensorflow::DT_VARIANT);
  EXPECT_EQ(cond.outputs[1].shape.DebugString(), "[]");
}

TEST(GraphTest, StrippedOpListWins) {
  tensorflow::OpList list;
  auto* op = list.add_op();
  op->set_name("Twice");
  op->add_output_arg()->set_name("a");
  op->mutable_output_arg(0)->set_type(tensorflow::DT_INT32);
  op->add_output_arg()->set_name("b");
  op->mutable_output_arg(1)->set_type(tensorflow::DT_BOOL);
  OpSignatures ops(list, nullptr);
  auto graph = Import("node { name: 't' op: 'Twice' }", ops);
  ASSERT_NE(graph, nullptr);
  ASSERT_EQ(graph->node(0).outputs.size(), 2u);
  EXPECT_EQ(graph->node(0).outputs[1].dtype, tensorflow::DT_BOOL);
  EXPECT_TRUE(graph->ResolveTensor("t:1").ok());
  EXPECT_EQ(graph->ResolveTensor("t:2").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(graph->ResolveTensor("nope:0").status().code(), absl::StatusCode::kNotFound);
}

TEST(GraphTest, UnknownInputNamesNodeAndInput) {
  OpSignatures ops({}, nullptr);
  auto graph = Graph::FromGraphDef(GraphFromText(testing::IdentityNode("y", "ghost:0")), ops);
  ASSERT_FALSE(graph.ok());
  EXPECT_NE(graph.status().message().find("'y'"), std::string::npos) << graph.status();
  EXPECT_NE(graph.status().message().find("ghost"), std::string::npos) << graph.status();
}

TEST(GraphTest, DuplicateNamesAreErrors) {
  OpSignatures ops({}, nullptr);
  auto graph = Graph::FromGraphDef(
      GraphFromText(testing::ConstNode("c", "a") + testing::ConstNode("c", "b")), ops);
  ASSERT_FALSE(graph.ok());
  EXPECT_NE(graph.status().message().find("'c'"), std::string::npos);
}

}  // namespace
}  // namespace savedserve
