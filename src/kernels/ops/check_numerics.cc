// CheckNumerics: passes a floating-point tensor through, or fails with InvalidArgument
// "<message> : Tensor had NaN values" (Inf, or Inf and NaN) as TensorFlow does when any
// element is not finite. bfloat16, half, float and double.
#include <cmath>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/numeric.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class CheckNumericsKernel : public OpKernel {
 public:
  explicit CheckNumericsKernel(std::string message) : message_(std::move(message)) {}

  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(std::string message, c.GetAttrOr<std::string>("message", ""));
    return std::make_unique<CheckNumericsKernel>(std::move(message));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    bool nan = false, inf = false;
    const bool ok = VisitDType<FloatTypes>(input.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      for (T v : input.flat<T>()) {
        const auto x = ToMath(v);
        nan = nan || std::isnan(x);
        inf = inf || std::isinf(x);
      }
    });
    if (!ok) return ctx.Error(UnsupportedDTypeMessage<FloatTypes>(input.dtype()));
    if (nan || inf) {
      return ctx.Error(absl::StrCat(message_, " : Tensor had ",
                                    nan && inf ? "Inf and NaN" : (nan ? "NaN" : "Inf"), " values"));
    }
    ctx.set_output(0, std::move(input));
    return absl::OkStatus();
  }

 private:
  const std::string message_;
};

SS_REGISTER_KERNEL("CheckNumerics", kReference, CreateKernel<CheckNumericsKernel>);

}  // namespace
}  // namespace savedserve
