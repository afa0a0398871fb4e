// Range: [start, start + delta, start + 2 * delta, ...) up to but excluding `limit`, of the
// inputs' dtype (any real number type). As in TF, floating-point values accumulate
// (v += delta, rounded to the dtype each step); integer values are exact.
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/numeric.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

template <typename M>
bool IsNegative(M v) {
  if constexpr (std::is_signed_v<M> || std::is_floating_point_v<M>) {
    return v < 0;
  } else {
    return false;
  }
}

// Number of elements, or an error message. REQUIRES: delta != 0 and the direction is right.
template <typename T>
absl::StatusOr<int64_t> RangeSize(T start, T limit, T delta) {
  if constexpr (kIsFloatLike<T>) {
    const double size = std::ceil(
        std::fabs((static_cast<double>(ToMath(limit)) - static_cast<double>(ToMath(start))) /
                  static_cast<double>(ToMath(delta))));
    if (!(size < 9.2e18)) return absl::InvalidArgumentError("too many elements");
    return static_cast<int64_t>(size);
  } else {
    // The distance fits in an unsigned 64-bit number whatever the inputs.
    const uint64_t distance = static_cast<uint64_t>(
        limit >= start ? static_cast<uint64_t>(limit) - static_cast<uint64_t>(start)
                       : static_cast<uint64_t>(start) - static_cast<uint64_t>(limit));
    const uint64_t step = IsNegative(delta) ? uint64_t{0} - static_cast<uint64_t>(delta)
                                            : static_cast<uint64_t>(delta);
    const uint64_t size = distance / step + (distance % step != 0 ? 1 : 0);
    if (size > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return absl::InvalidArgumentError("too many elements");
    }
    return static_cast<int64_t>(size);
  }
}

template <typename T>
void FillRange(T start, T delta, int64_t size, T* out) {
  if constexpr (kIsFloatLike<T>) {
    T value = start;
    for (int64_t i = 0; i < size; ++i) {
      out[i] = value;
      value = FromMath<T>(ToMath(value) + ToMath(delta));
    }
  } else {
    // start + i * delta in wrapping unsigned arithmetic: exact, as every value lies
    // between start and limit.
    for (int64_t i = 0; i < size; ++i) {
      out[i] = static_cast<T>(static_cast<uint64_t>(start) +
                              static_cast<uint64_t>(i) * static_cast<uint64_t>(delta));
    }
  }
}

class RangeKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::make_unique<RangeKernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    Tensor in[3];
    const char* names[3] = {"start", "limit", "delta"};
    for (int i = 0; i < 3; ++i) {
      ASSIGN_OR_RETURN(in[i], ctx.input(i));
      if (in[i].num_elements() != 1 || in[i].shape().rank() > 1) {
        return ctx.Error(
            absl::StrCat(names[i], " must be a scalar, got shape ", in[i].shape().DebugString()));
      }
      if (in[i].dtype() != in[0].dtype()) {
        return ctx.Error(absl::StrCat(names[i], " is ", DataTypeName(in[i].dtype()),
                                      " but start is ", DataTypeName(in[0].dtype())));
      }
    }
    absl::Status status;
    const bool ok = VisitDType<NumberTypes>(in[0].dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      status = Run<T>(ctx, in[0].data<T>()[0], in[1].data<T>()[0], in[2].data<T>()[0]);
    });
    if (!ok) return ctx.Error(UnsupportedDTypeMessage<NumberTypes>(in[0].dtype()));
    return status;
  }

 private:
  template <typename T>
  static absl::Status Run(KernelContext& ctx, T start_value, T limit_value, T delta_value) {
    const auto start = ToMath(start_value), limit = ToMath(limit_value);
    const auto delta = ToMath(delta_value);
    const std::string values = absl::StrCat("start ", start, ", limit ", limit, ", delta ", delta);
    if (IsNan(start) || IsNan(limit) || IsNan(delta) || std::isinf(static_cast<double>(start)) ||
        std::isinf(static_cast<double>(limit))) {
      return ctx.Error(absl::StrCat("needs finite inputs, got ", values));
    }
    if (delta == 0) return ctx.Error(absl::StrCat("delta must not be 0 (", values, ")"));
    const bool backward = IsNegative(delta);
    if ((!backward && start > limit) || (backward && start < limit)) {
      return ctx.Error(absl::StrCat("requires start ", backward ? ">=" : "<=", " limit when delta ",
                                    backward ? "< 0" : "> 0", " (", values, ")"));
    }
    auto size = RangeSize<T>(start_value, limit_value, delta_value);
    if (!size.ok()) return ctx.Error(absl::StrCat("too many elements for ", values));
    ASSIGN_OR_RETURN(TensorShape shape, MakeShape(ctx, {*size}));
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, DataTypeOf<T>(), std::move(shape)));
    FillRange<T>(start_value, delta_value, *size, out->data<T>());
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("Range", kReference, CreateKernel<RangeKernel>);

}  // namespace
}  // namespace savedserve
