#include "export/saved_model_builder.h"

#include <algorithm>

#include "base/env.h"
#include "export/signature.h"
#include "format/saved_model.h"
#include "format/tensor_bundle.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "test_util/temp_dir.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

using google::protobuf::util::MessageDifferencer;

// Every SavedModel version directory under testdata/savedmodels, except the broken one.
std::vector<std::string> TestModels(const std::string& testdata) {
  Env* env = Env::Default();
  std::vector<std::string> dirs;
  std::string root = JoinPath(testdata, "savedmodels");
  const std::vector<std::string> models = *env->ListDir(root);
  for (const auto& model : models) {
    if (model == "bad_half_plus_two") continue;
    const std::vector<std::string> versions = *env->ListDir(JoinPath(root, model));
    for (const auto& version : versions) {
      dirs.push_back(JoinPath(JoinPath(root, model), version));
    }
  }
  return dirs;
}

absl::StatusOr<VariableList> ReadVariables(const std::string& prefix) {
  auto reader = BundleReader::Open(prefix);
  if (!reader.ok()) return reader.status();
  std::vector<std::pair<int64_t, std::string>> order;
  for (const auto& key : (*reader)->keys())
    order.push_back({(*reader)->GetEntry(key)->offset(), key});
  std::sort(order.begin(), order.end());
  VariableList vars;
  for (const auto& [unused, key] : order) {
    auto t = (*reader)->Lookup(key);
    if (!t.ok()) return t.status();
    vars.emplace_back(key, *t);
  }
  return vars;
}

std::set<std::string> Tags(const tensorflow::MetaGraphDef& meta) {
  return {meta.meta_info_def().tags().begin(), meta.meta_info_def().tags().end()};
}

SignatureDefMap Signatures(const tensorflow::MetaGraphDef& meta) {
  return {meta.signature_def().begin(), meta.signature_def().end()};
}

// Read -> write with the builder -> read gives equal protos and identical tensors.
void RoundTrip(const std::string& dir, bool as_text) {
  SCOPED_TRACE(dir);
  auto original = ReadSavedModelProto(dir);
  ASSERT_TRUE(original.ok()) << original.status();
  auto contents = ReadSavedModel(dir, Tags(original->meta_graphs(0)));
  ASSERT_TRUE(contents.ok()) << contents.status();
  VariableList vars;
  if (!contents->variables_prefix.empty()) {
    auto read = ReadVariables(contents->variables_prefix);
    ASSERT_TRUE(read.ok()) << read.status();
    vars = *read;
  }
  std::vector<AssetSpec> assets;
  for (const auto& a : contents->assets) {
    // Some real models name an asset they do not ship; it stays named, as in the original.
    if (a.exists) assets.push_back({a.path, a.filename, a.tensor_name});
  }

  TempDir tmp;
  std::string out = JoinPath(tmp.path(), "copy");
  auto builder = SavedModelBuilder::Create(out, {});
  ASSERT_TRUE(builder.ok()) << builder.status();
  for (int i = 0; i < original->meta_graphs_size(); ++i) {
    const auto& meta = original->meta_graphs(i);
    absl::Status s = i == 0 ? (*builder)->AddMetaGraphAndVariables(meta, Tags(meta),
                                                                   Signatures(meta), vars, assets)
                            : (*builder)->AddMetaGraph(meta, Tags(meta), Signatures(meta), assets);
    ASSERT_TRUE(s.ok()) << s;
  }
  for (const auto& [path, data] : contents->assets_extra) {
    ASSERT_TRUE((*builder)->AddExtraAsset(path, data).ok());
  }
  ASSERT_TRUE((*builder)->Save(as_text).ok());

  auto copy = ReadSavedModelProto(out);
  ASSERT_TRUE(copy.ok()) << copy.status();
  std::string diff;
  MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(*original, *copy)) << diff;

  auto copied = ReadSavedModel(out, Tags(original->meta_graphs(0)));
  ASSERT_TRUE(copied.ok()) << copied.status();
  EXPECT_EQ(copied->assets_extra, contents->assets_extra);
  ASSERT_EQ(copied->assets.size(), contents->assets.size());
  for (size_t i = 0; i < copied->assets.size(); ++i) {
    EXPECT_EQ(copied->assets[i].exists, contents->assets[i].exists);
    if (!contents->assets[i].exists) continue;
    EXPECT_EQ(*Env::Default()->ReadFile(copied->assets[i].path),
              *Env::Default()->ReadFile(contents->assets[i].path));
  }
  if (vars.empty()) return;
  auto copied_vars = ReadVariables(copied->variables_prefix);
  ASSERT_TRUE(copied_vars.ok()) << copied_vars.status();
  ASSERT_EQ(copied_vars->size(), vars.size());
  for (size_t i = 0; i < vars.size(); ++i) {
    EXPECT_EQ((*copied_vars)[i].first, vars[i].first);
    EXPECT_TRUE((*copied_vars)[i].second.Identical(vars[i].second)) << vars[i].first;
  }
}

TEST(SavedModelBuilder, RoundTripsEveryTestModel) {
  SS_REQUIRE_TESTDATA();
  auto models = TestModels(testdata);
  EXPECT_GE(models.size(), 12u);
  for (const auto& dir : models) RoundTrip(dir, /*as_text=*/false);
}

TEST(SavedModelBuilder, RoundTripsAsText) {
  SS_REQUIRE_TESTDATA();
  RoundTrip(JoinPath(testdata, "savedmodels/saved_model_half_plus_two_cpu/00000123"), true);
  RoundTrip(JoinPath(testdata, "savedmodels/saved_model_half_plus_two_tf2_cpu/00000123"), true);
}

// A tiny graph: y = x (an Identity of a Placeholder).
tensorflow::MetaGraphDef IdentityGraph() {
  tensorflow::MetaGraphDef meta;
  auto* x = meta.mutable_graph_def()->add_node();
  x->set_name("x");
  x->set_op("Placeholder");
  x->set_device("/device:GPU:0");
  (*x->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  auto* y = meta.mutable_graph_def()->add_node();
  y->set_name("y");
  y->set_op("Identity");
  y->add_input("x");
  (*y->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  return meta;
}

SignatureDefMap IdentitySignature() {
  return {{"serving_default",
           *PredictSignatureDef({{"x", BuildTensorInfo("x", tensorflow::DT_FLOAT, {})}},
                                {{"y", BuildTensorInfo("y", tensorflow::DT_FLOAT, {})}})}};
}

TEST(SavedModelBuilder, WritesWhatTheReaderExpects) {
  TempDir tmp;
  std::string dir = JoinPath(tmp.path(), "m");
  auto builder = SavedModelBuilder::Create(dir, {});
  ASSERT_TRUE(builder.ok());
  std::string asset_src = JoinPath(tmp.path(), "vocab.txt");
  ASSERT_TRUE(Env::Default()->WriteFile(asset_src, "a\nb\n").ok());
  VariableList vars = {{"w", Tensor::Scalar<float>(1.5f)}};
  MetaGraphOptions options;
  options.clear_devices = true;
  options.init_op = "y";
  ASSERT_TRUE((*builder)
                  ->AddMetaGraphAndVariables(IdentityGraph(), {"serve"}, IdentitySignature(), vars,
                                             {{asset_src, "vocab.txt", "x:0"},
                                              {"", "labels.txt", "x:0", "bg\nface\n"}},
                                             options)
                  .ok());
  ASSERT_TRUE(
      (*builder)->AddMetaGraph(IdentityGraph(), {"serve", "gpu"}, IdentitySignature(), {}).ok());
  auto path = (*builder)->Save();
  ASSERT_TRUE(path.ok());

  auto model = ReadSavedModel(dir, {"serve"});
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->saved_model.saved_model_schema_version(), 1);
  EXPECT_EQ(model->saved_model.meta_graphs_size(), 2);
  EXPECT_TRUE(model->meta_graph.graph_def().node(0).device().empty());
  ASSERT_EQ(model->assets.size(), 2u);
  EXPECT_EQ(model->assets[0].tensor_name, "x:0");
  EXPECT_EQ(*Env::Default()->ReadFile(model->assets[0].path), "a\nb\n");
  EXPECT_EQ(*Env::Default()->ReadFile(model->assets[1].path), "bg\nface\n");
  EXPECT_EQ(model->meta_graph.collection_def().at(kSavedModelMainOpKey).node_list().value(0), "y");
  auto w = (*BundleReader::Open(model->variables_prefix))->Lookup("w");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->flat<float>()[0], 1.5f);
  EXPECT_TRUE(ReadSavedModel(dir, {"gpu", "serve"}).ok());
}

TEST(SavedModelBuilder, RefusesMisuse) {
  TempDir tmp;
  std::string dir = JoinPath(tmp.path(), "m");
  ASSERT_TRUE(Env::Default()->CreateDirs(dir).ok());
  ASSERT_TRUE(Env::Default()->WriteFile(JoinPath(dir, "x"), "").ok());
  EXPECT_EQ(SavedModelBuilder::Create(dir, {}).status().code(), absl::StatusCode::kAlreadyExists);

  auto builder = SavedModelBuilder::Create(JoinPath(tmp.path(), "n"), {});
  ASSERT_TRUE(builder.ok());
  EXPECT_FALSE((*builder)->AddMetaGraph(IdentityGraph(), {"serve"}, IdentitySignature(), {}).ok());
  EXPECT_FALSE((*builder)->Save().ok()) << "nothing added yet";
  // A signature naming a tensor that is not in the graph.
  SignatureDefMap bad = {
      {"s", *PredictSignatureDef({{"x", BuildTensorInfo("nope", tensorflow::DT_FLOAT, {})}},
                                 {{"y", BuildTensorInfo("y", tensorflow::DT_FLOAT, {})}})}};
  absl::Status s = (*builder)->AddMetaGraphAndVariables(IdentityGraph(), {"serve"}, bad, {}, {});
  EXPECT_NE(s.message().find("nope"), absl::string_view::npos) << s;
  ASSERT_TRUE(
      (*builder)
          ->AddMetaGraphAndVariables(IdentityGraph(), {"serve"}, IdentitySignature(), {}, {})
          .ok());
  EXPECT_EQ((*builder)->AddMetaGraph(IdentityGraph(), {"serve"}, IdentitySignature(), {}).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_FALSE((*builder)->AddExtraAsset("../escape", "x").ok());
}

}  // namespace
}  // namespace savedserve
