// DepthwiseConv2dNative and _FusedDepthwiseConv2dNative, reference kernel (the shared
// kernel class lives in conv2d.cc; this file holds the depthwise core).
#include "kernels/ops/conv2d.h"
#include "kernels/registry.h"

namespace savedserve {

void ReferenceDepthwiseConv2DCore(const WindowGeometry& g, const float* input, const float* filter,
                                  float* output, ThreadPool* pool) {
  const int64_t ic = g.in_c, oc = g.out_c, multiplier = ic > 0 ? oc / ic : 1;
  const int64_t cost = g.out_w * oc * g.window_h * g.window_w;
  ForEachConvTap(g, input, output, pool, cost, [&](float* out, const float* in, int64_t tap) {
    const float* f = filter + tap * oc;
    if (multiplier == 1) {
      for (int64_t c = 0; c < ic; ++c) out[c] += in[c] * f[c];
    } else {
      for (int64_t o = 0; o < oc; ++o) out[o] += in[o / multiplier] * f[o];
    }
  });
}

SS_REGISTER_KERNEL("DepthwiseConv2dNative", kReference,
                   [](const KernelConstruction& c) { return CreateReferenceConvKernel(c, true); });
SS_REGISTER_KERNEL("_FusedDepthwiseConv2dNative", kReference,
                   [](const KernelConstruction& c) { return CreateReferenceConvKernel(c, true); });

}  // namespace savedserve
