#include "models/ssd/box_decoder.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"

namespace savedserve::ssd {
namespace {

float Clip01(float v) { return std::clamp(v, 0.0f, 1.0f); }

}  // namespace

Box DecodeBox(const Anchor& anchor, const float loc[4], const PriorScaling& scaling) {
  const auto& v = scaling.values;
  const float cx = loc[0] * anchor.w * v[0] + anchor.cx;
  const float cy = loc[1] * anchor.h * v[1] + anchor.cy;
  const float w = anchor.w * std::exp(loc[2] * v[2]);
  const float h = anchor.h * std::exp(loc[3] * v[3]);
  return Box{Clip01(cy - h / 2), Clip01(cx - w / 2), Clip01(cy + h / 2), Clip01(cx + w / 2)};
}

absl::StatusOr<std::vector<Box>> DecodeBoxes(std::span<const Anchor> anchors,
                                             std::span<const float> loc,
                                             const PriorScaling& scaling) {
  if (loc.size() != anchors.size() * 4) {
    return absl::InvalidArgumentError(absl::StrCat("DecodeBoxes: ", anchors.size(),
                                                   " anchors need ", anchors.size() * 4,
                                                   " offsets, got ", loc.size()));
  }
  std::vector<Box> boxes;
  boxes.reserve(anchors.size());
  for (size_t k = 0; k < anchors.size(); ++k) {
    boxes.push_back(DecodeBox(anchors[k], loc.data() + 4 * k, scaling));
  }
  return boxes;
}

float BoxIou(const Box& a, const Box& b) {
  const float area_a = std::max(0.0f, a.ymax - a.ymin) * std::max(0.0f, a.xmax - a.xmin);
  const float area_b = std::max(0.0f, b.ymax - b.ymin) * std::max(0.0f, b.xmax - b.xmin);
  if (area_a <= 0 || area_b <= 0) return 0;
  const float ih = std::max(0.0f, std::min(a.ymax, b.ymax) - std::max(a.ymin, b.ymin));
  const float iw = std::max(0.0f, std::min(a.xmax, b.xmax) - std::max(a.xmin, b.xmin));
  const float inter = ih * iw;
  return inter / (area_a + area_b - inter);
}

std::vector<int> GreedyNms(std::span<const Box> boxes, std::span<const float> scores,
                           float iou_threshold, int max_keep) {
  std::vector<int> order(boxes.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return scores[a] > scores[b]; });
  std::vector<int> kept;
  for (int idx : order) {
    if (max_keep > 0 && static_cast<int>(kept.size()) >= max_keep) break;
    bool suppressed = false;
    for (int k : kept) {
      if (BoxIou(boxes[idx], boxes[k]) > iou_threshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) kept.push_back(idx);
  }
  return kept;
}

absl::StatusOr<std::vector<Detection>> SelectDetections(std::span<const Box> boxes,
                                                        std::span<const float> scores,
                                                        int num_classes,
                                                        const SelectionOptions& options) {
  if (num_classes <= 0) {
    return absl::InvalidArgumentError("SelectDetections: num_classes must be positive");
  }
  const size_t n = boxes.size();
  if (scores.size() != n * static_cast<size_t>(num_classes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("SelectDetections: ", n, " boxes x ", num_classes, " classes need ",
                     n * num_classes, " scores, got ", scores.size()));
  }
  std::vector<Detection> detections;
  std::vector<int> cand;
  std::vector<Box> cand_boxes;
  std::vector<float> cand_scores;
  for (int c = 0; c < num_classes; ++c) {
    if (c == options.background_class) continue;
    cand.clear();
    for (size_t k = 0; k < n; ++k) {
      const float score = scores[k * num_classes + c];
      if (score > options.score_threshold ||
          (options.keep_equal_scores && score == options.score_threshold)) {
        cand.push_back(static_cast<int>(k));
      }
    }
    if (cand.empty()) continue;
    std::stable_sort(cand.begin(), cand.end(), [&](int a, int b) {
      return scores[a * num_classes + c] > scores[b * num_classes + c];
    });
    if (options.pre_nms_top_k > 0 && static_cast<int>(cand.size()) > options.pre_nms_top_k) {
      cand.resize(options.pre_nms_top_k);
    }
    cand_boxes.clear();
    cand_scores.clear();
    for (int k : cand) {
      cand_boxes.push_back(boxes[k]);
      cand_scores.push_back(scores[k * num_classes + c]);
    }
    for (int i : GreedyNms(cand_boxes, cand_scores, options.nms_iou_threshold,
                           options.max_detections)) {
      detections.push_back(Detection{c, cand_scores[i], cand_boxes[i]});
    }
  }
  std::stable_sort(detections.begin(), detections.end(),
                   [](const Detection& a, const Detection& b) { return a.score > b.score; });
  if (options.max_detections > 0 &&
      static_cast<int>(detections.size()) > options.max_detections) {
    detections.resize(options.max_detections);
  }
  return detections;
}

}  // namespace savedserve::ssd
