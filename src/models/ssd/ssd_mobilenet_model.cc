#include "models/ssd/ssd_mobilenet_model.h"

#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "export/graph_builder.h"
#include "format/tfjs_weights.h"
#include "models/ssd/ssd_export_util.h"

namespace savedserve {
namespace {

constexpr int kNumClasses = 3;  // background, face, unused
constexpr char kAnchorsWeight[] = "Output/extra_dim";
constexpr int kNumPairs = 13;
constexpr int kKeptPair = 11;  // its output feeds box predictor 0
constexpr int kNumExtraConvs = 8;

bool PairHasStride2(int pair) { return pair == 2 || pair == 4 || pair == 6 || pair == 12; }

// Builds the network on a GraphBuilder from the TF.js weights. Weight problems (missing, not
// float32, shapes that do not fit) are kept as the first error, reported by status().
class SsdMobilenetV1Network {
 public:
  SsdMobilenetV1Network(GraphBuilder* g, const TfjsWeights* weights) : g_(*g), weights_(*weights) {}

  // Adds everything from the normalisation to the outputs; returns the signature outputs.
  std::map<std::string, NodeOutput> Build(const NodeOutput& pixels);
  const absl::Status& status() const { return status_; }

 private:
  // The weight `name` as a VariableV2 (value in the checkpoint); returns its value.
  NodeOutput Weight(const std::string& name);
  // Conv (3x3 or 1x1, SAME) + `convolution_bn_offset` + ReLU6: face-api's pointwiseConvLayer.
  NodeOutput ConvLayer(const std::string& scope, const NodeOutput& x, int64_t stride);
  // Depthwise 3x3 (SAME) + inference batch norm + ReLU6.
  NodeOutput DepthwiseLayer(const std::string& scope, const NodeOutput& x, int64_t stride);
  // Box predictor `index` on feature map `x`: adds `predictions_<index>` and
  // `localizations_<index>` to `outputs`; returns the layer's anchor count (H·W·A).
  int64_t BoxPredictor(int index, const NodeOutput& x, std::map<std::string, NodeOutput>* outputs);
  NodeOutput ConvBias(const std::string& scope, const NodeOutput& x);
  void Fail(absl::Status status) {
    if (status_.ok()) status_ = std::move(status);
  }

  GraphBuilder& g_;
  const TfjsWeights& weights_;
  absl::Status status_;
};

NodeOutput SsdMobilenetV1Network::Weight(const std::string& name) {
  absl::StatusOr<Tensor> value = weights_.Get(name);
  if (value.ok() && value->dtype() != tensorflow::DT_FLOAT) {
    value = absl::InvalidArgumentError(
        absl::StrCat(weights_.source, ": weight '", name, "' must be float32"));
  }
  if (!value.ok()) {
    Fail(value.status());
    return NodeOutput();
  }
  VariableOptions options;
  options.init = VariableOptions::Init::kZeros;  // the values live in variables/
  return g_.VariableV2(name, *value, options).value;
}

NodeOutput SsdMobilenetV1Network::ConvLayer(const std::string& scope, const NodeOutput& x,
                                            int64_t stride) {
  ConvOptions conv;
  conv.strides = {stride, stride};
  NodeOutput y = g_.Conv2D(scope + "/Conv2D", x, Weight(scope + "/weights"), conv);
  y = g_.BiasAdd(scope + "/BiasAdd", y, Weight(scope + "/convolution_bn_offset"));
  return g_.Relu6(scope + "/Relu6", y);
}

NodeOutput SsdMobilenetV1Network::DepthwiseLayer(const std::string& scope, const NodeOutput& x,
                                                 int64_t stride) {
  ConvOptions conv;
  conv.strides = {stride, stride};
  NodeOutput y =
      g_.DepthwiseConv2dNative(scope + "/depthwise", x, Weight(scope + "/depthwise_weights"), conv);
  const std::string bn = scope + "/BatchNorm";
  y = g_.FusedBatchNormV3(bn + "/FusedBatchNormV3", y, Weight(bn + "/gamma"), Weight(bn + "/beta"),
                          Weight(bn + "/moving_mean"), Weight(bn + "/moving_variance"),
                          /*epsilon=*/0.001f);
  return g_.Relu6(scope + "/Relu6", y);
}

NodeOutput SsdMobilenetV1Network::ConvBias(const std::string& scope, const NodeOutput& x) {
  NodeOutput y = g_.Conv2D(scope + "/Conv2D", x, Weight(scope + "/weights"));
  return g_.BiasAdd(scope + "/BiasAdd", y, Weight(scope + "/biases"));
}

int64_t SsdMobilenetV1Network::BoxPredictor(int index, const NodeOutput& x,
                                            std::map<std::string, NodeOutput>* outputs) {
  const std::string scope = absl::StrCat("Prediction/BoxPredictor_", index);
  NodeOutput boxes = ConvBias(scope + "/BoxEncodingPredictor", x);
  NodeOutput classes = ConvBias(scope + "/ClassPredictor", x);
  if (!status_.ok() || !g_.status().ok()) return 0;
  const std::vector<int64_t>& b = boxes.shape.dims();  // [-1, H, W, A·4], H and W known
  const int64_t box_channels = b[3], class_channels = classes.shape.dims()[3];
  const int64_t anchors = box_channels / 4;
  if (box_channels % 4 != 0 || class_channels != anchors * kNumClasses) {
    Fail(absl::InvalidArgumentError(absl::StrCat(
        weights_.source, ": ", scope, ": ", box_channels, " box encodings and ", class_channels,
        " class logits per cell do not give 4 and ", kNumClasses, " per anchor")));
    return 0;
  }
  const std::string i = absl::StrCat(index);
  (*outputs)["localizations_" + i] =
      g_.Reshape("localizations_" + i, boxes, {-1, b[1], b[2], anchors, 4});
  (*outputs)["predictions_" + i] =
      g_.Sigmoid("predictions_" + i, g_.Reshape(scope + "/ClassPredictor/Reshape", classes,
                                                {-1, b[1], b[2], anchors, kNumClasses}));
  return b[1] * b[2] * anchors;
}

std::map<std::string, NodeOutput> SsdMobilenetV1Network::Build(const NodeOutput& pixels) {
  NodeOutput x = g_.Mul("Preprocessor/mul", pixels,
                        g_.Const("Preprocessor/mul/x", Tensor::Scalar(2.0f / 255.0f)));
  x = g_.Sub("Preprocessor/sub", x, g_.Const("Preprocessor/sub/y", Tensor::Scalar(1.0f)));
  x = ConvLayer("MobilenetV1/Conv2d_0_pointwise", x, 2);
  NodeOutput kept;
  for (int pair = 1; pair <= kNumPairs; ++pair) {
    const std::string prefix = absl::StrCat("MobilenetV1/Conv2d_", pair);
    x = DepthwiseLayer(prefix + "_depthwise", x, PairHasStride2(pair) ? 2 : 1);
    x = ConvLayer(prefix + "_pointwise", x, 1);
    if (pair == kKeptPair) kept = x;
  }
  std::vector<NodeOutput> features = {kept, x};
  for (int i = 0; i < kNumExtraConvs; ++i) {
    x = ConvLayer(absl::StrCat("Prediction/Conv2d_", i, "_pointwise"), x, i % 2 == 1 ? 2 : 1);
    if (i % 2 == 1) features.push_back(x);
  }
  std::map<std::string, NodeOutput> outputs;
  int64_t num_anchors = 0;
  for (int i = 0; i < static_cast<int>(features.size()); ++i) {
    num_anchors += BoxPredictor(i, features[i], &outputs);
  }
  NodeOutput anchors = Weight(kAnchorsWeight);
  if (!status_.ok() || !g_.status().ok()) return {};
  if (anchors.shape.dims() != std::vector<int64_t>{1, num_anchors, 4}) {
    Fail(absl::InvalidArgumentError(absl::StrCat(
        weights_.source, ": weight '", kAnchorsWeight, "' has shape ", anchors.shape.DebugString(),
        "; the box predictors need [1,", num_anchors, ",4]")));
    return {};
  }
  // One copy per image, [batch, anchors, 4], so that every output has the batch dimension
  // (REST's row format needs it): zeros of shape [batch, 1, 1], from the smallest output,
  // plus the anchors.
  const NodeOutput& last = outputs.at(absl::StrCat("localizations_", features.size() - 1));
  NodeOutput batch_zeros = g_.ZerosLike(
      "anchors/batch_zeros",
      g_.Reshape("anchors/per_image", g_.Sum("anchors/image_sum", last, {1, 2, 3, 4}), {-1, 1, 1}));
  outputs["anchors"] = g_.AddV2("anchors", batch_zeros, anchors);
  return outputs;
}

}  // namespace

absl::StatusOr<BuiltModel> BuildSsdMobilenetV1(const SsdMobilenetV1Options& options, Env* env) {
  ASSIGN_OR_RETURN(std::string manifest, FindTfjsManifest(options.weights, env));
  ASSIGN_OR_RETURN(TfjsWeights weights, ReadTfjsWeights(manifest, env));
  GraphBuilder g;
  ASSIGN_OR_RETURN(ImageInput input, AddDetectorInput(g, kSsdMobilenetV1InputSize,
                                                      options.encoded_input, /*letterbox=*/true));
  BuiltModel model;
  SsdMobilenetV1Network network(&g, &weights);
  std::map<std::string, NodeOutput> outputs = network.Build(input.pixels);
  RETURN_IF_ERROR(network.status());
  model.assets.push_back(AddLabelsAsset(g, {"background", "face", "unused"}));
  g.GlobalVariablesInitializer();
  g.AddSaver();
  ASSIGN_OR_RETURN(model.meta_graph, g.Finish());
  model.variables = g.Variables();
  ASSIGN_OR_RETURN(model.signatures, DetectorSignatures(input.placeholder, outputs));
  return model;
}

absl::StatusOr<VersionedExportResult> ExportSsdMobilenetV1(const SsdMobilenetV1Options& options,
                                                           const std::string& export_base,
                                                           const std::string& model_name,
                                                           std::optional<int64_t> version,
                                                           Env* env) {
  ASSIGN_OR_RETURN(BuiltModel model, BuildSsdMobilenetV1(options, env));
  return ExportBuiltModel(model, export_base, model_name, version, env);
}

}  // namespace savedserve
