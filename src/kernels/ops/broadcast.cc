#include "kernels/ops/broadcast.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status.h"

namespace savedserve {
namespace {

// Dim `d` (counted in an output of rank `rank`) of `shape`, padding missing leading dims
// with 1.
int64_t PaddedDim(const TensorShape& shape, int rank, int d) {
  const int offset = rank - shape.rank();
  return d < offset ? 1 : shape.dim(d - offset);
}

absl::Status Incompatible(std::span<const TensorShape> shapes) {
  std::vector<std::string> parts;
  for (const TensorShape& s : shapes) parts.push_back(s.DebugString());
  return absl::InvalidArgumentError(
      absl::StrCat("Incompatible shapes: ", absl::StrJoin(parts, " vs. ")));
}

}  // namespace

absl::StatusOr<TensorShape> BroadcastShapes(std::span<const TensorShape> shapes) {
  int rank = 0;
  for (const TensorShape& s : shapes) rank = std::max(rank, s.rank());
  std::vector<int64_t> dims(rank, 1);
  for (int d = 0; d < rank; ++d) {
    for (const TensorShape& s : shapes) {
      const int64_t size = PaddedDim(s, rank, d);
      if (size == 1) continue;
      if (dims[d] == 1) {
        dims[d] = size;
      } else if (dims[d] != size) {
        return Incompatible(shapes);
      }
    }
  }
  return TensorShape(std::move(dims));
}

int64_t BroadcastElementCount(std::span<const TensorShape> shapes) {
  absl::StatusOr<TensorShape> shape = BroadcastShapes(shapes);
  return shape.ok() ? shape->num_elements() : 0;
}

absl::StatusOr<BroadcastPlan> BroadcastPlan::Create(std::span<const TensorShape> shapes) {
  BroadcastPlan plan;
  ASSIGN_OR_RETURN(plan.output_shape_, BroadcastShapes(shapes));
  const TensorShape& out = plan.output_shape_;
  const int rank = out.rank();
  const int n = static_cast<int>(shapes.size());

  // Row-major strides of each input over the output's rank; 0 where it broadcasts.
  std::vector<std::vector<int64_t>> strides(n, std::vector<int64_t>(rank, 0));
  for (int i = 0; i < n; ++i) {
    int64_t stride = 1;
    for (int d = rank - 1; d >= 0; --d) {
      const int64_t size = PaddedDim(shapes[i], rank, d);
      strides[i][d] = (size == 1 && out.dim(d) != 1) ? 0 : stride;
      stride *= size;
    }
  }

  // Merge adjacent dims where every input broadcasts both or neither; drop size-1 dims.
  std::vector<int64_t> merged_dims;
  std::vector<std::vector<int64_t>> merged_strides(n);
  for (int d = 0; d < rank; ++d) {
    if (out.dim(d) == 1) continue;
    bool can_merge = !merged_dims.empty();
    for (int i = 0; i < n && can_merge; ++i) {
      can_merge = (strides[i][d] == 0) == (merged_strides[i].back() == 0);
    }
    if (can_merge) {
      merged_dims.back() *= out.dim(d);
      for (int i = 0; i < n; ++i) merged_strides[i].back() = strides[i][d];
    } else {
      merged_dims.push_back(out.dim(d));
      for (int i = 0; i < n; ++i) merged_strides[i].push_back(strides[i][d]);
    }
  }

  plan.row_strides_.assign(n, 0);
  plan.outer_strides_.assign(n, {});
  for (int i = 0; i < n; ++i) {
    plan.full_.push_back(shapes[i].num_elements() == out.num_elements());
    plan.scalar_.push_back(shapes[i].num_elements() == 1);
  }
  if (out.num_elements() == 0) {
    plan.num_rows_ = 0;
    return plan;
  }
  if (merged_dims.empty()) return plan;  // one element
  plan.row_length_ = merged_dims.back();
  for (int i = 0; i < n; ++i) {
    plan.row_strides_[i] = merged_strides[i].back();
    plan.outer_strides_[i].assign(merged_strides[i].begin(), merged_strides[i].end() - 1);
  }
  plan.outer_dims_.assign(merged_dims.begin(), merged_dims.end() - 1);
  for (int64_t d : plan.outer_dims_) plan.num_rows_ *= d;
  return plan;
}

int64_t BroadcastPlan::RowOffset(int input, int64_t row) const {
  const std::vector<int64_t>& strides = outer_strides_[input];
  int64_t offset = 0;
  for (int d = static_cast<int>(outer_dims_.size()) - 1; d >= 0 && row > 0; --d) {
    const int64_t size = outer_dims_[d];
    offset += (row % size) * strides[d];
    row /= size;
  }
  return offset;
}

}  // namespace savedserve
