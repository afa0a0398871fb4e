#include "runtime/freeze_variables.h"

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "runtime/runtime_test_util.h"
#include "runtime/serving_graph_test_util.h"

namespace savedserve {
namespace {

using testing::ExpectSameOutputs;
using testing::ExpectSameWithAndWithoutPasses;
using testing::LoadForTest;
using testing::ServingMetaGraph;

// TF1 (ref) and resource variables with readers and writers of each kind.
constexpr char kGraph[] = R"pb(
  node {
    name: 'v'
    op: 'VariableV2'
    attr {
      key: 'dtype'
      value { type: DT_FLOAT }
    }
    attr {
      key: 'shape'
      value { shape {} }
    }
  }
  node {
    name: 'v/read'
    op: 'Identity'
    input: 'v'
    attr {
      key: 'T'
      value { type: DT_FLOAT }
    }
  }
  node {
    name: 'one'
    op: 'Const'
    attr {
      key: 'dtype'
      value { type: DT_FLOAT }
    }
    attr {
      key: 'value'
      value {
        tensor {
          dtype: DT_FLOAT
          tensor_shape {}
          float_val: 1
        }
      }
    }
  }
  node {
    name: 'v/assign_add'
    op: 'AssignAdd'
    input: 'v'
    input: 'one'
    attr {
      key: 'T'
      value { type: DT_FLOAT }
    }
  }
  node {
    name: 'v/fwd'
    op: 'RefIdentity'
    input: 'v'
    attr {
      key: 'T'
      value { type: DT_FLOAT_REF }
    }
  }
  node {
    name: 'v/assign_fwd'
    op: 'Assign'
    input: 'v/fwd'
    input: 'one'
    attr {
      key: 'T'
      value { type: DT_FLOAT }
    }
  }
  node {
    name: 'h'
    op: 'VarHandleOp'
    attr {
      key: 'dtype'
      value { type: DT_FLOAT }
    }
    attr {
      key: 'shape'
      value { shape {} }
    }
    attr {
      key: 'shared_name'
      value { s: 'hv' }
    }
  }
  node {
    name: 'h/read'
    op: 'ReadVariableOp'
    input: 'h'
    attr {
      key: 'dtype'
      value { type: DT_FLOAT }
    }
  }
  node {
    name: 'h/fwd'
    op: 'Identity'
    input: 'h'
    attr {
      key: 'T'
      value { type: DT_RESOURCE }
    }
  }
  node {
    name: 'h/assign'
    op: 'AssignVariableOp'
    input: 'h/fwd'
    input: 'one'
    attr {
      key: 'dtype'
      value { type: DT_FLOAT }
    }
  }
  node {
    name: 'h/shape'
    op: 'VariableShape'
    input: 'h'
    attr {
      key: 'out_type'
      value { type: DT_INT32 }
    }
  }
)pb";

class FreezeVariablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto graph = Graph::FromGraphDef(testing::GraphFromText(kGraph), ops_);
    ASSERT_TRUE(graph.ok()) << graph.status();
    graph_ = std::move(*graph);
  }
  std::set<std::string> Modified(const std::vector<std::string>& marked) {
    std::vector<bool> nodes(graph_->nodes().size(), false);
    for (const std::string& name : marked) nodes[graph_->FindNode(name)] = true;
    return ModifiedVariables(*graph_, ops_, nodes);
  }

  OpSignatures ops_{tensorflow::OpList(), nullptr};
  std::unique_ptr<Graph> graph_;
};

TEST_F(FreezeVariablesTest, ReadersModifyNothing) {
  EXPECT_TRUE(Modified({"v", "v/read", "h", "h/read", "h/fwd", "h/shape"}).empty());
}

TEST_F(FreezeVariablesTest, WritersModifyTheirVariable) {
  using Keys = std::set<std::string>;
  EXPECT_EQ(Modified({"v", "v/assign_add"}), Keys{"/v"});
  EXPECT_EQ(Modified({"v", "v/fwd", "v/assign_fwd"}), Keys{"/v"});  // through RefIdentity
  EXPECT_EQ(Modified({"h", "h/fwd", "h/assign"}), Keys{"/hv"});     // through Identity
  // A writer that is not marked (not run) does not count.
  EXPECT_TRUE(Modified({"v", "v/fwd", "h", "h/fwd"}).empty());
}

TEST_F(FreezeVariablesTest, FindsReadsAndFreezesThem) {
  std::vector<std::string> reads;
  for (const VariableRead& read : VariableReads(*graph_)) {
    reads.push_back(graph_->node(read.node).name() + "=" + read.variable.Key());
  }
  EXPECT_EQ(reads, (std::vector<std::string>{"v/read=/v", "h/read=/hv"}));

  std::vector<tensorflow::NodeDef> nodes = {graph_->node(graph_->FindNode("v/read")).def};
  nodes[0].add_input("^one");
  FreezeReads({{"v/read", Tensor::FromVector<float>(std::vector<float>{1, 2}, {2})}}, &nodes);
  EXPECT_EQ(nodes[0].op(), "Const");
  EXPECT_EQ(nodes[0].input_size(), 1);
  EXPECT_EQ(nodes[0].input(0), "^one");
  EXPECT_EQ(nodes[0].attr().at("dtype").type(), tensorflow::DT_FLOAT);
  EXPECT_EQ(nodes[0].attr().at("_output_shapes").list().shape(0).dim(0).size(), 2);
}

// y = relu(conv(x, w) + b), and (with_writer) a signature `bump` (x is fed but unused) that
// adds one to every weight of w.
tensorflow::MetaGraphDef ConvWithWriter(bool with_writer) {
  GraphBuilder g;
  NodeOutput x =
      g.Placeholder("x", tensorflow::DT_FLOAT, PartialShape(std::vector<int64_t>{-1, 6, 6, 2}));
  VariableNodes w =
      g.VariableV2("w", RandomTensor(tensorflow::DT_FLOAT, TensorShape({3, 3, 2, 4}), 1, -1, 1));
  VariableNodes b = g.VariableV2("b", RandomTensor(tensorflow::DT_FLOAT, TensorShape({4}), 2));
  NodeOutput y = g.Relu("y", g.BiasAdd("bias", g.Conv2D("conv", x, w.value), b.value));
  std::map<std::string, testing::SignatureTensors> signatures = {{"s", {{{"x", x}}, {{"y", y}}}}};
  if (with_writer) {
    NodeOutput ones =
        g.Const("ones", Tensor::FromVector<float>(std::vector<float>(72, 1.0f), {3, 3, 2, 4}));
    signatures["bump"] = {{{"x", x}},
                          {{"w", g.AddOp("AssignAdd", "bump", {w.ref, ones}).output()}}};
  }
  return ServingMetaGraph(g, signatures);
}

// The model loaded without and with the passes.
std::pair<std::unique_ptr<LoadedModel>, std::unique_ptr<LoadedModel>> LoadBoth(
    const tensorflow::MetaGraphDef& meta) {
  return {LoadForTest(meta, false), LoadForTest(meta, true)};
}

Tensor Input() { return RandomTensor(tensorflow::DT_FLOAT, TensorShape({2, 6, 6, 2}), 3, -1, 1); }

TEST(FrozenModelTest, FrozenWeightsGiveTheSameOutputs) {
  ExpectSameWithAndWithoutPasses(ConvWithWriter(false), "s", {{"x", Input()}});
}

TEST(FrozenModelTest, VariablesASignatureModifiesAreNotFrozen) {
  const tensorflow::MetaGraphDef meta = ConvWithWriter(true);
  auto [plain, optimized] = LoadBoth(meta);
  ASSERT_TRUE(plain != nullptr && optimized != nullptr);
  for (LoadedModel* m : {plain.get(), optimized.get()}) {
    ASSERT_TRUE(m->RunSignature("s", {{"x", Input()}}).ok());
    ASSERT_TRUE(m->RunSignature("bump", {{"x", Input()}}).ok());
  }
  ExpectSameOutputs(*optimized, *plain, "s", {{"x", Input()}});
}

TEST(FrozenModelTest, ARunThatModifiesAFrozenVariableThawsIt) {
  const tensorflow::MetaGraphDef meta = ConvWithWriter(false);
  auto [plain, optimized] = LoadBoth(meta);
  ASSERT_TRUE(plain != nullptr && optimized != nullptr);
  const Tensor w = RandomTensor(tensorflow::DT_FLOAT, TensorShape({3, 3, 2, 4}), 9);
  for (LoadedModel* m : {plain.get(), optimized.get()}) {
    ASSERT_TRUE(m->RunSignature("s", {{"x", Input()}}).ok());  // compiled with w frozen
    // Re-run w's initializer with another initial value fed in.
    auto assigned = m->Run({{"w/initial_value:0", w}}, {}, {"w/Assign"});
    ASSERT_TRUE(assigned.ok()) << assigned.status();
  }
  ExpectSameOutputs(*optimized, *plain, "s", {{"x", Input()}});
  auto fetched = optimized->Run({}, {"w/read:0"}, {});
  ASSERT_TRUE(fetched.ok()) << fetched.status();
  EXPECT_TRUE((*fetched)[0].Identical(w));
}

// An embedding table in a resource variable, read whole (a read the pass freezes) and by
// ResourceGather (Keras' Embedding layer), which keeps reading the variable itself.
constexpr char kEmbeddingMetaGraph[] = R"pb(
  graph_def {
    node {
      name: 'ids'
      op: 'Placeholder'
      attr {
        key: 'dtype'
        value { type: DT_INT32 }
      }
    }
    node {
      name: 'emb'
      op: 'VarHandleOp'
      attr {
        key: 'dtype'
        value { type: DT_FLOAT }
      }
      attr {
        key: 'shape'
        value {
          shape {
            dim { size: 3 }
            dim { size: 2 }
          }
        }
      }
      attr {
        key: 'shared_name'
        value { s: 'emb' }
      }
    }
    node {
      name: 'emb/initial_value'
      op: 'Const'
      attr {
        key: 'dtype'
        value { type: DT_FLOAT }
      }
      attr {
        key: 'value'
        value {
          tensor {
            dtype: DT_FLOAT
            tensor_shape {
              dim { size: 3 }
              dim { size: 2 }
            }
            float_val: [ 0, 1, 2, 3, 4, 5 ]
          }
        }
      }
    }
    node {
      name: 'emb/assign'
      op: 'AssignVariableOp'
      input: 'emb'
      input: 'emb/initial_value'
      attr {
        key: 'dtype'
        value { type: DT_FLOAT }
      }
    }
    node {
      name: 'emb/read'
      op: 'ReadVariableOp'
      input: 'emb'
      attr {
        key: 'dtype'
        value { type: DT_FLOAT }
      }
    }
    node {
      name: 'lookup'
      op: 'ResourceGather'
      input: 'emb'
      input: 'ids'
      attr {
        key: 'dtype'
        value { type: DT_FLOAT }
      }
      attr {
        key: 'Tindices'
        value { type: DT_INT32 }
      }
    }
  }
  collection_def {
    key: 'saved_model_main_op'
    value { node_list { value: 'emb/assign' } }
  }
  signature_def {
    key: 's'
    value {
      inputs {
        key: 'ids'
        value {
          name: 'ids:0'
          dtype: DT_INT32
          tensor_shape { unknown_rank: true }
        }
      }
      outputs {
        key: 'rows'
        value {
          name: 'lookup:0'
          dtype: DT_FLOAT
          tensor_shape { unknown_rank: true }
        }
      }
      outputs {
        key: 'table'
        value {
          name: 'emb/read:0'
          dtype: DT_FLOAT
          tensor_shape { unknown_rank: true }
        }
      }
      method_name: 'tensorflow/serving/predict'
    }
  }
)pb";

TEST(FrozenModelTest, ResourceGatherReadsAVariableWhoseReadsAreFrozen) {
  const tensorflow::MetaGraphDef meta = testing::MetaGraphFromText(kEmbeddingMetaGraph);
  auto [plain, optimized] = LoadBoth(meta);
  ASSERT_TRUE(plain != nullptr && optimized != nullptr);
  const Tensor ids = Tensor::FromVector<int32_t>(std::vector<int32_t>{2, 0, 2}, {3});
  for (LoadedModel* m : {plain.get(), optimized.get()}) {
    auto out = m->RunSignature("s", {{"ids", ids}});
    ASSERT_TRUE(out.ok()) << out.status();
    const Tensor& rows = out->at("rows");
    ASSERT_EQ(rows.shape(), TensorShape({3, 2}));
    EXPECT_EQ(std::vector<float>(rows.data<float>(), rows.data<float>() + 6),
              (std::vector<float>{4, 5, 0, 1, 4, 5}));
    EXPECT_EQ(out->at("table").shape(), TensorShape({3, 2}));
    const Tensor bad = Tensor::FromVector<int32_t>(std::vector<int32_t>{3}, {1});
    auto refused = m->RunSignature("s", {{"ids", bad}});
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.status().message().find("indices[0] = 3 is not in [0, 3)"), std::string::npos)
        << refused.status();
  }
}

}  // namespace
}  // namespace savedserve
