// Einsum (float32) with TensorFlow's equation syntax: "<in0>[,<in1>]-><out>", one letter per
// axis, at most one "..." per subscript standing for broadcasting axes (right-aligned and
// broadcast like numpy between the two inputs, and required in the output when any input's
// ellipsis covers axes). A label in both inputs but not the output is contracted, one input's
// label missing from the output is summed away, a label repeated within an input takes the
// diagonal ("ii->i"), and one repeated in the output fills the diagonal ("i->ii"). Named
// labels must have the same size wherever they appear.
//
// It runs as TF's kernel does: each input is reduced (diagonals, summed labels) and transposed
// to [batch, free, contract] / [batch, contract, free], the two are multiplied as a batched
// matmul by `contract`, and the product is transposed (or inflated) into the output order.
// Pure functions; safe for concurrent use.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kernels/op_kernel.h"
#include "kernels/ops/matmul.h"
#include "tensor/tensor.h"

namespace savedserve {

// The parsed equation: a label id per letter (0.. in order of first appearance), kEllipsis
// for "...".
struct EinsumEquation {
  static constexpr int kEllipsis = -1;
  std::vector<std::vector<int>> inputs;  // one or two subscripts
  std::vector<int> output;
  int num_named = 0;

  static absl::StatusOr<EinsumEquation> Parse(absl::string_view equation);
};

// The labels of every axis for given input shapes (ellipses expanded into broadcasting labels
// num_named, num_named + 1, ...), and every label's size.
struct EinsumShapes {
  std::vector<std::vector<int>> inputs;
  std::vector<int> output;
  std::vector<int64_t> label_size;  // broadcasting labels: the broadcast size

  static absl::StatusOr<EinsumShapes> Compute(const EinsumEquation& eq,
                                              const std::vector<TensorShape>& shapes);
  std::vector<int64_t> output_dims() const;
};

// c[i] = a[ai] * b[bi] over dims.batch_size() matrices (dims.m x dims.k by dims.k x dims.n,
// row-major, no transposes; ai, bi from BroadcastBatchIndex); every element of c written.
using BatchedMatMulFn = std::function<absl::Status(const MatMulDims& dims, const float* a,
                                                   const float* b, float* c, ThreadPool* pool)>;

// The einsum of `inputs` (float32, the shapes `shapes` was computed for), of
// shapes.output_dims(); it may share an input's buffer when it equals that input. Throws
// std::bad_alloc when a buffer cannot be allocated.
absl::StatusOr<Tensor> ComputeEinsum(const EinsumShapes& shapes, const std::vector<Tensor>& inputs,
                                     const BatchedMatMulFn& contract, ThreadPool* pool);

// 2 * multiply-adds of the contraction (0 for one input).
int64_t EinsumFlops(const EinsumShapes& shapes);

// The Einsum kernel (attributes T = float, equation, N) computing its contraction with
// `contract`, which must be safe for concurrent use.
absl::StatusOr<std::unique_ptr<OpKernel>> CreateEinsumKernel(const KernelConstruction& c,
                                                             BatchedMatMulFn contract);

// The reference batched matmul: ReferenceMatMulCore per matrix.
absl::Status ReferenceBatchedMatMul(const MatMulDims& dims, const float* a, const float* b,
                                    float* c, ThreadPool* pool);

}  // namespace savedserve
