// Conv2DBackpropInput: the gradient of Conv2D with respect to its input, which is how Keras'
// Conv2DTranspose (and tf.nn.conv2d_transpose) writes a transposed convolution:
//   inputs:  input_sizes  int32 [4] = the forward input's NHWC shape (or [2] = its H, W: batch
//                         from out_backprop, channels from the filter),
//            filter       [filter_h, filter_w, in_c, out_c] (the forward convolution's),
//            out_backprop [batch, out_h, out_w, out_c];
//   output:  [batch, in_h, in_w, in_c], the adjoint of Conv2D with the same strides, padding
//            (SAME, VALID, EXPLICIT) and dilations over an input of input_sizes:
//            output[n, iy, ix, c] = sum over taps (ky, kx) and output pixels (oy, ox) with
//            iy = oy * stride_h - pad_top + ky * dilation_h (and likewise x) of
//            filter[ky, kx, c, o] * out_backprop[n, oy, ox, o].
// NHWC float32 only. This header holds what the reference kernel (ops/) and the oneDNN one
// (cpu/) share. Pure functions; safe for concurrent use.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "base/thread_pool.h"
#include "kernels/op_kernel.h"
#include "kernels/ops/conv_util.h"

namespace savedserve {

struct ConvBackpropInputSpec {
  WindowAttrs window;

  // Reads and checks the attributes (T must be float; 3 inputs).
  static absl::StatusOr<ConvBackpropInputSpec> Parse(const KernelConstruction& c);
  // The forward input's dims from the values of input_sizes (TF's 4- or 2-element forms).
  static absl::StatusOr<std::vector<int64_t>> InputDims(const std::vector<int64_t>& input_sizes,
                                                        const TensorShape& filter,
                                                        const TensorShape& out_backprop);
  // The geometry of the forward convolution over `input`, checked against the filter and
  // out_backprop as TensorFlow does (same batch, depths, and out_backprop's spatial size
  // equal to the one the forward convolution computes).
  absl::StatusOr<WindowGeometry> Geometry(const TensorShape& input, const TensorShape& filter,
                                          const TensorShape& out_backprop) const;
};

// Reads input_sizes (ctx input 0) and returns the geometry for these filter and out_backprop
// shapes; errors name the node.
absl::StatusOr<WindowGeometry> ConvBackpropInputGeometry(const KernelContext& ctx,
                                                         const ConvBackpropInputSpec& spec,
                                                         const Tensor& input_sizes,
                                                         const TensorShape& filter,
                                                         const TensorShape& out_backprop);

// 2 * multiply-adds (the forward convolution's), from the filter and out_backprop shapes.
int64_t ConvBackpropInputFlops(const TensorShape& filter, const TensorShape& out_backprop);

// The reference core: every element of `in_backprop` ([batch, in_h, in_w, in_c]) written.
// Gathers per input pixel (rather than scattering per output pixel), so rows split over
// `pool` (may be null) write disjoint memory.
void ReferenceConv2DBackpropInputCore(const WindowGeometry& g, const float* out_backprop,
                                      const float* filter, float* in_backprop, ThreadPool* pool);

}  // namespace savedserve
