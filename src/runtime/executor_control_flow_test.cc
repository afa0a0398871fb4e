// TF1 control flow through Plan and RunPlan: graphs with the node structure TF 1.x's
// tf.cond and tf.while_loop write (control_flow_ops.py: cond's Switch(pred, pred),
// switch_t/switch_f pivots, pred_id, one Switch per external tensor, branch constants
// hanging off the pivot, Merge(false, true); while_loop's Enter/Merge/LoopCond/Switch/
// Identity/NextIteration/Exit per loop var, external tensors through constant Enters, body
// constants off the Identity pivot), expectations worked by hand from TF's semantics.
#include <atomic>
#include <thread>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "gtest/gtest.h"
#include "runtime/executor.h"
#include "runtime/runtime_test_util.h"

namespace savedserve {
namespace {

using testing::Binary;
using testing::CondScaffold;
using testing::Enter;
using testing::GraphFromText;
using testing::LoopVar;
using testing::Merge;
using testing::Node;
using testing::Placeholder;
using testing::ScalarConst;
using testing::T;
using testing::TypeAttr;

int32_t IntOf(const Tensor& t) {
  return t.dtype() == tensorflow::DT_INT32 && t.num_elements() == 1 ? t.data<int32_t>()[0] : -999;
}

Value Int(int32_t v) { return Value{Tensor::Scalar<int32_t>(v), nullptr}; }
Value Float(float v) { return Value{Tensor::Scalar<float>(v), nullptr}; }
Value Bool(bool v) { return Value{Tensor::Scalar<bool>(v), nullptr}; }

class ControlFlowTest : public ::testing::Test {
 protected:
  void Load(const std::string& text) {
    auto graph = Graph::FromGraphDef(GraphFromText(text), ops_);
    ASSERT_TRUE(graph.ok()) << graph.status();
    graph_ = std::move(*graph);
  }

  absl::StatusOr<std::unique_ptr<Plan>> Compile(const PlanSpec& spec) {
    return Plan::Compile(*graph_, spec, {});
  }

  absl::StatusOr<std::vector<Value>> Run(const PlanSpec& spec, std::vector<Value> feeds,
                                         ExecStats* stats = nullptr) {
    ASSIGN_OR_RETURN(std::unique_ptr<Plan> plan, Compile(spec));
    return RunPlan(*plan, std::move(feeds), {&pool_, &resources_, nullptr}, stats);
  }

  OpSignatures ops_{{}, nullptr};
  std::unique_ptr<Graph> graph_;
  ThreadPool pool_{2};
  ResourceManager resources_;
};

// y = tf.cond(is_training, lambda: tf.reshape(x, [7]) * 2, lambda: x + 10) with
// is_training = tf.placeholder_with_default(False, []): the batch-norm pattern of TF1
// exports. The true branch's Reshape fails unless x has 7 elements, which shows whether
// that branch ran.
std::string IsTrainingCond() {
  return Placeholder("x", "DT_FLOAT") + ScalarConst("default", "DT_BOOL", "false") +
         Node("is_training", "PlaceholderWithDefault", {"default"},
              TypeAttr("dtype", "DT_BOOL") + " attr { key: 'shape' value { shape {} } }") +
         CondScaffold("cond", "is_training") +
         Binary("cond/Reshape/Switch", "Switch", "x", "cond/pred_id", "DT_FLOAT") +
         Node("cond/Reshape/shape", "Const", {"^cond/switch_t"},
              TypeAttr("dtype", "DT_INT32") +
                  " attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape { dim { "
                  "size: 1 } } int_val: 7 } } }") +
         Binary("cond/Reshape", "Reshape", "cond/Reshape/Switch:1", "cond/Reshape/shape",
                "DT_FLOAT") +
         ScalarConst("cond/mul/y", "DT_FLOAT", "2", "^cond/switch_t") +
         Binary("cond/mul", "Mul", "cond/Reshape", "cond/mul/y", "DT_FLOAT") +
         Binary("cond/add/Switch", "Switch", "x", "cond/pred_id", "DT_FLOAT") +
         ScalarConst("cond/add/y", "DT_FLOAT", "10", "^cond/switch_f") +
         Binary("cond/add", "AddV2", "cond/add/Switch", "cond/add/y", "DT_FLOAT") +
         Merge("cond/Merge", {"cond/add", "cond/mul"}, "DT_FLOAT");
}

Tensor Iota(int n) {
  Tensor t(tensorflow::DT_FLOAT, TensorShape{n});
  for (int i = 0; i < n; ++i) t.data<float>()[i] = static_cast<float>(i + 1);
  return t;
}

TEST_F(ControlFlowTest, CondRunsOnlyTheBranchThePredicateSays) {
  Load(IsTrainingCond());
  auto plan = Compile({{"x:0"}, {"cond/Merge:0", "cond/Merge:1"}, {}});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_NE((*plan)->control_flow(), nullptr);
  ExecStats stats;
  auto out = RunPlan(**plan, {Value{Iota(3), nullptr}}, {&pool_, &resources_, nullptr}, &stats);
  ASSERT_TRUE(out.ok()) << out.status();  // the default, false: x + 10; no failing Reshape
  EXPECT_EQ((*out)[0].tensor.DebugString(), "DT_FLOAT [3] {11, 12, 13}");
  EXPECT_EQ(IntOf((*out)[1].tensor), 0);
  // Of the 15 steps (x is fed), the kernels that ran: default, is_training, cond/Switch,
  // switch_f, pred_id, the two Switches of x, add/y, add, Merge. Not the dead switch_t,
  // Reshape/shape, Reshape, mul/y, mul.
  EXPECT_EQ((*plan)->num_steps(), 15);
  EXPECT_EQ(stats.steps_run, 10);
}

TEST_F(ControlFlowTest, FeedingThePredicateRunsTheOtherBranch) {
  Load(IsTrainingCond());
  const PlanSpec spec{{"x:0", "is_training:0"}, {"cond/Merge:0", "cond/Merge:1"}, {}};
  auto out = Run(spec, {Value{Iota(7), nullptr}, Bool(true)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor.DebugString(), "DT_FLOAT [7] {2, 4, 6, 8, 10, 12, 14}");
  EXPECT_EQ(IntOf((*out)[1].tensor), 1);
  // The true branch now runs, so a 3-element x fails in its Reshape.
  auto failed = Run(spec, {Value{Iota(3), nullptr}, Bool(true)});
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("cond/Reshape"), std::string::npos) << failed.status();
}

TEST_F(ControlFlowTest, MergeForwardsTheLiveBranchAndItsIndex) {
  // cond(p, lambda: x * 2, lambda: x + 10) without the Reshape.
  Load(Placeholder("x", "DT_FLOAT") + Placeholder("p", "DT_BOOL") + CondScaffold("cond", "p") +
       Binary("cond/mul/Switch", "Switch", "x", "cond/pred_id", "DT_FLOAT") +
       ScalarConst("cond/mul/y", "DT_FLOAT", "2", "^cond/switch_t") +
       Binary("cond/mul", "Mul", "cond/mul/Switch:1", "cond/mul/y", "DT_FLOAT") +
       Binary("cond/add/Switch", "Switch", "x", "cond/pred_id", "DT_FLOAT") +
       ScalarConst("cond/add/y", "DT_FLOAT", "10", "^cond/switch_f") +
       Binary("cond/add", "AddV2", "cond/add/Switch", "cond/add/y", "DT_FLOAT") +
       Merge("cond/Merge", {"cond/add", "cond/mul"}, "DT_FLOAT"));
  const PlanSpec spec{{"x:0", "p:0"}, {"cond/Merge:0", "cond/Merge:1"}, {}};
  for (bool p : {false, true}) {
    SCOPED_TRACE(p);
    auto out = Run(spec, {Float(3.0f), Bool(p)});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(testing::FloatOf((*out)[0].tensor), p ? 6.0f : 13.0f);
    EXPECT_EQ(IntOf((*out)[1].tensor), p ? 1 : 0);
  }
}

TEST_F(ControlFlowTest, FetchingADeadTensorIsAnErrorNamingIt) {
  Load(Placeholder("x", "DT_FLOAT") + Placeholder("p", "DT_BOOL") +
       Binary("s", "Switch", "x", "p", "DT_FLOAT") + Node("t", "Identity", {"s:1"}, T("DT_FLOAT")));
  auto out = Run({{"x:0", "p:0"}, {"s:0", "t:0"}, {}}, {Float(1.0f), Bool(false)});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("Retval[1] does not have value"), std::string::npos)
      << out.status();
  EXPECT_NE(out.status().message().find("'t:0'"), std::string::npos) << out.status();
  // The live side is fine; so is a dead target (run for its effects, fetched by nobody).
  auto live = Run({{"x:0", "p:0"}, {"s:0"}, {"t"}}, {Float(1.0f), Bool(false)});
  ASSERT_TRUE(live.ok()) << live.status();
  EXPECT_EQ(testing::FloatOf((*live)[0].tensor), 1.0f);
}

TEST_F(ControlFlowTest, SwitchNeedsAScalarPredicate) {
  Load(Placeholder("x", "DT_FLOAT") + Placeholder("p", "DT_BOOL") +
       Binary("s", "Switch", "x", "p", "DT_FLOAT"));
  Tensor two(tensorflow::DT_BOOL, TensorShape{2});
  auto out = Run({{"x:0", "p:0"}, {"s:0"}, {}}, {Float(1.0f), Value{two, nullptr}});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("Switch 's'"), std::string::npos) << out.status();
}

TEST_F(ControlFlowTest, ControlEdgesFromDeadNodesMakeNodesDeadButNotMerges) {
  // a waits on the dead side through a control edge, so it is dead too. m merges the live x
  // with a control edge from the dead node: a Merge waits for control inputs but is dead
  // only if all its data inputs are.
  Load(Placeholder("x", "DT_FLOAT") + Placeholder("p", "DT_BOOL") +
       Binary("s", "Switch", "x", "p", "DT_FLOAT") +
       Node("dead", "Identity", {"s:1"}, T("DT_FLOAT")) +
       Node("a", "Identity", {"x", "^dead"}, T("DT_FLOAT")) +
       Merge("m", {"s:0", "s:1", "^dead"}, "DT_FLOAT"));
  auto dead = Run({{"x:0", "p:0"}, {"a:0"}, {}}, {Float(4.0f), Bool(false)});
  ASSERT_FALSE(dead.ok());
  EXPECT_NE(dead.status().message().find("'a:0' is dead"), std::string::npos) << dead.status();
  auto merged = Run({{"x:0", "p:0"}, {"m:0", "m:1"}, {}}, {Float(4.0f), Bool(false)});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(testing::FloatOf((*merged)[0].tensor), 4.0f);
  EXPECT_EQ(IntOf((*merged)[1].tensor), 0);
  // With p true, `dead` is live and so is a.
  auto live = Run({{"x:0", "p:0"}, {"a:0", "m:1"}, {}}, {Float(4.0f), Bool(true)});
  ASSERT_TRUE(live.ok()) << live.status();
  EXPECT_EQ(testing::FloatOf((*live)[0].tensor), 4.0f);
  EXPECT_EQ(IntOf((*live)[1].tensor), 1);
}

TEST_F(ControlFlowTest, AMergeOfOnlyDeadInputsIsDead) {
  // Both inputs come from the untaken side of their Switches.
  Load(Placeholder("x", "DT_FLOAT") + Placeholder("p", "DT_BOOL") +
       Binary("s", "Switch", "x", "p", "DT_FLOAT") + Binary("s2", "Switch", "x", "p", "DT_FLOAT") +
       Merge("m", {"s:1", "s2:1"}, "DT_FLOAT") + Node("after", "Identity", {"m"}, T("DT_FLOAT")) +
       Merge("rescue", {"after", "s:0"}, "DT_FLOAT"));
  auto out = Run({{"x:0", "p:0"}, {"rescue:0", "rescue:1"}, {}}, {Float(2.0f), Bool(false)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(testing::FloatOf((*out)[0].tensor), 2.0f);
  EXPECT_EQ(IntOf((*out)[1].tensor), 1);
  auto dead = Run({{"x:0", "p:0"}, {"m:0"}, {}}, {Float(2.0f), Bool(false)});
  ASSERT_FALSE(dead.ok());
  EXPECT_NE(dead.status().message().find("'m:0' is dead"), std::string::npos) << dead.status();
}

TEST_F(ControlFlowTest, NestedCondsPickTheInnerBranchOfTheTakenOuterOne) {
  // y = cond(p, lambda: cond(q, lambda: x * 2, lambda: x * 3), lambda: x * 5); the inner
  // cond lives in the outer true branch, so its pred and x come through the outer Switches.
  std::string g = Placeholder("x", "DT_FLOAT") + Placeholder("p", "DT_BOOL") +
                  Placeholder("q", "DT_BOOL") + CondScaffold("cond", "p") +
                  Binary("cond/cond/Switch/Switch", "Switch", "q", "cond/pred_id", "DT_BOOL") +
                  CondScaffold("cond/cond", "cond/cond/Switch/Switch:1") +
                  Binary("cond/cond/x/Switch", "Switch", "x", "cond/pred_id", "DT_FLOAT");
  for (const auto& [branch, factor, pivot, port] :
       std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
           {"cond/cond/mul", "2", "^cond/cond/switch_t", ":1"},
           {"cond/cond/mul_1", "3", "^cond/cond/switch_f", ""}}) {
    g += Binary(branch + "/Switch", "Switch", "cond/cond/x/Switch:1", "cond/cond/pred_id",
                "DT_FLOAT") +
         ScalarConst(branch + "/y", "DT_FLOAT", factor, pivot) +
         Binary(branch, "Mul", branch + "/Switch" + port, branch + "/y", "DT_FLOAT");
  }
  g += Merge("cond/cond/Merge", {"cond/cond/mul_1", "cond/cond/mul"}, "DT_FLOAT") +
       Binary("cond/mul/Switch", "Switch", "x", "cond/pred_id", "DT_FLOAT") +
       ScalarConst("cond/mul/y", "DT_FLOAT", "5", "^cond/switch_f") +
       Binary("cond/mul", "Mul", "cond/mul/Switch", "cond/mul/y", "DT_FLOAT") +
       Merge("cond/Merge", {"cond/mul", "cond/cond/Merge"}, "DT_FLOAT");
  Load(g);
  const PlanSpec spec{{"x:0", "p:0", "q:0"}, {"cond/Merge:0"}, {}};
  for (const auto& [p, q, want] : std::vector<std::tuple<bool, bool, float>>{
           {true, true, 2.0f}, {true, false, 3.0f}, {false, true, 5.0f}, {false, false, 5.0f}}) {
    SCOPED_TRACE(absl::StrCat(p, q));
    auto out = Run(spec, {Float(1.0f), Bool(p), Bool(q)});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(testing::FloatOf((*out)[0].tensor), want);
  }
}

// i, acc = tf.while_loop(lambda i, acc: i < n, lambda i, acc: (i + 1, acc * 2), (0, 1.0))
std::string DoublingLoop(int parallel_iterations = 10) {
  const std::string frame = "while/while_context";
  return Placeholder("n", "DT_INT32") + ScalarConst("Const", "DT_INT32", "0") +
         ScalarConst("Const_1", "DT_FLOAT", "1") +
         LoopVar("while", "", "Const", "while/add", frame, "DT_INT32", parallel_iterations) +
         LoopVar("while", "_1", "Const_1", "while/mul", frame, "DT_FLOAT", parallel_iterations) +
         Enter("while/Less/Enter", "n", frame, true, "DT_INT32", parallel_iterations) +
         Binary("while/Less", "Less", "while/Merge", "while/Less/Enter", "DT_INT32") +
         Node("while/LoopCond", "LoopCond", {"while/Less"}) +
         ScalarConst("while/add/y", "DT_INT32", "1", "^while/Identity") +
         Binary("while/add", "AddV2", "while/Identity", "while/add/y", "DT_INT32") +
         ScalarConst("while/mul/y", "DT_FLOAT", "2", "^while/Identity") +
         Binary("while/mul", "Mul", "while/Identity_1", "while/mul/y", "DT_FLOAT");
}

TEST_F(ControlFlowTest, WhileLoopRunsItsBodyUntilTheConditionFails) {
  Load(DoublingLoop());
  const PlanSpec spec{{"n:0"}, {"while/Exit:0", "while/Exit_1:0"}, {}};
  for (const auto& [n, i, acc] : std::vector<std::tuple<int32_t, int32_t, float>>{
           {0, 0, 1.0f}, {1, 1, 2.0f}, {5, 5, 32.0f}, {-3, 0, 1.0f}, {100, 100, 0x1p100f}}) {
    SCOPED_TRACE(n);
    auto out = Run(spec, {Int(n)});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(IntOf((*out)[0].tensor), i);
    EXPECT_EQ(testing::FloatOf((*out)[1].tensor), acc);
  }
}

TEST_F(ControlFlowTest, ParallelIterationsDoNotChangeTheResult) {
  for (int parallel : {1, 2, 32}) {
    SCOPED_TRACE(parallel);
    Load(DoublingLoop(parallel));
    auto out = Run({{"n:0"}, {"while/Exit:0", "while/Exit_1:0"}, {}}, {Int(20)});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(IntOf((*out)[0].tensor), 20);
    EXPECT_EQ(testing::FloatOf((*out)[1].tensor), 1048576.0f);
  }
}

TEST_F(ControlFlowTest, LoopPlansAreReusedAndConcurrentRunsKeepTheirOwnFrames) {
  Load(DoublingLoop());
  auto plan = Compile({{"n:0"}, {"while/Exit:0"}, {}});
  ASSERT_TRUE(plan.ok()) << plan.status();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 30; ++n) {
        auto out = RunPlan(**plan, {Int(n + t)}, {&pool_, &resources_, nullptr});
        if (!out.ok() || IntOf((*out)[0].tensor) != n + t) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
}

TEST_F(ControlFlowTest, NestedLoopsRunTheInnerLoopOncePerOuterIteration) {
  // total = 0; for i in range(4): for j in range(i): total += i * j  ==> 0+0+2+(3+6) = 11
  // Outer loop vars (i, total); inner loop vars (j, t), with i entering the inner frame as a
  // constant.
  const std::string outer = "while/while_context";
  const std::string inner = "while/while/while_context";
  std::string g =
      ScalarConst("Const", "DT_INT32", "0") + ScalarConst("Const_1", "DT_INT32", "0") +
      ScalarConst("four", "DT_INT32", "4") +
      LoopVar("while", "", "Const", "while/add", outer, "DT_INT32") +
      LoopVar("while", "_1", "Const_1", "while/while/Exit_1", outer, "DT_INT32") +
      Enter("while/Less/Enter", "four", outer, true, "DT_INT32") +
      Binary("while/Less", "Less", "while/Merge", "while/Less/Enter", "DT_INT32") +
      Node("while/LoopCond", "LoopCond", {"while/Less"}) +
      ScalarConst("while/add/y", "DT_INT32", "1", "^while/Identity") +
      Binary("while/add", "AddV2", "while/Identity", "while/add/y", "DT_INT32") +
      // The inner loop: j from a body constant, t from the outer total.
      ScalarConst("while/Const", "DT_INT32", "0", "^while/Identity") +
      LoopVar("while/while", "", "while/Const", "while/while/add", inner, "DT_INT32") +
      LoopVar("while/while", "_1", "while/Identity_1", "while/while/add_1", inner, "DT_INT32") +
      Enter("while/while/Less/Enter", "while/Identity", inner, true, "DT_INT32") +
      Binary("while/while/Less", "Less", "while/while/Merge", "while/while/Less/Enter",
             "DT_INT32") +
      Node("while/while/LoopCond", "LoopCond", {"while/while/Less"}) +
      ScalarConst("while/while/add/y", "DT_INT32", "1", "^while/while/Identity") +
      Binary("while/while/add", "AddV2", "while/while/Identity", "while/while/add/y", "DT_INT32") +
      Enter("while/while/mul/Enter", "while/Identity", inner, true, "DT_INT32") +
      Binary("while/while/mul", "Mul", "while/while/mul/Enter", "while/while/Identity",
             "DT_INT32") +
      Binary("while/while/add_1", "AddV2", "while/while/Identity_1", "while/while/mul", "DT_INT32");
  Load(g);
  auto out = Run({{}, {"while/Exit:0", "while/Exit_1:0"}, {}}, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(IntOf((*out)[0].tensor), 4);
  EXPECT_EQ(IntOf((*out)[1].tensor), 11);
}

// y = tf.cond(p, lambda: tf.while_loop(i < n, i + 1, [0]), lambda: -1): the loop lives in the
// true branch; its initial value and n come through the cond's Switches.
std::string LoopInACond() {
  const std::string frame = "cond/while/while_context";
  return Placeholder("n", "DT_INT32") + Placeholder("p", "DT_BOOL") + CondScaffold("cond", "p") +
         ScalarConst("cond/Const", "DT_INT32", "0", "^cond/switch_t") +
         LoopVar("cond/while", "", "cond/Const", "cond/while/add", frame, "DT_INT32") +
         Binary("cond/while/Less/Switch", "Switch", "n", "cond/pred_id", "DT_INT32") +
         Enter("cond/while/Less/Enter", "cond/while/Less/Switch:1", frame, true, "DT_INT32") +
         Binary("cond/while/Less", "Less", "cond/while/Merge", "cond/while/Less/Enter",
                "DT_INT32") +
         Node("cond/while/LoopCond", "LoopCond", {"cond/while/Less"}) +
         ScalarConst("cond/while/add/y", "DT_INT32", "1", "^cond/while/Identity") +
         Binary("cond/while/add", "AddV2", "cond/while/Identity", "cond/while/add/y", "DT_INT32") +
         ScalarConst("cond/Const_1", "DT_INT32", "-1", "^cond/switch_f") +
         Merge("cond/Merge", {"cond/Const_1", "cond/while/Exit"}, "DT_INT32");
}

TEST_F(ControlFlowTest, ALoopOnTheUntakenBranchIsDeadAndItsExitsToo) {
  Load(LoopInACond());
  const PlanSpec spec{{"n:0", "p:0"}, {"cond/Merge:0", "cond/Merge:1"}, {}};
  auto taken = Run(spec, {Int(6), Bool(true)});
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(IntOf((*taken)[0].tensor), 6);
  EXPECT_EQ(IntOf((*taken)[1].tensor), 1);
  // Untaken: the Merge only fires once the loop's dead Exit reaches it (when its frame is
  // done), and takes the false branch.
  ExecStats stats;
  auto untaken = Run(spec, {Int(6), Bool(false)}, &stats);
  ASSERT_TRUE(untaken.ok()) << untaken.status();
  EXPECT_EQ(IntOf((*untaken)[0].tensor), -1);
  EXPECT_EQ(IntOf((*untaken)[1].tensor), 0);
  auto exit = Run({{"n:0", "p:0"}, {"cond/while/Exit:0"}, {}}, {Int(6), Bool(false)});
  ASSERT_FALSE(exit.ok());
  EXPECT_NE(exit.status().message().find("'cond/while/Exit:0' is dead"), std::string::npos)
      << exit.status();
}

TEST_F(ControlFlowTest, ACondInsideALoopBodyBranchesPerIteration) {
  // acc = tf.while_loop(i < 6, (i + 1, tf.cond(i < 3, lambda: acc + i, lambda: acc * 2)),
  // (0, 0)): i = 0, 1, 2 add 0, 1, 2 (acc 3), then i = 3, 4, 5 double it: 24.
  const std::string frame = "while/while_context";
  std::string g =
      ScalarConst("Const", "DT_INT32", "0") + ScalarConst("Const_1", "DT_INT32", "0") +
      ScalarConst("six", "DT_INT32", "6") +
      LoopVar("while", "", "Const", "while/add", frame, "DT_INT32") +
      LoopVar("while", "_1", "Const_1", "while/cond/Merge", frame, "DT_INT32") +
      Enter("while/Less/Enter", "six", frame, true, "DT_INT32") +
      Binary("while/Less", "Less", "while/Merge", "while/Less/Enter", "DT_INT32") +
      Node("while/LoopCond", "LoopCond", {"while/Less"}) +
      ScalarConst("while/add/y", "DT_INT32", "1", "^while/Identity") +
      Binary("while/add", "AddV2", "while/Identity", "while/add/y", "DT_INT32") +
      ScalarConst("while/Less_1/y", "DT_INT32", "3", "^while/Identity") +
      Binary("while/Less_1", "Less", "while/Identity", "while/Less_1/y", "DT_INT32") +
      CondScaffold("while/cond", "while/Less_1") +
      Binary("while/cond/add/Switch", "Switch", "while/Identity_1", "while/cond/pred_id",
             "DT_INT32") +
      Binary("while/cond/add/Switch_1", "Switch", "while/Identity", "while/cond/pred_id",
             "DT_INT32") +
      Binary("while/cond/add", "AddV2", "while/cond/add/Switch:1", "while/cond/add/Switch_1:1",
             "DT_INT32") +
      Binary("while/cond/mul/Switch", "Switch", "while/Identity_1", "while/cond/pred_id",
             "DT_INT32") +
      ScalarConst("while/cond/mul/y", "DT_INT32", "2", "^while/cond/switch_f") +
      Binary("while/cond/mul", "Mul", "while/cond/mul/Switch", "while/cond/mul/y", "DT_INT32") +
      Merge("while/cond/Merge", {"while/cond/mul", "while/cond/add"}, "DT_INT32");
  Load(g);
  auto out = Run({{}, {"while/Exit:0", "while/Exit_1:0"}, {}}, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(IntOf((*out)[0].tensor), 6);
  EXPECT_EQ(IntOf((*out)[1].tensor), 24);
}

// y = tf.map_fn(lambda e: e * e + 1, elems) as TF1 writes it (before maximum_iterations):
// the elements scattered into a TensorArray, a while loop over (i, the output array's flow)
// reading element i and writing its result, then the results gathered back.
std::string MapFn() {
  const std::string frame = "map/while/while_context";
  auto int_vector = [](const std::string& name, int value) {
    return Node(name, "Const", {},
                TypeAttr("dtype", "DT_INT32") +
                    absl::StrCat(" attr { key: 'value' value { tensor { dtype: DT_INT32 "
                                 "tensor_shape { dim { size: 1 } } int_val: ",
                                 value, " } } }"));
  };
  auto element_shape = [](const std::string& key) {
    return absl::StrCat(" attr { key: '", key, "' value { shape { dim { size: 2 } } } }");
  };
  auto array = [&](const std::string& name) {
    return Node(name, "TensorArrayV3", {"map/strided_slice"},
                TypeAttr("dtype", "DT_FLOAT") + element_shape("element_shape") +
                    " attr { key: 'identical_element_shapes' value { b: true } }");
  };
  return Placeholder("elems", "DT_FLOAT") + Node("map/Shape", "Shape", {"elems"}, T("DT_FLOAT")) +
         int_vector("map/strided_slice/stack", 0) + int_vector("map/strided_slice/stack_1", 1) +
         int_vector("map/strided_slice/stack_2", 1) +
         Node("map/strided_slice", "StridedSlice",
              {"map/Shape", "map/strided_slice/stack", "map/strided_slice/stack_1",
               "map/strided_slice/stack_2"},
              T("DT_INT32") + TypeAttr("Index", "DT_INT32") +
                  " attr { key: 'shrink_axis_mask' value { i: 1 } }") +
         array("map/TensorArray") +
         ScalarConst("map/TensorArrayUnstack/range/start", "DT_INT32", "0") +
         ScalarConst("map/TensorArrayUnstack/range/delta", "DT_INT32", "1") +
         Node("map/TensorArrayUnstack/range", "Range",
              {"map/TensorArrayUnstack/range/start", "map/strided_slice",
               "map/TensorArrayUnstack/range/delta"},
              TypeAttr("Tidx", "DT_INT32")) +
         Node("map/TensorArrayUnstack/TensorArrayScatter/TensorArrayScatterV3",
              "TensorArrayScatterV3",
              {"map/TensorArray", "map/TensorArrayUnstack/range", "elems", "map/TensorArray:1"},
              T("DT_FLOAT")) +
         ScalarConst("map/Const", "DT_INT32", "0") + array("map/TensorArray_1") +
         LoopVar("map/while", "", "map/Const", "map/while/add", frame, "DT_INT32") +
         LoopVar("map/while", "_1", "map/TensorArray_1:1",
                 "map/while/TensorArrayWrite/TensorArrayWriteV3", frame, "DT_FLOAT") +
         Enter("map/while/Less/Enter", "map/strided_slice", frame, true, "DT_INT32") +
         Binary("map/while/Less", "Less", "map/while/Merge", "map/while/Less/Enter", "DT_INT32") +
         Node("map/while/LoopCond", "LoopCond", {"map/while/Less"}) +
         Enter("map/while/TensorArrayReadV3/Enter", "map/TensorArray", frame, true, "DT_RESOURCE") +
         Enter("map/while/TensorArrayReadV3/Enter_1",
               "map/TensorArrayUnstack/TensorArrayScatter/TensorArrayScatterV3", frame, true,
               "DT_FLOAT") +
         Node("map/while/TensorArrayReadV3", "TensorArrayReadV3",
              {"map/while/TensorArrayReadV3/Enter", "map/while/Identity",
               "map/while/TensorArrayReadV3/Enter_1"},
              TypeAttr("dtype", "DT_FLOAT")) +
         Binary("map/while/mul", "Mul", "map/while/TensorArrayReadV3",
                "map/while/TensorArrayReadV3", "DT_FLOAT") +
         ScalarConst("map/while/add_1/y", "DT_FLOAT", "1", "^map/while/Identity") +
         Binary("map/while/add_1", "AddV2", "map/while/mul", "map/while/add_1/y", "DT_FLOAT") +
         Enter("map/while/TensorArrayWrite/TensorArrayWriteV3/Enter", "map/TensorArray_1", frame,
               true, "DT_RESOURCE") +
         Node("map/while/TensorArrayWrite/TensorArrayWriteV3", "TensorArrayWriteV3",
              {"map/while/TensorArrayWrite/TensorArrayWriteV3/Enter", "map/while/Identity",
               "map/while/add_1", "map/while/Identity_1"},
              T("DT_FLOAT")) +
         ScalarConst("map/while/add/y", "DT_INT32", "1", "^map/while/Identity") +
         Binary("map/while/add", "AddV2", "map/while/Identity", "map/while/add/y", "DT_INT32") +
         Node("map/TensorArrayStack/TensorArraySizeV3", "TensorArraySizeV3",
              {"map/TensorArray_1", "map/while/Exit_1"}) +
         ScalarConst("map/TensorArrayStack/range/start", "DT_INT32", "0") +
         ScalarConst("map/TensorArrayStack/range/delta", "DT_INT32", "1") +
         Node("map/TensorArrayStack/range", "Range",
              {"map/TensorArrayStack/range/start", "map/TensorArrayStack/TensorArraySizeV3",
               "map/TensorArrayStack/range/delta"},
              TypeAttr("Tidx", "DT_INT32")) +
         Node("map/TensorArrayStack/TensorArrayGatherV3", "TensorArrayGatherV3",
              {"map/TensorArray_1", "map/TensorArrayStack/range", "map/while/Exit_1"},
              TypeAttr("dtype", "DT_FLOAT") + element_shape("element_shape"));
}

TEST_F(ControlFlowTest, MapFnThroughTensorArraysAppliesItsFunctionToEachElement) {
  Load(MapFn());
  const PlanSpec spec{{"elems:0"}, {"map/TensorArrayStack/TensorArrayGatherV3:0"}, {}};
  auto out =
      Run(spec,
          {Value{Tensor::FromVector<float>(std::vector<float>{1, 2, 3, 4, 5, 6}, TensorShape{3, 2}),
                 nullptr}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor.DebugString(), "DT_FLOAT [3,2] {2, 5, 10, 17, 26, 37}");
  // No elements: the loop does not run and the gather uses the known element shape.
  auto empty = Run(spec, {Value{Tensor(tensorflow::DT_FLOAT, TensorShape{0, 2}), nullptr}});
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ((*empty)[0].tensor.shape(), (TensorShape{0, 2}));
  // An element of the wrong shape fails in the write, named.
  auto bad = Run(spec, {Value{Tensor(tensorflow::DT_FLOAT, TensorShape{2, 3}), nullptr}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("TensorArrayScatterV3"), std::string::npos) << bad.status();
}

TEST_F(ControlFlowTest, MalformedLoopsAreCompileErrors) {
  Load(DoublingLoop());
  auto inside = Compile({{"n:0"}, {"while/Identity:0"}, {}});
  ASSERT_FALSE(inside.ok());
  EXPECT_NE(inside.status().message().find("cannot fetch 'while/Identity:0'"), std::string::npos)
      << inside.status();
  EXPECT_NE(inside.status().message().find("while/while_context"), std::string::npos);

  // An Exit in the root frame.
  Load(Placeholder("x", "DT_FLOAT") + Node("e", "Exit", {"x"}, T("DT_FLOAT")));
  auto exit = Compile({{"x:0"}, {"e:0"}, {}});
  ASSERT_FALSE(exit.ok());
  EXPECT_NE(exit.status().message().find("Exit 'e' is not inside a while loop"), std::string::npos)
      << exit.status();

  // A loop body reading a root tensor without an Enter.
  std::string g = DoublingLoop() + Placeholder("k", "DT_FLOAT") +
                  Binary("while/bad", "Mul", "while/Identity_1", "k", "DT_FLOAT");
  Load(g);
  auto mixed = Compile({{"n:0", "k:0"}, {}, {"while/bad"}});
  ASSERT_FALSE(mixed.ok());
  EXPECT_NE(mixed.status().message().find("'while/bad' has inputs from different frames"),
            std::string::npos)
      << mixed.status();
}

TEST_F(ControlFlowTest, GraphsWithoutControlFlowKeepTheStepByStepPlan) {
  Load(Placeholder("x", "DT_FLOAT") + Node("y", "Identity", {"x"}, T("DT_FLOAT")) +
       Node("c", "LoopCond", {"b"}) + Placeholder("b", "DT_BOOL"));
  auto plan = Compile({{"x:0", "b:0"}, {"y:0", "c:0"}, {}});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)->control_flow(), nullptr);
}

}  // namespace
}  // namespace savedserve
