// TF2-style resource variables: VarHandleOp (in variable.cc) produces a DT_RESOURCE handle
// carrying the Variable; ReadVariableOp, AssignVariableOp, VarIsInitializedOp and
// DisableCopyOnRead act on it.
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

SS_REGISTER_KERNEL("ReadVariableOp", kReference, CreateKernel<ReadVariableOpKernel>);
SS_REGISTER_KERNEL("AssignVariableOp", kReference, CreateKernel<AssignVariableOpKernel>);
SS_REGISTER_KERNEL("VarIsInitializedOp", kReference, CreateKernel<VarIsInitializedOpKernel>);
SS_REGISTER_KERNEL("DisableCopyOnRead", kReference, CreateKernel<DisableCopyOnReadKernel>);

}  // namespace
}  // namespace savedserve
