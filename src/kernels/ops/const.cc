// Const: the tensor in its `value` attribute, decoded once when the kernel is created and
// shared (not copied) by every run.
#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class ConstKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(Tensor value, c.GetAttr<Tensor>("value"));
    if (c.HasAttr("dtype")) {
      ASSIGN_OR_RETURN(DataType dtype, c.GetAttr<DataType>("dtype"));
      if (dtype != value.dtype()) {
        return c.Error(absl::StrCat("value has dtype ", DataTypeName(value.dtype()),
                                    " but attribute dtype is ", DataTypeName(dtype)));
      }
    }
    return std::unique_ptr<OpKernel>(new ConstKernel(std::move(value)));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ctx.set_output(0, value_);
    return absl::OkStatus();
  }

 private:
  explicit ConstKernel(Tensor value) : value_(std::move(value)) {}
  const Tensor value_;
};

SS_REGISTER_KERNEL("Const", kReference, CreateKernel<ConstKernel>);

}  // namespace
}  // namespace savedserve
