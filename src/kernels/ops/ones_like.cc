// OnesLike: a tensor of the input's dtype and shape filled with ones (true for bool, 1+0i
// for complex). Numbers and bool only.
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/numeric.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// A one-element tensor holding 1 of `dtype`; uninitialized when dtype is unsupported.
Tensor One(DataType dtype) {
  Tensor one;
  if (dtype == tensorflow::DT_COMPLEX64 || dtype == tensorflow::DT_COMPLEX128) {
    one = Tensor(dtype, TensorShape{});
    if (dtype == tensorflow::DT_COMPLEX64) {
      static_cast<float*>(one.raw_data())[0] = 1;  // real part; imaginary stays 0
    } else {
      static_cast<double*>(one.raw_data())[0] = 1;
    }
    return one;
  }
  VisitDType<NumberAndBoolTypes>(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, bool>) {
      one = Tensor::Scalar<bool>(true);
    } else {
      one = Tensor::Scalar<T>(FromMath<T>(MathType<T>(1)));
    }
  });
  return one;
}

class OnesLikeKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::make_unique<OnesLikeKernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    const Tensor one = One(input.dtype());
    if (!one.is_initialized()) return UnsupportedType(ctx, input.dtype());
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, input.dtype(), input.shape()));
    FillElements(one, 0, *out, 0, out->num_elements());
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("OnesLike", kReference, CreateKernel<OnesLikeKernel>);

}  // namespace
}  // namespace savedserve
