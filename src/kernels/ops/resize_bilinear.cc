// ResizeBilinear: images [batch, height, width, channels] of any real type, resized to
// `size` = [new_height, new_width] (int32) by bilinear interpolation; the output is float.
// `align_corners` and `half_pixel_centers` choose TF's coordinate mapping (see
// ComputeResizeTaps in image_util.h).
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/image_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class ResizeBilinearKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<ResizeBilinearKernel>();
    ASSIGN_OR_RETURN(k->options_.align_corners, c.GetAttrOr<bool>("align_corners", false));
    ASSIGN_OR_RETURN(k->options_.half_pixel_centers,
                     c.GetAttrOr<bool>("half_pixel_centers", false));
    if (k->options_.align_corners && k->options_.half_pixel_centers) {
      return c.Error("if half_pixel_centers is true, align_corners must be false");
    }
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor images, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor size, ctx.input(1));
    if (images.shape().rank() != 4) {
      return ctx.Error(
          absl::StrCat("images must be 4-dimensional, got shape ", images.shape().DebugString()));
    }
    if (size.shape().rank() != 1 || size.num_elements() != 2) {
      return ctx.Error(absl::StrCat("size must be a 1-D tensor of 2 elements, got shape ",
                                    size.shape().DebugString()));
    }
    ASSIGN_OR_RETURN(std::vector<int64_t> hw, ReadIndexValues(ctx, size, "size"));
    const ImageBatchShape in{images.shape().dim(0), images.shape().dim(1), images.shape().dim(2),
                             images.shape().dim(3)};
    if (absl::Status s = CheckResize(in, hw[0], hw[1], options_); !s.ok()) {
      return ctx.Error(s.message());
    }
    ASSIGN_OR_RETURN(Tensor * out,
                     AllocateOutput(ctx, 0, tensorflow::DT_FLOAT,
                                    TensorShape({in.batch, hw[0], hw[1], in.channels})));
    if (out->num_elements() == 0) return absl::OkStatus();
    const bool ok = VisitDType<NumberTypes>(images.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      ResizeBilinear(images.data<T>(), in, hw[0], hw[1], options_, out->data<float>());
    });
    if (!ok) return UnsupportedType(ctx, images.dtype());
    return absl::OkStatus();
  }

 private:
  ResizeOptions options_;
};

SS_REGISTER_KERNEL("ResizeBilinear", kReference, CreateKernel<ResizeBilinearKernel>);

}  // namespace
}  // namespace savedserve
