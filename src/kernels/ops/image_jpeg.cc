// JPEG decoding with libjpeg(-turbo) from memory (see image_util.h).
//
// libjpeg reports fatal errors by calling error_exit, whose default ends the process; we
// longjmp back instead. Everything the protected section touches lives in a JpegJob outside
// that frame, and the frame itself holds no objects with destructors, so the jump skips
// nothing. The source manager suspends (rather than failing) when the data runs out, so a
// truncated file yields the rows decoded so far; `try_recover_truncated` instead feeds a fake
// end-of-image marker, as TensorFlow does.
#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>

#include "absl/strings/str_cat.h"
#include "kernels/ops/image_util.h"

// jpeglib.h needs size_t and FILE declared first.
#include <jerror.h>
#include <jpeglib.h>

namespace savedserve {
namespace {

struct ErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

struct SourceManager {
  jpeg_source_mgr pub;
  bool try_recover = false;
  bool inserted_eoi = false;
};

struct JpegJob {
  ErrorManager err;
  SourceManager src;
  jpeg_decompress_struct cinfo;
  bool created = false;
  DecodedImage* out = nullptr;
  std::vector<JSAMPLE> cmyk_row;
  int64_t rows_read = 0;
};

void OnFatalError(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}
void IgnoreMessage(j_common_ptr) {}  // warnings (corrupt data) are not printed

void InitSource(j_decompress_ptr) {}
void TermSource(j_decompress_ptr) {}

boolean FillInputBuffer(j_decompress_ptr cinfo) {
  static const JOCTET kEndOfImage[2] = {0xff, JPEG_EOI};
  auto* src = reinterpret_cast<SourceManager*>(cinfo->src);
  if (src->try_recover && !src->inserted_eoi) {
    WARNMS(cinfo, JWRN_JPEG_EOF);
    src->inserted_eoi = true;
    src->pub.next_input_byte = kEndOfImage;
    src->pub.bytes_in_buffer = 2;
    return TRUE;
  }
  return FALSE;  // suspend: the data ends here
}

void SkipInputData(j_decompress_ptr cinfo, long num_bytes) {
  auto* src = reinterpret_cast<SourceManager*>(cinfo->src);
  if (num_bytes <= 0) return;
  const size_t skip = std::min(static_cast<size_t>(num_bytes), src->pub.bytes_in_buffer);
  src->pub.next_input_byte += skip;
  src->pub.bytes_in_buffer -= skip;
}

// CMYK (Adobe files store it inverted) to RGB, as TensorFlow converts it.
void CmykRowToRgb(const JSAMPLE* cmyk, int64_t width, bool inverted, uint8_t* rgb) {
  for (int64_t x = 0; x < width; ++x, cmyk += 4, rgb += 3) {
    const int c = cmyk[0], m = cmyk[1], y = cmyk[2], k = cmyk[3];
    if (inverted) {
      rgb[0] = static_cast<uint8_t>(k * c / 255);
      rgb[1] = static_cast<uint8_t>(k * m / 255);
      rgb[2] = static_cast<uint8_t>(k * y / 255);
    } else {
      rgb[0] = static_cast<uint8_t>((255 - k) * (255 - c) / 255);
      rgb[1] = static_cast<uint8_t>((255 - k) * (255 - m) / 255);
      rgb[2] = static_cast<uint8_t>((255 - k) * (255 - y) / 255);
    }
  }
}

// Chooses the output colour space and scale; returns the output channel count, or 0 (with
// job.err.message set) when the request cannot be met.
int ConfigureOutput(JpegJob& job, const JpegDecodeOptions& options) {
  jpeg_decompress_struct& cinfo = job.cinfo;
  const int channels = options.channels == 0 ? std::min(cinfo.num_components, 3) : options.channels;
  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  if (channels == 1) {
    cinfo.out_color_space = JCS_GRAYSCALE;
  } else if (channels == 3) {
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;  // CMYK is converted by hand
  } else {
    std::snprintf(job.err.message, sizeof(job.err.message), "unsupported JPEG with %d components",
                  cinfo.num_components);
    return 0;
  }
  cinfo.do_fancy_upsampling = options.fancy_upscaling ? TRUE : FALSE;
  cinfo.scale_num = 1;
  cinfo.scale_denom = static_cast<unsigned int>(options.ratio);
  cinfo.dct_method = options.accurate_dct ? JDCT_ISLOW : JDCT_IFAST;
  return channels;
}

// Outcomes of the protected section.
enum Outcome { kDecoded, kLibjpegError, kRequestError, kHeaderTruncated };

void InstallSource(JpegJob& job, absl::string_view data, bool try_recover) {
  job.src.pub.init_source = InitSource;
  job.src.pub.fill_input_buffer = FillInputBuffer;
  job.src.pub.skip_input_data = SkipInputData;
  job.src.pub.resync_to_restart = jpeg_resync_to_restart;
  job.src.pub.term_source = TermSource;
  job.src.pub.next_input_byte = reinterpret_cast<const JOCTET*>(data.data());
  job.src.pub.bytes_in_buffer = data.size();
  job.src.try_recover = try_recover;
  job.cinfo.src = &job.src.pub;
}

Outcome RequestError(JpegJob& job, const char* message) {
  std::snprintf(job.err.message, sizeof(job.err.message), "%s", message);
  return kRequestError;
}

// Reads the header and sizes the output. May longjmp (called from DecodeProtected only).
Outcome ReadHeader(JpegJob& job, const JpegDecodeOptions& options) {
  jpeg_decompress_struct& cinfo = job.cinfo;
  const int header = jpeg_read_header(&cinfo, TRUE);
  if (header == JPEG_SUSPENDED) return kHeaderTruncated;
  if (header != JPEG_HEADER_OK) return RequestError(job, "JPEG data holds no image");
  const int channels = ConfigureOutput(job, options);
  if (channels == 0) return kRequestError;
  jpeg_calc_output_dimensions(&cinfo);
  const int64_t width = cinfo.output_width, height = cinfo.output_height;
  if (width <= 0 || height <= 0 || width * height * 4 >= kMaxImageSamples) {
    return RequestError(job, "JPEG image size out of range");
  }
  DecodedImage& out = *job.out;
  out.height = height;
  out.width = width;
  out.channels = channels;
  out.data.assign(height * width * channels, 0);
  if (cinfo.out_color_space == JCS_CMYK) job.cmyk_row.resize(width * 4);
  return kDecoded;
}

// Decodes rows until the image or the data ends. May longjmp.
Outcome ReadRows(JpegJob& job) {
  jpeg_decompress_struct& cinfo = job.cinfo;
  DecodedImage& out = *job.out;
  const bool cmyk = cinfo.out_color_space == JCS_CMYK;
  if (!jpeg_start_decompress(&cinfo)) return kDecoded;  // suspended: no rows at all
  if (cinfo.output_components != (cmyk ? 4 : out.channels)) {
    return RequestError(job, "unexpected number of JPEG output components");
  }
  while (cinfo.output_scanline < cinfo.output_height) {
    uint8_t* line = out.data.data() + int64_t{cinfo.output_scanline} * out.width * out.channels;
    JSAMPROW row = cmyk ? job.cmyk_row.data() : line;
    if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) break;  // the data ends here
    if (cmyk) CmykRowToRgb(job.cmyk_row.data(), out.width, cinfo.saw_Adobe_marker, line);
    job.rows_read = cinfo.output_scanline;
  }
  return kDecoded;
}

// The setjmp-protected part: libjpeg errors land here as kLibjpegError. The functions it
// calls hold no objects with destructors, so the longjmp skips nothing.
Outcome DecodeProtected(JpegJob& job, absl::string_view data, const JpegDecodeOptions& options) {
  job.cinfo.err = jpeg_std_error(&job.err.pub);
  job.err.pub.error_exit = OnFatalError;
  job.err.pub.output_message = IgnoreMessage;
  if (setjmp(job.err.jump)) return kLibjpegError;
  jpeg_create_decompress(&job.cinfo);
  job.created = true;
  InstallSource(job, data, options.try_recover_truncated);
  const Outcome header = ReadHeader(job, options);
  return header == kDecoded ? ReadRows(job) : header;
}

// What to do with rows missing from a truncated file: TF's rules.
absl::Status FinishTruncated(const JpegJob& job, const JpegDecodeOptions& options) {
  DecodedImage& out = *job.out;
  if (job.rows_read >= out.height) return absl::OkStatus();
  const int64_t row_bytes = out.width * out.channels;
  if (options.try_recover_truncated) {
    for (int64_t y = std::max<int64_t>(job.rows_read, 1); y < out.height; ++y) {
      std::memcpy(&out.data[y * row_bytes], &out.data[(y - 1) * row_bytes], row_bytes);
    }
    return absl::OkStatus();
  }
  const float fraction = static_cast<float>(job.rows_read) / static_cast<float>(out.height);
  if (fraction < std::min(1.0f, options.acceptable_fraction)) {
    return absl::InvalidArgumentError(
        absl::StrCat("truncated JPEG: premature end of data after ", job.rows_read, " of ",
                     out.height, " rows (acceptable_fraction ", options.acceptable_fraction, ")"));
  }
  return absl::OkStatus();  // the missing rows stay zero
}

}  // namespace

absl::StatusOr<DecodedImage> DecodeJpeg(absl::string_view data, const JpegDecodeOptions& options) {
  if (options.channels != 0 && options.channels != 1 && options.channels != 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("JPEG channels must be 0, 1 or 3, got ", options.channels));
  }
  if (options.ratio != 1 && options.ratio != 2 && options.ratio != 4 && options.ratio != 8) {
    return absl::InvalidArgumentError(
        absl::StrCat("ratio must be 1, 2, 4 or 8, got ", options.ratio));
  }
  if (data.empty()) return absl::InvalidArgumentError("empty JPEG data");
  DecodedImage image;
  auto job = std::make_unique<JpegJob>();
  job->out = &image;
  Outcome result;
  try {
    result = DecodeProtected(*job, data, options);
  } catch (const std::bad_alloc&) {
    if (job->created) jpeg_destroy_decompress(&job->cinfo);
    return absl::ResourceExhaustedError("out of memory decoding a JPEG image");
  }
  if (job->created) jpeg_destroy_decompress(&job->cinfo);
  if (result == kHeaderTruncated) {
    return absl::InvalidArgumentError("truncated JPEG: the data ends inside the header");
  }
  if (result != kDecoded) {
    return absl::InvalidArgumentError(absl::StrCat("invalid JPEG data: ", job->err.message));
  }
  if (absl::Status s = FinishTruncated(*job, options); !s.ok()) return s;
  return image;
}

}  // namespace savedserve
