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

// Where 3x3 stride-1 convolutions (with enough channels) use Winograd F(4x4, 3x3) instead of
// direct convolution. Winograd does about 2x fewer multiplications (SSD300's convolutions:
// 141 ms instead of 284 ms on 2 Zen 4 cores, bench/kernels_bench.cc) with slightly larger
// rounding error (at most ~2.5e-6 of the output range on the shapes in conv2d_onednn_test.cc
// and winograd_f43_test.cc). What runs it:
//   - stages of a _BandedChain (banded_chain_onednn.cc, e.g. SSD300's blocks 1-3): our own
//     Winograd (winograd_f43.h) where it applies: 0.8 MB of scratch per thread and the
//     filter shared, not copied. On SSD300's band shapes (bench/kernels_bench.cc
//     WinogradBand/*, best of 3 runs on a busy machine, 1 thread, effective GFLOP/s):
//       64->64 16x300   378, oneDNN's Winograd 213 (12 MB scratch), direct 116
//       64->128 20x150  366,                   269 (13 MB),                117
//       128->128 20x150 365,                   265 (16 MB),                115
//       128->256 28x75  348,                   282 (18 MB),                116
//       256->256 28x75  338,                   297 (26 MB),                115
//     At 2 threads (best of 3 in a quiet moment): ours 734, 732, 736, 711, 701; oneDNN's
//     Winograd 604, 635, 492, 593, 587; direct ~234 (99% of the FMA peak).
//   - other convolutions (and stages ours cannot run): oneDNN's Winograd, which transforms
//     the weights on each call (onednn::kWinogradPropKind) into a scratchpad of up to tens of
//     MB per running request (25.5 MB for a 256->256 band of 28x75).
// SSD300 under `savedserve bench` (batch 1, 2 threads), peak RSS (weights: 100 MiB):
//   kNone:  direct only; ~158 MiB, what loading the model peaks at anyway
//   kLarge: only on images of >= kWinogradMinPixels output pixels (SSD300's blocks 1-3,
//           all in chains, so all ours): ~158 MiB, as kNone (with oneDNN's Winograd
//           there: 176-181 MiB). The default.
//   kAll:   wherever it is faster; ~195 MiB (oneDNN's Winograd outside chains too)
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
