// AddN: the element-wise sum of N (>= 1) inputs of one shape. Reference kernel for every
// real number type.
//
// The sum is folded left to right in the element type, inputs[0] + inputs[1] + ..., as TF's
// kernel evaluates it (Half and BFloat16 rounded after each addition, integers wrapping).
#include <algorithm>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/numeric.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

template <typename T>
class AddNKernel : public OpKernel {
 public:
  explicit AddNKernel(DataType dtype) : dtype_(dtype) {}

  absl::Status Compute(KernelContext& ctx) const override {
    std::vector<Tensor> inputs;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      ASSIGN_OR_RETURN(Tensor in, ctx.input(i));
      RETURN_IF_ERROR(CheckInputType(ctx, i, in, dtype_));
      if (!inputs.empty() && in.shape() != inputs.front().shape()) {
        return ctx.Error(absl::StrCat("Inputs must have the same size and shape. Input 0: ",
                                      inputs.front().shape().DebugString(), " != input ", i, ": ",
                                      in.shape().DebugString()));
      }
      inputs.push_back(std::move(in));
    }
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, dtype_, inputs.front().shape(),
                                                  /*for_overwrite=*/true));
    const int64_t n = out->num_elements();
    if (n == 0) return absl::OkStatus();
    T* y = out->data<T>();
    const T* first = inputs.front().data<T>();
    std::copy(first, first + n, y);
    for (size_t k = 1; k < inputs.size(); ++k) {
      const T* x = inputs[k].data<T>();
      for (int64_t i = 0; i < n; ++i) y[i] = FromMath<T>(WrappingAdd(ToMath(y[i]), ToMath(x[i])));
    }
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return shapes.empty() ? 0
                          : (static_cast<int64_t>(shapes.size()) - 1) * shapes[0].num_elements();
  }

 private:
  DataType dtype_;
};

absl::StatusOr<std::unique_ptr<OpKernel>> CreateAddNKernel(const KernelConstruction& c) {
  if (c.num_inputs() < 1) return c.Error("AddN expects at least one input");
  ASSIGN_OR_RETURN(DataType dtype, ResolveTypeAttr(c, "T", {0}));
  std::unique_ptr<OpKernel> kernel;
  VisitDType<NumberTypes>(dtype, [&](auto tag) {
    kernel = std::make_unique<AddNKernel<typename decltype(tag)::type>>(dtype);
  });
  if (kernel == nullptr) return c.Error(UnsupportedDTypeMessage<NumberTypes>(dtype));
  return kernel;
}

SS_REGISTER_KERNEL("AddN", kReference, CreateAddNKernel);

}  // namespace
}  // namespace savedserve
