// Conv2D, _FusedConv2D, DepthwiseConv2dNative and _FusedDepthwiseConv2dNative: what their
// attributes mean (ConvSpec, shared with the oneDNN kernels in cpu/) and the portable
// reference kernels. NHWC float32 only.
//   Conv2D filter:    [filter_h, filter_w, in_c, out_c]
//   Depthwise filter: [filter_h, filter_w, in_c, multiplier], output channel c*multiplier+m.
// Fused variants take extra inputs after the filter (see fused_epilogue.h).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "base/thread_pool.h"
#include "kernels/op_kernel.h"
#include "kernels/ops/conv_util.h"
#include "kernels/ops/fused_epilogue.h"

namespace savedserve {

struct ConvSpec {
  WindowAttrs window;
  bool depthwise = false;
  bool fused = false;  // op name starts with "_Fused"
  FusedOps fused_ops;  // meaningful when `fused`

  // Reads and checks the attributes (T must be float).
  static absl::StatusOr<ConvSpec> Parse(const KernelConstruction& c, bool depthwise);
  // Checks the filter against the input and computes the output geometry.
  absl::StatusOr<WindowGeometry> Geometry(const TensorShape& input,
                                          const TensorShape& filter) const;
  // 2 * multiply-adds of the convolution (the fused tail is not counted).
  int64_t Flops(const TensorShape& input, const TensorShape& filter) const;
};

// The loop both reference convolutions share: for every output pixel (its out_c outputs
// zeroed first) and every filter tap whose input pixel lies inside the image, calls
// tap(out, in, tap_index) with `out` at the pixel's outputs, `in` at the input pixel's in_c
// channels and tap_index = ky * window_w + kx. Output rows are split over `pool` (may be
// null) with `cost_per_row` as the work estimate.
template <typename TapFn>
void ForEachConvTap(const WindowGeometry& g, const float* input, float* output, ThreadPool* pool,
                    int64_t cost_per_row, const TapFn& tap) {
  auto rows = [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {  // row = n * out_h + y
      const int64_t n = row / g.out_h, y = row % g.out_h;
      for (int64_t x = 0; x < g.out_w; ++x) {
        float* out = output + (row * g.out_w + x) * g.out_c;
        std::fill(out, out + g.out_c, 0.0f);
        for (int64_t ky = 0; ky < g.window_h; ++ky) {
          const int64_t iy = y * g.stride_h - g.pad_top + ky * g.dilation_h;
          if (iy < 0 || iy >= g.in_h) continue;
          for (int64_t kx = 0; kx < g.window_w; ++kx) {
            const int64_t ix = x * g.stride_w - g.pad_left + kx * g.dilation_w;
            if (ix < 0 || ix >= g.in_w) continue;
            tap(out, input + ((n * g.in_h + iy) * g.in_w + ix) * g.in_c, ky * g.window_w + kx);
          }
        }
      }
    }
  };
  if (pool == nullptr) {
    rows(0, g.batch * g.out_h);
  } else {
    pool->ParallelFor(g.batch * g.out_h, cost_per_row, rows);
  }
}

// Direct convolution cores; `output` gets every element written. Exposed for tests.
void ReferenceConv2DCore(const WindowGeometry& g, const float* input, const float* filter,
                         float* output, ThreadPool* pool);
void ReferenceDepthwiseConv2DCore(const WindowGeometry& g, const float* input, const float* filter,
                                  float* output, ThreadPool* pool);

// The reference kernel for any of the four ops.
absl::StatusOr<std::unique_ptr<OpKernel>> CreateReferenceConvKernel(const KernelConstruction& c,
                                                                    bool depthwise);

// Validates the fused args of a conv/matmul node at run time and applies the epilogue to
// `output` ([rows, channels]). Used by reference kernels and by oneDNN ones whose tail could
// not be folded at creation.
absl::Status RunFusedEpilogue(const KernelContext& ctx, const FusedOps& ops, int first_arg,
                              Tensor* output, ThreadPool* pool);

}  // namespace savedserve
