// The geometry of a reduction (Sum, Mean, Max, Min, Prod, All, Any, ArgMax...) over a set
// of axes, as TF's `reduction_indices` / `axis` input gives them (any order, negative
// axes count from the end, duplicates are an error).
//
// Adjacent dims of the same kind (kept or reduced) are merged, so most reductions are a
// [outer, reduced, inner] walk: reducing the last axis is [N, C, 1], the first is
// [1, N, C], all axes [1, N, 1]. Others (reducing axes 0 and 2 of a rank-3 tensor) fall
// back to ForEachElement.
//
// Value type; immutable after Create, safe for concurrent use.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "tensor/shape.h"

namespace savedserve {

class ReductionPlan {
 public:
  // InvalidArgument for an axis outside [-rank, rank) or a repeated axis.
  static absl::StatusOr<ReductionPlan> Create(const TensorShape& input,
                                              std::span<const int64_t> axes, bool keep_dims);

  // With keep_dims the reduced dims stay as 1s, else they are removed.
  const TensorShape& output_shape() const { return output_shape_; }
  int64_t output_size() const { return output_size_; }
  // Input elements combined into each output element (0 for an empty input: outputs then
  // hold the reduction's identity).
  int64_t reduced_size() const { return reduced_size_; }

  // Whether the input is [outer_size, reduced_size, inner_size] with the middle reduced;
  // output element (o, i) is at o * inner_size + i.
  bool IsThreeDim() const { return three_dim_; }
  int64_t outer_size() const { return outer_size_; }
  int64_t inner_size() const { return inner_size_; }

  // Calls fn(input_index, output_index) for every input element, in input order.
  template <typename Fn>
  void ForEachElement(Fn&& fn) const;

 private:
  TensorShape output_shape_;
  int64_t output_size_ = 1;
  int64_t reduced_size_ = 1;
  bool three_dim_ = false;
  int64_t outer_size_ = 1;
  int64_t inner_size_ = 1;
  // Merged input dims and, per dim, the output stride (0 for reduced dims).
  std::vector<int64_t> dims_;
  std::vector<int64_t> out_strides_;
};

template <typename Fn>
void ReductionPlan::ForEachElement(Fn&& fn) const {
  const int rank = static_cast<int>(dims_.size());
  int64_t total = 1;
  for (int64_t d : dims_) total *= d;
  if (total == 0) return;
  std::vector<int64_t> index(rank, 0);
  int64_t out = 0;
  for (int64_t in = 0; in < total; ++in) {
    fn(in, out);
    // Advance the odometer, keeping `out` in step.
    for (int d = rank - 1; d >= 0; --d) {
      if (++index[d] < dims_[d]) {
        out += out_strides_[d];
        break;
      }
      out -= out_strides_[d] * (dims_[d] - 1);
      index[d] = 0;
    }
  }
}

}  // namespace savedserve
