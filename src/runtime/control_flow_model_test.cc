// TF1 control flow in whole models, end to end through LoadedModel (import, variable
// restore and freezing, the serving-graph passes, plans, the control-flow executor): graphs
// built with GraphBuilder in the node structure TF 1.x's tf.cond writes, expectations worked
// by hand, and the same outputs with and without the load-time passes.
#include "export/graph_builder.h"
#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "runtime/serving_graph_test_util.h"

namespace savedserve {
namespace {

using tensorflow::DT_BOOL;
using tensorflow::DT_FLOAT;
using testing::ExpectSameWithAndWithoutPasses;
using testing::LoadForTest;
using testing::ServingMetaGraph;

PartialShape Scalar() { return PartialShape(std::vector<int64_t>{}); }

Tensor Floats(std::vector<float> values, TensorShape shape) {
  return Tensor::FromVector<float>(values, std::move(shape));
}

// tf.cond's scaffolding under `scope`: the pivots and pred_id; returns pred_id.
struct Cond {
  NodeOutput switch_t, switch_f, pred_id;
};
Cond CondScaffold(GraphBuilder& g, const std::string& scope, const NodeOutput& pred) {
  BuiltNode sw = g.AddOp("Switch", scope + "/Switch", {pred, pred});
  return {g.Identity(scope + "/switch_t", sw.output(1)),
          g.Identity(scope + "/switch_f", sw.output(0)), g.Identity(scope + "/pred_id", pred)};
}

// A batch-norm-like layer with an is_training switch, as tf.layers writes it in TF1:
//   is_training = tf.placeholder_with_default(False, [])
//   y = tf.cond(is_training, lambda: x * w, lambda: x + b)
// where the inference branch reads b through a RefSwitch of the variable (TF1's
// _SwitchRefOrTensor on a ref) and the training branch reads w/read through a Switch.
// Signature `set` assigns `value` to b inside another cond when `assign` is true.
tensorflow::MetaGraphDef IsTrainingModel() {
  GraphBuilder g;
  NodeOutput x = g.Placeholder("x", DT_FLOAT, PartialShape(std::vector<int64_t>{-1, 2}));
  VariableNodes w = g.VariableV2("w", Floats({2, 3}, TensorShape{2}));
  VariableNodes b = g.VariableV2("b", Floats({10, 20}, TensorShape{2}));
  NodeOutput is_training = g.PlaceholderWithDefault(
      "is_training", g.Const("is_training/input", Tensor::Scalar<bool>(false)), Scalar());
  Cond c = CondScaffold(g, "cond", is_training);
  NodeOutput mul = g.Mul("cond/mul", g.AddOp("Switch", "cond/mul/Switch", {x, c.pred_id}).output(1),
                         g.AddOp("Switch", "cond/mul/Switch_1", {w.value, c.pred_id}).output(1));
  NodeOutput b_read = g.Identity(
      "cond/read", g.AddOp("RefSwitch", "cond/read/RefSwitch", {b.ref, c.pred_id}).output(0));
  NodeOutput add =
      g.AddV2("cond/add", g.AddOp("Switch", "cond/add/Switch", {x, c.pred_id}).output(0), b_read);
  BuiltNode merge = g.AddOp("Merge", "cond/Merge", {add, mul});
  NodeOutput y = g.Identity("y", merge.output(0));

  NodeOutput value = g.Placeholder("value", DT_FLOAT, PartialShape(std::vector<int64_t>{2}));
  NodeOutput assign = g.Placeholder("assign", DT_BOOL, Scalar());
  Cond s = CondScaffold(g, "cond_1", assign);
  BuiltNode b_switch = g.AddOp("RefSwitch", "cond_1/Assign/RefSwitch", {b.ref, s.pred_id});
  NodeOutput assigned =
      g.AddOp("Assign", "cond_1/Assign",
              {b_switch.output(1),
               g.AddOp("Switch", "cond_1/Assign/Switch_1", {value, s.pred_id}).output(1)})
          .output();
  NodeOutput kept = g.Identity("cond_1/Identity", b_switch.output(0));
  BuiltNode set =
      g.AddOp("Merge", "cond_1/Merge", {kept, g.Identity("cond_1/Identity_1", assigned)});
  return ServingMetaGraph(
      g, {{"serving_default", {{{"x", x}}, {{"y", y}, {"branch", merge.output(1)}}}},
          {"set", {{{"value", value}, {"assign", assign}}, {{"b", set.output(0)}}}}});
}

const Tensor kX = Floats({1, 2, 3, 4}, TensorShape{2, 2});

TEST(ControlFlowModel, IsTrainingDefaultsToTheInferenceBranch) {
  const tensorflow::MetaGraphDef meta = IsTrainingModel();
  std::unique_ptr<LoadedModel> model = LoadForTest(meta, true);
  ASSERT_NE(model, nullptr);
  auto inference = model->RunSignature("serving_default", {{"x", kX}});
  ASSERT_TRUE(inference.ok()) << inference.status();
  EXPECT_TRUE(inference->at("y").Identical(Floats({11, 22, 13, 24}, TensorShape{2, 2})));
  EXPECT_EQ(inference->at("branch").data<int32_t>()[0], 0);
  ExpectSameWithAndWithoutPasses(meta, "serving_default", {{"x", kX}});
  // The signature leaves is_training out (TF1 exports do); feeding it takes the other
  // branch, with and without the passes.
  for (bool optimize : {false, true}) {
    std::unique_ptr<LoadedModel> m = optimize ? std::move(model) : LoadForTest(meta, false);
    ASSERT_NE(m, nullptr);
    auto training = m->Run({{"x:0", kX}, {"is_training:0", Tensor::Scalar<bool>(true)}},
                           {"y:0", "cond/Merge:1"}, {});
    ASSERT_TRUE(training.ok()) << training.status();
    EXPECT_TRUE((*training)[0].Identical(Floats({2, 6, 6, 12}, TensorShape{2, 2})));
    EXPECT_EQ((*training)[1].data<int32_t>()[0], 1);
  }
}

TEST(ControlFlowModel, AnAssignInsideACondBranchModifiesTheVariable) {
  // b is assigned through a RefSwitch, so it must not be frozen: the inference branch sees
  // the new value, with and without the passes.
  const tensorflow::MetaGraphDef meta = IsTrainingModel();
  for (bool optimize : {false, true}) {
    SCOPED_TRACE(optimize);
    std::unique_ptr<LoadedModel> model = LoadForTest(meta, optimize);
    ASSERT_NE(model, nullptr);
    ASSERT_TRUE(model->RunSignature("serving_default", {{"x", kX}}).ok());
    auto kept = model->RunSignature("set", {{"value", Floats({5, 6}, TensorShape{2})},
                                            {"assign", Tensor::Scalar<bool>(false)}});
    ASSERT_TRUE(kept.ok()) << kept.status();
    EXPECT_TRUE(kept->at("b").Identical(Floats({10, 20}, TensorShape{2})));
    auto set = model->RunSignature(
        "set", {{"value", Floats({5, 6}, TensorShape{2})}, {"assign", Tensor::Scalar<bool>(true)}});
    ASSERT_TRUE(set.ok()) << set.status();
    EXPECT_TRUE(set->at("b").Identical(Floats({5, 6}, TensorShape{2})));
    auto after = model->RunSignature("serving_default", {{"x", kX}});
    ASSERT_TRUE(after.ok()) << after.status();
    EXPECT_TRUE(after->at("y").Identical(Floats({6, 8, 8, 10}, TensorShape{2, 2})));
  }
}

}  // namespace
}  // namespace savedserve
