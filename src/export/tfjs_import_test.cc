// Importing TF.js graph models: BlazeFace from the shared test data (signature, weights,
// every op has a kernel), a small hand-written model whose output follows from its weights,
// and the errors for broken files. The differential suite in tests/ compares imported models
// with TensorFlow.js's own results.
#include "export/tfjs_import.h"

#include <cstdio>
#include <fstream>
#include <set>

#include "absl/strings/str_replace.h"
#include "base/env.h"
#include "export/signature.h"
#include "gtest/gtest.h"
#include "runtime/loaded_model.h"
#include "test_util/temp_dir.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream(path, std::ios::binary) << contents;
}

std::string Floats(std::initializer_list<float> values) {
  std::string bytes(values.size() * 4, '\0');
  std::memcpy(bytes.data(), values.begin(), bytes.size());
  return bytes;
}

// y = x · w + b with x [1,3], w [3,2] float32 and b [2] uint8-quantized (min -1, scale 0.5).
constexpr char kSmallModel[] = R"({
  "format": "graph-model",
  "modelTopology": {"node": [
    {"name": "x", "op": "Placeholder", "attr": {"dtype": {"type": "DT_FLOAT"},
      "shape": {"shape": {"dim": [{"size": "1"}, {"size": "3"}]}}}},
    {"name": "w", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"},
      "value": {"tensor": {"dtype": "DT_FLOAT", "tensorShape": {"dim": [{"size": "3"}, {"size": "2"}]}}}}},
    {"name": "b", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"},
      "value": {"tensor": {"dtype": "DT_FLOAT", "tensorShape": {"dim": [{"size": "2"}]}}}}},
    {"name": "mm", "op": "_FusedMatMul", "input": ["x", "w", "b"], "attr": {
      "T": {"type": "DT_FLOAT"}, "num_args": {"i": "1"},
      "fused_ops": {"list": {"s": ["Qmlhc0FkZA=="]}}}},
    {"name": "y", "op": "Identity", "input": ["mm"], "attr": {"T": {"type": "DT_FLOAT"}}}
  ], "versions": {}},
  "signature": {"inputs": {"x:0": {"name": "x:0", "dtype": "DT_FLOAT",
                                   "tensorShape": {"dim": [{"size": "-1"}, {"size": "3"}]}}},
                "outputs": {"y:0": {"name": "y:0", "dtype": "DT_FLOAT"}}},
  "weightsManifest": [{"paths": ["small.bin"], "weights": [
    {"name": "w", "shape": [3, 2], "dtype": "float32"},
    {"name": "b", "shape": [2], "dtype": "float32",
     "quantization": {"dtype": "uint8", "min": -1.0, "scale": 0.5}}]}]
})";

class SmallModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    json_ = JoinPath(dir_.path(), "model.json");
    bin_ = JoinPath(dir_.path(), "small.bin");
    Write(kSmallModel);
    // w = [[1,2],[3,4],[5,6]]; b = [q=4, q=1] -> [-1 + 4*0.5, -1 + 1*0.5] = [1, -0.5].
    WriteFile(bin_, Floats({1, 2, 3, 4, 5, 6}) + std::string("\x04\x01", 2));
  }
  void Write(const std::string& json) { WriteFile(json_, json); }
  absl::StatusOr<ImportedGraphModel> Read(TensorMapping inputs = {}, TensorMapping outputs = {}) {
    TfjsImportOptions options;
    options.model_json = json_;
    options.inputs = std::move(inputs);
    options.outputs = std::move(outputs);
    return ReadTfjsGraphModel(options);
  }
  // The import must fail with a message containing each of `parts`.
  void ExpectError(const std::vector<std::string>& parts, TensorMapping inputs = {},
                   TensorMapping outputs = {}) {
    auto model = Read(std::move(inputs), std::move(outputs));
    ASSERT_FALSE(model.ok());
    for (const std::string& part : parts) {
      EXPECT_NE(model.status().message().find(part), std::string::npos)
          << "'" << part << "' missing from: " << model.status();
    }
  }

  TempDir dir_;
  std::string json_, bin_;
};

TEST_F(SmallModelTest, ImportsAndComputesWithTheDequantisedWeights) {
  auto model = Read();
  ASSERT_TRUE(model.ok()) << model.status();
  const auto& sig = model->signatures.at(kDefaultServingSignatureDefKey);
  EXPECT_EQ(sig.method_name(), kPredictMethodName);
  ASSERT_TRUE(sig.inputs().contains("x"));  // "x:0" keys become plain aliases
  ASSERT_TRUE(sig.outputs().contains("y"));
  EXPECT_EQ(sig.inputs().at("x").tensor_shape().dim(0).size(), -1);
  tensorflow::MetaGraphDef meta = model->meta_graph;
  (*meta.mutable_signature_def())[kDefaultServingSignatureDefKey] = sig;
  auto loaded = LoadedModel::FromMetaGraph(meta);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  Tensor x = Tensor::FromVector<float>(std::vector<float>{1, 1, 2}, TensorShape({1, 3}));
  auto out = (*loaded)->RunSignature(kDefaultServingSignatureDefKey, {{"x", x}});
  ASSERT_TRUE(out.ok()) << out.status();
  const float* y = out->at("y").data<float>();
  EXPECT_FLOAT_EQ(y[0], 1 + 3 + 10 + 1.0f);  // x·w[:,0] + b[0]
  EXPECT_FLOAT_EQ(y[1], 2 + 4 + 12 - 0.5f);
}

TEST_F(SmallModelTest, WritesAVersionedSavedModelThatLoads) {
  TfjsImportOptions options;
  options.model_json = json_;
  TempDir base;
  auto first = ImportTfjsGraphModel(options, base.path(), "small", std::nullopt);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->version, 1);
  auto second = ImportTfjsGraphModel(options, base.path(), "small", std::nullopt);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->version, 2);
  EXPECT_EQ(ImportTfjsGraphModel(options, base.path(), "small", 2).status().code(),
            absl::StatusCode::kAlreadyExists);
  auto loaded = LoadedModel::Load(first->path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE((*loaded)->signatures().contains(kDefaultServingSignatureDefKey));
  EXPECT_TRUE(Env::Default()->FileExists(JoinPath(first->path, "saved_model.pb")));
}

TEST_F(SmallModelTest, ExplicitMappingsReplaceTheSignature) {
  auto model = Read({{"features", "x:0"}}, {{"logits", "mm:0"}});
  ASSERT_TRUE(model.ok()) << model.status();
  const auto& sig = model->signatures.at(kDefaultServingSignatureDefKey);
  EXPECT_EQ(sig.inputs().at("features").name(), "x:0");
  EXPECT_EQ(sig.inputs().at("features").tensor_shape().dim(1).size(), 3);  // from the model
  EXPECT_EQ(sig.outputs().at("logits").dtype(), tensorflow::DT_FLOAT);
  EXPECT_FALSE(sig.outputs().contains("y"));
  ExpectError({"nope"}, {}, {{"out", "nope:0"}});
}

TEST_F(SmallModelTest, AModelWithoutSignatureNeedsMappings) {
  std::string json = kSmallModel;
  json.replace(json.find("\"signature\""),
               json.find("\"weightsManifest\"") - json.find("\"signature\""), "");
  Write(json);
  ExpectError({"model.json", "no signature", "--inputs"});
  auto model = Read({{"x", "x"}}, {{"y", "y:0"}});
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->signatures.at(kDefaultServingSignatureDefKey).inputs().at("x").name(), "x:0");
}

TEST_F(SmallModelTest, BrokenFilesGiveClearErrors) {
  Write(std::string(kSmallModel).substr(0, 200));
  ExpectError({"model.json", "malformed JSON", "offset"});
  Write(absl::StrReplaceAll(kSmallModel, {{"graph-model", "layers-model"}}));
  ExpectError({"layers-model", "only TF.js graph models"});
  Write(absl::StrReplaceAll(kSmallModel,
                            {{R"("op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"},)",
                              R"("op": 7, "attr": {"dtype": {"type": "DT_FLOAT"},)"}}));
  ExpectError({"modelTopology", "GraphDef"});
  Write(kSmallModel);
  std::remove(bin_.c_str());
  ExpectError({"small.bin"});
  WriteFile(bin_, Floats({1, 2, 3}));
  ExpectError({"model.json", "weight 'w'", "24 bytes"});
}

TEST_F(SmallModelTest, WeightsMustMatchTheirConstNodes) {
  Write(absl::StrReplaceAll(
      kSmallModel, {{R"({"size": "3"}, {"size": "2"})", R"({"size": "2"}, {"size": "3"})"}}));
  ExpectError({"weight 'w'", "[3,2]", "[2,3]"});
  Write(absl::StrReplaceAll(kSmallModel,
                            {{R"({"name": "b", "shape")", R"({"name": "bias", "shape")"}}));
  ExpectError({"Const node 'b'", "no weight"});
}

TEST(TfjsImportBlazeFace, ImportsWithItsSignatureAndEveryKernel) {
  SS_REQUIRE_TESTDATA();
  TfjsImportOptions options;
  options.model_json = testdata + "/tfjs/blazeface/blazeface.json";
  auto model = ReadTfjsGraphModel(options);
  ASSERT_TRUE(model.ok()) << model.status();
  const auto& sig = model->signatures.at(kDefaultServingSignatureDefKey);
  ASSERT_EQ(sig.inputs().size(), 1u);
  EXPECT_EQ(sig.inputs().at("input").name(), "input:0");
  // Output shapes as blazeface.json's signature declares them.
  std::map<std::string, std::vector<int64_t>> want = {{"Identity", {1, 512, 1}},
                                                      {"Identity_1", {1, 384, 1}},
                                                      {"Identity_2", {1, 512, 16}},
                                                      {"Identity_3", {1, 384, 16}}};
  ASSERT_EQ(sig.outputs().size(), want.size());
  for (const auto& [alias, dims] : want) {
    const auto& shape = sig.outputs().at(alias).tensor_shape();
    ASSERT_EQ(shape.dim_size(), 3) << alias;
    for (int i = 0; i < 3; ++i) EXPECT_EQ(shape.dim(i).size(), dims[i]) << alias;
  }
  // The first weight of the manifest is unknown_135, float32 [1,1,96,2], at offset 0.
  auto bin = Env::Default()->ReadFile(testdata + "/tfjs/blazeface/blazeface.bin");
  ASSERT_TRUE(bin.ok());
  for (const auto& node : model->meta_graph.graph_def().node()) {
    if (node.name() != "unknown_135") continue;
    EXPECT_EQ(node.attr().at("value").tensor().tensor_content(), bin->substr(0, 192 * 4));
  }
  tensorflow::MetaGraphDef meta = model->meta_graph;
  (*meta.mutable_signature_def())[kDefaultServingSignatureDefKey] = sig;
  auto loaded = LoadedModel::FromMetaGraph(meta);
  ASSERT_TRUE(loaded.ok()) << loaded.status();  // a kernel for every op
  Tensor image(tensorflow::DT_FLOAT, TensorShape({1, 256, 256, 3}));
  for (float& v : image.flat<float>()) v = 0.25f;
  auto out = (*loaded)->RunSignature(kDefaultServingSignatureDefKey, {{"input", image}});
  ASSERT_TRUE(out.ok()) << out.status();
  for (const auto& [alias, dims] : want) {
    EXPECT_EQ(out->at(alias).shape(), TensorShape(std::vector<int64_t>(dims))) << alias;
  }
}

}  // namespace
}  // namespace savedserve
