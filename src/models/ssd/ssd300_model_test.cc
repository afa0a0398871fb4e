// SSD300 export: the variables and signatures against docs/ssd.md's table, seeded
// initialisation, checkpoints (good, missing a variable, wrong shape) and a forward pass in
// the runtime.
#include "models/ssd/ssd300_model.h"

#include <chrono>
#include <cmath>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "format/saved_model.h"
#include "format/tensor_bundle.h"
#include "gtest/gtest.h"
#include "runtime/loaded_model.h"
#include "test_util/temp_dir.h"

namespace savedserve {
namespace {

using VarShapes = std::map<std::string, std::vector<int64_t>>;

// Every variable and its shape, written out from docs/ssd.md's table: VGG blocks of 3x3
// convs, conv6 3x3 1024, conv7 1x1 1024, blocks 8..11 (1x1 then 3x3), and per feature layer
// an A×4 and an A×21 3x3 conv (A = 4, 6, 6, 6, 4, 4), plus block4's gamma [512].
VarShapes ExpectedVariables() {
  VarShapes v;
  const std::string s = "ssd_300_vgg/";
  auto conv = [&](const std::string& scope, int64_t k, int64_t in, int64_t out) {
    v[s + scope + "/weights"] = {k, k, in, out};
    v[s + scope + "/biases"] = {out};
  };
  struct Block {
    int repeats;
    int64_t channels;
  };
  const Block vgg[] = {{2, 64}, {2, 128}, {3, 256}, {3, 512}, {3, 512}};
  int64_t in = 3;
  for (int b = 0; b < 5; ++b) {
    for (int j = 1; j <= vgg[b].repeats; ++j) {
      conv(absl::StrCat("conv", b + 1, "/conv", b + 1, "_", j), 3, in, vgg[b].channels);
      in = vgg[b].channels;
    }
  }
  conv("conv6", 3, 512, 1024);
  conv("conv7", 1, 1024, 1024);
  conv("block8/conv1x1", 1, 1024, 256);
  conv("block8/conv3x3", 3, 256, 512);
  conv("block9/conv1x1", 1, 512, 128);
  conv("block9/conv3x3", 3, 128, 256);
  conv("block10/conv1x1", 1, 256, 128);
  conv("block10/conv3x3", 3, 128, 256);
  conv("block11/conv1x1", 1, 256, 128);
  conv("block11/conv3x3", 3, 128, 256);
  struct Layer {
    const char* name;
    int64_t channels;
    int64_t anchors;
  };
  for (const Layer& l :
       {Layer{"block4", 512, 4}, Layer{"block7", 1024, 6}, Layer{"block8", 512, 6},
        Layer{"block9", 256, 6}, Layer{"block10", 256, 4}, Layer{"block11", 256, 4}}) {
    conv(absl::StrCat(l.name, "_box/conv_loc"), 3, l.channels, l.anchors * 4);
    conv(absl::StrCat(l.name, "_box/conv_cls"), 3, l.channels, l.anchors * 21);
  }
  v[s + "block4_box/L2Normalization/gamma"] = {512};
  return v;
}

// Output shapes per ssd.md: feature sizes 38, 19, 10, 5, 3, 1 and A = 4, 6, 6, 6, 4, 4.
std::map<std::string, std::string> ExpectedOutputs() {
  const int64_t sizes[] = {38, 19, 10, 5, 3, 1}, anchors[] = {4, 6, 6, 6, 4, 4};
  std::map<std::string, std::string> out;
  for (int i = 0; i < 6; ++i) {
    std::vector<int64_t> dims = {-1, sizes[i], sizes[i], anchors[i], 21};
    out[absl::StrCat("predictions_", i)] = PartialShape(dims).DebugString();
    dims.back() = 4;
    out[absl::StrCat("localizations_", i)] = PartialShape(dims).DebugString();
  }
  return out;
}

const BuiltModel& SeedZeroModel() {
  static const BuiltModel* model = [] {
    auto built = BuildSsd300(Ssd300Options());
    EXPECT_TRUE(built.ok()) << built.status();
    return new BuiltModel(built.ok() ? *std::move(built) : BuiltModel());
  }();
  return *model;
}

std::string Bytes(const Tensor& t) { return std::string(t.tensor_data()); }

TEST(Ssd300Model, VariablesMatchTheTableAndCount26Point3Million) {
  const BuiltModel& model = SeedZeroModel();
  VarShapes got;
  int64_t params = 0;
  for (const auto& [name, value] : model.variables) {
    got[name] = value.shape().dims();
    EXPECT_EQ(value.dtype(), tensorflow::DT_FLOAT) << name;
    params += value.num_elements();
  }
  EXPECT_EQ(got, ExpectedVariables());
  EXPECT_NEAR(static_cast<double>(params), 26.3e6, 0.1e6);
  std::printf("SSD300 parameters: %lld\n", static_cast<long long>(params));
}

TEST(Ssd300Model, SignaturesFollowTheDetectionContract) {
  const BuiltModel& model = SeedZeroModel();
  ASSERT_EQ(model.signatures.size(), 2u);
  for (const char* key : {"detected_model", "serving_default"}) {
    SCOPED_TRACE(key);
    const tensorflow::SignatureDef& sig = model.signatures.at(key);
    EXPECT_EQ(sig.method_name(), "tensorflow/serving/predict");
    ASSERT_EQ(sig.inputs().size(), 1);
    const auto& images = sig.inputs().at("images");
    EXPECT_EQ(images.dtype(), tensorflow::DT_FLOAT);
    EXPECT_EQ(PartialShape::FromProto(images.tensor_shape()).DebugString(), "[-1,300,300,3]");
    std::map<std::string, std::string> outputs;
    for (const auto& [alias, info] : sig.outputs()) {
      EXPECT_EQ(info.dtype(), tensorflow::DT_FLOAT) << alias;
      outputs[alias] = PartialShape::FromProto(info.tensor_shape()).DebugString();
    }
    EXPECT_EQ(outputs, ExpectedOutputs());
  }
  EXPECT_EQ(model.meta_graph.meta_info_def().meta_graph_version(), "ssd300-vgg16 untrained seed=0");
  ASSERT_EQ(model.assets.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(model.assets[0].contents, "background\naeroplane\n"));
}

TEST(Ssd300Model, SeededWeightsAreDeterministicAndFollowTheInitialisers) {
  const BuiltModel& zero = SeedZeroModel();
  Ssd300Options seed1;
  seed1.seed = 1;
  auto one = BuildSsd300(seed1);
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_EQ(one->variables.size(), zero.variables.size());
  for (size_t i = 0; i < zero.variables.size(); ++i) {
    const auto& [name, value] = zero.variables[i];
    const Tensor& other = one->variables[i].second;
    auto data = value.flat<float>();
    if (absl::EndsWith(name, "/weights")) {
      EXPECT_NE(Bytes(value), Bytes(other)) << name << " does not depend on the seed";
      // Xavier uniform: |w| < sqrt(6 / (fan_in + fan_out)), mean near 0.
      const auto& d = value.shape().dims();
      const double limit = std::sqrt(6.0 / (d[0] * d[1] * (d[2] + d[3])));
      double sum = 0, max_abs = 0;
      for (float w : data) sum += w, max_abs = std::max(max_abs, std::abs(double{w}));
      EXPECT_LE(max_abs, limit) << name;
      EXPECT_GT(max_abs, 0.9 * limit) << name;
      EXPECT_LT(std::abs(sum / data.size()), 0.1 * limit) << name;
    } else {
      const float want = absl::EndsWith(name, "/gamma") ? 20.0f : 0.0f;
      for (float x : data) ASSERT_EQ(x, want) << name;
      EXPECT_EQ(Bytes(value), Bytes(other)) << name;
    }
  }
  EXPECT_EQ(one->meta_graph.meta_info_def().meta_graph_version(), "ssd300-vgg16 untrained seed=1");
}

// Writes `variables` as a checkpoint `<dir>/model.ckpt-1000` named by a `checkpoint` file.
void WriteCheckpoint(const std::string& dir, const VariableList& variables) {
  auto writer = BundleWriter::Create(JoinPath(dir, "model.ckpt-1000"), {});
  ASSERT_TRUE(writer.ok()) << writer.status();
  for (const auto& [name, value] : variables) ASSERT_TRUE((*writer)->Add(name, value).ok());
  ASSERT_TRUE((*writer)->Finish().ok());
  ASSERT_TRUE(
      Env::Default()
          ->WriteFile(JoinPath(dir, "checkpoint"), "model_checkpoint_path: \"model.ckpt-1000\"\n")
          .ok());
}

TEST(Ssd300Model, LoadsEveryVariableFromACheckpointIgnoringExtras) {
  const BuiltModel& zero = SeedZeroModel();
  const std::string changed = "ssd_300_vgg/block11_box/conv_cls/biases";
  VariableList ckpt;
  for (const auto& [name, value] : zero.variables) {
    Tensor copy = value.Clone();
    if (name == changed) {
      auto d = copy.flat<float>();
      for (size_t i = 0; i < d.size(); ++i) d[i] = 0.25f * i;
    }
    ckpt.emplace_back(name, copy);
    if (absl::EndsWith(name, "/weights")) ckpt.emplace_back(name + "/Momentum", copy);
  }
  ckpt.emplace_back("global_step", Tensor::Scalar<int64_t>(1000));
  TempDir tmp;
  WriteCheckpoint(tmp.path(), ckpt);
  Ssd300Options options;
  options.checkpoint = tmp.path();
  auto model = BuildSsd300(options);
  ASSERT_TRUE(model.ok()) << model.status();
  std::map<std::string, const Tensor*> by_name;
  for (const auto& [name, value] : ckpt) by_name[name] = &value;
  ASSERT_EQ(model->variables.size(), zero.variables.size());
  for (const auto& [name, value] : model->variables) {
    EXPECT_EQ(Bytes(value), Bytes(*by_name.at(name))) << name;
  }
  EXPECT_EQ(model->meta_graph.meta_info_def().meta_graph_version(),
            "ssd300-vgg16 checkpoint=" + JoinPath(tmp.path(), "model.ckpt-1000"));
}

TEST(Ssd300Model, BrokenCheckpointsNameTheVariable) {
  const std::string first = "ssd_300_vgg/conv1/conv1_1/weights";
  TempDir missing, wrong_shape, wrong_dtype;
  WriteCheckpoint(missing.path(), {{"global_step", Tensor::Scalar<int64_t>(1)}});
  WriteCheckpoint(wrong_shape.path(),
                  {{first, Tensor(tensorflow::DT_FLOAT, TensorShape{3, 3, 3, 32})}});
  WriteCheckpoint(wrong_dtype.path(),
                  {{first, Tensor(tensorflow::DT_DOUBLE, TensorShape{3, 3, 3, 64})}});
  struct Case {
    std::string dir;
    absl::StatusCode code;
    std::string detail;
  };
  for (const Case& c :
       {Case{missing.path(), absl::StatusCode::kNotFound, "has no variable"},
        Case{wrong_shape.path(), absl::StatusCode::kInvalidArgument, "[3,3,3,32]"},
        Case{wrong_dtype.path(), absl::StatusCode::kInvalidArgument, "DT_DOUBLE"}}) {
    Ssd300Options options;
    options.checkpoint = c.dir;
    absl::Status s = BuildSsd300(options).status();
    EXPECT_EQ(s.code(), c.code) << s;
    EXPECT_TRUE(absl::StrContains(s.message(), first)) << s;
    EXPECT_TRUE(absl::StrContains(s.message(), c.detail)) << s;
  }
  Ssd300Options nowhere;
  nowhere.checkpoint = JoinPath(missing.path(), "no_such_dir");
  EXPECT_FALSE(BuildSsd300(nowhere).ok());
}

std::map<std::string, std::string> ReadVariableFiles(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const char* f : {"variables.index", "variables.data-00000-of-00001"}) {
    auto bytes = Env::Default()->ReadFile(JoinPath(dir, std::string("variables/") + f));
    EXPECT_TRUE(bytes.ok()) << bytes.status();
    files[f] = bytes.ok() ? *bytes : "";
  }
  return files;
}

// The heavy one: two exports (105 MB of variables each) and a forward pass.
TEST(Ssd300Model, ExportsReproduciblyAndRunsInTheRuntime) {
  TempDir tmp;
  auto start = std::chrono::steady_clock::now();
  auto first = ExportSsd300(Ssd300Options(), tmp.path(), "commodity", 1);
  ASSERT_TRUE(first.ok()) << first.status();
  std::printf("export: %.2f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  auto second = ExportSsd300(Ssd300Options(), tmp.path(), "commodity", 2);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(ReadVariableFiles(first->path) == ReadVariableFiles(second->path));

  auto model = LoadedModel::Load(first->path);
  ASSERT_TRUE(model.ok()) << model.status();
  Tensor images(tensorflow::DT_FLOAT, TensorShape{1, 300, 300, 3});
  auto pixels = images.flat<float>();
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<float>((i * 37) % 256);
  start = std::chrono::steady_clock::now();
  auto out = (*model)->RunSignature("detected_model", {{"images", images}});
  ASSERT_TRUE(out.ok()) << out.status();
  std::printf("forward pass: %.2f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  ASSERT_EQ(out->size(), 12u);
  for (const auto& [alias, shape] : ExpectedOutputs()) {
    const Tensor& t = out->at(alias);
    EXPECT_EQ(PartialShape(t.shape().dims()).DebugString(), absl::StrCat("[1", shape.substr(3)))
        << alias;
    auto v = t.flat<float>();
    for (float x : v) ASSERT_TRUE(std::isfinite(x)) << alias;
    if (!absl::StartsWith(alias, "predictions_")) continue;
    for (size_t row = 0; row < v.size(); row += 21) {
      float sum = 0;
      for (int c = 0; c < 21; ++c) sum += v[row + c];
      ASSERT_NEAR(sum, 1.0f, 1e-5) << alias << " row " << row / 21;
    }
  }
}

}  // namespace
}  // namespace savedserve
