// ResizeBilinear: images [batch, height, width, channels] of any real type, resized to
// `size` = [new_height, new_width] (int32) by bilinear interpolation; the output is float.
// `align_corners` and `half_pixel_centers` choose TF's coordinate mapping (see
// ComputeResizeTaps in image_util.h).
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/image_util.h"
#include "kernels/ops/resize_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class ResizeBilinearKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<ResizeBilinearKernel>();
    ASSIGN_OR_RETURN(k->options_, ParseResizeAttrs(c));
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor images, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor size, ctx.input(1));
    ASSIGN_OR_RETURN(ResizeShape r, ReadResizeShape(ctx, images, size, options_));
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, tensorflow::DT_FLOAT, r.output_shape()));
    if (out->num_elements() == 0) return absl::OkStatus();
    const bool ok = VisitDType<NumberTypes>(images.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      ResizeBilinear(images.data<T>(), r.in, r.out_height, r.out_width, options_,
                     out->data<float>());
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
