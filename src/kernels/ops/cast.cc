// Cast between bool and every real number type (attrs SrcT, DstT, Truncate). Reference
// kernel only: it is a memory-bound copy.
//
// Conversions follow TF on x86 CPUs, made well-defined:
//  - to bool: x != 0 (so NaN is true); from bool: 0 or 1;
//  - between integers: two's complement wrap-around (int32 300 -> uint8 44);
//  - float to integer truncates toward zero. Out of range and NaN give what x86's
//    conversion gives TF: for targets up to 32 bits the value goes through int32
//    (NaN/out of range -> INT32_MIN, then wraps: float -1 -> uint8 255, 1e5 -> int16
//    -31072); int64 and uint32 go through int64 (INT64_MIN); uint64 covers [0, 2^64);
//  - to half/bfloat16: through float, rounding to nearest even. With Truncate=true the
//    source's extra mantissa bits are cleared first (finite values only), so the result
//    rounds toward zero instead, as TF's Truncate does.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <type_traits>

#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/numeric.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// Mantissa digits (with the implicit bit) of the floating types.
template <typename T>
constexpr int MantissaDigits() {
  if constexpr (std::is_same_v<T, Half>) {
    return 11;
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return 8;
  } else {
    return std::numeric_limits<T>::digits;
  }
}

// `v` with the mantissa bits Dst cannot hold cleared (finite values only).
template <typename Dst, typename F>
F ClearExtraMantissaBits(F v) {
  constexpr int extra = MantissaDigits<F>() - MantissaDigits<Dst>();
  if constexpr (extra <= 0) {
    return v;
  } else {
    if (!std::isfinite(v)) return v;
    using Bits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
    constexpr Bits kKeep = ~((Bits{1} << extra) - 1);
    return std::bit_cast<F>(static_cast<Bits>(std::bit_cast<Bits>(v) & kKeep));
  }
}

template <typename Wide, typename F>
Wide TruncateOrSentinel(F v) {
  constexpr F kLimit = static_cast<F>(std::numeric_limits<Wide>::max()) + F{1};  // 2^(bits-1)
  if (std::isnan(v) || v >= kLimit || v < -kLimit) return std::numeric_limits<Wide>::min();
  return static_cast<Wide>(v);
}

// Floating value to integer type I, as described at the top of the file.
template <typename I, typename F>
I FloatToInteger(F v) {
  if constexpr (std::is_same_v<I, uint64_t>) {
    constexpr F kTwo63 = F{9223372036854775808.0};
    if (v >= kTwo63 && v < 2 * kTwo63)
      return static_cast<uint64_t>(v - kTwo63) + (uint64_t{1} << 63);
    return static_cast<uint64_t>(TruncateOrSentinel<int64_t>(v));
  } else if constexpr (sizeof(I) < 4 || std::is_same_v<I, int32_t>) {
    return static_cast<I>(TruncateOrSentinel<int32_t>(v));
  } else {
    return static_cast<I>(TruncateOrSentinel<int64_t>(v));
  }
}

template <typename Dst, typename Src>
Dst CastValue(Src v, bool truncate) {
  const MathType<Src> m = ToMath(v);
  if constexpr (std::is_same_v<Dst, bool>) {
    return m != MathType<Src>{0};
  } else if constexpr (kIsFloatLike<Dst>) {
    using DstMath = MathType<Dst>;
    if constexpr (std::is_same_v<Dst, BFloat16> && std::is_same_v<MathType<Src>, float>) {
      // Truncating float to bfloat16 keeps the upper half of the bits. Written directly:
      // GCC 12 at -O2 drops a float's "& 0xffff0000" before an opaque call as if it were
      // a no-op (tested by Cast.HalfRoundsToNearestEvenUnlessTruncate).
      if (truncate && std::isfinite(m)) {
        return BFloat16{static_cast<uint16_t>(std::bit_cast<uint32_t>(m) >> 16)};
      }
    } else if constexpr (std::is_floating_point_v<MathType<Src>>) {
      if (truncate) return FromMath<Dst>(static_cast<DstMath>(ClearExtraMantissaBits<Dst>(m)));
    }
    return FromMath<Dst>(static_cast<DstMath>(m));
  } else if constexpr (std::is_floating_point_v<MathType<Src>>) {
    return FloatToInteger<Dst>(m);
  } else {
    return static_cast<Dst>(m);
  }
}

template <typename Src, typename Dst>
class CastKernel : public OpKernel {
 public:
  CastKernel(DataType src, DataType dst, bool truncate)
      : src_(src), dst_(dst), truncate_(truncate) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor x, ctx.input(0));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, x, src_));
    if constexpr (std::is_same_v<Src, Dst>) {
      ctx.set_output(0, x);  // nothing to convert
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(Tensor * y, AllocateOutput(ctx, 0, dst_, x.shape()));
    const int64_t n = x.num_elements();
    if (n == 0) return absl::OkStatus();
    const Src* in = x.data<Src>();
    Dst* out = y->data<Dst>();
    for (int64_t i = 0; i < n; ++i) out[i] = CastValue<Dst>(in[i], truncate_);
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return shapes.empty() ? 0 : shapes[0].num_elements();
  }

 private:
  DataType src_, dst_;
  bool truncate_;
};

absl::StatusOr<std::unique_ptr<OpKernel>> CreateCastKernel(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 1));
  ASSIGN_OR_RETURN(DataType src, ResolveTypeAttr(c, "SrcT", {0}));
  ASSIGN_OR_RETURN(DataType dst, c.GetAttr<DataType>("DstT"));
  ASSIGN_OR_RETURN(bool truncate, c.GetAttrOr<bool>("Truncate", false));
  if (!DTypeIn<NumberAndBoolTypes>(src)) {
    return c.Error(UnsupportedDTypeMessage<NumberAndBoolTypes>(src));
  }
  if (!DTypeIn<NumberAndBoolTypes>(dst)) {
    return c.Error(UnsupportedDTypeMessage<NumberAndBoolTypes>(dst));
  }
  std::unique_ptr<OpKernel> kernel;
  VisitDType<NumberAndBoolTypes>(src, [&](auto src_tag) {
    VisitDType<NumberAndBoolTypes>(dst, [&](auto dst_tag) {
      using Src = typename decltype(src_tag)::type;
      using Dst = typename decltype(dst_tag)::type;
      kernel = std::make_unique<CastKernel<Src, Dst>>(src, dst, truncate);
    });
  });
  return kernel;
}

SS_REGISTER_KERNEL("Cast", kReference, CreateCastKernel);

}  // namespace
}  // namespace savedserve
