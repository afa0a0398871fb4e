// NumPy/TF broadcasting of several input shapes to one output shape, for element-wise ops
// (binary arithmetic, SelectV2, comparisons, ...).
//
// Shapes are aligned at their last dimension; each dimension pair must be equal or one of
// them 1. A BroadcastPlan merges adjacent dimensions where every input behaves the same
// (spans both or repeats over both), so common cases are cheap: same shapes become one
// row, [N,C] + [C] becomes N rows of C. Kernels then walk the output row by row: along a
// row each input either advances one element per output element (row stride 1) or repeats
// one element (row stride 0).
//
//   ASSIGN_OR_RETURN(BroadcastPlan plan, BroadcastPlan::Create({a.shape(), b.shape()}));
//   for (int64_t r = 0; r < plan.num_rows(); ++r) {
//     const float* pa = a_data + plan.RowOffset(0, r);  // advance by plan.row_stride(0)
//     ...
//   }
//
// Value type; immutable after Create, safe for concurrent use.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tensor/shape.h"

namespace savedserve {

// The broadcast shape of `shapes`, or InvalidArgument "Incompatible shapes: [2,3] vs. [4]".
absl::StatusOr<TensorShape> BroadcastShapes(std::span<const TensorShape> shapes);

// Elements of the broadcast shape, or 0 when the shapes are incompatible (for Flops()).
int64_t BroadcastElementCount(std::span<const TensorShape> shapes);

class BroadcastPlan {
 public:
  // Fails as BroadcastShapes does. REQUIRES: at least one shape.
  static absl::StatusOr<BroadcastPlan> Create(std::span<const TensorShape> shapes);
  static absl::StatusOr<BroadcastPlan> Create(std::initializer_list<TensorShape> shapes) {
    return Create(std::span<const TensorShape>(shapes.begin(), shapes.size()));
  }

  const TensorShape& output_shape() const { return output_shape_; }
  int num_inputs() const { return static_cast<int>(row_strides_.size()); }
  int64_t num_elements() const { return num_rows_ * row_length_; }
  // Output elements per row (the innermost merged dimension; 1 for a scalar output).
  int64_t row_length() const { return row_length_; }
  int64_t num_rows() const { return num_rows_; }
  // 1 if input i advances along a row, 0 if it repeats one element.
  int64_t row_stride(int input) const { return row_strides_[input]; }
  // True when input i has the output's element count (no broadcasting of it at all).
  bool IsFullInput(int input) const { return full_[input]; }
  // True when input i has a single element.
  bool IsScalarInput(int input) const { return scalar_[input]; }
  // Offset (in elements) of input i's element at the start of output row `row`.
  // O(merged rank); call once per row.
  int64_t RowOffset(int input, int64_t row) const;

 private:
  TensorShape output_shape_;
  int64_t row_length_ = 1;
  int64_t num_rows_ = 1;
  std::vector<int64_t> outer_dims_;  // merged output dims before the row, outermost first
  // outer_strides_[i][d]: input i's element stride along outer_dims_[d] (0 = broadcast).
  std::vector<std::vector<int64_t>> outer_strides_;
  std::vector<int64_t> row_strides_;
  std::vector<bool> full_;
  std::vector<bool> scalar_;
};

}  // namespace savedserve
