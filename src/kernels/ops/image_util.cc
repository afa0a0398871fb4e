// Format detection, BMP decoding and bilinear resampling weights (see image_util.h).
// JPEG and PNG decoding live in image_jpeg.cc and image_png.cc.
#include "kernels/ops/image_util.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <new>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status.h"

namespace savedserve {
namespace {

uint32_t ReadLe32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}
uint16_t ReadLe16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

absl::Status BmpError(absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("invalid BMP: ", message));
}

// Converts one stored BMP pixel (BGR(A) or gray) to `out_channels` RGB(A) samples.
void ConvertBmpPixel(const uint8_t* src, int in_channels, uint8_t* dst, int out_channels) {
  if (in_channels == 1) {
    for (int k = 0; k < out_channels; ++k) dst[k] = src[0];
    if (out_channels == 4) dst[3] = 0xff;
    return;
  }
  dst[0] = src[2];
  dst[1] = src[1];
  dst[2] = src[0];
  if (out_channels == 4) dst[3] = in_channels == 4 ? src[3] : 0xff;
}

// Where the pixels of an uncompressed BMP are and how they are laid out.
struct BmpLayout {
  int64_t width = 0;
  int64_t rows = 0;
  int channels = 0;  // stored bytes per pixel: 1 (gray), 3 (BGR) or 4 (BGRA)
  bool top_down = false;
  int64_t row_bytes = 0;  // rows are padded to 4 bytes
  int64_t pixel_offset = 0;
};

absl::StatusOr<BmpLayout> ParseBmpHeader(absl::string_view data) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  if (data.size() < 34 || !absl::StartsWith(data, "BM")) {
    return BmpError(absl::StrCat("need at least 34 header bytes, got ", data.size()));
  }
  const int32_t width = static_cast<int32_t>(ReadLe32(bytes + 18));
  const int32_t height = static_cast<int32_t>(ReadLe32(bytes + 22));
  const int bpp = ReadLe16(bytes + 28);
  const uint32_t compression = ReadLe32(bytes + 30);
  if (ReadLe32(bytes + 14) < 40) return absl::UnimplementedError("BMP with an OS/2 (core) header");
  // 3 is BI_BITFIELDS, which 32-bit files use with the standard BGRA masks.
  if (compression != 0 && !(compression == 3 && bpp == 32)) {
    return absl::UnimplementedError(
        absl::StrCat("compressed BMP (compression ", compression, ") is not supported"));
  }
  BmpLayout bmp;
  bmp.channels = bpp / 8;
  if (bpp % 8 != 0 || (bmp.channels != 1 && bmp.channels != 3 && bmp.channels != 4)) {
    return BmpError(absl::StrCat("bits per pixel must be 8, 24 or 32, got ", bpp));
  }
  if (width <= 0 || height == 0 || height == std::numeric_limits<int32_t>::min()) {
    return BmpError(absl::StrCat("bad size ", width, "x", height));
  }
  bmp.width = width;
  bmp.rows = std::abs(static_cast<int64_t>(height));
  bmp.top_down = height < 0;
  bmp.row_bytes = (int64_t{bmp.channels} * width + 3) / 4 * 4;
  bmp.pixel_offset = ReadLe32(bytes + 10);
  if (bmp.pixel_offset < 34 ||
      bmp.pixel_offset + bmp.row_bytes * bmp.rows > static_cast<int64_t>(data.size())) {
    return BmpError(absl::StrCat("truncated: pixels at offset ", bmp.pixel_offset, " need ",
                                 bmp.row_bytes * bmp.rows, " bytes, file has ", data.size()));
  }
  return bmp;
}

}  // namespace

ImageFormat DetectImageFormat(absl::string_view data) {
  if (absl::StartsWith(data, "\xff\xd8\xff")) return ImageFormat::kJpeg;
  if (absl::StartsWith(data, "\x89PNG\r\n\x1a\n")) return ImageFormat::kPng;
  if (absl::StartsWith(data, "GIF8")) return ImageFormat::kGif;
  if (absl::StartsWith(data, "BM")) return ImageFormat::kBmp;
  if (data.size() > 12 && absl::StartsWith(data, "RIFF") && data.substr(8, 4) == "WEBP") {
    return ImageFormat::kWebp;
  }
  return ImageFormat::kUnknown;
}

absl::string_view ImageFormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return "JPEG";
    case ImageFormat::kPng:
      return "PNG";
    case ImageFormat::kGif:
      return "GIF";
    case ImageFormat::kBmp:
      return "BMP";
    case ImageFormat::kWebp:
      return "WebP";
    case ImageFormat::kUnknown:
      break;
  }
  return "unknown";
}

absl::StatusOr<DecodedImage> DecodeBmp(absl::string_view data, int channels) {
  if (channels != 0 && channels != 3 && channels != 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("channels must be 0, 3 or 4 for BMP, got ", channels));
  }
  ASSIGN_OR_RETURN(const BmpLayout bmp, ParseBmpHeader(data));
  const int out_channels = channels == 0 ? bmp.channels : channels;
  if (bmp.width * bmp.rows * out_channels >= kMaxImageSamples) {
    return BmpError(absl::StrCat("image too large: ", bmp.width, "x", bmp.rows));
  }
  DecodedImage image;
  image.height = bmp.rows;
  image.width = bmp.width;
  image.channels = out_channels;
  image.data.resize(image.num_samples());
  const auto* pixels = reinterpret_cast<const uint8_t*>(data.data()) + bmp.pixel_offset;
  for (int64_t y = 0; y < bmp.rows; ++y) {
    const uint8_t* src = pixels + (bmp.top_down ? y : bmp.rows - 1 - y) * bmp.row_bytes;
    uint8_t* dst = image.data.data() + y * bmp.width * out_channels;
    for (int64_t x = 0; x < bmp.width; ++x) {
      ConvertBmpPixel(src + x * bmp.channels, bmp.channels, dst + x * out_channels, out_channels);
    }
  }
  return image;
}

absl::StatusOr<DecodedImage> DecodeJpegToRgb(absl::string_view data) {
  JpegDecodeOptions options;
  options.channels = 3;
  return DecodeJpeg(data, options);
}

absl::StatusOr<DecodedImage> DecodePngToRgb(absl::string_view data) {
  PngDecodeOptions options;
  options.channels = 3;
  return DecodePng(data, options);
}

absl::StatusOr<DecodedImage> DecodeImageToRgb(absl::string_view data) {
  const ImageFormat format = DetectImageFormat(data);
  switch (format) {
    case ImageFormat::kJpeg:
      return DecodeJpegToRgb(data);
    case ImageFormat::kPng:
      return DecodePngToRgb(data);
    case ImageFormat::kBmp:
      return DecodeBmp(data, 3);
    case ImageFormat::kGif:
    case ImageFormat::kWebp:
      return absl::UnimplementedError(
          absl::StrCat(ImageFormatName(format), " images are not supported (JPEG, PNG, BMP are)"));
    case ImageFormat::kUnknown:
      break;
  }
  return absl::InvalidArgumentError("unknown image format: expected JPEG, PNG or BMP data");
}

std::vector<ResizeTap> ComputeResizeTaps(int64_t in_size, int64_t out_size,
                                         const ResizeOptions& options) {
  // Single-precision arithmetic throughout, as TensorFlow computes it, so results agree
  // bit for bit on the sampling positions.
  const float scale = ResizeScale(in_size, out_size, options.align_corners);
  std::vector<ResizeTap> taps(out_size);
  for (int64_t i = 0; i < out_size; ++i) {
    const float source = options.half_pixel_centers ? (static_cast<float>(i) + 0.5f) * scale - 0.5f
                                                    : static_cast<float>(i) * scale;
    const float source_floor = std::floor(source);
    taps[i].lower = std::max<int64_t>(static_cast<int64_t>(source_floor), 0);
    taps[i].upper = std::min<int64_t>(static_cast<int64_t>(std::ceil(source)), in_size - 1);
    taps[i].lerp = source - source_floor;
  }
  return taps;
}

float ResizeScale(int64_t in_size, int64_t out_size, bool align_corners) {
  return (align_corners && out_size > 1)
             ? static_cast<float>(in_size - 1) / static_cast<float>(out_size - 1)
             : static_cast<float>(in_size) / static_cast<float>(out_size);
}

absl::Status CheckResize(const ImageBatchShape& in, int64_t out_height, int64_t out_width,
                         const ResizeOptions& options) {
  if (options.align_corners && options.half_pixel_centers) {
    return absl::InvalidArgumentError("if half_pixel_centers is true, align_corners must be false");
  }
  if (out_height <= 0 || out_width <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("output size must be positive, got ", out_height, "x", out_width));
  }
  if (in.height <= 0 || in.width <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("input image must be of non-zero size, got ", in.height, "x", in.width));
  }
  if (in.channels <= 0) return absl::InvalidArgumentError("image must have at least one channel");
  constexpr int64_t kMaxDim = std::numeric_limits<int32_t>::max();
  if (in.height > kMaxDim || in.width > kMaxDim || out_height > kMaxDim || out_width > kMaxDim) {
    return absl::InvalidArgumentError("image dimensions must fit in int32");
  }
  return absl::OkStatus();
}

}  // namespace savedserve
