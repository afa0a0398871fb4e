// Softmax and LogSoftmax over the last axis, per row, shifted by the row's max so large
// logits do not overflow (as TF computes them):
//   Softmax:    y = exp(x - max) / sum(exp(x - max))
//   LogSoftmax: y = (x - max) - log(sum(exp(x - max)))
// Reference kernels for float, double, half and bfloat16 (the last two computed in float).
// A row holding NaN or +inf, or only -inf, gives NaN, as in TF.
// The vectorised float32 Softmax is in cpu/softmax_simd.cc.
#include <cmath>
#include <memory>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/numeric.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

template <typename T>
class SoftmaxKernel : public OpKernel {
 public:
  SoftmaxKernel(DataType dtype, bool log) : dtype_(dtype), log_(log) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor x, ctx.input(0));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, x, dtype_));
    if (x.shape().rank() < 1) {
      return ctx.Error(
          absl::StrCat("logits must have >= 1 dimension, got shape ", x.shape().DebugString()));
    }
    ASSIGN_OR_RETURN(Tensor * y, AllocateOutput(ctx, 0, dtype_, x.shape()));
    const int64_t depth = x.shape().dim(x.shape().rank() - 1);
    if (x.num_elements() == 0) return absl::OkStatus();
    const int64_t rows = x.num_elements() / depth;
    for (int64_t r = 0; r < rows; ++r) {
      SoftmaxRow(x.data<T>() + r * depth, y->data<T>() + r * depth, depth, log_);
    }
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    // max, subtract, exp, sum, divide.
    return shapes.empty() ? 0 : 5 * shapes[0].num_elements();
  }

 private:
  using M = MathType<T>;
  // The sum is accumulated in double for float (more than TF's float, so the reference is
  // the more exact one).
  using Sum = std::conditional_t<std::is_same_v<M, float>, double, M>;

  static void SoftmaxRow(const T* x, T* y, int64_t n, bool log) {
    M max = LowestOrMinusInf<M>();
    for (int64_t i = 0; i < n; ++i) max = MaxPropagateNan(max, ToMath(x[i]));
    Sum sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += std::exp(ToMath(x[i]) - max);
    if (log) {
      const M log_sum = static_cast<M>(std::log(sum));
      for (int64_t i = 0; i < n; ++i) y[i] = FromMath<T>((ToMath(x[i]) - max) - log_sum);
      return;
    }
    for (int64_t i = 0; i < n; ++i) {
      y[i] = FromMath<T>(static_cast<M>(std::exp(ToMath(x[i]) - max) / sum));
    }
  }

  DataType dtype_;
  bool log_;
};

absl::StatusOr<std::unique_ptr<OpKernel>> CreateSoftmaxKernel(const KernelConstruction& c,
                                                              bool log) {
  RETURN_IF_ERROR(CheckNumInputs(c, 1));
  ASSIGN_OR_RETURN(DataType dtype, ResolveTypeAttr(c, "T", {0}));
  std::unique_ptr<OpKernel> kernel;
  VisitDType<FloatTypes>(dtype, [&](auto tag) {
    kernel = std::make_unique<SoftmaxKernel<typename decltype(tag)::type>>(dtype, log);
  });
  if (kernel == nullptr) return c.Error(UnsupportedDTypeMessage<FloatTypes>(dtype));
  return kernel;
}

SS_REGISTER_KERNEL("Softmax", kReference,
                   [](const KernelConstruction& c) { return CreateSoftmaxKernel(c, false); });
SS_REGISTER_KERNEL("LogSoftmax", kReference,
                   [](const KernelConstruction& c) { return CreateSoftmaxKernel(c, true); });

}  // namespace
}  // namespace savedserve
