// What the resize kernels (ResizeBilinear, ResizeNearestNeighbor) share: their attributes and
// TF's checks of `images` ([batch, height, width, channels]) and `size` ([new_height,
// new_width], int32), as TensorFlow's ImageResizerState makes them. Safe for concurrent use.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "kernels/op_kernel.h"
#include "kernels/ops/image_util.h"
#include "tensor/shape.h"

namespace savedserve {

// align_corners and half_pixel_centers (both default false; not both true).
absl::StatusOr<ResizeOptions> ParseResizeAttrs(const KernelConstruction& c);

struct ResizeShape {
  ImageBatchShape in;
  int64_t out_height = 0, out_width = 0;

  TensorShape output_shape() const {
    return TensorShape({in.batch, out_height, out_width, in.channels});
  }
};

// Checks images and size (InvalidArgument naming the node) and returns the geometry.
absl::StatusOr<ResizeShape> ReadResizeShape(const KernelContext& ctx, const Tensor& images,
                                            const Tensor& size, const ResizeOptions& options);

}  // namespace savedserve
