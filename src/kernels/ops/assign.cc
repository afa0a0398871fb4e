// Assign and AssignAdd on TF1 ref variables. Input 0 is the ref (a Value carrying the
// Variable); the output is the same ref, holding the value just written so that consumers
// see this assignment even if another request assigns again before they run.
#include <cstring>

#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

absl::StatusOr<std::shared_ptr<Variable>> RefInput(const KernelContext& ctx) {
  const std::shared_ptr<Variable>& variable = ctx.input_value(0).variable;
  if (variable == nullptr) return ctx.Error("input 0 must be a variable reference");
  return variable;
}

absl::Status CheckDtype(const KernelContext& ctx, const Variable& variable, const Tensor& value) {
  if (value.dtype() == variable.dtype()) return absl::OkStatus();
  return ctx.Error(absl::StrCat("cannot assign a ", DataTypeName(value.dtype()),
                                " value to variable ", variable.name(), " of type ",
                                DataTypeName(variable.dtype())));
}

class AssignKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(bool validate_shape, c.GetAttrOr<bool>("validate_shape", true));
    return std::unique_ptr<OpKernel>(new AssignKernel(validate_shape));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(std::shared_ptr<Variable> variable, RefInput(ctx));
    ASSIGN_OR_RETURN(Tensor value, ctx.input(1));
    RETURN_IF_ERROR(CheckDtype(ctx, *variable, value));
    if (validate_shape_ && variable->initialized()) {
      ASSIGN_OR_RETURN(Tensor old, variable->Read());
      if (old.shape() != value.shape()) {
        return ctx.Error(absl::StrCat("shape of value ", value.shape().DebugString(),
                                      " does not match variable ", variable->name(), " shape ",
                                      old.shape().DebugString()));
      }
    }
    variable->Assign(value);
    ctx.set_output_value(0, Value{std::move(value), std::move(variable)});
    return absl::OkStatus();
  }

 private:
  explicit AssignKernel(bool validate_shape) : validate_shape_(validate_shape) {}
  const bool validate_shape_;
};

template <typename T>
void AddInPlace(T* out, const T* in, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(out[i] + in[i]);
}

// out += in for numeric dtypes (16-bit floats through float).
absl::Status AddTensors(Tensor& out, const Tensor& in) {
  const int64_t n = out.num_elements();
  switch (out.dtype()) {
#define SS_ADD_CASE(DT, T)                      \
  case tensorflow::DT:                          \
    AddInPlace(out.data<T>(), in.data<T>(), n); \
    return absl::OkStatus();
    SS_ADD_CASE(DT_FLOAT, float)
    SS_ADD_CASE(DT_DOUBLE, double)
    SS_ADD_CASE(DT_INT8, int8_t)
    SS_ADD_CASE(DT_INT16, int16_t)
    SS_ADD_CASE(DT_INT32, int32_t)
    SS_ADD_CASE(DT_INT64, int64_t)
    SS_ADD_CASE(DT_UINT8, uint8_t)
    SS_ADD_CASE(DT_UINT16, uint16_t)
    SS_ADD_CASE(DT_UINT32, uint32_t)
    SS_ADD_CASE(DT_UINT64, uint64_t)
#undef SS_ADD_CASE
    case tensorflow::DT_HALF:
      for (int64_t i = 0; i < n; ++i) {
        out.data<Half>()[i] =
            FloatToHalf(HalfToFloat(out.data<Half>()[i]) + HalfToFloat(in.data<Half>()[i]));
      }
      return absl::OkStatus();
    case tensorflow::DT_BFLOAT16:
      for (int64_t i = 0; i < n; ++i) {
        out.data<BFloat16>()[i] = FloatToBFloat16(BFloat16ToFloat(out.data<BFloat16>()[i]) +
                                                  BFloat16ToFloat(in.data<BFloat16>()[i]));
      }
      return absl::OkStatus();
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("AssignAdd does not support ", DataTypeName(out.dtype())));
  }
}

class AssignAddKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::unique_ptr<OpKernel>(new AssignAddKernel);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(std::shared_ptr<Variable> variable, RefInput(ctx));
    ASSIGN_OR_RETURN(Tensor delta, ctx.input(1));
    RETURN_IF_ERROR(CheckDtype(ctx, *variable, delta));
    Tensor updated;
    absl::Status s = variable->Update([&](Tensor& value) {
      if (value.shape() != delta.shape()) {
        return absl::InvalidArgumentError(
            absl::StrCat("shape of delta ", delta.shape().DebugString(),
                         " does not match variable shape ", value.shape().DebugString()));
      }
      RETURN_IF_ERROR(AddTensors(value, delta));
      updated = value;  // shares the new buffer, which is never written again
      return absl::OkStatus();
    });
    RETURN_IF_ERROR(s);  // the executor adds the node's name
    ctx.set_output_value(0, Value{std::move(updated), std::move(variable)});
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("Assign", kReference, CreateKernel<AssignKernel>);
SS_REGISTER_KERNEL("AssignAdd", kReference, CreateKernel<AssignAddKernel>);

}  // namespace
}  // namespace savedserve
