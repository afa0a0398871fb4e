// Conv3D: NDHWC float32 input [batch, in_d, in_h, in_w, in_c] convolved with a filter
// [filter_d, filter_h, filter_w, in_c, out_c]; strides and dilations are 5-element NDHWC lists
// (1 for batch and channels), padding SAME or VALID with TF's per-dimension rule
// (conv_util.h's ComputeWindowDim). What the reference kernel (ops/) and the oneDNN one (cpu/)
// share. Pure functions; safe for concurrent use.
#pragma once

#include <array>
#include <cstdint>

#include "absl/status/statusor.h"
#include "base/thread_pool.h"
#include "kernels/op_kernel.h"
#include "kernels/ops/conv_util.h"

namespace savedserve {

// Everything a 3-D convolution needs for one input shape; index 0, 1, 2 = depth, height,
// width.
struct Conv3DGeometry {
  int64_t batch = 0, in_c = 0, out_c = 0;
  std::array<int64_t, 3> in{}, window{}, out{}, stride{}, dilation{}, pad_before{}, pad_after{};

  TensorShape output_shape() const { return TensorShape({batch, out[0], out[1], out[2], out_c}); }
  // 2 * multiply-adds.
  int64_t Flops() const;
};

struct Conv3DSpec {
  std::array<int64_t, 3> strides{1, 1, 1}, dilations{1, 1, 1};
  Padding padding = Padding::kValid;

  // Reads and checks the attributes (T float, NDHWC, SAME or VALID; 2 inputs).
  static absl::StatusOr<Conv3DSpec> Parse(const KernelConstruction& c);
  // Checks the input and filter shapes and computes the output geometry.
  absl::StatusOr<Conv3DGeometry> Geometry(const TensorShape& input,
                                          const TensorShape& filter) const;
};

// The direct convolution; every element of `output` is written. Output rows are split over
// `pool` (may be null).
void ReferenceConv3DCore(const Conv3DGeometry& g, const float* input, const float* filter,
                         float* output, ThreadPool* pool);

}  // namespace savedserve
