// TF1 control flow against TensorFlow.js: whole graphs in the structure TF 1.x's tf.cond,
// tf.while_loop and tf.map_fn write (Switch/Merge, Enter/Exit/NextIteration/LoopCond,
// TensorArrayV3 and its ops, Split and Concat among them) run by TF.js's graph executor and
// by savedserve's runtime (LoadedModel, control-flow executor), outputs compared exactly.
// These ops only make sense inside such graphs, so the per-op suite lists them as compared
// here. TF.js takes Const values only from a weights manifest, so every constant is a fed
// Placeholder, reaching branches through Switches and loops through constant Enters (as
// external tensors do).
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "runtime/loaded_model.h"
#include "runtime/runtime_test_util.h"
#include "tests/tfjs/tfjs_oracle.h"

namespace savedserve::testing {
namespace {

struct GraphCase {
  std::string id;
  std::string graph;  // GraphDef text
  std::vector<std::pair<std::string, Tensor>> feeds;
  std::vector<std::string> fetches;
};

Tensor I(int32_t v) { return Tensor::Scalar<int32_t>(v); }
Tensor F(float v) { return Tensor::Scalar<float>(v); }
Tensor B(bool v) { return Tensor::Scalar<bool>(v); }

// y = cond(p, lambda: x * k1, lambda: x + k2)
std::string CondGraph() {
  std::string g = Placeholder("x", "DT_FLOAT") + Placeholder("p", "DT_BOOL") +
                  Placeholder("k1", "DT_FLOAT") + Placeholder("k2", "DT_FLOAT") +
                  CondScaffold("cond", "p");
  for (const char* in : {"x", "k1", "k2"}) {
    g += Binary(absl::StrCat("cond/", in, "/Switch"), "Switch", in, "cond/pred_id", "DT_FLOAT");
  }
  return g + Binary("cond/mul", "Mul", "cond/x/Switch:1", "cond/k1/Switch:1", "DT_FLOAT") +
         Binary("cond/add", "AddV2", "cond/x/Switch", "cond/k2/Switch", "DT_FLOAT") +
         Merge("cond/Merge", {"cond/add", "cond/mul"}, "DT_FLOAT");
}

// i, acc = while_loop(i < n, (i + one, acc * two), (zero, acc0))
std::string WhileGraph() {
  const std::string frame = "while/while_context";
  std::string g;
  for (const char* in : {"n", "zero", "one"}) g += Placeholder(in, "DT_INT32");
  for (const char* in : {"acc0", "two"}) g += Placeholder(in, "DT_FLOAT");
  return g + LoopVar("while", "", "zero", "while/add", frame, "DT_INT32") +
         LoopVar("while", "_1", "acc0", "while/mul", frame, "DT_FLOAT") +
         Enter("while/Less/Enter", "n", frame, true, "DT_INT32") +
         Binary("while/Less", "Less", "while/Merge", "while/Less/Enter", "DT_INT32") +
         Node("while/LoopCond", "LoopCond", {"while/Less"}) +
         Enter("while/add/Enter", "one", frame, true, "DT_INT32") +
         Binary("while/add", "AddV2", "while/Identity", "while/add/Enter", "DT_INT32") +
         Enter("while/mul/Enter", "two", frame, true, "DT_FLOAT") +
         Binary("while/mul", "Mul", "while/Identity_1", "while/mul/Enter", "DT_FLOAT");
}

// y = map_fn(lambda e: e * e + onef, elems): Scatter, a loop of Read/Write, Size, Gather.
std::string MapFnGraph() {
  const std::string frame = "map/while/while_context";
  auto array = [](const std::string& name) {
    return Node(name, "TensorArrayV3", {"n"},
                TypeAttr("dtype", "DT_FLOAT") +
                    " attr { key: 'element_shape' value { shape { dim { size: 2 } } } }"
                    " attr { key: 'identical_element_shapes' value { b: true } }");
  };
  std::string g = Placeholder("elems", "DT_FLOAT") + Placeholder("onef", "DT_FLOAT");
  for (const char* in : {"n", "zero", "one"}) g += Placeholder(in, "DT_INT32");
  return g + array("map/TensorArray") +
         Node("map/range", "Range", {"zero", "n", "one"}, TypeAttr("Tidx", "DT_INT32")) +
         Node("map/scatter", "TensorArrayScatterV3",
              {"map/TensorArray", "map/range", "elems", "map/TensorArray:1"}, T("DT_FLOAT")) +
         array("map/TensorArray_1") +
         LoopVar("map/while", "", "zero", "map/while/add", frame, "DT_INT32") +
         LoopVar("map/while", "_1", "map/TensorArray_1:1", "map/while/write", frame, "DT_FLOAT") +
         Enter("map/while/Less/Enter", "n", frame, true, "DT_INT32") +
         Binary("map/while/Less", "Less", "map/while/Merge", "map/while/Less/Enter", "DT_INT32") +
         Node("map/while/LoopCond", "LoopCond", {"map/while/Less"}) +
         Enter("map/while/read/Enter", "map/TensorArray", frame, true, "DT_RESOURCE") +
         Enter("map/while/read/Enter_1", "map/scatter", frame, true, "DT_FLOAT") +
         Node("map/while/read", "TensorArrayReadV3",
              {"map/while/read/Enter", "map/while/Identity", "map/while/read/Enter_1"},
              TypeAttr("dtype", "DT_FLOAT")) +
         Binary("map/while/mul", "Mul", "map/while/read", "map/while/read", "DT_FLOAT") +
         Enter("map/while/add_1/Enter", "onef", frame, true, "DT_FLOAT") +
         Binary("map/while/add_1", "AddV2", "map/while/mul", "map/while/add_1/Enter", "DT_FLOAT") +
         Enter("map/while/write/Enter", "map/TensorArray_1", frame, true, "DT_RESOURCE") +
         Node("map/while/write", "TensorArrayWriteV3",
              {"map/while/write/Enter", "map/while/Identity", "map/while/add_1",
               "map/while/Identity_1"},
              T("DT_FLOAT")) +
         Enter("map/while/add/Enter", "one", frame, true, "DT_INT32") +
         Binary("map/while/add", "AddV2", "map/while/Identity", "map/while/add/Enter", "DT_INT32") +
         Node("map/size", "TensorArraySizeV3", {"map/TensorArray_1", "map/while/Exit_1"}) +
         Node("map/stack_range", "Range", {"zero", "map/size", "one"},
              TypeAttr("Tidx", "DT_INT32")) +
         Node("map/gather", "TensorArrayGatherV3",
              {"map/TensorArray_1", "map/stack_range", "map/while/Exit_1"},
              TypeAttr("dtype", "DT_FLOAT") +
                  " attr { key: 'element_shape' value { shape { dim { size: 2 } } } }");
}

// ta = TensorArray(n); ta.split(value, lengths); y = ta.concat()  (TF1's TensorArray
// split/concat, as tf.TensorArray.split and .concat write them). TF.js needs the element
// shape: value's, with the first dimension unknown.
std::string SplitConcatGraph(const std::vector<int64_t>& value_shape) {
  std::string dims = " dim { size: -1 }";
  for (size_t d = 1; d < value_shape.size(); ++d) {
    absl::StrAppend(&dims, " dim { size: ", value_shape[d], " }");
  }
  return Placeholder("value", "DT_FLOAT") + Placeholder("lengths", "DT_INT64") +
         Placeholder("n", "DT_INT32") +
         Node("ta", "TensorArrayV3", {"n"},
              TypeAttr("dtype", "DT_FLOAT") + " attr { key: 'element_shape' value { shape {" +
                  dims + " } } }") +
         Node("ta/split", "TensorArraySplitV3", {"ta", "value", "lengths", "ta:1"},
              T("DT_FLOAT")) +
         Node("ta/concat", "TensorArrayConcatV3", {"ta", "ta/split"},
              TypeAttr("dtype", "DT_FLOAT"));
}

std::vector<GraphCase> Cases() {
  std::vector<GraphCase> cases;
  const Tensor x = RandomTensor(tensorflow::DT_FLOAT, TensorShape{4}, 1);
  for (bool p : {false, true}) {
    cases.push_back({absl::StrCat("cond p=", p),
                     CondGraph(),
                     {{"x", x}, {"p", B(p)}, {"k1", F(3)}, {"k2", F(-2)}},
                     {"cond/Merge:0"}});
  }
  for (int n : {0, 1, 7}) {
    cases.push_back(
        {absl::StrCat("while n=", n),
         WhileGraph(),
         {{"n", I(n)}, {"zero", I(0)}, {"one", I(1)}, {"acc0", F(0.75f)}, {"two", F(2)}},
         {"while/Exit:0", "while/Exit_1:0"}});
  }
  for (int n : {1, 5}) {
    cases.push_back({absl::StrCat("map_fn n=", n),
                     MapFnGraph(),
                     {{"elems", RandomTensor(tensorflow::DT_FLOAT, TensorShape{n, 2}, 2 + n)},
                      {"onef", F(1)},
                      {"n", I(n)},
                      {"zero", I(0)},
                      {"one", I(1)}},
                     {"map/gather:0", "map/size:0"}});
  }
  // Concat's lengths output is int64, which TF.js returns as int32: the values are compared.
  const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> splits = {
      {{6, 3}, {1, 3, 2}}, {{4}, {4, 0}}, {{5, 2, 2}, {0, 2, 0, 3}}};
  for (const auto& [shape, lengths] : splits) {
    const auto n = static_cast<int32_t>(lengths.size());
    cases.push_back({absl::StrCat("split/concat ", TensorShape(shape).DebugString(), " in ", n),
                     SplitConcatGraph(shape),
                     {{"value", RandomTensor(tensorflow::DT_FLOAT, TensorShape(shape), 10 + n)},
                      {"lengths", Tensor::FromVector<int64_t>(lengths, TensorShape{n})},
                      {"n", I(n)}},
                     {"ta/concat:0"}});
  }
  return cases;
}

TEST(TfjsControlFlowV1, WholeGraphsMatchTensorFlowJs) {
  SS_REQUIRE_TFJS_ORACLE(oracle);
  const std::vector<GraphCase> cases = Cases();
  std::vector<OracleCase> jobs;
  for (const GraphCase& c : cases) {
    OracleCase job;
    job.id = c.id;
    job.graph = GraphFromText(c.graph);
    job.feeds = c.feeds;
    job.fetches = c.fetches;
    jobs.push_back(std::move(job));
  }
  auto results = oracle.Run(jobs);
  ASSERT_TRUE(results.ok()) << results.status();
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].id);
    const OracleResult& tfjs = (*results)[i];
    ASSERT_TRUE(tfjs.ok) << "TF.js failed: " << tfjs.error;
    tensorflow::MetaGraphDef meta;
    *meta.mutable_graph_def() = GraphFromText(cases[i].graph);
    auto model = LoadedModel::FromMetaGraph(meta);
    ASSERT_TRUE(model.ok()) << model.status();
    std::vector<std::pair<std::string, Tensor>> feeds;
    for (const auto& [name, value] : cases[i].feeds) feeds.push_back({name + ":0", value});
    auto ours = (*model)->Run(feeds, cases[i].fetches, {});
    ASSERT_TRUE(ours.ok()) << ours.status();
    ASSERT_EQ(ours->size(), tfjs.outputs.size());
    for (size_t k = 0; k < ours->size(); ++k) {
      EXPECT_TRUE(TensorsNear((*ours)[k], tfjs.outputs[k], 0)) << cases[i].fetches[k];
    }
  }
}

}  // namespace
}  // namespace savedserve::testing
