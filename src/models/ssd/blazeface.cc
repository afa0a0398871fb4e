#include "models/ssd/blazeface.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace savedserve::ssd {

std::vector<BlazeFaceHead> BlazeFaceHeads() { return {{16, 2}, {8, 6}}; }

std::vector<Anchor> BlazeFaceAnchors(std::span<const BlazeFaceHead> heads) {
  std::vector<Anchor> anchors;
  for (const BlazeFaceHead& head : heads) {
    for (int y = 0; y < head.grid; ++y) {
      for (int x = 0; x < head.grid; ++x) {
        Anchor anchor;
        anchor.cy = (y + 0.5f) / head.grid;
        anchor.cx = (x + 0.5f) / head.grid;
        anchors.insert(anchors.end(), head.anchors_per_cell, anchor);
      }
    }
  }
  return anchors;
}

SelectionOptions BlazeFaceSelection() {
  SelectionOptions options;
  options.background_class = -1;
  options.score_threshold = 0.6f;
  options.nms_iou_threshold = 0.3f;
  options.pre_nms_top_k = 0;
  options.max_detections = 100;
  return options;
}

absl::StatusOr<std::vector<Detection>> DecodeBlazeFace(std::span<const Anchor> anchors,
                                                       std::span<const float> logits,
                                                       std::span<const float> regressors,
                                                       int regressors_per_anchor, int input_size,
                                                       const SelectionOptions& options) {
  const size_t n = anchors.size();
  if (logits.size() != n || regressors_per_anchor < 4 ||
      regressors.size() != n * regressors_per_anchor || input_size <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "BlazeFace: ", n, " anchors need as many logits (got ", logits.size(), ") and ", n, " x ",
        regressors_per_anchor, " regressor values (got ", regressors.size(), ")"));
  }
  auto clip = [](float v) { return std::clamp(v, 0.0f, 1.0f); };
  std::vector<Box> boxes(n);
  std::vector<float> scores(n);
  for (size_t i = 0; i < n; ++i) {
    const float* raw = regressors.data() + i * regressors_per_anchor;
    const float cx = raw[0] / input_size + anchors[i].cx;
    const float cy = raw[1] / input_size + anchors[i].cy;
    const float w = raw[2] / input_size, h = raw[3] / input_size;
    boxes[i] = {clip(cy - h / 2), clip(cx - w / 2), clip(cy + h / 2), clip(cx + w / 2)};
    scores[i] = 1.0f / (1.0f + std::exp(-logits[i]));
  }
  return SelectDetections(boxes, scores, /*num_classes=*/1, options);
}

}  // namespace savedserve::ssd
