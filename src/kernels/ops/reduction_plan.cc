#include "kernels/ops/reduction_plan.h"

#include "absl/strings/str_cat.h"

namespace savedserve {

absl::StatusOr<ReductionPlan> ReductionPlan::Create(const TensorShape& input,
                                                    std::span<const int64_t> axes, bool keep_dims) {
  const int rank = input.rank();
  std::vector<bool> reduced(rank, false);
  for (int64_t axis : axes) {
    if (axis < -rank || axis >= rank) {
      return absl::InvalidArgumentError(absl::StrCat("Invalid reduction dimension ", axis,
                                                     " for input with ", rank, " dimension(s)"));
    }
    const int64_t a = axis < 0 ? axis + rank : axis;
    if (reduced[a]) {
      return absl::InvalidArgumentError(
          absl::StrCat("Invalid reduction arguments: axes contain duplicate dimension ", a));
    }
    reduced[a] = true;
  }

  ReductionPlan plan;
  std::vector<int64_t> out_dims;
  std::vector<bool> merged_reduced;
  for (int d = 0; d < rank; ++d) {
    const int64_t size = input.dim(d);
    if (reduced[d]) {
      plan.reduced_size_ *= size;
      if (keep_dims) out_dims.push_back(1);
    } else {
      plan.output_size_ *= size;
      out_dims.push_back(size);
    }
    if (size == 1) continue;  // irrelevant to indexing
    if (!plan.dims_.empty() && merged_reduced.back() == reduced[d]) {
      plan.dims_.back() *= size;
    } else {
      plan.dims_.push_back(size);
      merged_reduced.push_back(reduced[d]);
    }
  }
  plan.output_shape_ = TensorShape(std::move(out_dims));

  // Output strides over the kept merged dims (row-major), 0 for reduced ones.
  const int merged_rank = static_cast<int>(plan.dims_.size());
  plan.out_strides_.assign(merged_rank, 0);
  int64_t stride = 1;
  for (int d = merged_rank - 1; d >= 0; --d) {
    if (merged_reduced[d]) continue;
    plan.out_strides_[d] = stride;
    stride *= plan.dims_[d];
  }

  // Recognise [outer, reduced, inner] (any part may be missing).
  int d = 0;
  if (d < merged_rank && !merged_reduced[d]) plan.outer_size_ = plan.dims_[d++];
  if (d < merged_rank && merged_reduced[d]) ++d;
  if (d < merged_rank && !merged_reduced[d]) plan.inner_size_ = plan.dims_[d++];
  plan.three_dim_ = d == merged_rank;
  return plan;
}

}  // namespace savedserve
