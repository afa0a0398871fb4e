#include "runtime/loaded_model.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "format/tensor_bundle.h"
#include "gtest/gtest.h"
#include "runtime/runtime_test_util.h"
#include "test_util/temp_dir.h"

namespace savedserve {
namespace {

using testing::FloatOf;
using testing::MetaGraphFromText;

std::string AssignNode(const std::string& name, const std::string& op, const std::string& value) {
  return absl::StrCat("node { name: '", name, "' op: '", op, "' input: 'v' input: '", value,
                      "' attr { key: 'T' value { type: DT_FLOAT } } }\n");
}

std::string FloatSignature(const std::string& key, const std::string& output,
                           const std::string& input = "") {
  std::string text = absl::StrCat("signature_def { key: '", key, "' value { ");
  if (!input.empty()) {
    absl::StrAppend(&text, "inputs { key: 'delta' value { name: '", input,
                    "' dtype: DT_FLOAT } } ");
  }
  absl::StrAppend(&text, "outputs { key: 'output' value { name: '", output,
                  "' dtype: DT_FLOAT_REF } } } }\n");
  return text;
}

// saved_model_counter's shape: a variable, ops that change it, one signature each.
std::string CounterMetaGraph(bool with_init = true) {
  std::string graph = absl::StrCat(
      "graph_def { ",
      "node { name: 'v' op: 'VariableV2' attr { key: 'dtype' value { type: DT_FLOAT } } "
      "attr { key: 'shape' value { shape {} } } }\n",
      testing::FloatConstNode("zero", 0), testing::FloatConstNode("one", 1),
      testing::PlaceholderNode("delta", "DT_FLOAT"), AssignNode("init", "Assign", "zero"),
      AssignNode("incr", "AssignAdd", "one"), AssignNode("incr_by", "AssignAdd", "delta"),
      AssignNode("reset", "Assign", "zero"),
      "node { name: 'main_init' op: 'NoOp' input: '^init' }\n");
  return absl::StrCat(graph, "}\n",
                      with_init ? "collection_def { key: 'saved_model_main_op' value { "
                                  "node_list { value: 'main_init' } } }\n"
                                : "",
                      FloatSignature("get", "v:0"), FloatSignature("incr", "incr:0"),
                      FloatSignature("incr_by", "incr_by:0", "delta:0"),
                      FloatSignature("reset", "reset:0"));
}

float RunFloat(const LoadedModel& model, const std::string& key,
               const std::map<std::string, Tensor>& inputs = {}) {
  auto out = model.RunSignature(key, inputs);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? FloatOf(out->at("output")) : -1.0f;
}

TEST(LoadedModelTest, StateChangesAcrossCallsAndInputsAreCast) {
  auto model = LoadedModel::FromMetaGraph(MetaGraphFromText(CounterMetaGraph()));
  ASSERT_TRUE(model.ok()) << model.status();
  const LoadedModel& m = **model;
  EXPECT_EQ(m.signatures().size(), 4u);
  EXPECT_EQ(RunFloat(m, "get"), 0.0f);  // the init op ran
  EXPECT_EQ(RunFloat(m, "incr"), 1.0f);
  EXPECT_EQ(RunFloat(m, "incr"), 2.0f);
  EXPECT_EQ(RunFloat(m, "incr_by", {{"delta", Tensor::Scalar<int32_t>(5)}}), 7.0f);
  EXPECT_EQ(RunFloat(m, "get"), 7.0f);
  EXPECT_EQ(RunFloat(m, "reset"), 0.0f);
  // The raw session interface sees the same state.
  auto raw = m.Run({{"delta:0", Tensor::Scalar<float>(0.5f)}}, {"incr_by:0"}, {});
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(FloatOf((*raw)[0]), 0.5f);
}

TEST(LoadedModelTest, SignatureErrorsListTheInputs) {
  auto model = LoadedModel::FromMetaGraph(MetaGraphFromText(CounterMetaGraph()));
  ASSERT_TRUE(model.ok()) << model.status();
  auto missing = (*model)->RunSignature("incr_by", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("missing input 'delta'"), std::string::npos)
      << missing.status();
  auto unknown = (*model)->RunSignature("incr_by", {{"detla", Tensor::Scalar<float>(1)}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("'detla'"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("inputs are: delta"), std::string::npos)
      << unknown.status();
  EXPECT_EQ((*model)->RunSignature("nope", {}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE((*model)->RunSignature("get", {}, {"nope"}).ok());
  Tensor text(tensorflow::DT_STRING, TensorShape{});
  EXPECT_FALSE((*model)->RunSignature("incr_by", {{"delta", text}}).ok());
}

TEST(LoadedModelTest, UninitializedVariableIsAnErrorNamingIt) {
  auto model = LoadedModel::FromMetaGraph(MetaGraphFromText(CounterMetaGraph(false)));
  ASSERT_TRUE(model.ok()) << model.status();
  auto out = (*model)->RunSignature("get", {});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition) << out.status();
  EXPECT_NE(out.status().message().find("uninitialized value v"), std::string::npos);
}

TEST(LoadedModelTest, ManyThreadsCountTogether) {
  auto model = LoadedModel::FromMetaGraph(MetaGraphFromText(CounterMetaGraph()));
  ASSERT_TRUE(model.ok()) << model.status();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) (void)(*model)->RunSignature("incr", {});
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(RunFloat(**model, "get"), 800.0f);
}

TEST(LoadedModelTest, UnsupportedOpFailsTheLoadNamingOpAndNode) {
  auto model = LoadedModel::FromMetaGraph(MetaGraphFromText(R"pb(
    graph_def { node { name: "weird_node" op: "NoSuchOp" } }
    signature_def {
      key: "sig"
      value {
        outputs {
          key: "y"
          value { name: "weird_node:0" }
        }
      }
    }
  )pb"));
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("NoSuchOp"), std::string::npos) << model.status();
  EXPECT_NE(model.status().message().find("weird_node"), std::string::npos) << model.status();
  EXPECT_NE(model.status().message().find("'sig'"), std::string::npos) << model.status();
}

TEST(LoadedModelTest, RestoresThroughTheSaversRestoreOp) {
  TempDir dir;
  const std::string prefix = dir.path() + "/variables";
  auto writer = BundleWriter::Create(prefix, {});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Add("v", Tensor::Scalar<float>(41.0f)).ok());
  ASSERT_TRUE((*writer)->Finish().ok());
  std::string text = CounterMetaGraph(false);
  const std::string restore = absl::StrCat(
      testing::ConstNode("save/Const", "model"),
      "node { name: 'names' op: 'Const' attr { key: 'dtype' value { type: DT_STRING } } "
      "attr { key: 'value' value { tensor { dtype: DT_STRING tensor_shape { dim { size: 1 } } "
      "string_val: 'v' } } } }\n",
      "node { name: 'slices' op: 'Const' attr { key: 'dtype' value { type: DT_STRING } } "
      "attr { key: 'value' value { tensor { dtype: DT_STRING tensor_shape { dim { size: 1 } } "
      "string_val: '' } } } }\n",
      "node { name: 'save/RestoreV2' op: 'RestoreV2' input: 'save/Const' input: 'names' "
      "input: 'slices' attr { key: 'dtypes' value { list { type: DT_FLOAT } } } }\n",
      AssignNode("save/Assign", "Assign", "save/RestoreV2"),
      "node { name: 'save/restore_all' op: 'NoOp' input: '^save/Assign' }\n");
  text.insert(text.find("graph_def { ") + 12, restore);
  text += "saver_def { filename_tensor_name: 'save/Const:0' restore_op_name: 'save/restore_all' }";
  auto model = LoadedModel::FromMetaGraph(MetaGraphFromText(text), prefix);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(RunFloat(**model, "get"), 41.0f);
  EXPECT_EQ(RunFloat(**model, "incr"), 42.0f);
}

TEST(LoadedModelTest, SignatureDefaultsFillMissingInputs) {
  auto model = LoadedModel::FromMetaGraph(MetaGraphFromText(
      absl::StrCat("graph_def { ", testing::PlaceholderNode("a"), testing::PlaceholderNode("b"),
                   testing::JoinNode("j", {"a", "b"}), "}\n", R"pb(
        signature_def {
          key: "join"
          value {
            inputs {
              key: "a"
              value { name: "a:0" dtype: DT_STRING }
            }
            inputs {
              key: "b"
              value { name: "b:0" dtype: DT_STRING }
            }
            outputs {
              key: "out"
              value { name: "j:0" dtype: DT_STRING }
            }
            defaults {
              key: "b"
              value {
                dtype: DT_STRING
                tensor_shape {}
                string_val: "!"
              }
            }
          }
        }
      )pb")));
  ASSERT_TRUE(model.ok()) << model.status();
  auto out = (*model)->RunSignature("join", {{"a", testing::Str("hi")}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(testing::StrOf(out->at("out")), "hi!");
}

}  // namespace
}  // namespace savedserve
