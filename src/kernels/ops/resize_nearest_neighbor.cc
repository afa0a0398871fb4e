// ResizeNearestNeighbor: images [batch, height, width, channels] resized to `size` =
// [new_height, new_width] (int32) by copying, for each output pixel, the input pixel TF picks;
// the output has the input's type. Source indices in single precision, as TF computes them,
// with scale = ResizeScale(in, out, align_corners):
//   legacy:             min(floor(i * scale), in - 1)
//   align_corners:      min(round(i * scale), in - 1)      (halves away from zero)
//   half_pixel_centers: max(min(floor((i + 0.5) * scale), in - 1), 0)
// (No "- 0.5" in the half-pixel mapping: TF folds it into the floor, unlike bilinear's.)
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/resize_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

std::vector<int64_t> NearestIndices(int64_t in_size, int64_t out_size,
                                    const ResizeOptions& options) {
  const float scale = ResizeScale(in_size, out_size, options.align_corners);
  std::vector<int64_t> indices(out_size);
  for (int64_t i = 0; i < out_size; ++i) {
    const float source = options.half_pixel_centers ? (static_cast<float>(i) + 0.5f) * scale
                                                    : static_cast<float>(i) * scale;
    int64_t index =
        static_cast<int64_t>(options.align_corners ? std::round(source) : std::floor(source));
    index = std::min(index, in_size - 1);
    if (options.half_pixel_centers) index = std::max<int64_t>(index, 0);
    indices[i] = index;
  }
  return indices;
}

class ResizeNearestNeighborKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<ResizeNearestNeighborKernel>();
    ASSIGN_OR_RETURN(k->options_, ParseResizeAttrs(c));
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor images, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor size, ctx.input(1));
    if (!DTypeIn<NumberTypes>(images.dtype())) return UnsupportedType(ctx, images.dtype());
    ASSIGN_OR_RETURN(ResizeShape r, ReadResizeShape(ctx, images, size, options_));
    // Single-precision source coordinates are exact only below 2^24.
    constexpr int64_t kMaxInputDim = int64_t{1} << 24;
    if (r.in.height >= kMaxInputDim || r.in.width >= kMaxInputDim) {
      return ctx.Error("nearest neighbor requires input height and width below 2^24");
    }
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, images.dtype(), r.output_shape(),
                                                  /*for_overwrite=*/true));
    if (out->num_elements() == 0) return absl::OkStatus();
    // The source index tables hold 8 bytes per output row and column: for a one-channel
    // uint8 output as wide as `size` allows they outgrow the output, so refuse clearly
    // instead of letting bad_alloc escape.
    std::vector<int64_t> ys, xs;
    try {
      ys = NearestIndices(r.in.height, r.out_height, options_);
      xs = NearestIndices(r.in.width, r.out_width, options_);
    } catch (const std::bad_alloc&) {
      return absl::ResourceExhaustedError(
          absl::StrCat(ctx.node().op(), " '", ctx.node().name(), "': cannot allocate the ",
                       r.out_height, "x", r.out_width, " source index tables"));
    }
    const size_t pixel_bytes = r.in.channels * DataTypeSize(images.dtype());
    const char* in = static_cast<const char*>(images.raw_data());
    char* dst = static_cast<char*>(out->raw_data());
    ParallelFor(ctx, r.in.batch * r.out_height, r.out_width * r.in.channels,
                [&](int64_t begin, int64_t end) {
                  for (int64_t row = begin; row < end; ++row) {  // row = b * out_height + y
                    const int64_t b = row / r.out_height, y = row % r.out_height;
                    const char* src_row = in + (b * r.in.height + ys[y]) * r.in.width * pixel_bytes;
                    char* out_row = dst + row * r.out_width * pixel_bytes;
                    for (int64_t x = 0; x < r.out_width; ++x) {
                      std::memcpy(out_row + x * pixel_bytes, src_row + xs[x] * pixel_bytes,
                                  pixel_bytes);
                    }
                  }
                });
    return absl::OkStatus();
  }

 private:
  ResizeOptions options_;
};

SS_REGISTER_KERNEL("ResizeNearestNeighbor", kReference, CreateKernel<ResizeNearestNeighborKernel>);

}  // namespace
}  // namespace savedserve
