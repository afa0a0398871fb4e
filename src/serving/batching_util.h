// Tensor plumbing for server-side batching, as TF Serving's batching_util: the batch size of
// a request's inputs, padding to a common shape and to an allowed batch size, concatenation
// along the 0th (batch) dimension and slicing it back. Pure functions on Tensors of any dtype
// (strings included); results own fresh buffers.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "tensor/tensor.h"

namespace savedserve {

// The 0th-dimension size shared by every input (TF Serving's ComputeTensorBatchSize).
// InvalidArgument, with TF Serving's messages, for no inputs, a scalar input, or inputs whose
// 0th dimensions differ.
absl::StatusOr<int64_t> InputBatchSize(const std::vector<std::pair<std::string, Tensor>>& inputs);

// The smallest entry of `allowed` (ascending) that is >= `batch_size`; `batch_size` itself
// when `allowed` is empty or too small.
int64_t RoundToAllowedBatchSize(const std::vector<int64_t>& allowed, int64_t batch_size);

// `tensor` grown to `dims` (same rank; dims[0] is ignored: the 0th dimension keeps its size),
// new elements taking the value of the tensor's first element, as TF Serving pads variable-
// length inputs (zero / empty string when the tensor has no element). Returns `tensor` itself
// when nothing grows. REQUIRES: dims[i] >= tensor dim i.
Tensor PadToDims(const Tensor& tensor, const std::vector<int64_t>& dims);

// Concatenates `parts` along dimension 0, then appends `padding_rows` copies of the first row
// of the last part that has rows (TF Serving pads with the last task's first row).
// REQUIRES: parts non-empty, same dtype and dims 1.., some part has a row when
// padding_rows > 0.
Tensor ConcatRows(const std::vector<Tensor>& parts, int64_t padding_rows = 0);

// Rows [begin, end) of `tensor` along dimension 0. REQUIRES: rank >= 1, 0 <= begin <= end <=
// dim 0.
Tensor SliceRows(const Tensor& tensor, int64_t begin, int64_t end);

// True when the two shapes have the same rank and equal dimensions from the 1st on.
bool SameDimsExceptFirst(const TensorShape& a, const TensorShape& b);

}  // namespace savedserve
