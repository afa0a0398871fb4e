// ClipByValue: min(max(t, clip_value_min), clip_value_max) element-wise, where each bound is
// a scalar or has t's shape (TF accepts nothing in between). Reference kernel for every
// real number type.
//
// As TF's Eigen expression t.cwiseMin(max).cwiseMax(min): the upper bound is applied first,
// so where min > max the result is min; a NaN element stays NaN and a NaN bound is ignored.
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

// std::min / std::max, whose NaN handling Eigen's cwiseMin/cwiseMax follow: the first
// operand is kept unless the second compares strictly below (above) it.
template <typename M>
M ClipBelow(M x, M bound) {
  return bound < x ? bound : x;
}
template <typename M>
M ClipAbove(M x, M bound) {
  return x < bound ? bound : x;
}

template <typename T>
class ClipByValueKernel : public OpKernel {
 public:
  explicit ClipByValueKernel(DataType dtype) : dtype_(dtype) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor t, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor lo, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor hi, ctx.input(2));
    for (int i = 0; i < 3; ++i) {
      RETURN_IF_ERROR(CheckInputType(ctx, i, i == 0 ? t : i == 1 ? lo : hi, dtype_));
    }
    const auto fits = [&](const Tensor& bound) {
      return bound.shape() == t.shape() || bound.shape().rank() == 0;
    };
    if (!fits(lo) || !fits(hi)) {
      return ctx.Error(absl::StrCat(
          "clip_value_min and clip_value_max must be either of the same shape as input, or a "
          "scalar. input shape: ",
          t.shape().DebugString(), " clip_value_min shape: ", lo.shape().DebugString(),
          " clip_value_max shape: ", hi.shape().DebugString()));
    }
    ASSIGN_OR_RETURN(Tensor * out,
                     AllocateOutput(ctx, 0, dtype_, t.shape(), /*for_overwrite=*/true));
    const int64_t n = t.num_elements();
    if (n == 0) return absl::OkStatus();
    const T* x = t.data<T>();
    const T* min = lo.data<T>();
    const T* max = hi.data<T>();
    const int64_t min_step = lo.shape().rank() == 0 ? 0 : 1;
    const int64_t max_step = hi.shape().rank() == 0 ? 0 : 1;
    T* y = out->data<T>();
    for (int64_t i = 0; i < n; ++i) {
      const auto clipped = ClipBelow(ToMath(x[i]), ToMath(max[i * max_step]));
      y[i] = FromMath<T>(ClipAbove(clipped, ToMath(min[i * min_step])));
    }
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return shapes.empty() ? 0 : 2 * shapes[0].num_elements();
  }

 private:
  DataType dtype_;
};

absl::StatusOr<std::unique_ptr<OpKernel>> CreateClipByValueKernel(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 3));
  ASSIGN_OR_RETURN(DataType dtype, ResolveTypeAttr(c, "T", {0, 1, 2}));
  std::unique_ptr<OpKernel> kernel;
  VisitDType<NumberTypes>(dtype, [&](auto tag) {
    kernel = std::make_unique<ClipByValueKernel<typename decltype(tag)::type>>(dtype);
  });
  if (kernel == nullptr) return c.Error(UnsupportedDTypeMessage<NumberTypes>(dtype));
  return kernel;
}

SS_REGISTER_KERNEL("ClipByValue", kReference, CreateClipByValueKernel);

}  // namespace
}  // namespace savedserve
