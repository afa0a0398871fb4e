// BatchMatMul, BatchMatMulV2 and BatchMatMulV3 (float32): attributes shared with the oneDNN
// kernel, and the reference kernel. See matmul.h for the shape rules.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "kernels/op_kernel.h"
#include "kernels/ops/matmul.h"

namespace savedserve {

struct BatchMatMulSpec {
  bool adj_x = false;
  bool adj_y = false;

  // Reads adj_x/adj_y and checks the element types (T, or V3's Ta/Tb/Tout) are float.
  static absl::StatusOr<BatchMatMulSpec> Parse(const KernelConstruction& c);
};

// For output batch index `i` (row-major over dims.batch), the batch index into each operand.
void BroadcastBatchIndex(const MatMulDims& dims, int64_t i, int64_t* a_index, int64_t* b_index);

}  // namespace savedserve
