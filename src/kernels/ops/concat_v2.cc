// ConcatV2: joins N tensors along `axis` (the last input; negative counts from the end).
// All inputs have one rank and agree on every dimension but `axis`. Any dtype; one block
// copy per input per outer row. Also the TF1 form Concat, whose axis is the first input.
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class ConcatKernel : public OpKernel {
 public:
  explicit ConcatKernel(bool axis_first) : axis_first_(axis_first) {}

  template <bool kAxisFirst>
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    if (c.num_inputs() < 2) return c.Error("needs at least one value and the axis");
    return std::make_unique<ConcatKernel>(kAxisFirst);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    const int n = ctx.num_inputs() - 1;
    const int first_value = axis_first_ ? 1 : 0;
    std::vector<Tensor> values;
    for (int i = 0; i < n; ++i) {
      ASSIGN_OR_RETURN(Tensor v, ctx.input(first_value + i));
      values.push_back(std::move(v));
    }
    ASSIGN_OR_RETURN(Tensor axis_tensor, ctx.input(axis_first_ ? 0 : n));
    ASSIGN_OR_RETURN(int64_t axis_value, ReadIndexScalar(ctx, axis_tensor, "axis"));
    const Tensor& first = values[0];
    const int rank = first.shape().rank();
    if (rank == 0) return ctx.Error("cannot concatenate scalars (use Pack)");
    if (!IsCopyableType(first.dtype())) return UnsupportedType(ctx, first.dtype());
    ASSIGN_OR_RETURN(int axis, CanonicalAxis(ctx, axis_value, rank));
    std::vector<int64_t> out_dims = first.shape().dims();
    out_dims[axis] = 0;
    for (int i = 0; i < n; ++i) {
      RETURN_IF_ERROR(CheckCompatible(ctx, first, values[i], i, axis));
      if (__builtin_add_overflow(out_dims[axis], values[i].shape().dim(axis), &out_dims[axis])) {
        return ctx.Error("the concatenated dimension overflows int64");
      }
    }
    ASSIGN_OR_RETURN(TensorShape out_shape, MakeShape(ctx, out_dims));
    if (n == 1) {
      ctx.set_output(0, first);
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, first.dtype(), out_shape));
    if (out->num_elements() == 0) return absl::OkStatus();
    const int64_t outer = DimProduct(out_shape, 0, axis);
    const int64_t out_row = out->num_elements() / outer;
    int64_t offset = 0;  // of input i's block within an output row
    for (const Tensor& v : values) {
      const int64_t in_row = DimProduct(v.shape(), axis, rank);
      for (int64_t o = 0; o < outer; ++o) {
        CopyElements(v, o * in_row, *out, o * out_row + offset, in_row);
      }
      offset += in_row;
    }
    return absl::OkStatus();
  }

 private:
  static absl::Status CheckCompatible(const KernelContext& ctx, const Tensor& first,
                                      const Tensor& v, int i, int axis) {
    if (v.dtype() != first.dtype()) {
      return ctx.Error(absl::StrCat("input ", i, " is ", DataTypeName(v.dtype()),
                                    " but input 0 is ", DataTypeName(first.dtype())));
    }
    bool match = v.shape().rank() == first.shape().rank();
    for (int d = 0; match && d < first.shape().rank(); ++d) {
      match = d == axis || v.shape().dim(d) == first.shape().dim(d);
    }
    if (!match) {
      return ctx.Error(absl::StrCat("input ", i, " has shape ", v.shape().DebugString(),
                                    " but input 0 has shape ", first.shape().DebugString(),
                                    "; all dimensions but the concat axis ", axis, " must match"));
    }
    return absl::OkStatus();
  }

  const bool axis_first_;
};

SS_REGISTER_KERNEL("ConcatV2", kReference, ConcatKernel::Create<false>);
SS_REGISTER_KERNEL("Concat", kReference, ConcatKernel::Create<true>);

}  // namespace
}  // namespace savedserve
