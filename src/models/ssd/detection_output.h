// What `savedserve detect` prints: a text table, or JSON
//   [{"image": PATH, "detections": [{"class_id": 1, "label": "face", "score": 0.9953,
//                                    "box": {"x0": .., "y0": .., "x1": .., "y1": ..}}]}]
// with boxes in pixels of the original image (one decimal) and scores with four.
// Pure functions; safe for concurrent use.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "models/ssd/detection_image.h"

namespace savedserve::ssd {

struct ImageDetections {
  std::string image;  // the path as given
  std::vector<PixelDetection> detections;
};

// One row per detection: image, class id, label, score, x0 y0 x1 y1, under a header.
std::string FormatDetectionTable(std::span<const ImageDetections> results,
                                 const std::vector<std::string>& labels);
std::string FormatDetectionJson(std::span<const ImageDetections> results,
                                const std::vector<std::string>& labels);

}  // namespace savedserve::ssd
