#include "runtime/executor.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "runtime/runtime_test_util.h"

namespace savedserve {
namespace {

using testing::ConstNode;
using testing::GraphFromText;
using testing::JoinNode;
using testing::PlaceholderNode;
using testing::Str;
using testing::StrOf;

class ExecutorTest : public ::testing::Test {
 protected:
  void Load(const std::string& text) {
    auto graph = Graph::FromGraphDef(GraphFromText(text), ops_);
    ASSERT_TRUE(graph.ok()) << graph.status();
    graph_ = std::move(*graph);
  }

  absl::StatusOr<std::vector<Value>> Run(const PlanSpec& spec, std::vector<Value> feeds,
                                         ExecStats* stats = nullptr) {
    auto plan = Plan::Compile(*graph_, spec, {});
    if (!plan.ok()) return plan.status();
    return RunPlan(**plan, std::move(feeds), {&pool_, &resources_, nullptr}, stats);
  }

  OpSignatures ops_{{}, nullptr};
  std::unique_ptr<Graph> graph_;
  ThreadPool pool_{2};
  ResourceManager resources_;
};

TEST_F(ExecutorTest, RunsAndFeedsIntermediateTensors) {
  Load(PlaceholderNode("p") + ConstNode("dash", "-") + JoinNode("a", {"p", "dash"}) +
       JoinNode("b", {"a", "a"}));
  auto out = Run({{"p:0"}, {"b:0", "a:0"}, {}}, {Value{Str("x"), nullptr}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(StrOf((*out)[0].tensor), "x-x-");
  EXPECT_EQ(StrOf((*out)[1].tensor), "x-");
  auto fed = Run({{"a:0"}, {"b:0"}, {}}, {Value{Str("q"), nullptr}});
  ASSERT_TRUE(fed.ok()) << fed.status();
  EXPECT_EQ(StrOf((*fed)[0].tensor), "qq");
}

TEST_F(ExecutorTest, MissingFeedNamesThePlaceholder) {
  Load(PlaceholderNode("input_x") + JoinNode("a", {"input_x"}));
  auto out = Run({{}, {"a:0"}, {}}, {});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("You must feed a value for placeholder tensor 'input_x'"),
            std::string::npos)
      << out.status();
}

TEST_F(ExecutorTest, ControlDependencyOnAFedPlaceholderIsMetByTheFeed) {
  // As in TensorFlow, where feeding p moves its control edges to the feed.
  Load(PlaceholderNode("p") + ConstNode("c", "k") + JoinNode("a", {"c", "^p"}) +
       PlaceholderNode("q") + JoinNode("b", {"c", "^q"}));
  auto out = Run({{"p:0"}, {"a:0"}, {}}, {Value{Str("x"), nullptr}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(StrOf((*out)[0].tensor), "k");
  // An unfed one still has to run, and says so.
  auto unfed = Run({{"p:0"}, {"b:0"}, {}}, {Value{Str("x"), nullptr}});
  ASSERT_FALSE(unfed.ok());
  EXPECT_NE(unfed.status().message().find("'q'"), std::string::npos) << unfed.status();
}

TEST_F(ExecutorTest, FeedOfTheWrongDtypeIsAnError) {
  Load(PlaceholderNode("p") + JoinNode("a", {"p"}));
  auto out = Run({{"p:0"}, {"a:0"}, {}}, {Value{Tensor::Scalar<float>(1.0f), nullptr}});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("p:0"), std::string::npos) << out.status();
}

TEST_F(ExecutorTest, KernelErrorsNameTheNode) {
  Load(PlaceholderNode("p") + PlaceholderNode("q") + JoinNode("joiner", {"p", "q"}));
  auto out = Run({{"p:0", "q:0"}, {"joiner:0"}, {}},
                 {Value{testing::Strs({"a", "b"}), nullptr}, Value{testing::Strs({"c"}), nullptr}});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("'joiner'"), std::string::npos) << out.status();
}

TEST_F(ExecutorTest, MemoryPlanKeepsFewValuesAlive) {
  // A chain of 50 joins: without freeing, 51 values would be alive at the end.
  std::string text = ConstNode("n0", "x");
  for (int i = 1; i <= 50; ++i) text += JoinNode(absl::StrCat("n", i), {absl::StrCat("n", i - 1)});
  Load(text);
  ExecStats stats;
  auto out = Run({{}, {"n50:0"}, {}}, {}, &stats);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(StrOf((*out)[0].tensor), "x");
  EXPECT_EQ(stats.steps_run, 51);
  EXPECT_LE(stats.peak_live_values, 2);
}

TEST_F(ExecutorTest, VariablesPersistInTheResourceManager) {
  Load(R"pb(
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
    node {
      name: "init"
      op: "Assign"
      input: "v"
      input: "one"
      attr {
        key: "T"
        value { type: DT_FLOAT }
      }
    }
    node {
      name: "incr"
      op: "AssignAdd"
      input: "v"
      input: "one"
      attr {
        key: "T"
        value { type: DT_FLOAT }
      }
    }
    node {
      name: "read"
      op: "Identity"
      input: "v"
      attr {
        key: "T"
        value { type: DT_FLOAT }
      }
    }
  )pb");
  auto uninit = Run({{}, {"read:0"}, {}}, {});
  ASSERT_FALSE(uninit.ok());
  EXPECT_EQ(uninit.status().code(), absl::StatusCode::kFailedPrecondition) << uninit.status();
  ASSERT_TRUE(Run({{}, {}, {"init"}}, {}).ok());
  auto incr = Run({{}, {"incr:0"}, {}}, {});
  ASSERT_TRUE(incr.ok()) << incr.status();
  auto t = ValueToTensor((*incr)[0]);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(testing::FloatOf(*t), 2.0f);
  auto read = Run({{}, {"read:0", "v:0"}, {}}, {});
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(testing::FloatOf((*read)[0].tensor), 2.0f);
  ASSERT_NE((*read)[1].variable, nullptr);  // a fetched ref carries the variable
  EXPECT_EQ(testing::FloatOf(*ValueToTensor((*read)[1])), 2.0f);
}

TEST_F(ExecutorTest, ManyThreadsShareOnePlan) {
  Load(PlaceholderNode("p") + ConstNode("s", "!") + JoinNode("a", {"p", "s"}) +
       JoinNode("b", {"a", "p"}));
  auto plan = Plan::Compile(*graph_, {{"p:0"}, {"b:0"}, {}}, {});
  ASSERT_TRUE(plan.ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string in = absl::StrCat(t, "_", i);
        auto out = RunPlan(**plan, {Value{Str(in), nullptr}}, {&pool_, &resources_, nullptr});
        if (!out.ok() || StrOf((*out)[0].tensor) != in + "!" + in) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace savedserve
