// GatherNd: slices of `params` picked by index tuples. `indices` has shape S + [k] (k <=
// rank(params)); each length-k row addresses params[i_0, ..., i_{k-1}, ...], so the output
// has shape S + params.shape[k:]. Out-of-range indices are an InvalidArgument naming them,
// as TensorFlow's CPU kernel reports; with bad_indices_policy "IGNORE" (newer TensorFlow)
// their slices are zeros instead. Any dtype; int32 or int64 indices.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// "[1,0]": the position of row `row` in `shape` (indices' shape without its last dim); ""
// for a single row, as TensorFlow writes it.
std::string RowPosition(const std::vector<int64_t>& shape, int64_t row) {
  if (shape.empty()) return "";
  std::vector<int64_t> index(shape.size());
  for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
    index[d] = row % shape[d];
    row /= shape[d];
  }
  return absl::StrCat("[", absl::StrJoin(index, ","), "]");
}

class GatherNdKernel : public OpKernel {
 public:
  explicit GatherNdKernel(bool ignore_bad) : ignore_bad_(ignore_bad) {}

  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(std::string policy, c.GetAttrOr<std::string>("bad_indices_policy", ""));
    if (policy != "" && policy != "DEFAULT" && policy != "ERROR" && policy != "IGNORE") {
      return c.Error(absl::StrCat("unknown bad_indices_policy '", policy, "'"));
    }
    return std::make_unique<GatherNdKernel>(policy == "IGNORE");
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor params, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor indices_tensor, ctx.input(1));
    if (!IsCopyableType(params.dtype())) return UnsupportedType(ctx, params.dtype());
    const TensorShape& p = params.shape();
    const TensorShape& q = indices_tensor.shape();
    if (q.rank() == 0) return ctx.Error("indices must be at least a vector, got a scalar");
    const int depth = static_cast<int>(q.dim(q.rank() - 1));
    if (q.dim(q.rank() - 1) > p.rank()) {
      return ctx.Error(absl::StrCat(
          "index innermost dimension length must be <= params rank; saw: ", q.dim(q.rank() - 1),
          " vs. ", p.rank()));
    }
    ASSIGN_OR_RETURN(std::vector<int64_t> indices, ReadIndexValues(ctx, indices_tensor, "indices"));
    std::vector<int64_t> dims(q.dims().begin(), q.dims().end() - 1);
    const std::vector<int64_t> rows_shape = dims;
    dims.insert(dims.end(), p.dims().begin() + depth, p.dims().end());
    ASSIGN_OR_RETURN(TensorShape out_shape, MakeShape(ctx, dims));
    int64_t rows = 1;
    for (int64_t d : rows_shape) rows *= d;  // a factor of indices' element count
    if (rows > 0 && p.num_elements() == 0) {
      return ctx.Error(absl::StrCat(
          "Requested more than 0 entries, but params is empty. Params shape: ", p.DebugString()));
    }
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, params.dtype(), std::move(out_shape),
                                                  /*for_overwrite=*/!ignore_bad_));
    const int64_t slice = DimProduct(p, depth, p.rank());
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t* index = indices.data() + r * depth;
      int64_t offset = 0;
      int k = 0;
      for (; k < depth && index[k] >= 0 && index[k] < p.dim(k); ++k) {
        offset = offset * p.dim(k) + index[k];
      }
      if (k == depth) {
        CopyElements(params, offset * slice, *out, r * slice, slice);
      } else if (!ignore_bad_) {
        return ctx.Error(absl::StrCat("indices", RowPosition(rows_shape, r), " = [",
                                      absl::StrJoin(index, index + depth, ", "),
                                      "] does not index into param shape ", p.DebugString()));
      }  // else the zeros the output was allocated with
    }
    return absl::OkStatus();
  }

 private:
  const bool ignore_bad_;
};

SS_REGISTER_KERNEL("GatherNd", kReference, CreateKernel<GatherNdKernel>);

}  // namespace
}  // namespace savedserve
