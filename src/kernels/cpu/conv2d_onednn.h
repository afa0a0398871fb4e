// oneDNN kernels for Conv2D / _FusedConv2D (depthwise=false) and DepthwiseConv2dNative /
// _FusedDepthwiseConv2dNative (depthwise=true). See conv2d_onednn.cc for the layout and
// weight-packing decisions. The kernels implement onednn::Introspectable.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kernels/op_kernel.h"
#include "kernels/ops/conv_util.h"

namespace savedserve {

absl::StatusOr<std::unique_ptr<OpKernel>> CreateOneDnnConvKernel(const KernelConstruction& c,
                                                                 bool depthwise);

// Where 3x3 stride-1 convolutions (with enough channels) use oneDNN's Winograd F(4x4, 3x3)
// instead of direct convolution. Winograd does about 2x fewer multiplications (SSD300's
// convolutions: 141 ms instead of 284 ms on 2 Zen 4 cores, bench/kernels_bench.cc) with
// slightly larger rounding error (at most ~2.5e-6 of the output range on the shapes in
// conv2d_onednn_test.cc). It transforms the weights on each call (onednn::kWinogradPropKind)
// into a scratchpad of up to tens of MB per running request. Served SSD300
// (bench/ssd300_bench.sh, 2 threads):
//   kNone:  direct only; ~175 MiB peak RSS, ~320 ms per image
//   kLarge: only on images of >= kWinogradMinPixels output pixels, where the work saved per
//           byte of scratchpad is largest (SSD300's blocks 1-3, not 4-5);
//           ~195 MiB, ~245 ms. The default.
//   kAll:   wherever it is faster; ~220 MiB, ~205 ms
enum class WinogradPolicy { kNone, kLarge, kAll };
inline constexpr int64_t kWinogradMinPixels = 2048;
// Affects primitives created after the call. Thread-safe.
void SetWinogradPolicy(WinogradPolicy policy);
WinogradPolicy GetWinogradPolicy();
// "none", "large" or "all" (also "false" = none, "true" = all); InvalidArgument otherwise.
absl::StatusOr<WinogradPolicy> ParseWinogradPolicy(absl::string_view name);
// Whether a (non-depthwise) convolution of this geometry runs as Winograd under the current
// policy: 3x3, stride and dilation 1, enough channels and output pixels.
bool WinogradPays(const WindowGeometry& g);

// Whether this CPU's oneDNN convolutions and pools run blocked nChw16c activations
// (ops/blocked_layout.h) natively: AVX-512. The serving graph then keeps runs of them
// blocked (runtime/blocked_layout.h).
bool PreferBlockedActivations();

}  // namespace savedserve
