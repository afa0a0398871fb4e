// SSD box decoding and detection selection (docs/ssd.md, "Anchors and decoding"):
// location offsets + anchors + prior scaling -> boxes; class scores -> per-class score
// threshold, top-k, greedy NMS, final top-k. Self-contained (no kernels dependency).
#pragma once

#include <array>
#include <span>
#include <vector>

#include "base/status.h"
#include "models/ssd/anchors.h"

namespace savedserve::ssd {

// A box relative to the image: (ymin, xmin, ymax, xmax), each in [0, 1] after decoding.
struct Box {
  float ymin = 0;
  float xmin = 0;
  float ymax = 0;
  float xmax = 0;
};

struct Detection {
  int class_id = 0;
  float score = 0;
  Box box;
};

// Prior scaling (variances) for (x, y, w, h) offsets; SSD300's are 0.1, 0.1, 0.2, 0.2.
struct PriorScaling {
  std::array<float, 4> values = {0.1f, 0.1f, 0.2f, 0.2f};
};

// Decodes one anchor's offsets loc = (l0, l1, l2, l3):
//   cx = l0·wa·v0 + xa, cy = l1·ha·v1 + ya, w = wa·exp(l2·v2), h = ha·exp(l3·v3),
// then converts to (ymin, xmin, ymax, xmax) clipped to [0, 1].
Box DecodeBox(const Anchor& anchor, const float loc[4], const PriorScaling& scaling = {});

// Decodes all anchors; `loc` is [num_anchors, 4] row-major (the per-layer [H,W,A,4] outputs
// flattened and concatenated in layer order). Fails if the sizes disagree.
absl::StatusOr<std::vector<Box>> DecodeBoxes(std::span<const Anchor> anchors,
                                             std::span<const float> loc,
                                             const PriorScaling& scaling = {});

// Intersection over union of two boxes; 0 when either has no area.
float BoxIou(const Box& a, const Box& b);

struct SelectionOptions {
  int background_class = 0;        // skipped; -1 to keep every class
  float score_threshold = 0.5f;    // keep scores strictly above (see keep_equal_scores)
  bool keep_equal_scores = false;  // true: keep scores >= score_threshold (TF OD API models)
  int pre_nms_top_k = 400;         // per class, highest scores first; <= 0: no limit
  float nms_iou_threshold = 0.45f; // suppress when IoU > threshold
  int max_detections = 200;        // over all classes after NMS; <= 0: no limit
};

// Greedy NMS over `candidates` (any order): sorts by score descending (stable) and keeps
// a box unless its IoU with an already-kept box exceeds `iou_threshold`. Returns the
// indices into `candidates` of the kept boxes, highest score first, at most `max_keep`
// (<= 0: no limit).
std::vector<int> GreedyNms(std::span<const Box> boxes, std::span<const float> scores,
                           float iou_threshold, int max_keep);

// Selects detections from decoded `boxes` [num_anchors] and `scores` [num_anchors,
// num_classes] row-major (softmax probabilities): for each non-background class, keeps
// scores above the threshold, takes the top pre_nms_top_k, applies NMS within the class
// only, then sorts all survivors by score (descending) and keeps max_detections.
absl::StatusOr<std::vector<Detection>> SelectDetections(std::span<const Box> boxes,
                                                        std::span<const float> scores,
                                                        int num_classes,
                                                        const SelectionOptions& options = {});

}  // namespace savedserve::ssd
