// MediaPipe's BlazeFace (short-range face detector, 128 or 256 px input) as TF.js graph
// models ship it: two heads, on a 16x16 grid with 2 anchors per cell and an 8x8 grid with 6,
// each giving one score logit and 16 regressor values (box centre offset and size in input
// pixels, then 6 keypoints) per anchor. Anchors are the cell centres (i + 0.5) / grid, with
// no size: box = raw[0..3] / input_size (+ anchor centre for x, y); score = sigmoid(logit).
// Pure arithmetic (no tensors or kernels), like the rest of models/ssd. Safe for concurrent
// use.
#pragma once

#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "models/ssd/anchors.h"
#include "models/ssd/box_decoder.h"

namespace savedserve::ssd {

// One head: a grid of `grid` x `grid` cells with `anchors_per_cell` anchors each.
struct BlazeFaceHead {
  int grid = 0;
  int anchors_per_cell = 0;
  int num_anchors() const { return grid * grid * anchors_per_cell; }
};

// The heads in output order: {16, 2}, {8, 6} (512 + 384 = 896 anchors).
std::vector<BlazeFaceHead> BlazeFaceHeads();
// Regressor values per anchor (4 box + 6 keypoints x 2).
inline constexpr int kBlazeFaceRegressors = 16;

// The anchors of `heads`, head by head, cells row-major, anchors of a cell consecutive (the
// order of the heads' [grid, grid, anchors] outputs flattened). h = w = 0.
std::vector<Anchor> BlazeFaceAnchors(std::span<const BlazeFaceHead> heads);

// Score > 0.6, NMS IoU 0.3 (MediaPipe's and TF.js's face detection defaults), one class.
SelectionOptions BlazeFaceSelection();

// Decodes one image: `logits` [num_anchors] and `regressors` [num_anchors, regressors_per_anchor]
// in anchor order, for an `input_size` x `input_size` model input. Boxes are relative to that
// input (0..1, clipped); class_id is 0. InvalidArgument when the sizes disagree.
absl::StatusOr<std::vector<Detection>> DecodeBlazeFace(std::span<const Anchor> anchors,
                                                       std::span<const float> logits,
                                                       std::span<const float> regressors,
                                                       int regressors_per_anchor, int input_size,
                                                       const SelectionOptions& options);

}  // namespace savedserve::ssd
