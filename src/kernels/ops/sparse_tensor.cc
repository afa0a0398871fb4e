// Ops on SparseTensors given as (indices [N, R], values [N], dense_shape [R]), which feature
// columns and tf.sparse write:
//  - SparseToDense(sparse_indices, output_shape, sparse_values, default_value): a dense
//    tensor of output_shape holding default_value except at the indices. Indices are always
//    bounds-checked; with validate_indices they must also be sorted (row-major) and distinct.
//    Otherwise a repeated index takes its last value.
//  - SparseReshape(input_indices, input_shape, new_shape): the same values' indices in the
//    new shape (row-major order kept); one new dimension may be -1 (inferred).
//  - SparseFillEmptyRows(indices, values, dense_shape, default_value): adds [r, 0, ..., 0] =
//    default_value for every row r of dense_shape[0] with no entry; entries are ordered by row,
//    keeping their input order within a row. Also empty_row_indicator and reverse_index_map
//    (output position of each input entry).
// Values of any copyable dtype. Every index and size read from the inputs is checked.
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// "[1,2]": row `row` of an [N, R] index matrix.
std::string IndexText(const std::vector<int64_t>& indices, int64_t row, int64_t rank) {
  return absl::StrCat("[",
                      absl::StrJoin(indices.begin() + row * rank,
                                    indices.begin() + (row + 1) * rank, ","),
                      "]");
}

// The values of an int64 tensor of rank `rank` (what names it in errors).
absl::StatusOr<std::vector<int64_t>> ReadInt64(const KernelContext& ctx, const Tensor& t,
                                               absl::string_view what, int rank) {
  if (t.dtype() != tensorflow::DT_INT64) {
    return ctx.Error(absl::StrCat(what, " must be int64, got ", DataTypeName(t.dtype())));
  }
  if (t.shape().rank() != rank) {
    return ctx.Error(absl::StrCat(what, " must have rank ", rank, ", got shape ",
                                  t.shape().DebugString()));
  }
  return std::vector<int64_t>(t.flat<int64_t>().begin(), t.flat<int64_t>().end());
}

// Checks each index row of `indices` ([n, dims.size()]) lies inside `dims`.
absl::Status CheckInBounds(const KernelContext& ctx, const std::vector<int64_t>& indices,
                           int64_t n, const std::vector<int64_t>& dims) {
  const int64_t rank = static_cast<int64_t>(dims.size());
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t d = 0; d < rank; ++d) {
      const int64_t v = indices[i * rank + d];
      if (v < 0 || v >= dims[d]) {
        return ctx.Error(absl::StrCat("indices[", i, "] = ", IndexText(indices, i, rank),
                                      " is out of bounds: need 0 <= index < [",
                                      absl::StrJoin(dims, ","), "]"));
      }
    }
  }
  return absl::OkStatus();
}

// Checks default_value is a scalar of the values' (copyable) dtype.
absl::Status CheckDefaultValue(const KernelContext& ctx, const Tensor& values,
                               const Tensor& default_value) {
  if (default_value.shape().rank() != 0) {
    return ctx.Error(absl::StrCat("default_value must be a scalar, got ",
                                  default_value.shape().DebugString()));
  }
  if (values.dtype() != default_value.dtype() || !IsCopyableType(values.dtype())) {
    return ctx.Error(absl::StrCat("values (", DataTypeName(values.dtype()), ") and default_value (",
                                  DataTypeName(default_value.dtype()),
                                  ") must have one copyable dtype"));
  }
  return absl::OkStatus();
}

class SparseToDenseKernel : public OpKernel {
 public:
  explicit SparseToDenseKernel(bool validate) : validate_(validate) {}

  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    RETURN_IF_ERROR(CheckNumInputs(c, 4));
    ASSIGN_OR_RETURN(bool validate, c.GetAttrOr<bool>("validate_indices", true));
    return std::make_unique<SparseToDenseKernel>(validate);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor indices_tensor, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor shape_tensor, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor values, ctx.input(2));
    ASSIGN_OR_RETURN(Tensor default_value, ctx.input(3));
    const TensorShape& q = indices_tensor.shape();
    if (q.rank() > 2) {
      return ctx.Error(absl::StrCat("sparse_indices must be a scalar, vector or matrix, got ",
                                    q.DebugString()));
    }
    const int64_t n = q.rank() > 0 ? q.dim(0) : 1;
    const int64_t rank = q.rank() > 1 ? q.dim(1) : 1;
    ASSIGN_OR_RETURN(std::vector<int64_t> dims,
                     ReadIndexVector(ctx, shape_tensor, "output_shape"));
    if (static_cast<int64_t>(dims.size()) != rank) {
      return ctx.Error(absl::StrCat("output_shape has ", dims.size(),
                                    " elements but sparse_indices ", q.DebugString(),
                                    " index ", rank, " dimensions"));
    }
    if (values.shape().rank() > 1 || (values.shape().rank() == 1 && values.num_elements() != n)) {
      return ctx.Error(absl::StrCat("sparse_values ", values.shape().DebugString(),
                                    " must be a scalar or a vector of ", n));
    }
    RETURN_IF_ERROR(CheckDefaultValue(ctx, values, default_value));
    ASSIGN_OR_RETURN(std::vector<int64_t> indices,
                     ReadIndexValues(ctx, indices_tensor, "sparse_indices"));
    ASSIGN_OR_RETURN(TensorShape out_shape, MakeShape(ctx, dims));
    RETURN_IF_ERROR(CheckInBounds(ctx, indices, n, dims));
    if (validate_) {
      for (int64_t i = 1; i < n; ++i) {
        int cmp = 0;
        for (int64_t d = 0; d < rank && cmp == 0; ++d) {
          const int64_t a = indices[(i - 1) * rank + d], b = indices[i * rank + d];
          cmp = a < b ? -1 : (a > b ? 1 : 0);
        }
        if (cmp == 0) {
          return ctx.Error(
              absl::StrCat("indices[", i, "] = ", IndexText(indices, i, rank), " is repeated"));
        }
        if (cmp > 0) {
          return ctx.Error(absl::StrCat("indices[", i, "] = ", IndexText(indices, i, rank),
                                        " is out of order (validate_indices needs them sorted)"));
        }
      }
    }
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, values.dtype(), std::move(out_shape),
                                                  /*for_overwrite=*/true));
    FillElements(default_value, 0, *out, 0, out->num_elements());
    const std::vector<int64_t> strides = RowMajorStrides(out->shape());
    for (int64_t i = 0; i < n; ++i) {
      int64_t flat = 0;
      for (int64_t d = 0; d < rank; ++d) flat += indices[i * rank + d] * strides[d];
      CopyElements(values, values.shape().rank() == 0 ? 0 : i, *out, flat, 1);
    }
    return absl::OkStatus();
  }

 private:
  const bool validate_;
};

class SparseReshapeKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    RETURN_IF_ERROR(CheckNumInputs(c, 3));
    return std::make_unique<SparseReshapeKernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor indices_tensor, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor shape_tensor, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor new_shape_tensor, ctx.input(2));
    ASSIGN_OR_RETURN(std::vector<int64_t> indices, ReadInt64(ctx, indices_tensor,
                                                             "input_indices", 2));
    ASSIGN_OR_RETURN(std::vector<int64_t> in_dims, ReadInt64(ctx, shape_tensor, "input_shape", 1));
    ASSIGN_OR_RETURN(std::vector<int64_t> new_dims,
                     ReadInt64(ctx, new_shape_tensor, "new_shape", 1));
    const int64_t n = indices_tensor.shape().dim(0);
    const int64_t in_rank = indices_tensor.shape().dim(1);
    if (in_rank != static_cast<int64_t>(in_dims.size())) {
      return ctx.Error(absl::StrCat("input_indices ", indices_tensor.shape().DebugString(),
                                    " index ", in_rank, " dimensions but input_shape has ",
                                    in_dims.size()));
    }
    ASSIGN_OR_RETURN(TensorShape in_shape, MakeShape(ctx, in_dims));
    const int64_t dense_size = in_shape.num_elements();
    int unknown = -1;
    int64_t product = 1;
    for (size_t d = 0; d < new_dims.size(); ++d) {
      if (new_dims[d] == -1) {
        if (unknown >= 0) {
          return ctx.Error(absl::StrCat("only one new_shape dimension may be -1, not both ",
                                        unknown, " and ", d));
        }
        unknown = static_cast<int>(d);
      } else if (new_dims[d] < 0) {
        return ctx.Error(absl::StrCat("new_shape[", d, "] = ", new_dims[d], " is negative"));
      } else if (new_dims[d] != 0 && product > std::numeric_limits<int64_t>::max() / new_dims[d]) {
        return ctx.Error("new_shape has too many elements");
      } else {
        product *= new_dims[d];
      }
    }
    if (unknown >= 0) {
      if (product == 0 || dense_size % product != 0) {
        return ctx.Error(absl::StrCat("cannot infer new_shape[", unknown, "] for ", dense_size,
                                      " dense values from the other dimensions (product ",
                                      product, ")"));
      }
      new_dims[unknown] = dense_size / product;
      product = dense_size;
    }
    if (product != dense_size) {
      return ctx.Error(absl::StrCat("input_shape [", absl::StrJoin(in_dims, ","), "] has ",
                                    dense_size, " dense values but new_shape [",
                                    absl::StrJoin(new_dims, ","), "] has ", product));
    }
    RETURN_IF_ERROR(CheckInBounds(ctx, indices, n, in_dims));
    const int64_t out_rank = static_cast<int64_t>(new_dims.size());
    ASSIGN_OR_RETURN(TensorShape new_shape, MakeShape(ctx, new_dims));
    ASSIGN_OR_RETURN(Tensor * out_indices, AllocateOutput(ctx, 0, tensorflow::DT_INT64,
                                                          TensorShape({n, out_rank})));
    ASSIGN_OR_RETURN(Tensor * out_shape, AllocateOutput(ctx, 1, tensorflow::DT_INT64,
                                                        TensorShape({out_rank})));
    for (int64_t d = 0; d < out_rank; ++d) out_shape->data<int64_t>()[d] = new_dims[d];
    const std::vector<int64_t> in_strides = RowMajorStrides(in_shape);
    const std::vector<int64_t> out_strides = RowMajorStrides(new_shape);
    int64_t* dst = out_indices->data<int64_t>();
    for (int64_t i = 0; i < n; ++i) {
      int64_t flat = 0;
      for (int64_t d = 0; d < in_rank; ++d) flat += indices[i * in_rank + d] * in_strides[d];
      for (int64_t d = 0; d < out_rank; ++d) {
        dst[i * out_rank + d] = flat / out_strides[d];
        flat %= out_strides[d];
      }
    }
    return absl::OkStatus();
  }
};

class SparseFillEmptyRowsKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    RETURN_IF_ERROR(CheckNumInputs(c, 4));
    return std::make_unique<SparseFillEmptyRowsKernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor indices_tensor, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor values, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor shape_tensor, ctx.input(2));
    ASSIGN_OR_RETURN(Tensor default_value, ctx.input(3));
    ASSIGN_OR_RETURN(std::vector<int64_t> indices, ReadInt64(ctx, indices_tensor, "indices", 2));
    ASSIGN_OR_RETURN(std::vector<int64_t> dims, ReadInt64(ctx, shape_tensor, "dense_shape", 1));
    const int64_t n = indices_tensor.shape().dim(0);
    const int64_t rank = indices_tensor.shape().dim(1);
    if (values.shape().rank() != 1 || values.num_elements() != n) {
      return ctx.Error(absl::StrCat("values ", values.shape().DebugString(),
                                    " must be a vector of ", n, " (one per index)"));
    }
    RETURN_IF_ERROR(CheckDefaultValue(ctx, values, default_value));
    if (static_cast<int64_t>(dims.size()) != rank || rank == 0) {
      return ctx.Error(absl::StrCat("dense_shape has ", dims.size(), " elements but indices ",
                                    indices_tensor.shape().DebugString(), " index ", rank,
                                    " dimensions (need at least 1)"));
    }
    const int64_t rows = dims[0];
    if (rows < 0) return ctx.Error(absl::StrCat("dense_shape[0] = ", rows, " is negative"));
    if (rows == 0 && n > 0) {
      return ctx.Error(absl::StrCat("dense_shape[0] is 0 but there are ", n, " indices"));
    }
    for (int64_t i = 0; i < n; ++i) {
      const int64_t r = indices[i * rank];
      if (r < 0 || r >= rows) {
        return ctx.Error(absl::StrCat("indices[", i, ", 0] = ", r, " is not in [0, ", rows, ")"));
      }
    }
    ASSIGN_OR_RETURN(Tensor * empty, AllocateOutput(ctx, 2, tensorflow::DT_BOOL,
                                                    TensorShape({rows})));
    // Per-row entry counts, then each row's first output position. As large as the
    // indicator just allocated, but a vector, so its failure is caught here.
    std::vector<int64_t> start;
    try {
      start.assign(rows + 1, 0);
    } catch (const std::bad_alloc&) {
      return ctx.Error(absl::StrCat("dense_shape[0] = ", rows, " is too large"));
    }
    for (int64_t i = 0; i < n; ++i) ++start[indices[i * rank] + 1];
    bool* is_empty = empty->data<bool>();
    int64_t total = 0;
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t count = start[r + 1];
      is_empty[r] = count == 0;
      start[r] = total;
      total += count == 0 ? 1 : count;
    }
    ASSIGN_OR_RETURN(Tensor * out_indices,
                     AllocateOutput(ctx, 0, tensorflow::DT_INT64, TensorShape({total, rank})));
    ASSIGN_OR_RETURN(Tensor * out_values,
                     AllocateOutput(ctx, 1, values.dtype(), TensorShape({total})));
    ASSIGN_OR_RETURN(Tensor * reverse,
                     AllocateOutput(ctx, 3, tensorflow::DT_INT64, TensorShape({n})));
    int64_t* dst = out_indices->data<int64_t>();
    for (int64_t r = 0; r < rows; ++r) {
      if (!is_empty[r]) continue;
      dst[start[r] * rank] = r;  // the rest of the row stays 0
      FillElements(default_value, 0, *out_values, start[r], 1);
    }
    for (int64_t i = 0; i < n; ++i) {
      const int64_t at = start[indices[i * rank]]++;  // start[r]: row r's next position
      for (int64_t d = 0; d < rank; ++d) dst[at * rank + d] = indices[i * rank + d];
      CopyElements(values, i, *out_values, at, 1);
      reverse->data<int64_t>()[i] = at;
    }
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("SparseToDense", kReference, SparseToDenseKernel::Create);
SS_REGISTER_KERNEL("SparseReshape", kReference, SparseReshapeKernel::Create);
SS_REGISTER_KERNEL("SparseFillEmptyRows", kReference, SparseFillEmptyRowsKernel::Create);

}  // namespace
}  // namespace savedserve
