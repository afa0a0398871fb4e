// ReverseV2 (tf.reverse): the input with the order of its entries reversed along each
// dimension listed in `axis` (int32/int64, negative counts from the end, each at most once).
// Reverse is the TF1 form taking one bool per dimension. Any dtype.
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// Output 0 = `input` read backwards along the dimensions flagged in `reversed`.
absl::Status ReverseAlong(KernelContext& ctx, const Tensor& input,
                          const std::vector<bool>& reversed) {
  const TensorShape& shape = input.shape();
  std::vector<int64_t> start(shape.rank(), 0), step(shape.rank(), 1);
  bool any = false;
  for (int d = 0; d < shape.rank(); ++d) {
    if (!reversed[d] || shape.dim(d) <= 1) continue;
    start[d] = shape.dim(d) - 1;
    step[d] = -1;
    any = true;
  }
  if (!any) {
    ctx.set_output(0, input);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, input.dtype(), shape,
                                                /*for_overwrite=*/true));
  CopyStridedWindow(input, start, step, *out);
  return absl::OkStatus();
}

class ReverseV2Kernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::make_unique<ReverseV2Kernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor axis_tensor, ctx.input(1));
    if (!IsCopyableType(input.dtype())) return UnsupportedType(ctx, input.dtype());
    ASSIGN_OR_RETURN(std::vector<int64_t> axes, ReadIndexVector(ctx, axis_tensor, "axis"));
    const int rank = input.shape().rank();
    std::vector<bool> reversed(rank, false);
    for (size_t i = 0; i < axes.size(); ++i) {
      ASSIGN_OR_RETURN(int axis, CanonicalAxis(ctx, axes[i], rank, absl::StrCat("axis[", i, "]")));
      if (reversed[axis]) {
        return ctx.Error(absl::StrCat("axis ", axis, " specified more than once"));
      }
      reversed[axis] = true;
    }
    return ReverseAlong(ctx, input, reversed);
  }
};

class ReverseKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::make_unique<ReverseKernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor dims, ctx.input(1));
    if (!IsCopyableType(input.dtype())) return UnsupportedType(ctx, input.dtype());
    RETURN_IF_ERROR(CheckInputType(ctx, 1, dims, tensorflow::DT_BOOL));
    if (dims.shape().rank() != 1 || dims.num_elements() != input.shape().rank()) {
      return ctx.Error(absl::StrCat("dims must be a vector of one bool per dimension of the input ",
                                    input.shape().DebugString(), ", got shape ",
                                    dims.shape().DebugString()));
    }
    const bool* flags = dims.data<bool>();
    return ReverseAlong(ctx, input, std::vector<bool>(flags, flags + dims.num_elements()));
  }
};

SS_REGISTER_KERNEL("ReverseV2", kReference, CreateKernel<ReverseV2Kernel>);
SS_REGISTER_KERNEL("Reverse", kReference, CreateKernel<ReverseKernel>);

}  // namespace
}  // namespace savedserve
