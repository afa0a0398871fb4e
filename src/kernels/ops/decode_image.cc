// DecodeImage, DecodeJpeg, DecodePng and DecodeBmp: a scalar string of encoded image bytes
// to a [height, width, channels] tensor. As in TensorFlow one kernel serves all four: the
// format is detected from the data, so DecodeJpeg also reads PNG and DecodePng reads JPEG;
// only BMP needs DecodeBmp or DecodeImage. Samples are uint8, or uint16 / float (scaled to
// [0, 1]) where the op has a `dtype`. GIF and WebP are not supported (Unimplemented).
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/image_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class DecodeImageKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<DecodeImageKernel>();
    k->op_ = c.op();
    ASSIGN_OR_RETURN(k->channels_, c.GetAttrOr<int>("channels", 0));
    if (k->channels_ != 0 && k->channels_ != 1 && k->channels_ != 3 && k->channels_ != 4) {
      return c.Error(absl::StrCat("channels must be 0, 1, 3 or 4, got ", k->channels_));
    }
    if (k->op_ == "DecodeJpeg") RETURN_IF_ERROR(k->ReadJpegAttrs(c));
    if (k->op_ == "DecodePng" || k->op_ == "DecodeImage") {
      ASSIGN_OR_RETURN(k->dtype_, c.GetAttrOr<DataType>("dtype", tensorflow::DT_UINT8));
      const bool float_ok = k->op_ == "DecodeImage";
      if (k->dtype_ != tensorflow::DT_UINT8 && k->dtype_ != tensorflow::DT_UINT16 &&
          !(float_ok && k->dtype_ == tensorflow::DT_FLOAT)) {
        return c.Error(absl::StrCat("dtype must be uint8, uint16", float_ok ? " or float" : "",
                                    ", got ", DataTypeName(k->dtype_)));
      }
    }
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor contents, ctx.input(0));
    if (contents.dtype() != tensorflow::DT_STRING || contents.shape().rank() != 0) {
      return ctx.Error(absl::StrCat("contents must be a scalar string, got ",
                                    DataTypeName(contents.dtype()), " ",
                                    contents.shape().DebugString()));
    }
    const std::string& bytes = contents.data<std::string>()[0];
    if (bytes.empty()) return ctx.Error("input is empty");
    absl::StatusOr<DecodedImage> image = Decode(bytes);
    if (!image.ok()) {
      return absl::Status(image.status().code(), absl::StrCat(op_, " '", ctx.node().name(),
                                                              "': ", image.status().message()));
    }
    return WriteOutput(ctx, *image);
  }

 private:
  absl::Status ReadJpegAttrs(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(jpeg_.ratio, c.GetAttrOr<int>("ratio", 1));
    if (jpeg_.ratio != 1 && jpeg_.ratio != 2 && jpeg_.ratio != 4 && jpeg_.ratio != 8) {
      return c.Error(absl::StrCat("ratio must be 1, 2, 4 or 8, got ", jpeg_.ratio));
    }
    ASSIGN_OR_RETURN(jpeg_.fancy_upscaling, c.GetAttrOr<bool>("fancy_upscaling", true));
    ASSIGN_OR_RETURN(jpeg_.try_recover_truncated,
                     c.GetAttrOr<bool>("try_recover_truncated", false));
    ASSIGN_OR_RETURN(jpeg_.acceptable_fraction, c.GetAttrOr<float>("acceptable_fraction", 1.0f));
    ASSIGN_OR_RETURN(std::string dct, c.GetAttrOr<std::string>("dct_method", ""));
    if (!dct.empty() && dct != "INTEGER_FAST" && dct != "INTEGER_ACCURATE") {
      return c.Error("dct_method must be one of '', 'INTEGER_FAST', 'INTEGER_ACCURATE'");
    }
    jpeg_.accurate_dct = dct == "INTEGER_ACCURATE";
    return absl::OkStatus();
  }

  absl::StatusOr<DecodedImage> Decode(absl::string_view bytes) const {
    const ImageFormat format = DetectImageFormat(bytes);
    switch (format) {
      case ImageFormat::kJpeg: {
        if (channels_ == 4) return absl::InvalidArgumentError("JPEG does not support 4 channels");
        JpegDecodeOptions options = jpeg_;
        options.channels = channels_;
        return DecodeJpeg(bytes, options);
      }
      case ImageFormat::kPng: {
        PngDecodeOptions options;
        options.channels = channels_;
        options.bits_per_sample = dtype_ == tensorflow::DT_UINT8 ? 8 : 16;
        return DecodePng(bytes, options);
      }
      case ImageFormat::kBmp:
        if (op_ != "DecodeBmp" && op_ != "DecodeImage") {
          return absl::InvalidArgumentError(
              "BMP data needs DecodeBmp or DecodeImage (tf.io.decode_bmp / decode_image)");
        }
        return DecodeBmp(bytes, channels_);
      case ImageFormat::kGif:
      case ImageFormat::kWebp:
        return absl::UnimplementedError(absl::StrCat(
            ImageFormatName(format), " decoding is not supported (JPEG, PNG and BMP are)"));
      case ImageFormat::kUnknown:
        break;
    }
    return absl::InvalidArgumentError("unknown image file format: JPEG, PNG or BMP required");
  }

  absl::Status WriteOutput(KernelContext& ctx, const DecodedImage& image) const {
    TensorShape shape({image.height, image.width, image.channels});
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, dtype_, shape));
    const int64_t n = image.num_samples();
    const uint8_t* s8 = image.data.data();
    const uint16_t* s16 = image.samples16();
    const bool wide = image.bits_per_sample == 16;
    switch (dtype_) {
      case tensorflow::DT_UINT8:
        std::memcpy(out->raw_data(), s8, n);
        break;
      case tensorflow::DT_UINT16: {
        uint16_t* o = out->data<uint16_t>();
        if (wide) {
          std::memcpy(o, s16, n * sizeof(uint16_t));
        } else {
          for (int64_t i = 0; i < n; ++i) o[i] = static_cast<uint16_t>(s8[i] * 256);
        }
        break;
      }
      default: {  // DT_FLOAT
        float* o = out->data<float>();
        const float scale = wide ? 1.0f / 65535 : 1.0f / 255;
        for (int64_t i = 0; i < n; ++i) o[i] = static_cast<float>(wide ? s16[i] : s8[i]) * scale;
        break;
      }
    }
    return absl::OkStatus();
  }

  std::string op_;
  int channels_ = 0;
  DataType dtype_ = tensorflow::DT_UINT8;
  JpegDecodeOptions jpeg_;  // TF's defaults for DecodeImage / DecodePng reading a JPEG
};

SS_REGISTER_KERNEL("DecodeImage", kReference, CreateKernel<DecodeImageKernel>);
SS_REGISTER_KERNEL("DecodeJpeg", kReference, CreateKernel<DecodeImageKernel>);
SS_REGISTER_KERNEL("DecodePng", kReference, CreateKernel<DecodeImageKernel>);
SS_REGISTER_KERNEL("DecodeBmp", kReference, CreateKernel<DecodeImageKernel>);

}  // namespace
}  // namespace savedserve
