// The ops that produce a variable: Variable and VariableV2 (TF1 ref variables) and
// VarHandleOp (TF2 resource variables). Each outputs a Value carrying the Variable, looked
// up, or created uninitialized, in the model's ResourceManager under `container`/
// `shared_name` (the node name when shared_name is empty). A ref output has no tensor:
// consumers that take a plain tensor read the variable's current value, Assign and friends
// modify it. A resource output also carries a DT_RESOURCE scalar naming the variable, for
// ReadVariableOp, AssignVariableOp and the other ops in resource_variable.cc.
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class VariableKernel : public OpKernel {
 public:
  enum class Output { kRef, kResourceHandle };

  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c,
                                                          Output output) {
    ASSIGN_OR_RETURN(DataType dtype, c.GetAttr<DataType>("dtype"));
    ASSIGN_OR_RETURN(std::string container, c.GetAttrOr<std::string>("container", ""));
    ASSIGN_OR_RETURN(std::string shared_name, c.GetAttrOr<std::string>("shared_name", ""));
    if (shared_name.empty()) shared_name = c.name();
    return std::unique_ptr<OpKernel>(
        new VariableKernel(output, dtype, std::move(container), std::move(shared_name)));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    if (ctx.resources() == nullptr) return ctx.Error("no resource manager to hold variables");
    Value value{Tensor(), ctx.resources()->LookupOrCreate(container_, shared_name_, dtype_)};
    if (output_ == Output::kResourceHandle) {
      value.tensor = Tensor(tensorflow::DT_RESOURCE, TensorShape{});
      value.tensor.data<std::string>()[0] = absl::StrCat(container_, "/", shared_name_);
    }
    ctx.set_output_value(0, std::move(value));
    return absl::OkStatus();
  }

 private:
  VariableKernel(Output output, DataType dtype, std::string container, std::string shared_name)
      : output_(output),
        dtype_(dtype),
        container_(std::move(container)),
        shared_name_(std::move(shared_name)) {}
  const Output output_;
  const DataType dtype_;
  const std::string container_;
  const std::string shared_name_;
};

absl::StatusOr<std::unique_ptr<OpKernel>> CreateRefVariable(const KernelConstruction& c) {
  return VariableKernel::Create(c, VariableKernel::Output::kRef);
}

absl::StatusOr<std::unique_ptr<OpKernel>> CreateVarHandle(const KernelConstruction& c) {
  return VariableKernel::Create(c, VariableKernel::Output::kResourceHandle);
}

SS_REGISTER_KERNEL("VariableV2", kReference, CreateRefVariable);
SS_REGISTER_KERNEL("Variable", kReference, CreateRefVariable);
SS_REGISTER_KERNEL("VarHandleOp", kReference, CreateVarHandle);

}  // namespace
}  // namespace savedserve
