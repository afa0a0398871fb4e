// MatMul, _FusedMatMul, BatchMatMul/V2/V3: attribute parsing and shape rules shared with the
// oneDNN kernels, and the reference cores. Float32 only.
//   MatMul: a [m,k] (or [k,m] with transpose_a), b [k,n] (or [n,k] with transpose_b).
//   BatchMatMulV2: x [..., m, k] (adj_x: [..., k, m]), y [..., k, n] (adj_y: [..., n, k]);
//   the batch dimensions broadcast like numpy. Real types only, so adjoint == transpose.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "base/thread_pool.h"
#include "kernels/op_kernel.h"
#include "kernels/ops/fused_epilogue.h"

namespace savedserve {

struct MatMulSpec {
  bool transpose_a = false;
  bool transpose_b = false;
  bool fused = false;  // _FusedMatMul
  FusedOps fused_ops;

  static absl::StatusOr<MatMulSpec> Parse(const KernelConstruction& c);
};

// Shapes of one (batch) matmul call.
struct MatMulDims {
  int64_t m = 0, n = 0, k = 0;
  std::vector<int64_t> batch;    // broadcast batch dims of the output (empty for MatMul)
  std::vector<int64_t> a_batch;  // a's batch dims left-padded with 1 to batch.size()
  std::vector<int64_t> b_batch;
  int64_t batch_size() const;
  std::vector<int64_t> output_dims() const;  // batch..., m, n
};

absl::StatusOr<MatMulDims> MatMulShapes(const TensorShape& a, const TensorShape& b,
                                        bool transpose_a, bool transpose_b);
absl::StatusOr<MatMulDims> BatchMatMulShapes(const TensorShape& x, const TensorShape& y, bool adj_x,
                                             bool adj_y);

// c[m,n] = op(a) * op(b) for row-major a, b, c; every element of c is written.
void ReferenceMatMulCore(int64_t m, int64_t n, int64_t k, const float* a, bool transpose_a,
                         const float* b, bool transpose_b, float* c, ThreadPool* pool);

}  // namespace savedserve
