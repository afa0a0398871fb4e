// Placeholder and PlaceholderWithDefault. A Placeholder only ever runs when a request
// needs it but did not feed it, so its kernel is the "you must feed" error TensorFlow gives;
// PlaceholderWithDefault passes its input through when not fed.
#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class PlaceholderKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(DataType dtype, c.GetAttr<DataType>("dtype"));
    PartialShape shape;
    if (c.HasAttr("shape")) {
      ASSIGN_OR_RETURN(shape, c.GetAttr<PartialShape>("shape"));
    }
    return std::unique_ptr<OpKernel>(new PlaceholderKernel(
        absl::StrCat("You must feed a value for placeholder tensor '", c.name(), "' with dtype ",
                     DataTypeShortName(dtype), " and shape ", shape.DebugString())));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    return absl::InvalidArgumentError(message_);
  }

 private:
  explicit PlaceholderKernel(std::string message) : message_(std::move(message)) {}
  const std::string message_;
};

class PlaceholderWithDefaultKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    if (c.num_inputs() != 1) return c.Error("expects exactly one input");
    return std::unique_ptr<OpKernel>(new PlaceholderWithDefaultKernel);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor value, ctx.input(0));
    ctx.set_output(0, std::move(value));
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("Placeholder", kReference, CreateKernel<PlaceholderKernel>);
SS_REGISTER_KERNEL("PlaceholderWithDefault", kReference,
                   CreateKernel<PlaceholderWithDefaultKernel>);

}  // namespace
}  // namespace savedserve
