// DepthwiseConv2dNative and _FusedDepthwiseConv2dNative, reference kernel (the shared
// kernel class lives in conv2d.cc; this file holds the depthwise core).
#include <algorithm>

#include "kernels/ops/conv2d.h"
#include "kernels/registry.h"

namespace savedserve {

void ReferenceDepthwiseConv2DCore(const WindowGeometry& g, const float* input, const float* filter,
                                  float* output, ThreadPool* pool) {
  const int64_t ic = g.in_c, oc = g.out_c, multiplier = ic > 0 ? oc / ic : 1;
  auto rows = [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {  // row = n * out_h + y
      const int64_t n = row / g.out_h, y = row % g.out_h;
      for (int64_t x = 0; x < g.out_w; ++x) {
        float* out = output + (row * g.out_w + x) * oc;
        std::fill(out, out + oc, 0.0f);
        for (int64_t ky = 0; ky < g.window_h; ++ky) {
          const int64_t iy = y * g.stride_h - g.pad_top + ky * g.dilation_h;
          if (iy < 0 || iy >= g.in_h) continue;
          for (int64_t kx = 0; kx < g.window_w; ++kx) {
            const int64_t ix = x * g.stride_w - g.pad_left + kx * g.dilation_w;
            if (ix < 0 || ix >= g.in_w) continue;
            const float* in = input + ((n * g.in_h + iy) * g.in_w + ix) * ic;
            const float* f = filter + (ky * g.window_w + kx) * oc;
            if (multiplier == 1) {
              for (int64_t c = 0; c < ic; ++c) out[c] += in[c] * f[c];
            } else {
              for (int64_t o = 0; o < oc; ++o) out[o] += in[o / multiplier] * f[o];
            }
          }
        }
      }
    }
  };
  const int64_t cost = g.out_w * oc * g.window_h * g.window_w;
  if (pool == nullptr) {
    rows(0, g.batch * g.out_h);
  } else {
    pool->ParallelFor(g.batch * g.out_h, cost, rows);
  }
}

SS_REGISTER_KERNEL("DepthwiseConv2dNative", kReference,
                   [](const KernelConstruction& c) { return CreateReferenceConvKernel(c, true); });
SS_REGISTER_KERNEL("_FusedDepthwiseConv2dNative", kReference,
                   [](const KernelConstruction& c) { return CreateReferenceConvKernel(c, true); });

}  // namespace savedserve
