// Fill: a tensor of shape `dims` with every element `value` (a scalar of any dtype).
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class FillKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::make_unique<FillKernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor dims_tensor, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor value, ctx.input(1));
    if (value.shape().rank() != 0) {
      return ctx.Error(
          absl::StrCat("value must be a scalar, got shape ", value.shape().DebugString()));
    }
    if (!IsCopyableType(value.dtype())) return UnsupportedType(ctx, value.dtype());
    ASSIGN_OR_RETURN(std::vector<int64_t> dims, ReadIndexVector(ctx, dims_tensor, "dims"));
    ASSIGN_OR_RETURN(TensorShape shape, MakeShape(ctx, dims));
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, value.dtype(), std::move(shape)));
    FillElements(value, 0, *out, 0, out->num_elements());
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("Fill", kReference, CreateKernel<FillKernel>);

}  // namespace
}  // namespace savedserve
