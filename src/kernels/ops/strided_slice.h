// StridedSlice's index arithmetic (NumPy-style basic indexing as TF encodes it), apart from
// the kernel so other slicing ops and shape inference can share it. Pure; safe for
// concurrent use.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "tensor/shape.h"

namespace savedserve {

// The op's attributes: bit i refers to entry i of begin/end/strides.
struct StridedSliceMasks {
  int64_t begin = 0;        // ignore begin[i]: start at the first element (last if stride < 0)
  int64_t end = 0;          // ignore end[i]: run to the end (the start if stride < 0)
  int64_t ellipsis = 0;     // entry i is `...`: as many full dimensions as needed (one bit)
  int64_t new_axis = 0;     // entry i inserts a size-1 dimension (tf.newaxis)
  int64_t shrink_axis = 0;  // entry i is an index: take begin[i] and drop the dimension
};

// The slice per input dimension: element j of output dimension d comes from input index
// begin[d] + j * strides[d]. processing_dims are the per-input-dimension extents; final_dims
// the output shape (new axes added, shrunk axes dropped). Both have the same element count.
struct StridedSlicePlan {
  std::vector<int64_t> begin;
  std::vector<int64_t> strides;
  std::vector<int64_t> processing_dims;
  std::vector<int64_t> final_dims;
  bool is_identity = true;  // the output is the input, reshaped to final_dims
};

// Resolves a sparse spec (begin/end/strides of equal length < 32) against `input`.
// InvalidArgument for malformed specs (zero stride, several ellipses, an index out of
// bounds, more indices than dimensions); the message does not name the node.
absl::StatusOr<StridedSlicePlan> PlanStridedSlice(const TensorShape& input,
                                                  const std::vector<int64_t>& begin,
                                                  const std::vector<int64_t>& end,
                                                  const std::vector<int64_t>& strides,
                                                  const StridedSliceMasks& masks);

}  // namespace savedserve
