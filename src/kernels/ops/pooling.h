// MaxPool and AvgPool (NHWC, float32): attribute parsing shared with the oneDNN kernels, and
// the reference cores. TF semantics: MaxPool ignores padded positions; AvgPool divides by the
// number of in-bounds elements of each window (SAME padding is not counted).
#pragma once

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "base/thread_pool.h"
#include "kernels/op_kernel.h"
#include "kernels/ops/conv_util.h"

namespace savedserve {

struct PoolSpec {
  WindowAttrs window;
  bool average = false;

  // Reads ksize, strides, padding (and MaxPool's explicit_paddings); T must be float.
  static absl::StatusOr<PoolSpec> Parse(const KernelConstruction& c, bool average);
  absl::StatusOr<WindowGeometry> Geometry(const TensorShape& input) const;
};

// Write every element of `output` (g.output_shape()).
void ReferenceMaxPoolCore(const WindowGeometry& g, const float* input, float* output,
                          ThreadPool* pool);
void ReferenceAvgPoolCore(const WindowGeometry& g, const float* input, float* output,
                          ThreadPool* pool);

// The reference kernel for MaxPool (average=false) or AvgPool (true); in max_pool.cc.
absl::StatusOr<std::unique_ptr<OpKernel>> CreateReferencePoolKernel(const KernelConstruction& c,
                                                                    bool average);

}  // namespace savedserve
