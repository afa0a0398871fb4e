#include "kernels/ops/resize_util.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"

namespace savedserve {

absl::StatusOr<ResizeOptions> ParseResizeAttrs(const KernelConstruction& c) {
  ResizeOptions options;
  ASSIGN_OR_RETURN(options.align_corners, c.GetAttrOr<bool>("align_corners", false));
  ASSIGN_OR_RETURN(options.half_pixel_centers, c.GetAttrOr<bool>("half_pixel_centers", false));
  if (options.align_corners && options.half_pixel_centers) {
    return c.Error("if half_pixel_centers is true, align_corners must be false");
  }
  return options;
}

absl::StatusOr<ResizeShape> ReadResizeShape(const KernelContext& ctx, const Tensor& images,
                                            const Tensor& size, const ResizeOptions& options) {
  if (images.shape().rank() != 4) {
    return ctx.Error(
        absl::StrCat("images must be 4-dimensional, got shape ", images.shape().DebugString()));
  }
  if (size.shape().rank() != 1 || size.num_elements() != 2) {
    return ctx.Error(absl::StrCat("size must be a 1-D tensor of 2 elements, got shape ",
                                  size.shape().DebugString()));
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> hw, ReadIndexValues(ctx, size, "size"));
  const TensorShape& s = images.shape();
  ResizeShape r{{s.dim(0), s.dim(1), s.dim(2), s.dim(3)}, hw[0], hw[1]};
  if (absl::Status status = CheckResize(r.in, r.out_height, r.out_width, options); !status.ok()) {
    return ctx.Error(status.message());
  }
  return r;
}

}  // namespace savedserve
