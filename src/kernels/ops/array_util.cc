#include "kernels/ops/array_util.h"

#include <new>

#include "absl/strings/str_cat.h"
#include "base/status.h"

namespace savedserve {

absl::StatusOr<std::vector<int64_t>> ReadIndexValues(const KernelContext& ctx, const Tensor& t,
                                                     absl::string_view what) {
  std::vector<int64_t> values;
  values.reserve(t.num_elements());
  if (t.dtype() == tensorflow::DT_INT32) {
    for (int32_t v : t.flat<int32_t>()) values.push_back(v);
  } else if (t.dtype() == tensorflow::DT_INT64) {
    for (int64_t v : t.flat<int64_t>()) values.push_back(v);
  } else {
    return ctx.Error(absl::StrCat(what, " must be int32 or int64, got ", DataTypeName(t.dtype())));
  }
  return values;
}

absl::StatusOr<std::vector<int64_t>> ReadIndexVector(const KernelContext& ctx, const Tensor& t,
                                                     absl::string_view what) {
  if (t.shape().rank() != 1) {
    return ctx.Error(absl::StrCat(what, " must be a vector, got shape ", t.shape().DebugString()));
  }
  return ReadIndexValues(ctx, t, what);
}

absl::StatusOr<int64_t> ReadIndexScalar(const KernelContext& ctx, const Tensor& t,
                                        absl::string_view what, bool allow_one_element) {
  const bool ok_shape = t.shape().rank() == 0 || (allow_one_element && t.num_elements() == 1);
  if (!ok_shape) {
    return ctx.Error(absl::StrCat(what, " must be a scalar, got shape ", t.shape().DebugString()));
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> values, ReadIndexValues(ctx, t, what));
  return values[0];
}

absl::StatusOr<int> CanonicalAxis(const KernelContext& ctx, int64_t axis, int rank,
                                  absl::string_view what) {
  if (axis < -rank || axis >= rank) {
    return ctx.Error(absl::StrCat(what, " ", axis, " is out of range [", -rank, ", ", rank,
                                  ") for a tensor of rank ", rank));
  }
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

absl::StatusOr<TensorShape> MakeShape(const KernelContext& ctx, const std::vector<int64_t>& dims) {
  auto shape = TensorShape::FromDims(dims);
  if (!shape.ok()) return ctx.Error(shape.status().message());
  return shape;
}

absl::StatusOr<Tensor*> AllocateOutput(KernelContext& ctx, int i, DataType dtype, TensorShape shape,
                                       bool for_overwrite) {
  const std::string shape_text = shape.DebugString();
  try {
    return for_overwrite ? ctx.allocate_output_for_overwrite(i, dtype, std::move(shape))
                         : ctx.allocate_output(i, dtype, std::move(shape));
  } catch (const std::bad_alloc&) {
    const tensorflow::NodeDef& node = ctx.node();
    return absl::ResourceExhaustedError(absl::StrCat(node.op(), " '", node.name(),
                                                     "': cannot allocate output ", i, " of ",
                                                     DataTypeName(dtype), " ", shape_text));
  }
}

void ParallelFor(const KernelContext& ctx, int64_t n, int64_t cost_per_unit,
                 const std::function<void(int64_t begin, int64_t end)>& fn) {
  if (n <= 0) return;
  if (ctx.thread_pool() == nullptr) {
    fn(0, n);
    return;
  }
  ctx.thread_pool()->ParallelFor(n, cost_per_unit, fn);
}

std::vector<int64_t> RowMajorStrides(const TensorShape& shape) {
  std::vector<int64_t> strides(shape.rank(), 1);
  for (int d = shape.rank() - 2; d >= 0; --d) strides[d] = strides[d + 1] * shape.dim(d + 1);
  return strides;
}

int64_t DimProduct(const TensorShape& shape, int begin, int end) {
  int64_t product = 1;
  for (int d = begin; d < end; ++d) product *= shape.dim(d);
  return product;
}

bool IsCopyableType(DataType dtype) { return IsStringLike(dtype) || DataTypeSize(dtype) != 0; }

void CopyElements(const Tensor& src, int64_t src_index, Tensor& dst, int64_t dst_index,
                  int64_t count) {
  if (count <= 0) return;
  if (IsStringLike(src.dtype())) {
    StringElement::CopyRun(src.raw_data(), src_index, dst.raw_data(), dst_index, count);
    return;
  }
  const size_t size = DataTypeSize(src.dtype());
  std::memcpy(static_cast<char*>(dst.raw_data()) + dst_index * size,
              static_cast<const char*>(src.raw_data()) + src_index * size, count * size);
}

void FillElements(const Tensor& value, int64_t value_index, Tensor& dst, int64_t dst_index,
                  int64_t count) {
  if (count <= 0) return;
  if (IsStringLike(value.dtype())) {
    const std::string& v = value.data<std::string>()[value_index];
    std::string* to = dst.data<std::string>() + dst_index;
    for (int64_t i = 0; i < count; ++i) to[i] = v;
    return;
  }
  const size_t size = DataTypeSize(value.dtype());
  const char* v = static_cast<const char*>(value.raw_data()) + value_index * size;
  char* to = static_cast<char*>(dst.raw_data()) + dst_index * size;
  // Doubling copies: log2(count) memcpys instead of count small ones.
  std::memcpy(to, v, size);
  int64_t filled = 1;
  while (filled < count) {
    const int64_t n = std::min(filled, count - filled);
    std::memcpy(to + filled * size, to, n * size);
    filled += n;
  }
}

void CopyStridedWindow(const Tensor& in, const std::vector<int64_t>& start,
                       const std::vector<int64_t>& step, Tensor& out) {
  if (out.num_elements() == 0) return;
  const int rank = out.shape().rank();
  const std::vector<int64_t> in_strides = RowMajorStrides(in.shape());
  int64_t src = 0;
  std::vector<int64_t> advance(rank);  // input offset moved by one output step along d
  for (int d = 0; d < rank; ++d) {
    src += start[d] * in_strides[d];
    advance[d] = step[d] * in_strides[d];
  }
  if (rank == 0) {
    CopyElements(in, 0, out, 0, 1);
    return;
  }
  const int last = rank - 1;
  const int64_t row_length = out.shape().dim(last);
  const int64_t rows = out.num_elements() / row_length;
  std::vector<int64_t> index(last, 0);
  DispatchElement(in.dtype(), [&](auto element) {
    using E = decltype(element);
    for (int64_t row = 0; row < rows; ++row) {
      const int64_t dst = row * row_length;
      if (advance[last] == 1) {
        E::CopyRun(in.raw_data(), src, out.raw_data(), dst, row_length);
      } else {
        for (int64_t k = 0; k < row_length; ++k) {
          E::Copy(in.raw_data(), src + k * advance[last], out.raw_data(), dst + k);
        }
      }
      for (int d = last - 1; d >= 0; --d) {
        src += advance[d];
        if (++index[d] < out.shape().dim(d)) break;
        src -= advance[d] * index[d];
        index[d] = 0;
      }
    }
  });
}

absl::StatusOr<std::vector<int64_t>> ReadPaddings(const KernelContext& ctx, const Tensor& in,
                                                  const Tensor& paddings,
                                                  std::vector<int64_t>& before) {
  const int rank = in.shape().rank();
  if (paddings.shape() != TensorShape({rank, 2})) {
    return ctx.Error(absl::StrCat("paddings must have shape [", rank, ",2] for input ",
                                  in.shape().DebugString(), ", got ",
                                  paddings.shape().DebugString()));
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> pads, ReadIndexValues(ctx, paddings, "paddings"));
  std::vector<int64_t> dims(rank);
  before.assign(rank, 0);
  for (int d = 0; d < rank; ++d) {
    const int64_t lo = pads[2 * d], hi = pads[2 * d + 1];
    if (lo < 0 || hi < 0) {
      return ctx.Error(absl::StrCat("paddings for dimension ", d, " must be non-negative, got [",
                                    lo, ", ", hi, "]"));
    }
    if (__builtin_add_overflow(in.shape().dim(d), lo, &dims[d]) ||
        __builtin_add_overflow(dims[d], hi, &dims[d])) {
      return ctx.Error(absl::StrCat("padded dimension ", d, " overflows int64"));
    }
    before[d] = lo;
  }
  return dims;
}

absl::Status UnsupportedType(const KernelContext& ctx, DataType dtype) {
  return ctx.Error(absl::StrCat("unsupported dtype ", DataTypeName(dtype)));
}

}  // namespace savedserve
