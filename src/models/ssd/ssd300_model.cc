#include "models/ssd/ssd300_model.h"

#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "export/checkpoint_export.h"
#include "export/graph_builder.h"
#include "format/tensor_bundle.h"
#include "models/ssd/ssd_export_util.h"

namespace savedserve {
namespace {

constexpr char kScope[] = "ssd_300_vgg/";
constexpr float kVggMeans[] = {123.0f, 117.0f, 104.0f};
constexpr float kL2NormEpsilon = 1e-12f;
constexpr float kL2NormInitialScale = 20.0f;

// A feature layer feeding a box head (docs/ssd.md): the head scope is `<name>_box`.
struct FeatureLayer {
  const char* name;
  int anchors;  // per cell
};
constexpr std::array<FeatureLayer, 6> kFeatureLayers = {
    {{"block4", 4}, {"block7", 6}, {"block8", 6}, {"block9", 6}, {"block10", 4}, {"block11", 4}}};

// The VGG16 conv blocks: conv<i>/conv<i>_<j> for j = 1..repeats.
struct VggBlock {
  int repeats;
  int64_t channels;
};
constexpr std::array<VggBlock, 5> kVggBlocks = {{{2, 64}, {2, 128}, {3, 256}, {3, 512}, {3, 512}}};

// The extra blocks 8..11: conv1x1 to `bottleneck`, then a VALID conv3x3 to `channels`,
// padded by 1 and strided by 2 when `stride2`.
struct ExtraBlock {
  const char* name;
  int64_t bottleneck, channels;
  bool stride2;
};
constexpr std::array<ExtraBlock, 4> kExtraBlocks = {{{"block8", 256, 512, true},
                                                     {"block9", 128, 256, true},
                                                     {"block10", 128, 256, false},
                                                     {"block11", 128, 256, false}}};

constexpr char kVocLabels[][12] = {
    "background", "aeroplane", "bicycle",     "bird",  "boat",        "bottle", "bus",
    "car",        "cat",       "chair",       "cow",   "diningtable", "dog",    "horse",
    "motorbike",  "person",    "pottedplant", "sheep", "sofa",        "train",  "tvmonitor"};

// How a weight is filled when there is no checkpoint.
enum class Fill { kXavier, kZeros, kL2Scale };

// splitmix64 (Steele, Lea, Flood 2014): the same numbers on every platform and compiler,
// unlike std:: distributions.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 24 random bits (exact in float).
  float NextUnit() { return static_cast<float>(Next() >> 40) * 0x1.0p-24f; }

 private:
  uint64_t state_;
};

// Where weight values come from: a checkpoint, or the seeded generator.
class WeightSource {
 public:
  virtual ~WeightSource() = default;
  virtual absl::StatusOr<Tensor> Get(const std::string& name, const TensorShape& shape,
                                     Fill fill) = 0;
};

// Xavier/Glorot uniform as tf.contrib.layers.xavier_initializer (the port's default):
// U(-l, l), l = sqrt(6 / (fan_in + fan_out)), fans counting the receptive field. Each
// variable draws from its own stream, seeded from the model seed in build order.
class SeededWeights : public WeightSource {
 public:
  explicit SeededWeights(uint64_t seed) : seeds_(seed) {}
  absl::StatusOr<Tensor> Get(const std::string& name, const TensorShape& shape,
                             Fill fill) override {
    Tensor t(tensorflow::DT_FLOAT, shape);
    float* data = t.data<float>();
    const int64_t n = shape.num_elements();
    SplitMix64 rng(seeds_.Next());
    if (fill == Fill::kXavier) {
      const int64_t receptive = shape.rank() == 4 ? shape.dim(0) * shape.dim(1) : 1;
      const int64_t fans = receptive * (shape.dim(shape.rank() - 2) + shape.dim(shape.rank() - 1));
      const float limit = static_cast<float>(std::sqrt(6.0 / static_cast<double>(fans)));
      for (int64_t i = 0; i < n; ++i) data[i] = limit * (2.0f * rng.NextUnit() - 1.0f);
    } else {
      std::fill(data, data + n, fill == Fill::kL2Scale ? kL2NormInitialScale : 0.0f);
    }
    return t;
  }

 private:
  SplitMix64 seeds_;
};

// Variables read by name from a TF1 checkpoint; entries the network does not use are ignored.
class CheckpointWeights : public WeightSource {
 public:
  static absl::StatusOr<std::unique_ptr<CheckpointWeights>> Open(const std::string& path,
                                                                 Env* env) {
    ASSIGN_OR_RETURN(std::string prefix, ResolveCheckpointPrefix(path, env));
    BundleReader::Options options;
    options.env = env;
    ASSIGN_OR_RETURN(std::unique_ptr<BundleReader> reader, BundleReader::Open(prefix, options));
    return std::unique_ptr<CheckpointWeights>(new CheckpointWeights(prefix, std::move(reader)));
  }
  const std::string& prefix() const { return prefix_; }

  absl::StatusOr<Tensor> Get(const std::string& name, const TensorShape& shape, Fill) override {
    if (!reader_->Contains(name)) {
      return absl::NotFoundError(
          absl::StrCat("checkpoint ", prefix_, " has no variable '", name, "'"));
    }
    ASSIGN_OR_RETURN(Tensor t, reader_->Lookup(name));
    if (t.dtype() != tensorflow::DT_FLOAT || t.shape() != shape) {
      return absl::InvalidArgumentError(absl::StrCat(
          "checkpoint ", prefix_, ": variable '", name, "' is ", DataTypeName(t.dtype()), " ",
          t.shape().DebugString(), "; SSD300 needs DT_FLOAT ", shape.DebugString()));
    }
    return t;
  }

 private:
  CheckpointWeights(std::string prefix, std::unique_ptr<BundleReader> reader)
      : prefix_(std::move(prefix)), reader_(std::move(reader)) {}
  std::string prefix_;
  std::unique_ptr<BundleReader> reader_;
};

// Builds the network on a GraphBuilder. Weight problems are kept as the first error,
// reported by status().
class Ssd300Network {
 public:
  Ssd300Network(GraphBuilder* g, WeightSource* weights) : g_(*g), weights_(*weights) {}

  // Everything from the mean subtraction to the outputs; returns the signature outputs.
  std::map<std::string, NodeOutput> Build(const NodeOutput& pixels);
  const absl::Status& status() const { return status_; }

 private:
  // A weight as a zeros-initialised VariableV2 holding its value; returns the value.
  NodeOutput Weight(const std::string& name, const TensorShape& shape, Fill fill);
  // slim.conv2d: `scope`/weights [k, k, in, out] and biases [out], Conv2D + BiasAdd (+ Relu).
  NodeOutput Conv(const std::string& scope, const NodeOutput& x, int64_t k, int64_t out,
                  const ConvOptions& options, bool relu = true);
  // VGG16 + conv6/conv7 + blocks 8..11; returns the six feature maps.
  std::vector<NodeOutput> Backbone(NodeOutput x);
  // L2 normalisation over channels with the learned per-channel scale (block4's head).
  NodeOutput L2Normalization(const std::string& scope, const NodeOutput& x);
  // Head `index`: adds `predictions_<index>` and `localizations_<index>` to `outputs`.
  void Head(int index, const NodeOutput& x, std::map<std::string, NodeOutput>* outputs);
  int64_t Channels(const NodeOutput& x) { return x.shape.rank() == 4 ? x.shape.dims()[3] : -1; }

  GraphBuilder& g_;
  WeightSource& weights_;
  absl::Status status_;
};

NodeOutput Ssd300Network::Weight(const std::string& name, const TensorShape& shape, Fill fill) {
  if (!status_.ok()) return NodeOutput();
  absl::StatusOr<Tensor> value = weights_.Get(name, shape, fill);
  if (!value.ok()) {
    status_ = value.status();
    return NodeOutput();
  }
  VariableOptions options;
  options.init = VariableOptions::Init::kZeros;  // the values live in variables/
  return g_.VariableV2(name, *value, options).value;
}

NodeOutput Ssd300Network::Conv(const std::string& scope, const NodeOutput& x, int64_t k,
                               int64_t out, const ConvOptions& options, bool relu) {
  const int64_t in = Channels(x);
  if (in < 0) return NodeOutput();  // an earlier op failed; its error is recorded
  NodeOutput w = Weight(scope + "/weights", TensorShape{k, k, in, out}, Fill::kXavier);
  NodeOutput b = Weight(scope + "/biases", TensorShape{out}, Fill::kZeros);
  NodeOutput y = g_.BiasAdd(scope + "/BiasAdd", g_.Conv2D(scope + "/Conv2D", x, w, options), b);
  return relu ? g_.Relu(scope + "/Relu", y) : y;
}

std::vector<NodeOutput> Ssd300Network::Backbone(NodeOutput x) {
  const std::string s = kScope;
  std::vector<NodeOutput> features;
  for (int b = 0; b < static_cast<int>(kVggBlocks.size()); ++b) {
    const std::string block = absl::StrCat("conv", b + 1);
    for (int j = 1; j <= kVggBlocks[b].repeats; ++j) {
      x = Conv(absl::StrCat(s, block, "/", block, "_", j), x, 3, kVggBlocks[b].channels, {});
    }
    if (b == 3) features.push_back(x);  // block4: conv4_3
    // pool1..4: 2x2 stride 2 (SAME: 75 -> 38); pool5: 3x3 stride 1.
    PoolOptions pool =
        b < 4 ? PoolOptions{{2, 2}, {2, 2}, "SAME"} : PoolOptions{{3, 3}, {1, 1}, "SAME"};
    x = g_.MaxPool(absl::StrCat(s, "pool", b + 1, "/MaxPool"), x, pool);
  }
  ConvOptions atrous;
  atrous.dilations = {6, 6};
  x = Conv(s + "conv6", x, 3, 1024, atrous);
  x = Conv(s + "conv7", x, 1, 1024, {});
  features.push_back(x);  // block7
  for (const ExtraBlock& block : kExtraBlocks) {
    const std::string scope = s + block.name;
    x = Conv(scope + "/conv1x1", x, 1, block.bottleneck, {});
    ConvOptions valid;
    valid.padding = "VALID";
    if (block.stride2) {
      x = g_.Pad(scope + "/pad2d/Pad", x, {{0, 0}, {1, 1}, {1, 1}, {0, 0}});
      valid.strides = {2, 2};
    }
    x = Conv(scope + "/conv3x3", x, 3, block.channels, valid);
    features.push_back(x);
  }
  return features;
}

NodeOutput Ssd300Network::L2Normalization(const std::string& scope, const NodeOutput& x) {
  // tf.nn.l2_normalize: x * rsqrt(max(sum(x^2), epsilon)), then the learned scale.
  const std::string n = scope + "/l2_normalize";
  NodeOutput sum = g_.Sum(n + "/Sum", g_.Square(n + "/Square", x), {3}, /*keep_dims=*/true);
  NodeOutput eps = g_.Const(n + "/Maximum/y", Tensor::Scalar(kL2NormEpsilon));
  NodeOutput inv = g_.Rsqrt(n + "/Rsqrt", g_.Maximum(n + "/Maximum", sum, eps));
  NodeOutput gamma = Weight(scope + "/gamma", TensorShape{Channels(x)}, Fill::kL2Scale);
  return g_.Mul(scope + "/Mul", g_.Mul(n, x, inv), gamma);
}

void Ssd300Network::Head(int index, const NodeOutput& feature,
                         std::map<std::string, NodeOutput>* outputs) {
  const std::string scope = absl::StrCat(kScope, kFeatureLayers[index].name, "_box");
  NodeOutput x = index == 0 ? L2Normalization(scope + "/L2Normalization", feature) : feature;
  const int64_t a = kFeatureLayers[index].anchors;
  NodeOutput loc = Conv(scope + "/conv_loc", x, 3, a * 4, {}, /*relu=*/false);
  NodeOutput cls = Conv(scope + "/conv_cls", x, 3, a * kSsd300NumClasses, {}, /*relu=*/false);
  if (!status_.ok() || !g_.status().ok()) return;
  const std::vector<int64_t>& d = loc.shape.dims();  // [-1, H, W, A·4], H and W known
  const std::string i = absl::StrCat(index);
  (*outputs)["localizations_" + i] = g_.Reshape("localizations_" + i, loc, {-1, d[1], d[2], a, 4});
  (*outputs)["predictions_" + i] =
      g_.Softmax("predictions_" + i,
                 g_.Reshape(scope + "/Reshape", cls, {-1, d[1], d[2], a, kSsd300NumClasses}));
}

std::map<std::string, NodeOutput> Ssd300Network::Build(const NodeOutput& pixels) {
  NodeOutput means = g_.Const("preprocess/means", Tensor::FromVector<float>(kVggMeans, {3}));
  std::vector<NodeOutput> features = Backbone(g_.Sub("preprocess/sub", pixels, means));
  std::map<std::string, NodeOutput> outputs;
  for (int i = 0; i < static_cast<int>(kFeatureLayers.size()) && status_.ok(); ++i) {
    Head(i, features[i], &outputs);
  }
  return outputs;
}

}  // namespace

absl::StatusOr<BuiltModel> BuildSsd300(const Ssd300Options& options, Env* env) {
  std::unique_ptr<WeightSource> weights;
  std::string description;
  if (options.checkpoint.empty()) {
    weights = std::make_unique<SeededWeights>(options.seed);
    description = absl::StrCat("ssd300-vgg16 untrained seed=", options.seed);
  } else {
    ASSIGN_OR_RETURN(std::unique_ptr<CheckpointWeights> checkpoint,
                     CheckpointWeights::Open(options.checkpoint, env));
    description = absl::StrCat("ssd300-vgg16 checkpoint=", checkpoint->prefix());
    weights = std::move(checkpoint);
  }
  GraphBuilder g;
  ASSIGN_OR_RETURN(ImageInput input, AddDetectorInput(g, kSsd300InputSize, options.encoded_input,
                                                      /*letterbox=*/false));
  Ssd300Network network(&g, weights.get());
  std::map<std::string, NodeOutput> outputs = network.Build(input.pixels);
  RETURN_IF_ERROR(network.status());
  AssetSpec labels = AddLabelsAsset(g, {std::begin(kVocLabels), std::end(kVocLabels)});
  g.GlobalVariablesInitializer();
  g.AddSaver();
  BuiltModel model;
  ASSIGN_OR_RETURN(model.meta_graph, g.Finish());
  model.meta_graph.mutable_meta_info_def()->set_meta_graph_version(description);
  model.variables = g.Variables();
  ASSIGN_OR_RETURN(model.signatures, DetectorSignatures(input.placeholder, outputs));
  model.assets.push_back(std::move(labels));
  return model;
}

absl::StatusOr<VersionedExportResult> ExportSsd300(const Ssd300Options& options,
                                                   const std::string& export_base,
                                                   const std::string& model_name,
                                                   std::optional<int64_t> version, Env* env) {
  ASSIGN_OR_RETURN(BuiltModel model, BuildSsd300(options, env));
  return ExportBuiltModel(model, export_base, model_name, version, env);
}

}  // namespace savedserve
