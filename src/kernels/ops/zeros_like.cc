// ZerosLike: a tensor of the input's dtype and shape filled with zeros (false for bool, ""
// for strings).
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class ZerosLikeKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::make_unique<ZerosLikeKernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    const DataType dtype = input.dtype();
    if (!IsCopyableType(dtype) || dtype == tensorflow::DT_RESOURCE ||
        dtype == tensorflow::DT_VARIANT) {
      return UnsupportedType(ctx, dtype);
    }
    // New tensors are zero-filled.
    return AllocateOutput(ctx, 0, dtype, input.shape()).status();
  }
};

SS_REGISTER_KERNEL("ZerosLike", kReference, CreateKernel<ZerosLikeKernel>);

}  // namespace
}  // namespace savedserve
