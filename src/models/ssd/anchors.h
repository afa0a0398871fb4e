// SSD300-VGG16 default boxes (anchors), as laid out in docs/ssd.md ("Anchors and
// decoding"). Pure arithmetic: no dependency on tensors or kernels, so clients can use it.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "base/status.h"

namespace savedserve::ssd {

// One anchor in coordinates relative to the image (0..1): centre and size.
struct Anchor {
  float cy = 0;
  float cx = 0;
  float h = 0;
  float w = 0;
};

// Per-feature-layer anchor parameters. Defaults are SSD300's (ssd.md).
struct SsdAnchorConfig {
  int image_size = 300;
  std::vector<int> feature_shapes = {38, 19, 10, 5, 3, 1};
  std::vector<double> steps = {8, 16, 32, 64, 100, 300};
  double offset = 0.5;
  // (s0, s1) per layer, in pixels of the input image.
  std::vector<std::pair<double, double>> sizes = {{21, 45},   {45, 99},   {99, 153},
                                                  {153, 207}, {207, 261}, {261, 315}};
  std::vector<std::vector<double>> ratios = {{2, 0.5},         {2, 0.5, 3, 1.0 / 3},
                                             {2, 0.5, 3, 1.0 / 3}, {2, 0.5, 3, 1.0 / 3},
                                             {2, 0.5},         {2, 0.5}};
};

// Checks that the per-layer vectors agree in length and the values are positive.
absl::Status ValidateAnchorConfig(const SsdAnchorConfig& config);

// Anchors per cell of `layer`: two squares plus one per ratio.
int AnchorsPerCell(const SsdAnchorConfig& config, size_t layer);

// Anchors of `layer`: feature_shape² · AnchorsPerCell.
size_t NumLayerAnchors(const SsdAnchorConfig& config, size_t layer);

// Total anchors over all layers (8732 for SSD300).
size_t NumAnchors(const SsdAnchorConfig& config);

// All anchors, ordered layer by layer, then cell by cell (row i, then column j), then
// anchor by anchor: square s0, square sqrt(s0·s1), then one per ratio in config order.
// Index k therefore matches the k-th entry of the layers' flattened [H,W,A] predictions
// concatenated in layer order. `config` must pass ValidateAnchorConfig.
std::vector<Anchor> GenerateAnchors(const SsdAnchorConfig& config);

}  // namespace savedserve::ssd
