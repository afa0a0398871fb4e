// Transpose, shared by the reference kernel (ops/transpose.cc) and the blocked fast kernel
// (cpu/transpose_blocked.cc): checking `perm` and the portable element-by-element loop.
// Pure functions; safe for concurrent use.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "kernels/op_kernel.h"
#include "tensor/tensor.h"

namespace savedserve {

// output.dim(i) == input.dim(perm[i]).
struct TransposePlan {
  std::vector<int> perm;
  TensorShape out_shape;
};

// Reads `perm` (int32/int64 vector) and checks it is a permutation of [0, rank(in)).
absl::StatusOr<TransposePlan> PlanTranspose(const KernelContext& ctx, const TensorShape& in,
                                            const Tensor& perm);

// out = transpose(in, perm), one element at a time. REQUIRES: out allocated with
// plan.out_shape and in's (copyable) dtype.
void TransposeReference(const Tensor& in, const TransposePlan& plan, Tensor& out);

}  // namespace savedserve
