#include "runtime/plan.h"

#include <atomic>

#include "gtest/gtest.h"
#include "runtime/runtime_test_util.h"

namespace savedserve {
namespace {

using testing::ConstNode;
using testing::GraphFromText;
using testing::IdentityNode;
using testing::JoinNode;
using testing::PlaceholderNode;

// Records, at creation, whether input 0 was a graph constant.
std::atomic<int> probes_with_constant{0};
std::atomic<int> probes_without_constant{0};

class ConstProbeKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    if (c.constant_input(0) != nullptr && c.constant_input(0)->dtype() == tensorflow::DT_STRING) {
      ++probes_with_constant;
    } else {
      ++probes_without_constant;
    }
    return std::unique_ptr<OpKernel>(new ConstProbeKernel);
  }
  absl::Status Compute(KernelContext& ctx) const override { return absl::OkStatus(); }
};
SS_REGISTER_KERNEL("TestConstProbe", kReference, CreateKernel<ConstProbeKernel>);

// p -> parse (an op without a kernel) -> x -> y = join(x, c); z = join(y, ^ctl).
const std::string& TestGraph() {
  static const std::string text =
      PlaceholderNode("p") +
      "node { name: 'parse' op: 'FakeParse' input: 'p' attr { key: 'T' value { type: DT_STRING } }"
      " attr { key: '_output_shapes' value { list { shape {} shape {} } } } }\n" +
      IdentityNode("x", "parse:0") + ConstNode("c", "!") + JoinNode("y", {"x", "c"}) +
      ConstNode("ctl", "unused") + JoinNode("z", {"y", "^ctl"}) + ConstNode("unrelated", "u");
  return text;
}

class PlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto graph = Graph::FromGraphDef(GraphFromText(TestGraph()), ops_);
    ASSERT_TRUE(graph.ok()) << graph.status();
    graph_ = std::move(*graph);
  }

  absl::StatusOr<std::unique_ptr<Plan>> Compile(PlanSpec spec, KernelCache* cache = nullptr) {
    PlanOptions options;
    options.kernel_cache = cache;
    return Plan::Compile(*graph_, spec, options);
  }

  static std::vector<std::string> StepNames(const Plan& plan) {
    std::vector<std::string> names;
    for (const PlanStep& step : plan.steps()) names.push_back(step.node->name());
    return names;
  }

  OpSignatures ops_{{}, nullptr};
  std::unique_ptr<Graph> graph_;
};

TEST_F(PlanTest, FeedingAnyTensorPrunesWhatIsBehindIt) {
  auto plan = Compile({{"x:0"}, {"y:0"}, {}});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(StepNames(**plan), (std::vector<std::string>{"c", "y"}));
  EXPECT_EQ((*plan)->feed_types()[0], tensorflow::DT_STRING);
}

TEST_F(PlanTest, UnsupportedOpNamesOpAndNode) {
  auto plan = Compile({{"p:0"}, {"y:0"}, {}});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(plan.status().message().find("FakeParse"), std::string::npos) << plan.status();
  EXPECT_NE(plan.status().message().find("'parse'"), std::string::npos) << plan.status();
}

TEST_F(PlanTest, ControlInputsAndTargetsRun) {
  auto plan = Compile({{"x:0"}, {"z:0"}, {"unrelated"}});
  ASSERT_TRUE(plan.ok()) << plan.status();
  std::vector<std::string> names = StepNames(**plan);
  auto pos = [&](const std::string& n) {
    return std::find(names.begin(), names.end(), n) - names.begin();
  };
  ASSERT_EQ(names.size(), 5u);
  EXPECT_LT(pos("ctl"), pos("z"));
  EXPECT_LT(pos("c"), pos("y"));
  EXPECT_LT(pos("y"), pos("z"));
  EXPECT_LT(pos("unrelated"), 5);
}

TEST_F(PlanTest, FetchingAFedTensorNeedsNothing) {
  auto plan = Compile({{"y:0"}, {"y:0"}, {}});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_TRUE((*plan)->steps().empty());
  EXPECT_EQ((*plan)->fetches()[0].producer, 0);  // feed 0 lives after the 0 steps
}

TEST_F(PlanTest, BadNamesAreErrors) {
  EXPECT_EQ(Compile({{}, {"nope:0"}, {}}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Compile({{}, {}, {"nope"}}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Compile({{"x:0", "x:0"}, {"y:0"}, {}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Compile({{}, {"y:3"}, {}}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PlanCycleTest, CycleIsAnErrorNamingItsNodes) {
  OpSignatures ops({}, nullptr);
  auto graph = Graph::FromGraphDef(
      GraphFromText(JoinNode("a", {"b"}) + JoinNode("b", {"a"}) + JoinNode("out", {"b"})), ops);
  ASSERT_TRUE(graph.ok());
  auto plan = Plan::Compile(**graph, {{}, {"out:0"}, {}}, {});
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("cycle"), std::string::npos) << plan.status();
  EXPECT_NE(plan.status().message().find("a, b"), std::string::npos) << plan.status();
  // Feeding into the cycle breaks it.
  EXPECT_TRUE(Plan::Compile(**graph, {{"a:0"}, {"out:0"}, {}}, {}).ok());
}

TEST(PlanMemoryTest, ValuesAreReleasedAfterTheirLastReader) {
  OpSignatures ops({}, nullptr);
  auto graph =
      Graph::FromGraphDef(GraphFromText(ConstNode("c", "x") + JoinNode("j1", {"c", "c"}) +
                                        JoinNode("j2", {"j1"}) + JoinNode("j3", {"j2", "c"}) +
                                        ConstNode("dead", "d") + JoinNode("j4", {"j3", "^dead"})),
                          ops);
  ASSERT_TRUE(graph.ok());
  auto plan = Plan::Compile(**graph, {{}, {"j3:0", "j4:0"}, {}}, {});
  ASSERT_TRUE(plan.ok()) << plan.status();
  std::map<std::string, std::vector<std::string>> released;  // step -> values it releases
  const auto& steps = (*plan)->steps();
  for (const PlanStep& step : steps) {
    for (const Slot& s : step.release)
      released[step.node->name()].push_back(steps[s.producer].node->name());
  }
  EXPECT_EQ(released["j2"], std::vector<std::string>{"j1"});
  EXPECT_EQ(released["j3"], (std::vector<std::string>{"c", "j2"}));
  EXPECT_EQ(released["dead"], std::vector<std::string>{"dead"});  // never read: freed at once
  EXPECT_TRUE(released["j4"].empty());                            // j3 and j4 are fetched: kept
}

TEST(PlanConstantTest, KernelsSeeConstantInputsUnlessFed) {
  OpSignatures ops({}, nullptr);
  auto graph = Graph::FromGraphDef(
      GraphFromText(ConstNode("w", "weights") + IdentityNode("w_read", "w") +
                    "node { name: 'probe' op: 'TestConstProbe' input: 'w_read' }"),
      ops);
  ASSERT_TRUE(graph.ok());
  probes_with_constant = probes_without_constant = 0;
  KernelCache cache;
  PlanOptions options;
  options.kernel_cache = &cache;
  ASSERT_TRUE(Plan::Compile(**graph, {{}, {}, {"probe"}}, options).ok());
  ASSERT_TRUE(Plan::Compile(**graph, {{}, {}, {"probe"}}, options).ok());  // cached
  EXPECT_EQ(probes_with_constant, 1);
  ASSERT_TRUE(Plan::Compile(**graph, {{"w:0"}, {}, {"probe"}}, options).ok());
  EXPECT_EQ(probes_without_constant, 1);
}

// Kernels with constant inputs are created on the creation pool, several at once; the plan
// is the same, and the first failure in step order is the one reported.
TEST(PlanCreationPoolTest, CreatesWeightKernelsInParallel) {
  OpSignatures ops({}, nullptr);
  std::string text = ConstNode("w", "weights") + IdentityNode("w_read", "w");
  std::vector<std::string> targets;
  for (int i = 0; i < 8; ++i) {
    targets.push_back("probe" + std::to_string(i));
    text += "node { name: '" + targets.back() + "' op: 'TestConstProbe' input: 'w_read' }\n";
  }
  text +=
      "node { name: 'bad1' op: 'NoSuchOp' input: 'w_read' }\n"
      "node { name: 'bad2' op: 'NoSuchOp' input: 'w_read' }\n";
  auto graph = Graph::FromGraphDef(GraphFromText(text), ops);
  ASSERT_TRUE(graph.ok());
  ThreadPool pool(2);
  PlanOptions options;
  options.creation_pool = &pool;
  probes_with_constant = probes_without_constant = 0;
  auto plan = Plan::Compile(**graph, {{}, {}, targets}, options);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(probes_with_constant, 8);
  for (const PlanStep& step : (*plan)->steps())
    EXPECT_NE(step.kernel, nullptr) << step.node->name();
  targets.push_back("bad2");
  targets.push_back("bad1");
  auto failed = Plan::Compile(**graph, {{}, {}, targets}, options);
  EXPECT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("bad1"), std::string::npos) << failed.status();
}

}  // namespace
}  // namespace savedserve
