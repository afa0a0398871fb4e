// GatherV2: slices of `params` along `axis` picked by `indices`; the output shape is
// params[:axis] + indices[batch_dims:] + params[axis+1:]. With batch_dims = b the first b
// dimensions of params and indices are batch dimensions gathered pairwise. Out-of-range
// indices are errors (as TF on CPU). Also Gather, the TF1 form with axis 0. Any dtype.
#include "kernels/ops/gather_v2.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// "[1,2]": the multi-dimensional position of flat element `flat` in `shape`.
std::string Position(const TensorShape& shape, int64_t flat) {
  std::vector<int64_t> index(shape.rank());
  for (int d = shape.rank() - 1; d >= 0; --d) {
    index[d] = flat % shape.dim(d);
    flat /= shape.dim(d);
  }
  return absl::StrCat("[", absl::StrJoin(index, ","), "]");
}

}  // namespace

absl::Status GatherInto(KernelContext& ctx, const Tensor& params, const Tensor& indices_tensor,
                        int64_t axis_value, int64_t batch_dims) {
  if (!IsCopyableType(params.dtype())) return UnsupportedType(ctx, params.dtype());
  const TensorShape& p = params.shape();
  const TensorShape& q = indices_tensor.shape();
  if (p.rank() == 0) return ctx.Error("params must be at least a vector, got a scalar");
  ASSIGN_OR_RETURN(int axis, CanonicalAxis(ctx, axis_value, p.rank()));
  if (batch_dims < -q.rank() || batch_dims > q.rank()) {
    return ctx.Error(absl::StrCat("batch_dims ", batch_dims, " is out of range [", -q.rank(), ", ",
                                  q.rank(), "] for indices ", q.DebugString()));
  }
  if (batch_dims < 0) batch_dims += q.rank();
  if (batch_dims > axis) {
    return ctx.Error(absl::StrCat("batch_dims ", batch_dims, " must be <= axis ", axis));
  }
  for (int d = 0; d < batch_dims; ++d) {
    if (p.dim(d) != q.dim(d)) {
      return ctx.Error(absl::StrCat("params ", p.DebugString(), " and indices ", q.DebugString(),
                                    " differ in batch dimension ", d));
    }
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> indices, ReadIndexValues(ctx, indices_tensor, "indices"));
  std::vector<int64_t> dims(p.dims().begin(), p.dims().begin() + axis);
  dims.insert(dims.end(), q.dims().begin() + batch_dims, q.dims().end());
  dims.insert(dims.end(), p.dims().begin() + axis + 1, p.dims().end());
  ASSIGN_OR_RETURN(TensorShape out_shape, MakeShape(ctx, dims));
  ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, params.dtype(), std::move(out_shape)));

  const int64_t batch = DimProduct(p, 0, static_cast<int>(batch_dims));
  const int64_t outer = DimProduct(p, static_cast<int>(batch_dims), axis);
  const int64_t limit = p.dim(axis);
  const int64_t inner = DimProduct(p, axis + 1, p.rank());
  const int64_t per_batch = batch == 0 ? 0 : static_cast<int64_t>(indices.size()) / batch;
  for (size_t k = 0; k < indices.size(); ++k) {
    if (indices[k] < 0 || indices[k] >= limit) {
      return ctx.Error(absl::StrCat("indices", Position(q, static_cast<int64_t>(k)), " = ",
                                    indices[k], " is not in [0, ", limit, ")"));
    }
  }
  if (out->num_elements() == 0) return absl::OkStatus();
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t o = 0; o < outer; ++o) {
      const int64_t src_base = (b * outer + o) * limit;
      const int64_t dst_base = (b * outer + o) * per_batch;
      for (int64_t n = 0; n < per_batch; ++n) {
        CopyElements(params, (src_base + indices[b * per_batch + n]) * inner, *out,
                     (dst_base + n) * inner, inner);
      }
    }
  }
  return absl::OkStatus();
}

namespace {

class GatherKernel : public OpKernel {
 public:
  GatherKernel(bool has_axis, int64_t batch_dims) : has_axis_(has_axis), batch_dims_(batch_dims) {}

  template <bool kHasAxis>
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(int64_t batch_dims, c.GetAttrOr<int64_t>("batch_dims", 0));
    return std::make_unique<GatherKernel>(kHasAxis, batch_dims);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor params, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor indices, ctx.input(1));
    int64_t axis = 0;
    if (has_axis_) {
      ASSIGN_OR_RETURN(Tensor axis_tensor, ctx.input(2));
      ASSIGN_OR_RETURN(axis, ReadIndexScalar(ctx, axis_tensor, "axis"));
    }
    return GatherInto(ctx, params, indices, axis, batch_dims_);
  }

 private:
  const bool has_axis_;
  const int64_t batch_dims_;
};

SS_REGISTER_KERNEL("GatherV2", kReference, GatherKernel::Create<true>);
SS_REGISTER_KERNEL("Gather", kReference, GatherKernel::Create<false>);

}  // namespace
}  // namespace savedserve
