// Image codecs and resampling on raw buffers, shared by the image kernels (DecodeJpeg,
// DecodePng, DecodeImage, ResizeBilinear, CropAndResize) and by client tools that prepare
// detector inputs (`savedserve detect`). Decoders follow TensorFlow's conventions (channel
// conversions, TF's default fast IDCT for JPEG, 16-bit PNG samples) so results match a TF
// model server. Decoders never abort the process on corrupt input: libjpeg and libpng errors
// are trapped and returned as InvalidArgument.
//
// Pure functions; safe for concurrent use.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tensor/dtype.h"

namespace savedserve {

enum class ImageFormat { kUnknown, kJpeg, kPng, kGif, kBmp, kWebp };

// The format named by the leading magic bytes of `data`.
ImageFormat DetectImageFormat(absl::string_view data);
// "JPEG", "PNG", "GIF", "BMP", "WebP" or "unknown".
absl::string_view ImageFormatName(ImageFormat format);

// Decoded pixels, row-major [height][width][channels].
struct DecodedImage {
  int64_t height = 0;
  int64_t width = 0;
  int channels = 0;
  int bits_per_sample = 8;    // 8: uint8 samples; 16: uint16 samples in native byte order
  std::vector<uint8_t> data;  // height * width * channels * bits_per_sample / 8 bytes

  int64_t num_samples() const { return height * width * channels; }
  const uint16_t* samples16() const { return reinterpret_cast<const uint16_t*>(data.data()); }
};

// Decoded images larger than this many samples are rejected (as TensorFlow does), so
// a corrupt header cannot make us allocate gigabytes.
inline constexpr int64_t kMaxImageSamples = int64_t{1} << 29;

struct JpegDecodeOptions {
  int channels = 0;                    // 0: as stored (gray 1, colour 3, CMYK converted to 3); 1; 3
  int ratio = 1;                       // downscale by 1, 2, 4 or 8 while decoding
  bool fancy_upscaling = true;         // smooth chroma upsampling
  bool accurate_dct = false;           // false: libjpeg's fast integer IDCT, TF's default
  bool try_recover_truncated = false;  // pretend a truncated file ends there
  float acceptable_fraction = 1.0f;    // minimum fraction of rows a truncated file must give
};
// Decodes a JPEG to 8-bit samples.
absl::StatusOr<DecodedImage> DecodeJpeg(absl::string_view data,
                                        const JpegDecodeOptions& options = {});

struct PngDecodeOptions {
  int channels = 0;         // 0: as stored (palette: 3, or 4 with transparency); 1, 2, 3 or 4
  int bits_per_sample = 8;  // 8 (16-bit files lose their low byte) or 16 (8-bit x 257)
};
absl::StatusOr<DecodedImage> DecodePng(absl::string_view data,
                                       const PngDecodeOptions& options = {});

// Uncompressed 8/24/32-bit BMP to 8-bit samples; `channels` 0 (as stored), 3 or 4.
absl::StatusOr<DecodedImage> DecodeBmp(absl::string_view data, int channels = 0);

// 8-bit pixels (`channels` 1: gray, 2: gray+alpha, 3: RGB, 4: RGBA) as a PNG file, for
// clients that write annotated images. InvalidArgument for other layouts or sizes.
absl::StatusOr<std::string> EncodePng(const DecodedImage& image);

// Any supported format (JPEG, PNG, BMP) to 8-bit RGB, for clients that feed detectors.
absl::StatusOr<DecodedImage> DecodeJpegToRgb(absl::string_view data);
absl::StatusOr<DecodedImage> DecodePngToRgb(absl::string_view data);
absl::StatusOr<DecodedImage> DecodeImageToRgb(absl::string_view data);

// Bilinear resampling of NHWC images, as tf.raw_ops.ResizeBilinear.
struct ResizeOptions {
  bool align_corners = false;       // map corner pixel centres onto each other
  bool half_pixel_centers = false;  // sample at pixel centres (TF2's tf.image.resize)
};
struct ImageBatchShape {
  int64_t batch = 1;
  int64_t height = 0;
  int64_t width = 0;
  int64_t channels = 0;
};

// Where output coordinate i samples the input, and with which weights: TF's
// interpolation (scale = in/out, or (in-1)/(out-1) with align_corners; source coordinate
// (i + 0.5) * scale - 0.5 with half-pixel centres, else i * scale; neighbours clamped to
// the image).
struct ResizeTap {
  int64_t lower = 0;
  int64_t upper = 0;
  float lerp = 0;  // weight of `upper`
};
std::vector<ResizeTap> ComputeResizeTaps(int64_t in_size, int64_t out_size,
                                         const ResizeOptions& options);
// TF's resize scale in single precision: in / out, or (in - 1) / (out - 1) with
// align_corners (and out > 1).
float ResizeScale(int64_t in_size, int64_t out_size, bool align_corners);
// InvalidArgument for incompatible options, empty sizes or an image without channels (TF's
// checks for every resize op).
absl::Status CheckResize(const ImageBatchShape& in, int64_t out_height, int64_t out_width,
                         const ResizeOptions& options);

inline float SampleToFloat(float v) { return v; }
inline float SampleToFloat(double v) { return static_cast<float>(v); }
inline float SampleToFloat(Half v) { return HalfToFloat(v); }
inline float SampleToFloat(BFloat16 v) { return BFloat16ToFloat(v); }
template <typename T>
inline float SampleToFloat(T v) {
  return static_cast<float>(v);
}

// Resizes `in` ([batch, height, width, channels] of T) into `out` ([batch, out_height,
// out_width, channels] floats). REQUIRES: CheckResize(...) is OK; buffers of those sizes.
template <typename T>
void ResizeBilinear(const T* in, const ImageBatchShape& shape, int64_t out_height,
                    int64_t out_width, const ResizeOptions& options, float* out) {
  const std::vector<ResizeTap> ys = ComputeResizeTaps(shape.height, out_height, options);
  const std::vector<ResizeTap> xs = ComputeResizeTaps(shape.width, out_width, options);
  const int64_t c = shape.channels;
  const int64_t in_row = shape.width * c;
  for (int64_t b = 0; b < shape.batch; ++b) {
    const T* image = in + b * shape.height * in_row;
    for (int64_t y = 0; y < out_height; ++y) {
      const T* top = image + ys[y].lower * in_row;
      const T* bottom = image + ys[y].upper * in_row;
      const float y_lerp = ys[y].lerp;
      for (int64_t x = 0; x < out_width; ++x) {
        const int64_t left = xs[x].lower * c, right = xs[x].upper * c;
        const float x_lerp = xs[x].lerp;
        for (int64_t k = 0; k < c; ++k) {
          const float tl = SampleToFloat(top[left + k]), tr = SampleToFloat(top[right + k]);
          const float bl = SampleToFloat(bottom[left + k]);
          const float br = SampleToFloat(bottom[right + k]);
          const float t = tl + (tr - tl) * x_lerp;
          const float u = bl + (br - bl) * x_lerp;
          *out++ = t + (u - t) * y_lerp;
        }
      }
    }
  }
}

}  // namespace savedserve
