#include "serving/batching_util.h"

#include <cassert>

#include "kernels/ops/array_util.h"

namespace savedserve {

absl::StatusOr<int64_t> InputBatchSize(const std::vector<std::pair<std::string, Tensor>>& inputs) {
  if (inputs.empty()) {
    return absl::InvalidArgumentError("Batching Run() must have at least one input tensor");
  }
  int64_t size = -1;
  for (const auto& [name, tensor] : inputs) {
    if (tensor.shape().rank() == 0) {
      return absl::InvalidArgumentError(
          "Batching Run() input tensors must have at least one dimension");
    }
    if (size >= 0 && tensor.shape().dim(0) != size) {
      return absl::InvalidArgumentError(
          "Batching Run() input tensors must have equal 0th-dimension size");
    }
    size = tensor.shape().dim(0);
  }
  return size;
}

int64_t RoundToAllowedBatchSize(const std::vector<int64_t>& allowed, int64_t batch_size) {
  for (int64_t size : allowed) {
    if (size >= batch_size) return size;
  }
  return batch_size;
}

bool SameDimsExceptFirst(const TensorShape& a, const TensorShape& b) {
  if (a.rank() != b.rank()) return false;
  for (int d = 1; d < a.rank(); ++d) {
    if (a.dim(d) != b.dim(d)) return false;
  }
  return true;
}

Tensor PadToDims(const Tensor& tensor, const std::vector<int64_t>& dims) {
  const TensorShape& in = tensor.shape();
  assert(static_cast<int>(dims.size()) == in.rank() && in.rank() >= 1);
  std::vector<int64_t> out_dims = dims;
  out_dims[0] = in.dim(0);
  if (out_dims == in.dims()) return tensor;
  Tensor out(tensor.dtype(), TensorShape(out_dims));
  if (tensor.num_elements() == 0) return out;
  FillElements(tensor, 0, out, 0, out.num_elements());
  // Copy every run along the last dimension to its place in the larger tensor.
  const int last = in.rank() - 1;
  const int64_t run = in.dim(last);
  const std::vector<int64_t> out_strides = RowMajorStrides(out.shape());
  std::vector<int64_t> index(last, 0);
  for (int64_t src = 0; src < tensor.num_elements(); src += run) {
    int64_t dst = 0;
    for (int d = 0; d < last; ++d) dst += index[d] * out_strides[d];
    CopyElements(tensor, src, out, dst, run);
    for (int d = last - 1; d >= 0 && ++index[d] == in.dim(d); --d) index[d] = 0;
  }
  return out;
}

Tensor ConcatRows(const std::vector<Tensor>& parts, int64_t padding_rows) {
  assert(!parts.empty());
  size_t source = parts.size() - 1;
  while (source > 0 && parts[source].shape().dim(0) == 0) --source;
  const Tensor& last = parts[source];
  const int64_t row_elements = DimProduct(last.shape(), 1, last.shape().rank());
  std::vector<int64_t> dims = last.shape().dims();
  dims[0] = padding_rows;
  for (const Tensor& part : parts) dims[0] += part.shape().dim(0);
  Tensor out(last.dtype(), TensorShape(dims));
  int64_t offset = 0;
  for (const Tensor& part : parts) {
    CopyElements(part, 0, out, offset, part.num_elements());
    offset += part.num_elements();
  }
  for (int64_t r = 0; r < padding_rows; ++r, offset += row_elements) {
    CopyElements(last, 0, out, offset, row_elements);
  }
  return out;
}

Tensor SliceRows(const Tensor& tensor, int64_t begin, int64_t end) {
  const int64_t row_elements = DimProduct(tensor.shape(), 1, tensor.shape().rank());
  std::vector<int64_t> dims = tensor.shape().dims();
  dims[0] = end - begin;
  Tensor out(tensor.dtype(), TensorShape(dims));
  CopyElements(tensor, begin * row_elements, out, 0, (end - begin) * row_elements);
  return out;
}

}  // namespace savedserve
