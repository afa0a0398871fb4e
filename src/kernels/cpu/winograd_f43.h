// A 3x3, stride-1, dilation-1 convolution as Winograd F(4x4, 3x3) on AVX-512, over blocked
// nChw16c activations (ops/blocked_layout.h), for bands of rows (cpu/banded_chain_onednn.cc).
//
// Y = A^T [(G g G^T) . (B^T d B)] A with Lavin & Gray's matrices (points 0, +-1, +-2, inf):
// each 4x4 output tile reads a 6x6 input tile, and the 36 products of a tile are 36
// independent GEMMs over the input channels, M[xi][tile][oc] = sum_ic V[xi][tile][ic] *
// U[xi][ic][oc]. Unlike oneDNN's Winograd, which keeps the transformed weights of every output
// channel plus the transformed input and output of the whole band in its scratchpad, this
// one keeps only the filter itself (HWIO, shared, not copied) and, per call, transforms the
// weights of 64 input x up to 64 output channels at a time (0.6 MB), running the band's
// tiles against it in groups of 12 whose transformed input and products stay in L2. Scratch
// is 0.8 MB per thread whatever the band and channels (ScratchBytes); SSD300's band shapes
// run 1.14-1.8x as fast as oneDNN's Winograd with its weights transformed per call, as
// savedserve runs it (numbers in conv2d_onednn.h).
//
// Rounding: like oneDNN's Winograd, a few 1e-6 of the output's range: at most 2.6e-6 on
// activation-like inputs, 5.8e-6 on signed ones (winograd_f43_test.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "kernels/ops/fused_epilogue.h"
#include "tensor/tensor.h"

namespace savedserve {

// Immutable after Create; Run may be called concurrently (each call with its own scratch).
class WinogradF43Conv {
 public:
  // Whether this CPU can run it (AVX-512F); Create fails otherwise.
  static bool Supported();

  // `hwio_filter`: float [3, 3, IC, OC] (TensorFlow's layout), IC and OC multiples of 16.
  // `bias`: null or OC floats. `activation`: kNone, kRelu, kRelu6 or kLeakyRelu (with
  // `leakyrelu_alpha`); others are Unimplemented, so the caller can fall back. Shares the
  // filter's buffer (no copy: it must not be modified after) and copies the bias.
  static absl::StatusOr<std::unique_ptr<WinogradF43Conv>> Create(const Tensor& hwio_filter,
                                                                 const Tensor* bias,
                                                                 Activation activation,
                                                                 float leakyrelu_alpha = 0.2f);

  // A band of rows: input [batch][IC/16][in_rows][in_w][16] holding the rows' halo (no
  // padding along rows: out_rows = in_rows - 2); pad_left / pad_right (0 or 1) zero columns
  // on each side: out_w = in_w + pad_left + pad_right - 2. Output [batch][OC/16][out_rows]
  // [out_w][16].
  struct Band {
    int64_t batch = 1, in_rows = 0, in_w = 0, pad_left = 1, pad_right = 1;
    int64_t out_rows() const { return in_rows - 2; }
    int64_t out_w() const { return in_w + pad_left + pad_right - 2; }
  };

  int64_t in_channels() const { return in_c_; }
  int64_t out_channels() const { return out_c_; }
  // The bytes Run needs as `scratch` for this band on up to `threads` threads.
  size_t ScratchBytes(const Band& band, int threads) const;
  // Computes the band on an OpenMP team of `threads` (fewer if the runtime gives fewer).
  // `scratch`: ScratchBytes(band, threads) bytes, 64-byte aligned, owned by the caller.
  // REQUIRES: out_rows >= 1, out_w >= 1, pads in {0, 1}.
  void Run(const Band& band, const float* src, float* dst, void* scratch, int threads) const;

  // 2 * multiply-adds of the direct convolution of `band` (what "effective GFLOP/s" counts).
  int64_t DirectFlops(const Band& band) const {
    return 2 * 9 * in_c_ * out_c_ * band.batch * band.out_rows() * band.out_w();
  }

 private:
  WinogradF43Conv(Tensor filter, std::vector<float> bias, int64_t in_c, int64_t out_c,
                  Activation activation, float alpha);

  const Tensor filter_;            // [3][3][IC][OC], shared with the caller's
  const std::vector<float> bias_;  // OC floats, or empty
  const int64_t in_c_, out_c_;
  const Activation activation_;
  const float alpha_;
};

}  // namespace savedserve
