// BroadcastTo: the input repeated along dimensions of size 1 (and new leading ones) to the
// `shape` given as an int32/int64 vector, with NumPy's broadcasting rules. Any dtype.
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/broadcast.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class BroadcastToKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::make_unique<BroadcastToKernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor shape_tensor, ctx.input(1));
    if (!IsCopyableType(input.dtype())) return UnsupportedType(ctx, input.dtype());
    ASSIGN_OR_RETURN(std::vector<int64_t> dims, ReadIndexVector(ctx, shape_tensor, "shape"));
    ASSIGN_OR_RETURN(TensorShape target, MakeShape(ctx, dims));
    absl::StatusOr<BroadcastPlan> plan = BroadcastPlan::Create({input.shape(), target});
    if (!plan.ok() || plan->output_shape() != target) {
      return ctx.Error(absl::StrCat("Unable to broadcast tensor of shape ",
                                    input.shape().DebugString(), " to tensor of shape ",
                                    target.DebugString()));
    }
    if (input.shape() == target) {
      ctx.set_output(0, input);
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, input.dtype(), target,
                                                  /*for_overwrite=*/true));
    if (out->num_elements() == 0) return absl::OkStatus();
    const int64_t row = plan->row_length();
    for (int64_t r = 0; r < plan->num_rows(); ++r) {
      const int64_t src = plan->RowOffset(0, r);
      if (plan->row_stride(0) == 1) {
        CopyElements(input, src, *out, r * row, row);
      } else {
        FillElements(input, src, *out, r * row, row);
      }
    }
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("BroadcastTo", kReference, CreateKernel<BroadcastToKernel>);

}  // namespace
}  // namespace savedserve
