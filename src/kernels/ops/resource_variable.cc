// TF2-style resource variables: VarHandleOp produces a DT_RESOURCE handle carrying the
// Variable (looked up, or created uninitialized, in the model's ResourceManager);
// ReadVariableOp, AssignVariableOp, VarIsInitializedOp and DisableCopyOnRead act on it.
// Copy-on-write is built into Variable, so DisableCopyOnRead has nothing to do.
#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

absl::StatusOr<std::shared_ptr<Variable>> HandleInput(const KernelContext& ctx) {
  const std::shared_ptr<Variable>& variable = ctx.input_value(0).variable;
  if (variable == nullptr) return ctx.Error("input 0 must be a variable handle");
  return variable;
}

class VarHandleOpKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(DataType dtype, c.GetAttr<DataType>("dtype"));
    ASSIGN_OR_RETURN(std::string container, c.GetAttrOr<std::string>("container", ""));
    ASSIGN_OR_RETURN(std::string shared_name, c.GetAttrOr<std::string>("shared_name", ""));
    if (shared_name.empty()) shared_name = c.name();
    return std::unique_ptr<OpKernel>(
        new VarHandleOpKernel(dtype, std::move(container), std::move(shared_name)));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    if (ctx.resources() == nullptr) return ctx.Error("no resource manager to hold variables");
    Tensor handle(tensorflow::DT_RESOURCE, TensorShape{});
    handle.data<std::string>()[0] = absl::StrCat(container_, "/", shared_name_);
    ctx.set_output_value(0, Value{std::move(handle), ctx.resources()->LookupOrCreate(
                                                         container_, shared_name_, dtype_)});
    return absl::OkStatus();
  }

 private:
  VarHandleOpKernel(DataType dtype, std::string container, std::string shared_name)
      : dtype_(dtype), container_(std::move(container)), shared_name_(std::move(shared_name)) {}
  const DataType dtype_;
  const std::string container_;
  const std::string shared_name_;
};

class ReadVariableOpKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(DataType dtype, c.GetAttr<DataType>("dtype"));
    return std::unique_ptr<OpKernel>(new ReadVariableOpKernel(dtype));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(std::shared_ptr<Variable> variable, HandleInput(ctx));
    ASSIGN_OR_RETURN(Tensor value, variable->Read());
    if (value.dtype() != dtype_) {
      return ctx.Error(absl::StrCat("variable ", variable->name(), " holds ",
                                    DataTypeName(value.dtype()), ", expected ",
                                    DataTypeName(dtype_)));
    }
    ctx.set_output(0, std::move(value));
    return absl::OkStatus();
  }

 private:
  explicit ReadVariableOpKernel(DataType dtype) : dtype_(dtype) {}
  const DataType dtype_;
};

class AssignVariableOpKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::unique_ptr<OpKernel>(new AssignVariableOpKernel);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(std::shared_ptr<Variable> variable, HandleInput(ctx));
    ASSIGN_OR_RETURN(Tensor value, ctx.input(1));
    if (value.dtype() != variable->dtype()) {
      return ctx.Error(absl::StrCat("cannot assign a ", DataTypeName(value.dtype()),
                                    " value to variable ", variable->name(), " of type ",
                                    DataTypeName(variable->dtype())));
    }
    variable->Assign(std::move(value));
    return absl::OkStatus();
  }
};

class VarIsInitializedOpKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::unique_ptr<OpKernel>(new VarIsInitializedOpKernel);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    const std::shared_ptr<Variable>& variable = ctx.input_value(0).variable;
    ctx.set_output(0, Tensor::Scalar<bool>(variable != nullptr && variable->initialized()));
    return absl::OkStatus();
  }
};

class DisableCopyOnReadKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::unique_ptr<OpKernel>(new DisableCopyOnReadKernel);
  }
  absl::Status Compute(KernelContext& ctx) const override { return absl::OkStatus(); }
};

SS_REGISTER_KERNEL("VarHandleOp", kReference, CreateKernel<VarHandleOpKernel>);
SS_REGISTER_KERNEL("ReadVariableOp", kReference, CreateKernel<ReadVariableOpKernel>);
SS_REGISTER_KERNEL("AssignVariableOp", kReference, CreateKernel<AssignVariableOpKernel>);
SS_REGISTER_KERNEL("VarIsInitializedOp", kReference, CreateKernel<VarIsInitializedOpKernel>);
SS_REGISTER_KERNEL("DisableCopyOnRead", kReference, CreateKernel<DisableCopyOnReadKernel>);

}  // namespace
}  // namespace savedserve
