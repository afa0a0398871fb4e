// The image side of `savedserve detect`: reading and decoding images, turning them into a
// detector's input batch (stretched or letterboxed, bilinear as the in-graph path resizes:
// align_corners and half_pixel_centers false), and mapping boxes back to the original
// image's pixels. Pure functions over an Env; safe for concurrent use.
#pragma once

#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "base/env.h"
#include "kernels/ops/image_util.h"
#include "models/ssd/detection_decoder.h"
#include "tensor/tensor.h"

namespace savedserve::ssd {

// An image as read from disk: its bytes (sent as they are to DT_STRING-input models) and
// its pixels as 8-bit RGB.
struct SourceImage {
  std::string path;
  std::string encoded;
  DecodedImage rgb;
};

// Reads and decodes `path` (JPEG, PNG or BMP). InvalidArgument/NotFound naming the file when
// it cannot be read or decoded.
absl::StatusOr<SourceImage> ReadSourceImage(const std::string& path, Env* env = Env::Default());

// Writes `rgb` ([H, W, 3] 8-bit) resized to height x width into `out` (height * width * 3
// floats, 0..255). kLetterbox pads the image at the bottom and right with zeros to a
// max(H, W) square first. REQUIRES: rgb.channels == 3, 8-bit, height, width > 0.
void ResizeForModel(const DecodedImage& rgb, int64_t height, int64_t width, ResizeMode mode,
                    float* out);

// DT_FLOAT [n, height, width, 3] of the images, each resized as ResizeForModel does.
Tensor MakeFloatBatch(std::span<const SourceImage> images, int64_t height, int64_t width,
                      ResizeMode mode);
// DT_STRING [n] of the images' encoded bytes.
Tensor MakeEncodedBatch(std::span<const SourceImage> images);

// A box in pixels of the original image: x0, y0 top-left, x1, y1 bottom-right.
struct PixelBox {
  float x0 = 0;
  float y0 = 0;
  float x1 = 0;
  float y1 = 0;
};

struct PixelDetection {
  int class_id = 0;
  float score = 0;
  PixelBox box;
};

// `box` (relative to the model input) in pixels of a width x height image, clipped to it:
// kStretch scales x by width and y by height; kLetterbox scales both by max(width, height),
// the side of the padded square.
PixelBox ToPixels(const Box& box, int64_t width, int64_t height, ResizeMode mode);

}  // namespace savedserve::ssd
