// oneDNN kernels for Conv2D / _FusedConv2D (depthwise=false) and DepthwiseConv2dNative /
// _FusedDepthwiseConv2dNative (depthwise=true). See conv2d_onednn.cc for the layout and
// weight-packing decisions. The kernels implement onednn::Introspectable.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "kernels/op_kernel.h"

namespace savedserve {

absl::StatusOr<std::unique_ptr<OpKernel>> CreateOneDnnConvKernel(const KernelConstruction& c,
                                                                 bool depthwise);

}  // namespace savedserve
