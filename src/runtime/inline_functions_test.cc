#include "runtime/inline_functions.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "runtime/freeze_variables.h"
#include "runtime/runtime_test_util.h"
#include "runtime/serving_graph_test_util.h"

namespace savedserve {
namespace {

using testing::FloatOf;

// Outer(x, h) = PartitionedCall(Scale)(x, h); Scale(x, h) = x * read(h);
// Bump(h) = read(h) after h = read(h) + 1.
constexpr char kLibrary[] = R"pb(
  library {
    function {
      signature {
        name: "Scale"
        input_arg { name: "x" type: DT_FLOAT }
        input_arg { name: "h" type: DT_RESOURCE }
        output_arg { name: "y" type: DT_FLOAT }
      }
      node_def {
        name: "r"
        op: "ReadVariableOp"
        input: "h"
        attr {
          key: "dtype"
          value { type: DT_FLOAT }
        }
      }
      node_def {
        name: "m"
        op: "Mul"
        input: "x"
        input: "r:value:0"
        attr {
          key: "T"
          value { type: DT_FLOAT }
        }
      }
      ret { key: "y" value: "m:z:0" }
    }
    function {
      signature {
        name: "Outer"
        input_arg { name: "x" type: DT_FLOAT }
        input_arg { name: "h" type: DT_RESOURCE }
        output_arg { name: "y" type: DT_FLOAT }
      }
      node_def {
        name: "s"
        op: "PartitionedCall"
        input: "x"
        input: "h"
        attr {
          key: "f"
          value { func { name: "Scale" } }
        }
        attr {
          key: "Tin"
          value { list { type: [ DT_FLOAT, DT_RESOURCE ] } }
        }
        attr {
          key: "Tout"
          value { list { type: DT_FLOAT } }
        }
      }
      ret { key: "y" value: "s:output:0" }
    }
    function {
      signature {
        name: "Bump"
        input_arg { name: "h" type: DT_RESOURCE }
        output_arg { name: "v" type: DT_FLOAT }
        is_stateful: true
      }
      node_def {
        name: "one"
        op: "Const"
        attr {
          key: "dtype"
          value { type: DT_FLOAT }
        }
        attr {
          key: "value"
          value {
            tensor {
              dtype: DT_FLOAT
              tensor_shape {}
              float_val: 1
            }
          }
        }
      }
      node_def {
        name: "old"
        op: "ReadVariableOp"
        input: "h"
        attr {
          key: "dtype"
          value { type: DT_FLOAT }
        }
      }
      node_def {
        name: "sum"
        op: "AddV2"
        input: "old:value:0"
        input: "one:output:0"
        attr {
          key: "T"
          value { type: DT_FLOAT }
        }
      }
      node_def {
        name: "add"
        op: "AssignVariableOp"
        input: "h"
        input: "sum:z:0"
        attr {
          key: "dtype"
          value { type: DT_FLOAT }
        }
      }
      node_def {
        name: "r"
        op: "ReadVariableOp"
        input: "h"
        input: "^add"
        attr {
          key: "dtype"
          value { type: DT_FLOAT }
        }
      }
      ret { key: "v" value: "r:value:0" }
    }
  }
)pb";

std::string Call(const std::string& name, const std::string& function,
                 const std::vector<std::string>& inputs, const std::string& types) {
  std::string text = absl::StrCat("node { name: '", name, "' op: 'StatefulPartitionedCall' ");
  for (const std::string& input : inputs) absl::StrAppend(&text, "input: '", input, "' ");
  absl::StrAppend(&text, "attr { key: 'f' value { func { name: '", function, "' } } } ",
                  "attr { key: 'Tin' value { list { type: [", types, "] } } } ",
                  "attr { key: 'Tout' value { list { type: DT_FLOAT } } } }\n");
  return text;
}

// w = 3 (set by the main op); signatures `scale` (x -> x * w) and, with_bump, `bump`.
std::string MetaGraphText(bool with_bump) {
  std::string text = absl::StrCat(
      "graph_def { ", testing::PlaceholderNode("x", "DT_FLOAT"),
      "node { name: 'w' op: 'VarHandleOp' attr { key: 'dtype' value { type: DT_FLOAT } } "
      "attr { key: 'shape' value { shape {} } } attr { key: 'shared_name' value { s: 'w' } } }\n",
      testing::FloatConstNode("three", 3),
      "node { name: 'init' op: 'AssignVariableOp' input: 'w' input: 'three' "
      "attr { key: 'dtype' value { type: DT_FLOAT } } }\n",
      Call("call", "Outer", {"x", "w"}, "DT_FLOAT, DT_RESOURCE"),
      Call("bump", "Bump", {"w", "^three"}, "DT_RESOURCE"), kLibrary, "}\n",
      "collection_def { key: 'saved_model_main_op' value { node_list { value: 'init' } } }\n",
      "signature_def { key: 'scale' value { inputs { key: 'x' value { name: 'x:0' dtype: DT_FLOAT "
      "} } outputs { key: 'y' value { name: 'call:0' dtype: DT_FLOAT } } } }\n");
  if (with_bump) {
    absl::StrAppend(&text,
                    "signature_def { key: 'bump' value { inputs { key: 'x' value { name: 'x:0' "
                    "dtype: DT_FLOAT } } outputs { key: 'y' value { name: 'bump:0' dtype: "
                    "DT_FLOAT } } } }\n");
  }
  return text;
}

const tensorflow::NodeDef* Find(const std::vector<tensorflow::NodeDef>& nodes,
                                const std::string& name) {
  for (const auto& node : nodes) {
    if (node.name() == name) return &node;
  }
  return nullptr;
}

TEST(InlineFunctionsTest, InlinesNestedCallsKeepingTheCallNames) {
  const tensorflow::MetaGraphDef meta = testing::MetaGraphFromText(MetaGraphText(true));
  OpSignatures ops(tensorflow::OpList(), &meta.graph_def().library());
  std::vector<tensorflow::NodeDef> nodes(meta.graph_def().node().begin(),
                                         meta.graph_def().node().end());
  EXPECT_EQ(InlineFunctionCalls(ops, &nodes), 3);  // call, bump, then call/s
  const tensorflow::NodeDef* call = Find(nodes, "call");
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->op(), "IdentityN");
  EXPECT_EQ(call->input(0), "call/s:0");
  const tensorflow::NodeDef* read = Find(nodes, "call/s/r");
  ASSERT_NE(read, nullptr);
  EXPECT_EQ(read->input(0), "w");  // the argument, replaced by what the caller passed
  EXPECT_EQ(Find(nodes, "call/s")->op(), "IdentityN");
  // Bump's assignment has a side effect: its call depends on it; the call's control edge
  // reaches the inlined nodes.
  const tensorflow::NodeDef* bump = Find(nodes, "bump");
  ASSERT_NE(bump, nullptr);
  std::vector<std::string> inputs(bump->input().begin(), bump->input().end());
  EXPECT_NE(std::find(inputs.begin(), inputs.end(), "^bump/add"), inputs.end());
  EXPECT_EQ(Find(nodes, "bump/add")->input(2), "^three");

  // The read inside the function is now one FreezeReads can turn into a constant.
  auto graph = Graph::Create(nodes, ops);
  ASSERT_TRUE(graph.ok()) << graph.status();
  std::vector<std::string> reads;
  for (const VariableRead& r : VariableReads(**graph))
    reads.push_back((*graph)->node(r.node).name());
  EXPECT_NE(std::find(reads.begin(), reads.end(), "call/s/r"), reads.end());
}

TEST(InlineFunctionsTest, InlinedFunctionsComputeTheSameAndKeepTheirSideEffects) {
  const Tensor x = Tensor::Scalar<float>(2.0f);
  testing::ExpectSameWithAndWithoutPasses(testing::MetaGraphFromText(MetaGraphText(false)), "scale",
                                          {{"x", x}});
  auto model = testing::LoadForTest(testing::MetaGraphFromText(MetaGraphText(true)), true);
  ASSERT_NE(model, nullptr);
  for (float expected : {6.0f, 8.0f}) {  // w = 3, then bumped to 4 (not frozen: bump writes)
    auto scaled = model->RunSignature("scale", {{"x", x}});
    ASSERT_TRUE(scaled.ok()) << scaled.status();
    EXPECT_EQ(FloatOf(scaled->at("y")), expected);
    auto bumped = model->RunSignature("bump", {{"x", x}});
    ASSERT_TRUE(bumped.ok()) << bumped.status();
    EXPECT_EQ(FloatOf(bumped->at("y")), expected / 2 + 1);
  }
}

}  // namespace
}  // namespace savedserve
