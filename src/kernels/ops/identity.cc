// Identity, IdentityN and StopGradient: outputs are the inputs, sharing their buffers.
// A ref input (a TF1 variable) is read, as TensorFlow dereferences refs feeding non-ref
// inputs; a DT_RESOURCE handle passes through with its Variable, so functions can forward
// captured variables.
#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

absl::StatusOr<Value> Forward(const KernelContext& ctx, int i) {
  const Value& in = ctx.input_value(i);
  if (in.variable == nullptr || in.tensor.dtype() == tensorflow::DT_RESOURCE) return in;
  ASSIGN_OR_RETURN(Tensor value, ctx.input(i));
  return Value{std::move(value), nullptr};
}

class IdentityKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    if (c.num_inputs() != 1) return c.Error("expects exactly one input");
    return std::unique_ptr<OpKernel>(new IdentityKernel);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Value v, Forward(ctx, 0));
    ctx.set_output_value(0, std::move(v));
    return absl::OkStatus();
  }
};

class IdentityNKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::unique_ptr<OpKernel>(new IdentityNKernel);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    if (ctx.num_outputs() != ctx.num_inputs()) {
      return ctx.Error(
          absl::StrCat("has ", ctx.num_inputs(), " inputs but ", ctx.num_outputs(), " outputs"));
    }
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      ASSIGN_OR_RETURN(Value v, Forward(ctx, i));
      ctx.set_output_value(i, std::move(v));
    }
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("Identity", kReference, CreateKernel<IdentityKernel>);
SS_REGISTER_KERNEL("StopGradient", kReference, CreateKernel<IdentityKernel>);
SS_REGISTER_KERNEL("IdentityN", kReference, CreateKernel<IdentityNKernel>);

}  // namespace
}  // namespace savedserve
