// oneDNN kernels for DepthwiseConv2dNative and _FusedDepthwiseConv2dNative: a grouped
// convolution with one group per input channel (the kernel class is in conv2d_onednn.cc).
#include "kernels/cpu/conv2d_onednn.h"
#include "kernels/registry.h"

namespace savedserve {

SS_REGISTER_KERNEL("DepthwiseConv2dNative", kOptimized,
                   [](const KernelConstruction& c) { return CreateOneDnnConvKernel(c, true); });
SS_REGISTER_KERNEL("_FusedDepthwiseConv2dNative", kOptimized,
                   [](const KernelConstruction& c) { return CreateOneDnnConvKernel(c, true); });

}  // namespace savedserve
