// Drawing detections onto an image for `savedserve detect --out`: box outlines in a colour
// per class and a "label 0.99" tag in the 5x7 bitmap font (bitmap_font.h), scaled with the
// image. Everything clips to the image. Pure functions on a caller-owned image.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "kernels/ops/image_util.h"
#include "models/ssd/detection_image.h"

namespace savedserve::ssd {

struct Rgb {
  uint8_t r = 0;
  uint8_t g = 0;
  uint8_t b = 0;
  bool operator==(const Rgb&) const = default;
};

// A distinct, saturated colour per class (cycling through a fixed palette).
Rgb ClassColor(int class_id);

// The primitives. REQUIRES for all: `image` is 8-bit with 3 channels.
// Fills the pixels x0 <= x < x1, y0 <= y < y1.
void FillRect(DecodedImage& image, int64_t x0, int64_t y0, int64_t x1, int64_t y1, Rgb color);
// An outline `thickness` pixels wide lying inside `box` (rounded to whole pixels).
void DrawBoxOutline(DecodedImage& image, const PixelBox& box, int thickness, Rgb color);
// Text with its top-left corner at (x, y), each font pixel a scale x scale square.
void DrawText(DecodedImage& image, int64_t x, int64_t y, absl::string_view text, int scale,
              Rgb color);
int64_t TextWidth(absl::string_view text, int scale);

struct AnnotateStyle {
  int line_width = 0;  // 0: 2 px, or 3 px when the longer side is over 1000 px
  int text_scale = 0;  // 0: one font pixel per 500 px of the longer side, at least 1
};
// "face 0.99": the label and the score truncated to two decimals.
std::string DetectionCaption(absl::string_view label, float score);
// Draws each detection's box and, above it (inside when there is no room), its caption on a
// tag in the box's colour. `labels` as for LabelFor.
void DrawDetections(DecodedImage& image, std::span<const PixelDetection> detections,
                    const std::vector<std::string>& labels, const AnnotateStyle& style = {});

}  // namespace savedserve::ssd
