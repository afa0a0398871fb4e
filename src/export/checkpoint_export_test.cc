#include "export/checkpoint_export.h"

#include "base/env.h"
#include "format/saved_model.h"
#include "format/tensor_bundle.h"
#include "gtest/gtest.h"
#include "test_util/temp_dir.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

constexpr char kCheckpoint[] = "checkpoints/half_plus_two_tf1_v2/00000123/export";

// Copies the checkpoint's three files into `dir` under `prefix_name`.
void CopyCheckpoint(const std::string& from_prefix, const std::string& dir,
                    const std::string& prefix_name) {
  Env* env = Env::Default();
  for (const char* suffix : {".meta", ".index", ".data-00000-of-00001"}) {
    auto data = env->ReadFile(from_prefix + suffix);
    ASSERT_TRUE(data.ok()) << data.status();
    ASSERT_TRUE(env->WriteFile(JoinPath(dir, prefix_name + suffix), *data).ok());
  }
}

TEST(CheckpointExport, ResolvesPrefixAndStateFile) {
  SS_REQUIRE_TESTDATA();
  std::string prefix = JoinPath(testdata, kCheckpoint);
  EXPECT_EQ(*ResolveCheckpointPrefix(prefix), prefix);

  TempDir tmp;
  CopyCheckpoint(prefix, tmp.path(), "model.ckpt-10");
  Env* env = Env::Default();
  // Relative path, as TF1 savers write it.
  ASSERT_TRUE(env->WriteFile(JoinPath(tmp.path(), "checkpoint"),
                             "model_checkpoint_path: \"model.ckpt-10\"\n"
                             "all_model_checkpoint_paths: \"model.ckpt-10\"\n")
                  .ok());
  EXPECT_EQ(*ResolveCheckpointPrefix(tmp.path()), JoinPath(tmp.path(), "model.ckpt-10"));
  // An absolute path from a machine where training ran: found beside the state file.
  ASSERT_TRUE(env->WriteFile(JoinPath(tmp.path(), "checkpoint"),
                             "model_checkpoint_path: \"/elsewhere/run/model.ckpt-10\"\n")
                  .ok());
  EXPECT_EQ(*ResolveCheckpointPrefix(tmp.path()), JoinPath(tmp.path(), "model.ckpt-10"));

  TempDir empty;
  auto missing = ResolveCheckpointPrefix(empty.path());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("checkpoint"), absl::string_view::npos);
  EXPECT_FALSE(ResolveCheckpointPrefix(JoinPath(empty.path(), "nope")).ok());
}

TEST(CheckpointExport, ParseTensorMapping) {
  auto m = ParseTensorMapping("x=Placeholder:0, y=Add:0");
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[1].first, "y");
  EXPECT_EQ((*m)[1].second, "Add:0");
  EXPECT_FALSE(ParseTensorMapping("x").ok());
  EXPECT_FALSE(ParseTensorMapping("=y:0").ok());
  EXPECT_FALSE(ParseTensorMapping("").ok());
}

TEST(CheckpointExport, TensorInfoFromGraphUsesOpDefsAndShapes) {
  SS_REQUIRE_TESTDATA();
  auto meta = ReadMetaGraphFile(JoinPath(testdata, kCheckpoint) + ".meta");
  ASSERT_TRUE(meta.ok()) << meta.status();
  auto x = TensorInfoFromGraph(*meta, "Placeholder:0");
  ASSERT_TRUE(x.ok()) << x.status();
  EXPECT_EQ(x->dtype(), tensorflow::DT_FLOAT);
  auto y = TensorInfoFromGraph(*meta, "Add");
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(y->name(), "Add:0");
  EXPECT_EQ(y->dtype(), tensorflow::DT_FLOAT);
  // RestoreV2 has a list-typed output: its dtypes come from the `dtypes` attr.
  auto restored = TensorInfoFromGraph(*meta, "save/RestoreV2:0");
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->dtype(), tensorflow::DT_FLOAT);
  EXPECT_EQ(TensorInfoFromGraph(*meta, "Nope:0").status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(TensorInfoFromGraph(*meta, "Add:3").ok());
}

TEST(CheckpointExport, ExportsSignatureAndVariables) {
  SS_REQUIRE_TESTDATA();
  TempDir tmp;
  CheckpointExportOptions options;
  options.checkpoint = JoinPath(testdata, kCheckpoint);
  options.inputs = {{"x", "Placeholder:0"}};
  options.outputs = {{"y", "Add:0"}};
  options.export_base = tmp.path();
  options.model_name = "half_plus_two";
  auto result = ExportCheckpoint(options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->version, 1);

  auto model = ReadSavedModel(result->path, {"serve"});
  ASSERT_TRUE(model.ok()) << model.status();
  const auto& sigs = model->meta_graph.signature_def();
  ASSERT_TRUE(sigs.contains("serving_default"));
  const auto& sig = sigs.at("serving_default");
  EXPECT_EQ(sig.method_name(), "tensorflow/serving/predict");
  EXPECT_EQ(sig.inputs().at("x").name(), "Placeholder:0");
  EXPECT_EQ(sig.outputs().at("y").name(), "Add:0");
  EXPECT_EQ(sig.outputs().at("y").dtype(), tensorflow::DT_FLOAT);

  // The variables are the checkpoint's, tensor for tensor.
  auto original = BundleReader::Open(options.checkpoint);
  auto exported = BundleReader::Open(model->variables_prefix);
  ASSERT_TRUE(original.ok() && exported.ok());
  EXPECT_EQ((*original)->keys(), (*exported)->keys());
  for (const auto& key : (*original)->keys()) {
    auto a = (*original)->Lookup(key);
    auto b = (*exported)->Lookup(key);
    ASSERT_TRUE(a.ok() && b.ok()) << key;
    EXPECT_TRUE(a->Identical(*b)) << key;
  }
  // The values the testdata README documents: y = 0.5 x + 2.
  EXPECT_EQ((*exported)->Lookup("Variable")->flat<float>()[0], 0.5f);
  EXPECT_EQ((*exported)->Lookup("Variable_1")->flat<float>()[0], 2.0f);

  // A second export with `next` becomes version 2; an explicit existing version is refused.
  EXPECT_EQ(ExportCheckpoint(options)->version, 2);
  options.version = 1;
  EXPECT_EQ(ExportCheckpoint(options).status().code(), absl::StatusCode::kAlreadyExists);
}

TEST(CheckpointExport, BadRequestsNameTheProblem) {
  SS_REQUIRE_TESTDATA();
  TempDir tmp;
  CheckpointExportOptions options;
  options.checkpoint = JoinPath(testdata, kCheckpoint);
  options.inputs = {{"x", "NoSuchNode:0"}};
  options.outputs = {{"y", "Add:0"}};
  options.export_base = tmp.path();
  options.model_name = "m";
  auto result = ExportCheckpoint(options);
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("NoSuchNode"), absl::string_view::npos);
  options.inputs = {{"x", "Placeholder:0"}};
  options.method = "regress";  // needs DT_STRING inputs named `inputs`
  result = ExportCheckpoint(options);
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("inputs"), absl::string_view::npos);
  EXPECT_TRUE(ListVersions(JoinPath(tmp.path(), "m"))->empty());
}

}  // namespace
}  // namespace savedserve
