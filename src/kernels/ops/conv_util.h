// Window geometry shared by the convolution and pooling kernels (Conv2D, _FusedConv2D,
// DepthwiseConv2dNative, MaxPool, AvgPool) in both their reference and oneDNN variants.
// TensorFlow's padding rules live here and only here:
//   VALID:    out = ceil((in - effective_k + 1) / stride), no padding.
//   SAME:     out = ceil(in / stride); total = max((out - 1) * stride + effective_k - in, 0);
//             before = total / 2, after = total - before.
//   EXPLICIT: out = (in + before + after - effective_k) / stride + 1 (floor).
// with effective_k = (k - 1) * dilation + 1. Pure functions; safe for concurrent use.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "kernels/op_kernel.h"
#include "tensor/shape.h"

namespace savedserve {

enum class Padding { kValid, kSame, kExplicit };

// Spatial attributes of a 2-D window op, NHWC only.
struct WindowAttrs {
  int64_t window_h = 1, window_w = 1;  // pooling ksize; conv takes it from the filter
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  Padding padding = Padding::kValid;
  std::array<int64_t, 4> explicit_pads{};  // top, bottom, left, right
};

// Reads strides, dilations (when `with_dilations`), padding, explicit_paddings and
// data_format. NCHW is Unimplemented; non-unit batch/channel strides are InvalidArgument.
absl::StatusOr<WindowAttrs> ParseConvAttrs(const KernelConstruction& c, bool with_dilations);
// As ParseConvAttrs plus `ksize`, for MaxPool / AvgPool (windows over batch or channels are
// Unimplemented).
absl::StatusOr<WindowAttrs> ParsePoolAttrs(const KernelConstruction& c);

// One spatial dimension's output size and padding.
struct WindowDim {
  int64_t out = 0;
  int64_t pad_before = 0;
  int64_t pad_after = 0;
};
absl::StatusOr<WindowDim> ComputeWindowDim(int64_t in, int64_t window, int64_t stride,
                                           int64_t dilation, Padding padding,
                                           int64_t explicit_before, int64_t explicit_after);

// Everything a 2-D NHWC window kernel needs for one input shape.
struct WindowGeometry {
  int64_t batch = 0, in_h = 0, in_w = 0, in_c = 0;
  int64_t window_h = 0, window_w = 0;
  int64_t out_h = 0, out_w = 0, out_c = 0;
  int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;

  TensorShape output_shape() const { return TensorShape({batch, out_h, out_w, out_c}); }
};

// Geometry for a rank-4 NHWC `input`, a window_h x window_w window and `out_c` output
// channels. InvalidArgument when the input is not rank 4 or the output would be empty
// because the window does not fit.
absl::StatusOr<WindowGeometry> ComputeWindowGeometry(const WindowAttrs& attrs,
                                                     const TensorShape& input, int64_t window_h,
                                                     int64_t window_w, int64_t out_c);

}  // namespace savedserve
