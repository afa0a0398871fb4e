// PNG decoding and encoding with libpng in memory (see image_util.h).
//
// libpng reports errors through our error callback, which records the message and
// longjmps back to the setjmp in DecodeProtected / EncodeProtected; those frames hold no
// objects with destructors and everything they fill lives in a job outside them. Channel conversions
// follow TensorFlow: palette -> RGB(A), gray <-> RGB (ITU-R 601 weights), transparency
// chunks become alpha, 16-bit samples keep their high byte for 8-bit output, and 8-bit
// samples are scaled by 257 for 16-bit output.
#include <png.h>

#include <bit>
#include <csetjmp>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kernels/ops/image_util.h"

namespace savedserve {
namespace {

struct PngJob {
  png_structp png = nullptr;
  png_infop info = nullptr;
  const uint8_t* next = nullptr;
  size_t left = 0;
  std::string error;
  DecodedImage* out = nullptr;
  std::vector<uint8_t> rows8;  // 8-bit rows when 16-bit output is synthesized
  bool synthesize16 = false;
};

// The error pointer is the job's `error` string, for reading and writing alike.
void OnError(png_structp png, png_const_charp message) {
  auto* error = static_cast<std::string*>(png_get_error_ptr(png));
  *error = message != nullptr ? message : "unknown error";
  png_longjmp(png, 1);
}
void OnWarning(png_structp, png_const_charp) {}

void ReadData(png_structp png, png_bytep data, size_t length) {
  auto* job = static_cast<PngJob*>(png_get_io_ptr(png));
  if (job->left < length) png_error(png, "truncated PNG: the data ends early");
  std::memcpy(data, job->next, length);
  job->next += length;
  job->left -= length;
}

// Sets up libpng's transformations for the requested output; returns its channel count.
int ConfigureTransforms(PngJob& job, const PngDecodeOptions& options) {
  png_structp png = job.png;
  png_uint_32 width, height;
  int bit_depth, color_type;
  png_get_IHDR(png, job.info, &width, &height, &bit_depth, &color_type, nullptr, nullptr, nullptr);
  const bool has_trns = png_get_valid(png, job.info, PNG_INFO_tRNS) != 0;
  int channels = options.channels;
  if (channels == 0) {
    channels =
        color_type == PNG_COLOR_TYPE_PALETTE ? (has_trns ? 4 : 3) : png_get_channels(png, job.info);
  }
  const bool has_alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0;
  const bool out16 = options.bits_per_sample == 16 && bit_depth == 16;
  if (channels % 2 == 0) {  // alpha wanted
    if (!has_alpha && has_trns) {
      png_set_tRNS_to_alpha(png);
    } else if (!has_alpha) {
      png_set_add_alpha(png, out16 ? 0xffff : 0xff, PNG_FILLER_AFTER);
    }
  } else if (has_alpha || has_trns) {
    png_set_strip_alpha(png);
  }
  if (bit_depth > 8 && options.bits_per_sample == 8) png_set_strip_16(png);
  job.synthesize16 = bit_depth <= 8 && options.bits_per_sample == 16;
  png_set_packing(png);
  if (out16 && std::endian::native == std::endian::little) png_set_swap(png);  // PNG is BE
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  const bool is_gray = (color_type & PNG_COLOR_MASK_COLOR) == 0;
  if (is_gray && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (channels < 3 && !is_gray) {
    png_set_rgb_to_gray_fixed(png, PNG_ERROR_ACTION_NONE, 29900, 58700);
  } else if (channels >= 3 && is_gray) {
    png_set_gray_to_rgb(png);
  }
  return channels;
}

// The setjmp-protected part: false after a libpng error (message in job.error).
bool DecodeProtected(PngJob& job, const PngDecodeOptions& options) {
  if (setjmp(png_jmpbuf(job.png))) return false;
  png_set_read_fn(job.png, &job, ReadData);
  png_read_info(job.png, job.info);
  const int channels = ConfigureTransforms(job, options);
  const int passes = png_set_interlace_handling(job.png);
  png_read_update_info(job.png, job.info);
  const int64_t width = png_get_image_width(job.png, job.info);
  const int64_t height = png_get_image_height(job.png, job.info);
  if (width <= 0 || height <= 0 || width * height * channels >= kMaxImageSamples) {
    png_error(job.png, "image size out of range");
  }
  const int64_t row_bytes8 = width * channels;
  const int64_t decoded_row_bytes =
      job.synthesize16 ? row_bytes8 : row_bytes8 * (options.bits_per_sample / 8);
  if (static_cast<int64_t>(png_get_rowbytes(job.png, job.info)) != decoded_row_bytes ||
      png_get_channels(job.png, job.info) != channels) {
    png_error(job.png, "unsupported combination of PNG format and requested channels");
  }
  DecodedImage& out = *job.out;
  out.height = height;
  out.width = width;
  out.channels = channels;
  out.bits_per_sample = options.bits_per_sample;
  out.data.assign(height * row_bytes8 * (options.bits_per_sample / 8), 0);
  uint8_t* target = out.data.data();
  if (job.synthesize16) {
    job.rows8.assign(height * row_bytes8, 0);
    target = job.rows8.data();
  }
  for (int pass = 0; pass < passes; ++pass) {
    for (int64_t y = 0; y < height; ++y) {
      png_read_row(job.png, target + y * decoded_row_bytes, nullptr);
    }
  }
  png_read_end(job.png, nullptr);
  return true;
}

}  // namespace

absl::StatusOr<DecodedImage> DecodePng(absl::string_view data, const PngDecodeOptions& options) {
  if (options.channels < 0 || options.channels > 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("PNG channels must be 0, 1, 2, 3 or 4, got ", options.channels));
  }
  if (options.bits_per_sample != 8 && options.bits_per_sample != 16) {
    return absl::InvalidArgumentError("PNG output must have 8 or 16 bits per sample");
  }
  if (data.size() < 8 || png_sig_cmp(reinterpret_cast<png_const_bytep>(data.data()), 0, 8)) {
    return absl::InvalidArgumentError("invalid PNG data: bad signature");
  }
  DecodedImage image;
  auto job = std::make_unique<PngJob>();
  job->out = &image;
  job->next = reinterpret_cast<const uint8_t*>(data.data());
  job->left = data.size();
  job->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &job->error, OnError, OnWarning);
  if (job->png != nullptr) job->info = png_create_info_struct(job->png);
  if (job->png == nullptr || job->info == nullptr) {
    png_destroy_read_struct(&job->png, nullptr, nullptr);
    return absl::ResourceExhaustedError("cannot create a PNG decoder");
  }
  bool ok;
  try {
    ok = DecodeProtected(*job, options);
  } catch (const std::bad_alloc&) {
    png_destroy_read_struct(&job->png, &job->info, nullptr);
    return absl::ResourceExhaustedError("out of memory decoding a PNG image");
  }
  png_destroy_read_struct(&job->png, &job->info, nullptr);
  if (!ok) return absl::InvalidArgumentError(absl::StrCat("invalid PNG data: ", job->error));
  if (job->synthesize16) {
    auto* samples = reinterpret_cast<uint16_t*>(image.data.data());
    for (size_t i = 0; i < job->rows8.size(); ++i) samples[i] = job->rows8[i] * 257;
  }
  return image;
}

namespace {

struct PngWriteJob {
  png_structp png = nullptr;
  png_infop info = nullptr;
  std::string out;
  std::string error;
};

void AppendData(png_structp png, png_bytep data, size_t length) {
  static_cast<PngWriteJob*>(png_get_io_ptr(png))->out.append(reinterpret_cast<char*>(data), length);
}
void Flush(png_structp) {}

bool EncodeProtected(PngWriteJob& job, const DecodedImage& image, png_bytep* rows) {
  static constexpr int kColorTypes[] = {PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                        PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
  if (setjmp(png_jmpbuf(job.png))) return false;
  png_set_write_fn(job.png, &job, AppendData, Flush);
  png_set_IHDR(job.png, job.info, static_cast<png_uint_32>(image.width),
               static_cast<png_uint_32>(image.height), 8, kColorTypes[image.channels - 1],
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  // Annotated photos: a fast zlib level keeps writing well below the detection time.
  png_set_compression_level(job.png, 3);
  png_write_info(job.png, job.info);
  png_write_image(job.png, rows);
  png_write_end(job.png, nullptr);
  return true;
}

}  // namespace

absl::StatusOr<std::string> EncodePng(const DecodedImage& image) {
  if (image.channels < 1 || image.channels > 4 || image.bits_per_sample != 8 || image.height <= 0 ||
      image.width <= 0 || image.height > PNG_UINT_31_MAX || image.width > PNG_UINT_31_MAX ||
      image.data.size() != static_cast<size_t>(image.num_samples())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "EncodePng: need 8-bit samples with 1-4 channels and a non-empty size matching the "
        "data; got ",
        image.height, "x", image.width, "x", image.channels, " (", image.bits_per_sample, "-bit, ",
        image.data.size(), " bytes)"));
  }
  PngWriteJob job;
  job.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &job.error, OnError, OnWarning);
  if (job.png == nullptr) return absl::ResourceExhaustedError("EncodePng: out of memory");
  job.info = png_create_info_struct(job.png);
  if (job.info == nullptr) {
    png_destroy_write_struct(&job.png, nullptr);
    return absl::ResourceExhaustedError("EncodePng: out of memory");
  }
  const size_t row_bytes = static_cast<size_t>(image.width) * image.channels;
  std::vector<png_bytep> rows(image.height);
  for (int64_t y = 0; y < image.height; ++y) {
    rows[y] = const_cast<png_bytep>(image.data.data() + y * row_bytes);
  }
  const bool ok = EncodeProtected(job, image, rows.data());
  png_destroy_write_struct(&job.png, &job.info);
  if (!ok) return absl::InternalError(absl::StrCat("EncodePng: ", job.error));
  return std::move(job.out);
}

}  // namespace savedserve
