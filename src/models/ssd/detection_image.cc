#include "models/ssd/detection_image.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/status.h"

namespace savedserve::ssd {

absl::StatusOr<SourceImage> ReadSourceImage(const std::string& path, Env* env) {
  SourceImage image;
  image.path = path;
  absl::StatusOr<std::string> bytes = env->ReadFile(path);
  if (!bytes.ok()) {
    return Annotate(bytes.status(), absl::StrCat("cannot read image ", path));
  }
  image.encoded = std::move(*bytes);
  absl::StatusOr<DecodedImage> rgb = DecodeImageToRgb(image.encoded);
  if (!rgb.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot decode image ", path, ": ", rgb.status().message()));
  }
  image.rgb = std::move(*rgb);
  return image;
}

void ResizeForModel(const DecodedImage& rgb, int64_t height, int64_t width, ResizeMode mode,
                    float* out) {
  const ResizeOptions options;  // align_corners, half_pixel_centers false: the graph's path
  if (mode == ResizeMode::kStretch) {
    ResizeBilinear(rgb.data.data(), {1, rgb.height, rgb.width, 3}, height, width, options, out);
    return;
  }
  const int64_t side = std::max(rgb.height, rgb.width);
  std::vector<uint8_t> square(static_cast<size_t>(side * side * 3), 0);
  const size_t row = static_cast<size_t>(rgb.width) * 3;
  for (int64_t y = 0; y < rgb.height; ++y) {
    std::memcpy(square.data() + y * side * 3, rgb.data.data() + y * row, row);
  }
  ResizeBilinear(square.data(), {1, side, side, 3}, height, width, options, out);
}

Tensor MakeFloatBatch(std::span<const SourceImage> images, int64_t height, int64_t width,
                      ResizeMode mode) {
  const int64_t n = static_cast<int64_t>(images.size());
  Tensor batch(tensorflow::DT_FLOAT, TensorShape({n, height, width, 3}));
  for (int64_t i = 0; i < n; ++i) {
    ResizeForModel(images[i].rgb, height, width, mode,
                   batch.data<float>() + i * height * width * 3);
  }
  return batch;
}

Tensor MakeEncodedBatch(std::span<const SourceImage> images) {
  const int64_t n = static_cast<int64_t>(images.size());
  Tensor batch(tensorflow::DT_STRING, TensorShape({n}));
  for (int64_t i = 0; i < n; ++i) batch.data<std::string>()[i] = images[i].encoded;
  return batch;
}

PixelBox ToPixels(const Box& box, int64_t width, int64_t height, ResizeMode mode) {
  const float w = static_cast<float>(width), h = static_cast<float>(height);
  const float sx = mode == ResizeMode::kLetterbox ? std::max(w, h) : w;
  const float sy = mode == ResizeMode::kLetterbox ? std::max(w, h) : h;
  return PixelBox{std::clamp(box.xmin * sx, 0.0f, w), std::clamp(box.ymin * sy, 0.0f, h),
                  std::clamp(box.xmax * sx, 0.0f, w), std::clamp(box.ymax * sy, 0.0f, h)};
}

}  // namespace savedserve::ssd
