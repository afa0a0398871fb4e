#include "format/saved_model.h"

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "base/env.h"
#include "base/status.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "test_util/memory_env.h"
#include "test_util/temp_dir.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

// True when `text` contains `part`; on failure shows the whole text.
::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (absl::StrContains(text, part)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not in \"" << text << "\"";
}
::testing::AssertionResult Contains(const absl::Status& status, const std::string& part) {
  return Contains(std::string(status.message()), part);
}

const std::set<std::string> kServe = {"serve"};

std::string ModelDir(const std::string& testdata, const std::string& name,
                     const std::string& version = "00000123") {
  return JoinPath(JoinPath(JoinPath(testdata, "savedmodels"), name), version);
}

// Every SavedModel version directory under testdata/savedmodels except the legacy export.
std::vector<std::string> AllModelDirs(const std::string& testdata) {
  std::vector<std::string> dirs;
  Env* env = Env::Default();
  const std::string root = JoinPath(testdata, "savedmodels");
  const std::vector<std::string> names = env->ListDir(root).value();
  for (const std::string& name : names) {
    if (name == "bad_half_plus_two") continue;
    const std::vector<std::string> versions = env->ListDir(JoinPath(root, name)).value();
    for (const std::string& version : versions)
      dirs.push_back(JoinPath(JoinPath(root, name), version));
  }
  return dirs;
}

std::set<std::string> SignatureKeys(const tensorflow::MetaGraphDef& meta_graph) {
  std::set<std::string> keys;
  for (const auto& [key, sig] : meta_graph.signature_def()) keys.insert(key);
  return keys;
}

TEST(SavedModelTest, ReadsEveryTestModelWithServeTags) {
  SS_REQUIRE_TESTDATA();
  std::vector<std::string> dirs = AllModelDirs(testdata);
  ASSERT_GE(dirs.size(), 12u);
  for (const std::string& dir : dirs) {
    SCOPED_TRACE(dir);
    EXPECT_TRUE(MaybeSavedModelDirectory(dir));
    absl::StatusOr<SavedModelContents> model = ReadSavedModel(dir, kServe);
    ASSERT_TRUE(model.ok()) << model.status();
    EXPECT_EQ(model->dir, dir);
    ASSERT_EQ(model->meta_graph.meta_info_def().tags_size(), 1);
    EXPECT_EQ(model->meta_graph.meta_info_def().tags(0), "serve");
    EXPECT_GT(model->meta_graph.signature_def_size(), 0);
  }
}

TEST(SavedModelTest, SignatureKeysAsDocumented) {
  SS_REQUIRE_TESTDATA();
  const std::set<std::string> half_plus_two = {"classify_x_to_y", "regress_x2_to_y3",
                                               "regress_x_to_y", "regress_x_to_y2",
                                               "serving_default"};
  std::set<std::string> with_classify_x2 = half_plus_two;
  with_classify_x2.insert("classify_x2_to_y3");
  std::set<std::string> tf2 = with_classify_x2;
  tf2.insert(kSavedModelInitOpSignatureKey);
  const std::map<std::string, std::set<std::string>> expected = {
      {ModelDir(testdata, "saved_model_half_plus_two_cpu"), half_plus_two},
      {ModelDir(testdata, "saved_model_half_plus_two_2_versions"), with_classify_x2},
      {ModelDir(testdata, "saved_model_half_plus_two_2_versions", "00000124"), with_classify_x2},
      {ModelDir(testdata, "saved_model_half_plus_two_tf2_cpu"), tf2},
      {ModelDir(testdata, "matrix_half_plus_two", "1"), {"serving_default"}},
      {ModelDir(testdata, "saved_model_counter"),
       {"get_counter", "incr_counter", "incr_counter_by", "reset_counter"}},
  };
  for (const auto& [dir, keys] : expected) {
    SCOPED_TRACE(dir);
    absl::StatusOr<SavedModelContents> model = ReadSavedModel(dir, kServe);
    ASSERT_TRUE(model.ok()) << model.status();
    EXPECT_EQ(SignatureKeys(model->meta_graph), keys);
  }
}

TEST(SavedModelTest, ServingDefaultInputOfHalfPlusTwoCpu) {
  SS_REQUIRE_TESTDATA();
  absl::StatusOr<SavedModelContents> model =
      ReadSavedModel(ModelDir(testdata, "saved_model_half_plus_two_cpu"), kServe);
  ASSERT_TRUE(model.ok()) << model.status();
  const tensorflow::SignatureDef& sig = model->meta_graph.signature_def().at("serving_default");
  EXPECT_EQ(sig.method_name(), "tensorflow/serving/predict");
  const tensorflow::TensorInfo& x = sig.inputs().at("x");
  EXPECT_EQ(x.name(), "x:0");
  EXPECT_EQ(x.dtype(), tensorflow::DT_FLOAT);
  ASSERT_EQ(x.tensor_shape().dim_size(), 2);
  EXPECT_EQ(x.tensor_shape().dim(0).size(), -1);
  EXPECT_EQ(x.tensor_shape().dim(1).size(), 1);
  EXPECT_EQ(sig.outputs().at("y").name(), "y:0");
}

TEST(SavedModelTest, AssetsFromLegacyCollection) {
  SS_REQUIRE_TESTDATA();
  const std::string dir = ModelDir(testdata, "saved_model_half_plus_two_cpu");
  absl::StatusOr<SavedModelContents> model = ReadSavedModel(dir, kServe);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->meta_graph.asset_file_def_size(), 0);
  ASSERT_EQ(model->assets.size(), 1u);
  EXPECT_EQ(model->assets[0].tensor_name, "Const:0");
  EXPECT_EQ(model->assets[0].filename, "foo.txt");
  EXPECT_EQ(model->assets[0].path, dir + "/assets/foo.txt");
  EXPECT_TRUE(model->assets[0].exists);
}

TEST(SavedModelTest, AssetsFromAssetFileDefInTf2Model) {
  SS_REQUIRE_TESTDATA();
  const std::string dir = ModelDir(testdata, "saved_model_half_plus_two_tf2_cpu");
  absl::StatusOr<SavedModelContents> model = ReadSavedModel(dir, kServe);
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_EQ(model->assets.size(), 1u);
  EXPECT_EQ(model->assets[0].tensor_name, "asset_path_initializer:0");
  EXPECT_EQ(model->assets[0].path, dir + "/assets/foo.txt");
  EXPECT_TRUE(model->assets[0].exists);
  EXPECT_EQ(Env::Default()->ReadFile(model->assets[0].path).value(), "asset-file-contents");
}

TEST(SavedModelTest, MissingAssetFileIsReportedNotFatal) {
  SS_REQUIRE_TESTDATA();
  // This real export names foo.txt in saved_model_assets but ships no assets/ directory;
  // TensorFlow Serving loads it, so must we.
  absl::StatusOr<SavedModelContents> model = ReadSavedModel(
      ModelDir(testdata, "saved_model_half_plus_two_cpu_with_saved_model_config"), kServe);
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_EQ(model->assets.size(), 1u);
  EXPECT_FALSE(model->assets[0].exists);
}

TEST(SavedModelTest, ModelWithoutAssets) {
  SS_REQUIRE_TESTDATA();
  absl::StatusOr<SavedModelContents> model =
      ReadSavedModel(ModelDir(testdata, "saved_model_half_plus_two_gpu"), kServe);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_TRUE(model->assets.empty());
  EXPECT_TRUE(model->assets_extra.empty());
}

TEST(SavedModelTest, AssetsExtraRead) {
  SS_REQUIRE_TESTDATA();
  absl::StatusOr<SavedModelContents> mlmd =
      ReadSavedModel(ModelDir(testdata, "saved_model_half_plus_two_mlmd"), kServe);
  ASSERT_TRUE(mlmd.ok()) << mlmd.status();
  EXPECT_EQ(mlmd->assets_extra,
            (std::map<std::string, std::string>{{"mlmd_uuid", "test_mlmd_uuid"}}));

  absl::StatusOr<SavedModelContents> empty_config = ReadSavedModel(
      ModelDir(testdata, "saved_model_half_plus_two_cpu_with_empty_saved_model_config"), kServe);
  ASSERT_TRUE(empty_config.ok()) << empty_config.status();
  EXPECT_EQ(empty_config->assets_extra,
            (std::map<std::string, std::string>{{"saved_model_config.pb", ""}}));
}

TEST(SavedModelTest, AssetsExtraIsReadRecursively) {
  SS_REQUIRE_TESTDATA();
  MemoryEnv env;
  env.MutableFile("/m/saved_model.pb") =
      Env::Default()
          ->ReadFile(ModelDir(testdata, "matrix_half_plus_two", "1") + "/saved_model.pb")
          .value();
  env.MutableFile("/m/assets.extra/top") = "1";
  env.MutableFile("/m/assets.extra/sub/dir/deep.txt") = "2";
  absl::StatusOr<SavedModelContents> model = ReadSavedModel("/m", kServe, &env);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->assets_extra,
            (std::map<std::string, std::string>{{"sub/dir/deep.txt", "2"}, {"top", "1"}}));
}

TEST(SavedModelTest, VariablesPrefix) {
  SS_REQUIRE_TESTDATA();
  const std::string cpu = ModelDir(testdata, "saved_model_half_plus_two_cpu");
  absl::StatusOr<SavedModelContents> with_vars = ReadSavedModel(cpu, kServe);
  ASSERT_TRUE(with_vars.ok()) << with_vars.status();
  EXPECT_EQ(with_vars->variables_prefix, cpu + "/variables/variables");

  absl::StatusOr<SavedModelContents> no_vars =
      ReadSavedModel(ModelDir(testdata, "matrix_half_plus_two", "1"), kServe);
  ASSERT_TRUE(no_vars.ok()) << no_vars.status();
  EXPECT_EQ(no_vars->variables_prefix, "");
}

TEST(SavedModelTest, WrongTagsListAvailableTagSets) {
  SS_REQUIRE_TESTDATA();
  const std::string dir = ModelDir(testdata, "saved_model_half_plus_two_cpu");
  absl::StatusOr<SavedModelContents> model = ReadSavedModel(dir, {"gpu"});
  ASSERT_EQ(model.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Contains(model.status(), "MetaGraphDef with tags {gpu} not found in SavedModel " +
                                           dir + "; available tag sets: {serve}"));
  // The tag set must match exactly, not merely contain the requested tags.
  absl::StatusOr<tensorflow::SavedModel> proto = ReadSavedModelProto(dir);
  ASSERT_TRUE(proto.ok()) << proto.status();
  EXPECT_FALSE(FindMetaGraph(*proto, {"gpu", "serve"}).ok());
  EXPECT_FALSE(FindMetaGraph(*proto, {}).ok());
  EXPECT_TRUE(FindMetaGraph(*proto, kServe).ok());
}

TEST(SavedModelTest, LegacyExportIsNotASavedModel) {
  SS_REQUIRE_TESTDATA();
  const std::string dir = ModelDir(testdata, "bad_half_plus_two");
  EXPECT_FALSE(MaybeSavedModelDirectory(dir));
  absl::StatusOr<SavedModelContents> model = ReadSavedModel(dir, kServe);
  ASSERT_EQ(model.status().code(), absl::StatusCode::kNotFound);
  const std::string message(model.status().message());
  EXPECT_TRUE(Contains(message, dir));
  EXPECT_TRUE(Contains(message, "saved_model.pb"));
  EXPECT_TRUE(Contains(message, "saved_model.pbtxt"));
  EXPECT_TRUE(Contains(message,
                       "found export.meta: a legacy SessionBundle export, not a "
                       "SavedModel"));
}

TEST(SavedModelTest, BaseDirectoryPointsAtVersions) {
  SS_REQUIRE_TESTDATA();
  absl::StatusOr<tensorflow::SavedModel> model = ReadSavedModelProto(
      JoinPath(JoinPath(testdata, "savedmodels"), "saved_model_half_plus_two_2_versions"));
  ASSERT_FALSE(model.ok());
  EXPECT_TRUE(Contains(model.status(), "found 00000123"));
}

TEST(SavedModelTest, MissingDirectory) {
  TempDir tmp;
  absl::StatusOr<tensorflow::SavedModel> model = ReadSavedModelProto(tmp.path() + "/nope");
  ASSERT_EQ(model.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Contains(model.status(), "does not exist"));
  EXPECT_TRUE(Contains(ReadSavedModelProto(tmp.path()).status(), "empty"));
}

TEST(SavedModelTest, PbtxtRoundTrip) {
  SS_REQUIRE_TESTDATA();
  for (const char* name : {"saved_model_half_plus_two_cpu", "saved_model_half_plus_two_tf2_cpu"}) {
    SCOPED_TRACE(name);
    absl::StatusOr<tensorflow::SavedModel> binary = ReadSavedModelProto(ModelDir(testdata, name));
    ASSERT_TRUE(binary.ok()) << binary.status();
    TempDir tmp;
    std::string text;
    ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(*binary, &text));
    ASSERT_TRUE(Env::Default()->WriteFile(tmp.path() + "/saved_model.pbtxt", text).ok());
    EXPECT_TRUE(MaybeSavedModelDirectory(tmp.path()));
    absl::StatusOr<tensorflow::SavedModel> parsed = ReadSavedModelProto(tmp.path());
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*binary, *parsed));
    EXPECT_TRUE(ReadSavedModel(tmp.path(), kServe).ok());
  }
}

TEST(SavedModelTest, BadPbtxtNamesFileAndLine) {
  TempDir tmp;
  const std::string path = tmp.path() + "/saved_model.pbtxt";
  ASSERT_TRUE(Env::Default()->WriteFile(path, "meta_graphs {\n  no_such_field: 1\n}\n").ok());
  absl::StatusOr<tensorflow::SavedModel> model = ReadSavedModelProto(tmp.path());
  ASSERT_FALSE(model.ok());
  EXPECT_TRUE(Contains(model.status(), path));
  EXPECT_TRUE(Contains(model.status(), "line 2"));
}

TEST(SavedModelTest, TruncatedPbNamesFile) {
  SS_REQUIRE_TESTDATA();
  std::string data =
      Env::Default()
          ->ReadFile(ModelDir(testdata, "saved_model_half_plus_two_cpu") + "/saved_model.pb")
          .value();
  TempDir tmp;
  const std::string path = tmp.path() + "/saved_model.pb";
  ASSERT_TRUE(Env::Default()->WriteFile(path, data.substr(0, data.size() / 2)).ok());
  absl::StatusOr<tensorflow::SavedModel> model = ReadSavedModelProto(tmp.path());
  ASSERT_EQ(model.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(Contains(model.status(), path));
}

// Damaged files must give an error (or, when the damage happens to stay valid, a model),
// never a crash. Run under the sanitizer build to catch more than crashes.
TEST(SavedModelTest, TruncationAndBitFlipFuzz) {
  SS_REQUIRE_TESTDATA();
  google::protobuf::LogSilencer quiet;  // invalid UTF-8 in damaged strings is logged
  for (const char* name : {"saved_model_half_plus_two_cpu", "saved_model_half_plus_two_tf2_cpu"}) {
    const std::string original =
        Env::Default()->ReadFile(ModelDir(testdata, name) + "/saved_model.pb").value();
    std::mt19937 rng(20240611);
    MemoryEnv env;
    env.MutableFile("/m/assets/foo.txt") = "asset-file-contents";
    int failures = 0;
    for (int i = 0; i < 1500; ++i) {
      std::string data = original;
      if (i % 3 == 0) {
        data.resize(std::uniform_int_distribution<size_t>(0, data.size() - 1)(rng));
      } else {
        const int flips = 1 + i % 4;
        for (int f = 0; f < flips; ++f) {
          size_t bit = std::uniform_int_distribution<size_t>(0, data.size() * 8 - 1)(rng);
          data[bit / 8] ^= static_cast<char>(1 << (bit % 8));
        }
      }
      env.MutableFile("/m/saved_model.pb") = data;
      absl::StatusOr<SavedModelContents> model = ReadSavedModel("/m", kServe, &env);
      failures += model.ok() ? 0 : 1;
      if (!model.ok() && model.status().code() == absl::StatusCode::kDataLoss) {
        EXPECT_TRUE(Contains(model.status(), "/m/saved_model.pb"));
      }
    }
    // Truncations almost always fail to parse or lose the meta graph; this keeps the test
    // from passing vacuously if damage stopped reaching the parser.
    EXPECT_GE(failures, 400) << name;
  }
}

TEST(SavedModelTest, AssetOutsideAssetsDirectoryIsRefused) {
  MemoryEnv env;
  tensorflow::SavedModel proto;
  tensorflow::MetaGraphDef* meta_graph = proto.add_meta_graphs();
  meta_graph->mutable_meta_info_def()->add_tags("serve");
  tensorflow::AssetFileDef* asset = meta_graph->add_asset_file_def();
  asset->mutable_tensor_info()->set_name("Const:0");
  asset->set_filename("../../etc/passwd");
  env.MutableFile("/m/saved_model.pb") = proto.SerializeAsString();
  absl::StatusOr<SavedModelContents> model = ReadSavedModel("/m", kServe, &env);
  ASSERT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(model.status(), "../../etc/passwd"));
}

TEST(SavedModelTest, AssetsCollectionWithWrongTypeIsRefused) {
  MemoryEnv env;
  tensorflow::SavedModel proto;
  tensorflow::MetaGraphDef* meta_graph = proto.add_meta_graphs();
  meta_graph->mutable_meta_info_def()->add_tags("serve");
  tensorflow::CollectionDef& assets = (*meta_graph->mutable_collection_def())[kSavedModelAssetsKey];
  assets.mutable_any_list()->add_value()->PackFrom(tensorflow::TensorInfo());
  env.MutableFile("/m/saved_model.pb") = proto.SerializeAsString();
  absl::StatusOr<SavedModelContents> model = ReadSavedModel("/m", kServe, &env);
  ASSERT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(model.status(), "tensorflow.TensorInfo"));
}

TEST(SavedModelTest, ReadMetaGraphFileBinaryAndText) {
  SS_REQUIRE_TESTDATA();
  const std::string meta =
      JoinPath(testdata, "checkpoints/half_plus_two_tf1_v2/00000123/export.meta");
  absl::StatusOr<tensorflow::MetaGraphDef> binary = ReadMetaGraphFile(meta);
  ASSERT_TRUE(binary.ok()) << binary.status();
  EXPECT_GT(binary->graph_def().node_size(), 0);
  EXPECT_TRUE(binary->has_saver_def());

  TempDir tmp;
  std::string text;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(*binary, &text));
  ASSERT_TRUE(Env::Default()->WriteFile(tmp.path() + "/model.meta", text).ok());
  absl::StatusOr<tensorflow::MetaGraphDef> parsed = ReadMetaGraphFile(tmp.path() + "/model.meta");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*binary, *parsed));

  ASSERT_TRUE(Env::Default()->WriteFile(tmp.path() + "/junk.meta", "\xff\xff garbage {").ok());
  absl::StatusOr<tensorflow::MetaGraphDef> junk = ReadMetaGraphFile(tmp.path() + "/junk.meta");
  ASSERT_FALSE(junk.ok());
  EXPECT_TRUE(Contains(junk.status(), "junk.meta"));
}

}  // namespace
}  // namespace savedserve
