// PNG encoding with libpng into memory (see image_util.h). As in image_png.cc, libpng's
// errors longjmp back to a frame that holds no objects with destructors.
#include <png.h>

#include <csetjmp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kernels/ops/image_util.h"

namespace savedserve {
namespace {

struct PngWriteJob {
  png_structp png = nullptr;
  png_infop info = nullptr;
  std::string out;
  std::string error;
};

void OnWriteError(png_structp png, png_const_charp message) {
  auto* job = static_cast<PngWriteJob*>(png_get_error_ptr(png));
  job->error = message != nullptr ? message : "unknown error";
  png_longjmp(png, 1);
}
void OnWriteWarning(png_structp, png_const_charp) {}

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
  job.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &job, OnWriteError, OnWriteWarning);
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
