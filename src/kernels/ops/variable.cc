// Variable and VariableV2: TF1 ref variables. The output is a ref Value carrying the
// Variable (looked up, or created uninitialized, in the model's ResourceManager under
// `container`/`shared_name`, or the node name when shared_name is empty); consumers that
// take a plain tensor read its current value, Assign and friends modify it.
#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class VariableKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(DataType dtype, c.GetAttr<DataType>("dtype"));
    ASSIGN_OR_RETURN(std::string container, c.GetAttrOr<std::string>("container", ""));
    ASSIGN_OR_RETURN(std::string shared_name, c.GetAttrOr<std::string>("shared_name", ""));
    if (shared_name.empty()) shared_name = c.name();
    return std::unique_ptr<OpKernel>(
        new VariableKernel(dtype, std::move(container), std::move(shared_name)));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    if (ctx.resources() == nullptr) return ctx.Error("no resource manager to hold variables");
    ctx.set_output_value(
        0, Value{Tensor(), ctx.resources()->LookupOrCreate(container_, shared_name_, dtype_)});
    return absl::OkStatus();
  }

 private:
  VariableKernel(DataType dtype, std::string container, std::string shared_name)
      : dtype_(dtype), container_(std::move(container)), shared_name_(std::move(shared_name)) {}
  const DataType dtype_;
  const std::string container_;
  const std::string shared_name_;
};

SS_REGISTER_KERNEL("VariableV2", kReference, CreateKernel<VariableKernel>);
SS_REGISTER_KERNEL("Variable", kReference, CreateKernel<VariableKernel>);

}  // namespace
}  // namespace savedserve
