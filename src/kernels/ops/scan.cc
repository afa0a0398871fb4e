// Cumsum and Cumprod: running sums / products along the axis given by the scalar `axis`
// input (int32 or int64; negative counts from the end). With `exclusive` each output leaves
// out its own element (the first is 0, or 1 for a product); with `reverse` the scan runs
// from the end of the axis. Reference kernels for every real number type.
//
// Values accumulate one element at a time in the element type (Half and BFloat16 rounded
// after each step, integers wrapping), as TF's Eigen scan does.
#include <cstdint>
#include <memory>
#include <vector>

#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/numeric.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

template <typename T, bool kProduct>
class ScanKernel : public OpKernel {
 public:
  ScanKernel(DataType dtype, bool exclusive, bool reverse)
      : dtype_(dtype), exclusive_(exclusive), reverse_(reverse) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor x, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor axis_tensor, ctx.input(1));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, x, dtype_));
    ASSIGN_OR_RETURN(int64_t axis_value, ReadIndexScalar(ctx, axis_tensor, "axis"));
    const TensorShape& shape = x.shape();
    ASSIGN_OR_RETURN(int axis, CanonicalAxis(ctx, axis_value, shape.rank(), "axis"));
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, dtype_, shape, /*for_overwrite=*/true));
    if (x.num_elements() == 0) return absl::OkStatus();
    const int64_t outer = DimProduct(shape, 0, axis), size = shape.dim(axis);
    const int64_t inner = DimProduct(shape, axis + 1, shape.rank());
    const T* in = x.data<T>();
    T* y = out->data<T>();
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        const int64_t start = o * size * inner + i;
        Scan(in + start, y + start, size, inner);
      }
    }
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return shapes.empty() ? 0 : shapes[0].num_elements();
  }

 private:
  // One line of n elements `stride` apart.
  void Scan(const T* x, T* y, int64_t n, int64_t stride) const {
    T acc = FromMath<T>(MathType<T>{kProduct ? 1 : 0});
    for (int64_t k = 0; k < n; ++k) {
      const int64_t at = (reverse_ ? n - 1 - k : k) * stride;
      const MathType<T> a = ToMath(acc), v = ToMath(x[at]);
      const T next = FromMath<T>(kProduct ? WrappingMul(a, v) : WrappingAdd(a, v));
      y[at] = exclusive_ ? acc : next;
      acc = next;
    }
  }

  DataType dtype_;
  bool exclusive_;
  bool reverse_;
};

template <bool kProduct>
absl::StatusOr<std::unique_ptr<OpKernel>> CreateScanKernel(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 2));
  ASSIGN_OR_RETURN(DataType dtype, ResolveTypeAttr(c, "T", {0}));
  ASSIGN_OR_RETURN(bool exclusive, c.GetAttrOr<bool>("exclusive", false));
  ASSIGN_OR_RETURN(bool reverse, c.GetAttrOr<bool>("reverse", false));
  std::unique_ptr<OpKernel> kernel;
  VisitDType<NumberTypes>(dtype, [&](auto tag) {
    kernel = std::make_unique<ScanKernel<typename decltype(tag)::type, kProduct>>(dtype, exclusive,
                                                                                  reverse);
  });
  if (kernel == nullptr) return c.Error(UnsupportedDTypeMessage<NumberTypes>(dtype));
  return kernel;
}

SS_REGISTER_KERNEL("Cumsum", kReference, CreateScanKernel<false>);
SS_REGISTER_KERNEL("Cumprod", kReference, CreateScanKernel<true>);

}  // namespace
}  // namespace savedserve
