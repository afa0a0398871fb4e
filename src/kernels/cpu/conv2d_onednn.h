// oneDNN kernels for Conv2D / _FusedConv2D (depthwise=false) and DepthwiseConv2dNative /
// _FusedDepthwiseConv2dNative (depthwise=true). See conv2d_onednn.cc for the layout and
// weight-packing decisions. The kernels implement onednn::Introspectable.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "kernels/op_kernel.h"
#include "kernels/ops/conv_util.h"

namespace savedserve {

absl::StatusOr<std::unique_ptr<OpKernel>> CreateOneDnnConvKernel(const KernelConstruction& c,
                                                                 bool depthwise);

// Whether 3x3 stride-1 convolutions with enough channels (see UseWinograd) may use oneDNN's
// Winograd F(4x4, 3x3) (blocked activations, reordered at the kernel boundary) instead of
// direct convolution. On by default: SSD300's convolutions run in 141 ms instead of 284 ms
// on 2 Zen 4 cores (bench/kernels_bench.cc, Ssd300/all_convs*), at the cost
// of slightly larger rounding error (measured at most ~2.5e-6 of the output range on the
// shapes in conv2d_onednn_test.cc). Affects primitives created after the call. Thread-safe.
void SetConvWinogradEnabled(bool enabled);
bool ConvWinogradEnabled();
// Whether a (non-depthwise) convolution of this geometry runs faster as Winograd: enabled,
// 3x3, stride and dilation 1, enough channels and output pixels.
bool WinogradPays(const WindowGeometry& g);

// Whether this CPU's oneDNN convolutions and pools run blocked nChw16c activations
// (ops/blocked_layout.h) natively: AVX-512. The serving graph then keeps runs of them
// blocked (runtime/blocked_layout.h).
bool PreferBlockedActivations();

}  // namespace savedserve
