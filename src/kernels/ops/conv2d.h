// Conv2D, _FusedConv2D, DepthwiseConv2dNative and _FusedDepthwiseConv2dNative: what their
// attributes mean (ConvSpec, shared with the oneDNN kernels in cpu/) and the portable
// reference kernels. NHWC float32 only.
//   Conv2D filter:    [filter_h, filter_w, in_c, out_c]
//   Depthwise filter: [filter_h, filter_w, in_c, multiplier], output channel c*multiplier+m.
// Fused variants take extra inputs after the filter (see fused_epilogue.h).
#pragma once

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "base/thread_pool.h"
#include "kernels/op_kernel.h"
#include "kernels/ops/conv_util.h"
#include "kernels/ops/fused_epilogue.h"

namespace savedserve {

struct ConvSpec {
  WindowAttrs window;
  bool depthwise = false;
  bool fused = false;  // op name starts with "_Fused"
  FusedOps fused_ops;  // meaningful when `fused`

  // Reads and checks the attributes (T must be float).
  static absl::StatusOr<ConvSpec> Parse(const KernelConstruction& c, bool depthwise);
  // Checks the filter against the input and computes the output geometry.
  absl::StatusOr<WindowGeometry> Geometry(const TensorShape& input,
                                          const TensorShape& filter) const;
  // 2 * multiply-adds of the convolution (the fused tail is not counted).
  int64_t Flops(const TensorShape& input, const TensorShape& filter) const;
};

// Direct convolution cores; `output` gets every element written. Exposed for tests.
void ReferenceConv2DCore(const WindowGeometry& g, const float* input, const float* filter,
                         float* output, ThreadPool* pool);
void ReferenceDepthwiseConv2DCore(const WindowGeometry& g, const float* input, const float* filter,
                                  float* output, ThreadPool* pool);

// The reference kernel for any of the four ops.
absl::StatusOr<std::unique_ptr<OpKernel>> CreateReferenceConvKernel(const KernelConstruction& c,
                                                                    bool depthwise);

// Validates the fused args of a conv/matmul node at run time and applies the epilogue to
// `output` ([rows, channels]). Used by reference kernels and by oneDNN ones whose tail could
// not be folded at creation.
absl::Status RunFusedEpilogue(const KernelContext& ctx, const FusedOps& ops, int first_arg,
                              Tensor* output, ThreadPool* pool);

}  // namespace savedserve
