// CropAndResize: crops boxes out of a batch of images and resamples each to `crop_size`.
//   inputs: image [batch, height, width, depth] (any real type), boxes [n, 4] float
//           (y1, x1, y2, x2, normalised: 0 and 1 are the first and last pixel centres;
//           y1 > y2 flips the crop), box_ind [n] int32 (which image), crop_size [2] int32
//   attrs:  method "bilinear" | "nearest", extrapolation_value (for samples outside)
//   output: [n, crop_height, crop_width, depth] float
// A crop of size 1 along an axis samples the box's centre, as TensorFlow does.
#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/image_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

struct CropGeometry {
  int64_t height, width, depth;  // of each input image
  int64_t crop_height, crop_width;
};

// Source coordinate of output index i along an axis of `size` pixels for box edges
// [lo, hi] mapped onto `crop` samples.
float SourceCoord(float lo, float hi, int64_t i, int64_t size, int64_t crop) {
  if (crop > 1) {
    const float scale = (hi - lo) * static_cast<float>(size - 1) / static_cast<float>(crop - 1);
    return lo * static_cast<float>(size - 1) + static_cast<float>(i) * scale;
  }
  return static_cast<float>(0.5 * (lo + hi) * static_cast<double>(size - 1));
}

template <typename T>
void CropOneBox(const T* image, const float* box, const CropGeometry& g, bool bilinear,
                float extrapolation, float* out) {
  const int64_t d = g.depth;
  auto pixel = [&](int64_t y, int64_t x) { return image + (y * g.width + x) * d; };
  for (int64_t y = 0; y < g.crop_height; ++y) {
    const float in_y = SourceCoord(box[0], box[2], y, g.height, g.crop_height);
    for (int64_t x = 0; x < g.crop_width; ++x, out += d) {
      const float in_x = SourceCoord(box[1], box[3], x, g.width, g.crop_width);
      if (in_y < 0 || in_y > g.height - 1 || in_x < 0 || in_x > g.width - 1) {
        for (int64_t k = 0; k < d; ++k) out[k] = extrapolation;
        continue;
      }
      if (!bilinear) {
        const T* p = pixel(std::lround(in_y), std::lround(in_x));
        for (int64_t k = 0; k < d; ++k) out[k] = SampleToFloat(p[k]);
        continue;
      }
      const int64_t top = static_cast<int64_t>(std::floor(in_y));
      const int64_t bottom = static_cast<int64_t>(std::ceil(in_y));
      const int64_t left = static_cast<int64_t>(std::floor(in_x));
      const int64_t right = static_cast<int64_t>(std::ceil(in_x));
      const float y_lerp = in_y - static_cast<float>(top);
      const float x_lerp = in_x - static_cast<float>(left);
      const T *tl = pixel(top, left), *tr = pixel(top, right);
      const T *bl = pixel(bottom, left), *br = pixel(bottom, right);
      for (int64_t k = 0; k < d; ++k) {
        const float t =
            SampleToFloat(tl[k]) + (SampleToFloat(tr[k]) - SampleToFloat(tl[k])) * x_lerp;
        const float b =
            SampleToFloat(bl[k]) + (SampleToFloat(br[k]) - SampleToFloat(bl[k])) * x_lerp;
        out[k] = t + (b - t) * y_lerp;
      }
    }
  }
}

class CropAndResizeKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<CropAndResizeKernel>();
    ASSIGN_OR_RETURN(std::string method, c.GetAttrOr<std::string>("method", "bilinear"));
    if (method != "bilinear" && method != "nearest") {
      return c.Error(absl::StrCat("method must be 'bilinear' or 'nearest', got '", method, "'"));
    }
    k->bilinear_ = method == "bilinear";
    ASSIGN_OR_RETURN(k->extrapolation_, c.GetAttrOr<float>("extrapolation_value", 0.0f));
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor image, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor boxes, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor box_ind, ctx.input(2));
    ASSIGN_OR_RETURN(Tensor crop_size, ctx.input(3));
    ASSIGN_OR_RETURN(CropGeometry g, CheckInputs(ctx, image, boxes, box_ind, crop_size));
    const int64_t n = boxes.shape().dim(0);
    ASSIGN_OR_RETURN(std::vector<int64_t> which, ReadIndexValues(ctx, box_ind, "box_ind"));
    const float* box = boxes.data<float>();
    for (int64_t i = 0; i < n; ++i) {
      if (which[i] < 0 || which[i] >= image.shape().dim(0)) {
        return absl::OutOfRangeError(absl::StrCat(ctx.node().op(), " '", ctx.node().name(),
                                                  "': box_ind has values outside [0, batch)"));
      }
      for (int j = 0; j < 4; ++j) {
        if (!std::isfinite(box[4 * i + j])) return ctx.Error("boxes contain non-finite values");
      }
    }
    ASSIGN_OR_RETURN(Tensor * out,
                     AllocateOutput(ctx, 0, tensorflow::DT_FLOAT,
                                    TensorShape({n, g.crop_height, g.crop_width, g.depth})));
    const int64_t image_size = g.height * g.width * g.depth;
    const int64_t crop_elems = g.crop_height * g.crop_width * g.depth;
    const bool ok = VisitDType<NumberTypes>(image.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      for (int64_t i = 0; i < n; ++i) {
        CropOneBox(image.data<T>() + which[i] * image_size, box + 4 * i, g, bilinear_,
                   extrapolation_, out->data<float>() + i * crop_elems);
      }
    });
    if (!ok) return UnsupportedType(ctx, image.dtype());
    return absl::OkStatus();
  }

 private:
  static absl::StatusOr<CropGeometry> CheckInputs(const KernelContext& ctx, const Tensor& image,
                                                  const Tensor& boxes, const Tensor& box_ind,
                                                  const Tensor& crop_size) {
    const TensorShape& s = image.shape();
    if (s.rank() != 4 || s.dim(1) <= 0 || s.dim(2) <= 0) {
      return ctx.Error(
          absl::StrCat("image must be 4-D with positive height and width, got ", s.DebugString()));
    }
    if (boxes.dtype() != tensorflow::DT_FLOAT || boxes.shape().rank() != 2 ||
        boxes.shape().dim(1) != 4) {
      return ctx.Error(
          absl::StrCat("boxes must be float [num_boxes, 4], got ", boxes.shape().DebugString()));
    }
    if (box_ind.shape().rank() != 1 || box_ind.shape().dim(0) != boxes.shape().dim(0)) {
      return ctx.Error(absl::StrCat("box_ind must be [", boxes.shape().dim(0), "], got ",
                                    box_ind.shape().DebugString()));
    }
    if (crop_size.shape().rank() != 1 || crop_size.num_elements() != 2) {
      return ctx.Error("crop_size must be a 1-D tensor of 2 elements");
    }
    ASSIGN_OR_RETURN(std::vector<int64_t> hw, ReadIndexValues(ctx, crop_size, "crop_size"));
    if (hw[0] <= 0 || hw[1] <= 0) return ctx.Error("crop dimensions must be positive");
    return CropGeometry{s.dim(1), s.dim(2), s.dim(3), hw[0], hw[1]};
  }

  bool bilinear_ = true;
  float extrapolation_ = 0.0f;
};

SS_REGISTER_KERNEL("CropAndResize", kReference, CreateKernel<CropAndResizeKernel>);

}  // namespace
}  // namespace savedserve
