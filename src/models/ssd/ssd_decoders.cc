#include "models/ssd/ssd_decoders.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status.h"

namespace savedserve::ssd {
namespace {

using tensorflow::SignatureDef;
using tensorflow::TensorInfo;

std::string LayerAlias(const char* prefix, size_t i) { return absl::StrCat(prefix, i); }

// Dims 1..4 of a declared [-1, H, W, A, last] output, all known, and `last` if given.
absl::StatusOr<std::vector<int64_t>> LayerDims(const TensorInfo& info, const std::string& alias,
                                               int64_t last) {
  const auto& shape = info.tensor_shape();
  bool ok = info.dtype() == tensorflow::DT_FLOAT && !shape.unknown_rank() && shape.dim_size() == 5;
  std::vector<int64_t> dims;
  for (int i = 1; ok && i < 5; ++i) {
    dims.push_back(shape.dim(i).size());
    ok = dims.back() > 0;
  }
  if (ok && last > 0) ok = dims[3] == last;
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("output '", alias, "' should be DT_FLOAT [-1, H, W, A, ",
                     last > 0 ? absl::StrCat(last) : "C", "] with H, W, A", last > 0 ? "" : ", C",
                     " known; the signature declares ", DataTypeName(info.dtype()), " ",
                     PartialShape::FromProto(shape).DebugString()));
  }
  return dims;
}

const Tensor* FindOutput(const std::map<std::string, Tensor>& outputs, const std::string& alias) {
  auto it = outputs.find(alias);
  return it == outputs.end() ? nullptr : &it->second;
}

// Checks that `alias` holds DT_FLOAT with `per_item` values per batch element; sets or
// checks *batch.
absl::Status CheckLayerTensor(const std::map<std::string, Tensor>& outputs,
                              const std::string& alias, int64_t per_item, int64_t* batch) {
  const Tensor* t = FindOutput(outputs, alias);
  if (t == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("the response has no output '", alias, "'"));
  }
  const int64_t n = t->shape().dims().empty() ? 0 : t->shape().dims()[0];
  if (t->dtype() != tensorflow::DT_FLOAT || t->num_elements() != n * per_item ||
      (*batch >= 0 && n != *batch)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "output '", alias, "' is ", DataTypeName(t->dtype()), " ", t->shape().DebugString(),
        "; expected DT_FLOAT with ", per_item, " values per batch element",
        *batch >= 0 ? absl::StrCat(" and batch ", *batch) : ""));
  }
  *batch = n;
  return absl::OkStatus();
}

}  // namespace

int64_t SsdLayout::num_anchors() const {
  int64_t n = 0;
  for (const SsdLayer& l : layers) n += l.height * l.width * l.anchors_per_cell;
  return n;
}

bool HasSsdOutputs(const SignatureDef& signature) {
  return signature.outputs().contains(LayerAlias(kPredictionsPrefix, 0));
}

absl::StatusOr<SsdLayout> ParseSsdLayout(const SignatureDef& signature) {
  SsdLayout layout;
  const auto& outputs = signature.outputs();
  for (size_t i = 0; outputs.contains(LayerAlias(kPredictionsPrefix, i)); ++i) {
    const std::string pred = LayerAlias(kPredictionsPrefix, i);
    const std::string loc = LayerAlias(kLocalizationsPrefix, i);
    auto loc_it = outputs.find(loc);
    if (loc_it == outputs.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the signature has output '", pred, "' but no '", loc, "'"));
    }
    ASSIGN_OR_RETURN(std::vector<int64_t> p, LayerDims(outputs.at(pred), pred, 0));
    ASSIGN_OR_RETURN(std::vector<int64_t> l, LayerDims(loc_it->second, loc, 4));
    if (!std::equal(p.begin(), p.begin() + 3, l.begin())) {
      return absl::InvalidArgumentError(absl::StrCat("outputs '", pred, "' and '", loc,
                                                     "' disagree on H, W or anchors per cell"));
    }
    if (i > 0 && p[3] != layout.num_classes) {
      return absl::InvalidArgumentError(absl::StrCat("output '", pred, "' has ", p[3],
                                                     " classes, layer 0 has ", layout.num_classes));
    }
    layout.num_classes = static_cast<int>(p[3]);
    layout.layers.push_back({p[0], p[1], p[2]});
  }
  if (layout.layers.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("the signature has no '", kPredictionsPrefix,
                                                   "0' output: not an SSD detection signature"));
  }
  if (outputs.contains(LayerAlias(kLocalizationsPrefix, layout.layers.size()))) {
    return absl::InvalidArgumentError(absl::StrCat("the signature has '", kLocalizationsPrefix,
                                                   layout.layers.size(), "' but no '",
                                                   kPredictionsPrefix, layout.layers.size(), "'"));
  }
  layout.has_anchors = outputs.contains(kAnchorsOutput);
  return layout;
}

absl::StatusOr<int64_t> SsdBatchSize(const SsdLayout& layout,
                                     const std::map<std::string, Tensor>& outputs) {
  int64_t batch = -1;
  for (size_t i = 0; i < layout.layers.size(); ++i) {
    const SsdLayer& l = layout.layers[i];
    const int64_t cells = l.height * l.width * l.anchors_per_cell;
    RETURN_IF_ERROR(CheckLayerTensor(outputs, LayerAlias(kPredictionsPrefix, i),
                                     cells * layout.num_classes, &batch));
    RETURN_IF_ERROR(
        CheckLayerTensor(outputs, LayerAlias(kLocalizationsPrefix, i), cells * 4, &batch));
  }
  return batch;
}

SsdRawOutputs GatherSsdOutputs(const SsdLayout& layout,
                               const std::map<std::string, Tensor>& outputs, int64_t b) {
  SsdRawOutputs raw;
  raw.loc.reserve(layout.num_anchors() * 4);
  raw.scores.reserve(layout.num_anchors() * layout.num_classes);
  for (size_t i = 0; i < layout.layers.size(); ++i) {
    const SsdLayer& l = layout.layers[i];
    const int64_t cells = l.height * l.width * l.anchors_per_cell;
    const float* scores = outputs.at(LayerAlias(kPredictionsPrefix, i)).data<float>() +
                          b * cells * layout.num_classes;
    const float* loc =
        outputs.at(LayerAlias(kLocalizationsPrefix, i)).data<float>() + b * cells * 4;
    raw.scores.insert(raw.scores.end(), scores, scores + cells * layout.num_classes);
    raw.loc.insert(raw.loc.end(), loc, loc + cells * 4);
  }
  return raw;
}

std::vector<std::string> SsdDecoderBase::output_aliases() const {
  std::vector<std::string> aliases;
  for (size_t i = 0; i < layout_.layers.size(); ++i) {
    aliases.push_back(LayerAlias(kPredictionsPrefix, i));
    aliases.push_back(LayerAlias(kLocalizationsPrefix, i));
  }
  return aliases;
}

absl::StatusOr<int64_t> SsdDecoderBase::BatchSize(
    const std::map<std::string, Tensor>& outputs) const {
  return SsdBatchSize(layout_, outputs);
}

absl::StatusOr<std::unique_ptr<Ssd300Decoder>> Ssd300Decoder::Create(SsdLayout layout,
                                                                     SsdAnchorConfig config) {
  RETURN_IF_ERROR(ValidateAnchorConfig(config));
  if (layout.has_anchors) {
    return absl::InvalidArgumentError("an SSD300 signature has no 'anchors' output");
  }
  const size_t n = config.feature_shapes.size();
  bool same = layout.layers.size() == n;
  for (size_t i = 0; same && i < n; ++i) {
    const SsdLayer& l = layout.layers[i];
    same = l.height == config.feature_shapes[i] && l.width == config.feature_shapes[i] &&
           l.anchors_per_cell == AnchorsPerCell(config, i);
  }
  if (!same) {
    std::string want, got;
    for (size_t i = 0; i < n; ++i) {
      absl::StrAppend(&want, i ? ", " : "", config.feature_shapes[i], "x", config.feature_shapes[i],
                      "x", AnchorsPerCell(config, i));
    }
    for (size_t i = 0; i < layout.layers.size(); ++i) {
      const SsdLayer& l = layout.layers[i];
      absl::StrAppend(&got, i ? ", " : "", l.height, "x", l.width, "x", l.anchors_per_cell);
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "a detection signature without an 'anchors' output is decoded with SSD300's anchors, "
        "whose feature layers (H x W x anchors per cell) are ",
        want, "; the signature's are ", got));
  }
  return std::unique_ptr<Ssd300Decoder>(
      new Ssd300Decoder(std::move(layout), GenerateAnchors(config)));
}

absl::StatusOr<std::vector<Detection>> Ssd300Decoder::Decode(
    const std::map<std::string, Tensor>& outputs, int64_t b,
    const SelectionOptions& options) const {
  const SsdRawOutputs raw = GatherSsdOutputs(layout_, outputs, b);
  ASSIGN_OR_RETURN(std::vector<Box> boxes, DecodeBoxes(anchors_, raw.loc));
  return SelectDetections(boxes, raw.scores, layout_.num_classes, options);
}

absl::StatusOr<std::unique_ptr<AnchoredSsdDecoder>> AnchoredSsdDecoder::Create(SsdLayout layout) {
  if (!layout.has_anchors) {
    return absl::InvalidArgumentError("the signature has no 'anchors' output");
  }
  return std::unique_ptr<AnchoredSsdDecoder>(new AnchoredSsdDecoder(std::move(layout)));
}

SelectionOptions AnchoredSsdDecoder::default_selection() const {
  SelectionOptions options;
  options.keep_equal_scores = true;
  options.pre_nms_top_k = 0;
  options.nms_iou_threshold = 0.5f;
  options.max_detections = 100;
  return options;
}

std::vector<std::string> AnchoredSsdDecoder::output_aliases() const {
  std::vector<std::string> aliases = SsdDecoderBase::output_aliases();
  aliases.push_back(kAnchorsOutput);
  return aliases;
}

absl::StatusOr<std::vector<Detection>> AnchoredSsdDecoder::Decode(
    const std::map<std::string, Tensor>& outputs, int64_t b,
    const SelectionOptions& options) const {
  const int64_t n = layout_.num_anchors();
  const Tensor* anchors = FindOutput(outputs, kAnchorsOutput);
  // [n, 4] for every image, or [batch, n, 4] with image b's at b.
  const bool shared = anchors != nullptr && anchors->shape().rank() == 2;
  if (anchors == nullptr || anchors->dtype() != tensorflow::DT_FLOAT ||
      (shared ? anchors->shape() != TensorShape({n, 4})
              : anchors->shape().rank() != 3 || anchors->shape().dim(0) <= b ||
                    anchors->shape().dim(1) != n || anchors->shape().dim(2) != 4)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "output 'anchors' should be DT_FLOAT [batch, ", n, ", 4] or [", n,
        ", 4] (the layers have ", n, " anchors); ",
        anchors == nullptr ? "the response has none"
                           : absl::StrCat("got ", DataTypeName(anchors->dtype()), " ",
                                          anchors->shape().DebugString())));
  }
  const SsdRawOutputs raw = GatherSsdOutputs(layout_, outputs, b);
  const float* a = anchors->data<float>() + (shared ? 0 : b * n * 4);
  std::vector<Box> boxes(n);
  for (int64_t k = 0; k < n; ++k) {
    const float* box = a + 4 * k;  // ymin, xmin, ymax, xmax
    const Anchor anchor{(box[0] + box[2]) / 2, (box[1] + box[3]) / 2, box[2] - box[0],
                        box[3] - box[1]};
    const float* t = raw.loc.data() + 4 * k;  // ty, tx, th, tw
    const float txywh[4] = {t[1], t[0], t[3], t[2]};
    boxes[k] = DecodeBox(anchor, txywh);  // prior scaling 0.1, 0.2 = scales 10, 5
  }
  return SelectDetections(boxes, raw.scores, layout_.num_classes, options);
}

}  // namespace savedserve::ssd
