#include "gtest/gtest.h"
#include "runtime/executor.h"
#include "runtime/function_library.h"
#include "runtime/runtime_test_util.h"

namespace savedserve {
namespace {

using testing::Str;
using testing::StrOf;

constexpr char kLibrary[] = R"pb(
  library {
    function {
      signature {
        name: "Suffix"
        input_arg { name: "x" type: DT_STRING }
        output_arg { name: "y" type: DT_STRING }
      }
      node_def {
        name: "c"
        op: "Const"
        attr {
          key: "dtype"
          value { type: DT_STRING }
        }
        attr {
          key: "value"
          value {
            tensor {
              dtype: DT_STRING
              tensor_shape {}
              string_val: "_f"
            }
          }
        }
      }
      node_def {
        name: "j"
        op: "StringJoin"
        input: "x"
        input: "c:output:0"
        attr {
          key: "N"
          value { i: 2 }
        }
      }
      ret { key: "y" value: "j:output:0" }
    }
    function {
      signature {
        name: "Outer"
        input_arg { name: "x" type: DT_STRING }
        output_arg { name: "y" type: DT_STRING }
      }
      node_def {
        name: "s1"
        op: "StatefulPartitionedCall"
        input: "x"
        attr {
          key: "f"
          value { func { name: "Suffix" } }
        }
        attr {
          key: "Tin"
          value { list { type: DT_STRING } }
        }
        attr {
          key: "Tout"
          value { list { type: DT_STRING } }
        }
      }
      node_def { name: "s2" op: "Suffix" input: "s1:output:0" }
      ret { key: "y" value: "s2:y:0" }
    }
    function {
      signature {
        name: "SetVar"
        input_arg { name: "h" type: DT_RESOURCE }
        input_arg { name: "val" type: DT_FLOAT }
        is_stateful: true
      }
      node_def {
        name: "a"
        op: "AssignVariableOp"
        input: "h"
        input: "val"
        attr {
          key: "dtype"
          value { type: DT_FLOAT }
        }
      }
    }
    function {
      signature {
        name: "ReadVar"
        input_arg { name: "h" type: DT_RESOURCE }
        output_arg { name: "v" type: DT_FLOAT }
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
        name: "i"
        op: "Identity"
        input: "r:value:0"
        input: "^r"
        attr {
          key: "T"
          value { type: DT_FLOAT }
        }
      }
      ret { key: "v" value: "i:output:0" }
    }
    function {
      signature {
        name: "Loop"
        input_arg { name: "x" type: DT_STRING }
        output_arg { name: "y" type: DT_STRING }
      }
      node_def { name: "again" op: "Loop" input: "x" }
      ret { key: "y" value: "again:y:0" }
    }
  }
)pb";

class FunctionTest : public ::testing::Test {
 protected:
  void Load(const std::string& nodes) {
    graph_def_ = testing::GraphFromText(nodes + kLibrary);
    ops_ = std::make_unique<OpSignatures>(tensorflow::OpList(), &graph_def_.library());
    library_ = std::make_unique<FunctionLibrary>(ops_.get(), KernelVariant::kOptimized);
    auto graph = Graph::FromGraphDef(graph_def_, *ops_);
    ASSERT_TRUE(graph.ok()) << graph.status();
    graph_ = std::move(*graph);
  }

  absl::StatusOr<std::vector<Value>> Run(const PlanSpec& spec, std::vector<Value> feeds) {
    PlanOptions options;
    options.functions = library_.get();
    auto plan = Plan::Compile(*graph_, spec, options);
    if (!plan.ok()) return plan.status();
    return RunPlan(**plan, std::move(feeds), {&pool_, &resources_, library_.get()});
  }

  tensorflow::GraphDef graph_def_;
  std::unique_ptr<OpSignatures> ops_;
  std::unique_ptr<FunctionLibrary> library_;
  std::unique_ptr<Graph> graph_;
  ThreadPool pool_{1};
  ResourceManager resources_;
};

TEST_F(FunctionTest, NestedCallsAndFunctionNamesAsOps) {
  Load(testing::PlaceholderNode("p") + R"pb(
    node {
      name: "call"
      op: "PartitionedCall"
      input: "p"
      attr {
        key: "f"
        value { func { name: "Outer" } }
      }
      attr {
        key: "Tin"
        value { list { type: DT_STRING } }
      }
      attr {
        key: "Tout"
        value { list { type: DT_STRING } }
      }
    }
  )pb");
  auto out = Run({{"p:0"}, {"call:0"}, {}}, {Value{Str("in"), nullptr}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(StrOf((*out)[0].tensor), "in_f_f");
}

TEST_F(FunctionTest, ResourceArgumentsCarryTheVariable) {
  Load(testing::PlaceholderNode("val", "DT_FLOAT") + R"pb(
    node {
      name: "var"
      op: "VarHandleOp"
      attr {
        key: "dtype"
        value { type: DT_FLOAT }
      }
      attr {
        key: "shape"
        value { shape {} }
      }
      attr {
        key: "shared_name"
        value { s: "v" }
      }
    }
    node {
      name: "set"
      op: "StatefulPartitionedCall"
      input: "var"
      input: "val"
      attr {
        key: "f"
        value { func { name: "SetVar" } }
      }
      attr {
        key: "Tin"
        value { list { type: DT_RESOURCE type: DT_FLOAT } }
      }
      attr {
        key: "Tout"
        value { list {} }
      }
    }
    node {
      name: "get"
      op: "StatefulPartitionedCall"
      input: "var"
      attr {
        key: "f"
        value { func { name: "ReadVar" } }
      }
      attr {
        key: "Tin"
        value { list { type: DT_RESOURCE } }
      }
      attr {
        key: "Tout"
        value { list { type: DT_FLOAT } }
      }
    }
  )pb");
  ASSERT_TRUE(Run({{"val:0"}, {}, {"set"}}, {Value{Tensor::Scalar<float>(7.5f), nullptr}}).ok());
  auto out = Run({{}, {"get:0"}, {}}, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(testing::FloatOf((*out)[0].tensor), 7.5f);
  ASSERT_NE(resources_.Lookup("", "v"), nullptr);
}

TEST_F(FunctionTest, InstantiationIsCached) {
  Load("");
  tensorflow::NameAttrList f;
  f.set_name("Suffix");
  auto a = library_->Instantiate(f);
  auto b = library_->Instantiate(f);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ((*a)->num_args(), 1);
  EXPECT_EQ((*a)->num_rets(), 1);
}

TEST_F(FunctionTest, RecursionAndUnknownFunctionsAreErrors) {
  Load("");
  tensorflow::NameAttrList f;
  f.set_name("Loop");
  auto loop = library_->Instantiate(f);
  ASSERT_FALSE(loop.ok());
  EXPECT_NE(loop.status().message().find("Loop"), std::string::npos) << loop.status();
  f.set_name("Missing");
  EXPECT_EQ(library_->Instantiate(f).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace savedserve
