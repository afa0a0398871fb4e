#include "models/ssd/annotate.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"
#include "models/ssd/bitmap_font.h"
#include "models/ssd/labels.h"

namespace savedserve::ssd {
namespace {

constexpr Rgb kPalette[] = {
    {230, 25, 75},  {60, 180, 75},  {255, 225, 25}, {0, 130, 200},  {245, 130, 48},
    {145, 30, 180}, {70, 240, 240}, {240, 50, 230}, {210, 245, 60}, {250, 190, 212},
    {0, 128, 128},  {170, 110, 40}, {128, 0, 0},    {0, 0, 128},    {128, 128, 0},
};

// Black on light tags, white on dark ones (ITU-R 601 luma).
Rgb TextColorOn(Rgb background) {
  const int luma = (299 * background.r + 587 * background.g + 114 * background.b) / 1000;
  return luma > 140 ? Rgb{0, 0, 0} : Rgb{255, 255, 255};
}

}  // namespace

Rgb ClassColor(int class_id) {
  constexpr int n = sizeof(kPalette) / sizeof(kPalette[0]);
  return kPalette[((class_id % n) + n) % n];
}

void FillRect(DecodedImage& image, int64_t x0, int64_t y0, int64_t x1, int64_t y1, Rgb color) {
  x0 = std::max<int64_t>(x0, 0);
  y0 = std::max<int64_t>(y0, 0);
  x1 = std::min(x1, image.width);
  y1 = std::min(y1, image.height);
  for (int64_t y = y0; y < y1; ++y) {
    uint8_t* p = image.data.data() + (y * image.width + x0) * 3;
    for (int64_t x = x0; x < x1; ++x, p += 3) {
      p[0] = color.r;
      p[1] = color.g;
      p[2] = color.b;
    }
  }
}

void DrawBoxOutline(DecodedImage& image, const PixelBox& box, int thickness, Rgb color) {
  const int64_t x0 = std::lround(box.x0), y0 = std::lround(box.y0);
  const int64_t x1 = std::lround(box.x1), y1 = std::lround(box.y1);
  const int64_t t = thickness;
  FillRect(image, x0, y0, x1, std::min(y0 + t, y1), color);  // top
  FillRect(image, x0, std::max(y1 - t, y0), x1, y1, color);  // bottom
  FillRect(image, x0, y0, std::min(x0 + t, x1), y1, color);  // left
  FillRect(image, std::max(x1 - t, x0), y0, x1, y1, color);  // right
}

int64_t TextWidth(absl::string_view text, int scale) {
  if (text.empty()) return 0;
  return (static_cast<int64_t>(text.size()) * kGlyphAdvance - 1) * scale;
}

void DrawText(DecodedImage& image, int64_t x, int64_t y, absl::string_view text, int scale,
              Rgb color) {
  for (char c : text) {
    for (int gy = 0; gy < kGlyphHeight; ++gy) {
      for (int gx = 0; gx < kGlyphWidth; ++gx) {
        if (!GlyphPixel(c, gx, gy)) continue;
        const int64_t px = x + gx * scale, py = y + gy * scale;
        FillRect(image, px, py, px + scale, py + scale, color);
      }
    }
    x += kGlyphAdvance * scale;
  }
}

std::string DetectionCaption(absl::string_view label, float score) {
  // Truncated, not rounded: 0.996 shows as 0.99, so 1.00 means a score of 1.
  return absl::StrFormat("%s %.2f", label, std::floor(score * 100.0 + 1e-4) / 100);
}

void DrawDetections(DecodedImage& image, std::span<const PixelDetection> detections,
                    const std::vector<std::string>& labels, const AnnotateStyle& style) {
  const int64_t longer = std::max(image.width, image.height);
  const int line = style.line_width > 0 ? style.line_width : (longer > 1000 ? 3 : 2);
  const int scale =
      style.text_scale > 0 ? style.text_scale : std::max<int>(1, static_cast<int>(longer / 500));
  const int64_t pad = scale;
  const int64_t tag_height = kGlyphHeight * scale + 2 * pad;
  // Lowest score first, so the best detection's box and tag end up on top.
  for (auto it = detections.rbegin(); it != detections.rend(); ++it) {
    const Rgb color = ClassColor(it->class_id);
    DrawBoxOutline(image, it->box, line, color);
    const std::string caption = DetectionCaption(LabelFor(labels, it->class_id), it->score);
    const int64_t x = std::lround(it->box.x0);
    int64_t y = std::lround(it->box.y0) - tag_height;
    if (y < 0) y = std::lround(it->box.y0);  // no room above: inside the box's top
    FillRect(image, x, y, x + TextWidth(caption, scale) + 2 * pad, y + tag_height, color);
    DrawText(image, x + pad, y + pad, caption, scale, TextColorOn(color));
  }
}

}  // namespace savedserve::ssd
