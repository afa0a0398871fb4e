// Greedy non-maximum suppression over boxes, with TensorFlow's exact selection rules
// (NonMaxSuppressionV2..V5), for the NMS kernels and for detector post-processing
// (src/models/ssd). Pure functions; safe for concurrent use.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace savedserve {

struct NmsOptions {
  int64_t max_output_size = 0;  // at most this many boxes are selected
  float iou_threshold = 0.5f;   // hard NMS drops candidates with IoU > this with a selection
  // Candidates must score strictly above this (also after soft-NMS decay).
  float score_threshold = -std::numeric_limits<float>::infinity();
  // > 0: Gaussian soft-NMS: instead of being dropped, a candidate's score is multiplied by
  // exp(-iou^2 / (2 * sigma)) for each overlapping selection (iou_threshold is then unused).
  float soft_nms_sigma = 0.0f;
};

struct NmsResult {
  std::vector<int> indices;   // selected boxes, in selection order (best first)
  std::vector<float> scores;  // their scores after soft-NMS decay (original without it)
};

// Intersection over union of two boxes given as [y1, x1, y2, x2] with the corners in any
// order; 0 when either box is empty.
float BoxIou(const float* a, const float* b);

// boxes: num_boxes rows of [y1, x1, y2, x2]; scores: num_boxes values. Higher scores are
// considered first; equal scores go in index order.
NmsResult NonMaxSuppression(const float* boxes, const float* scores, int64_t num_boxes,
                            const NmsOptions& options);

}  // namespace savedserve
