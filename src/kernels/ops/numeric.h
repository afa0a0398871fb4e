// Scalar arithmetic that works for every element type, for reference kernels written once
// as templates:
//  - Half and BFloat16 are computed in float (MathType) and rounded back, as TF does;
//  - integer add/sub/mul/neg wrap around (two's complement) instead of overflowing into
//    undefined behaviour, matching what TF's kernels produce on CPU;
//  - NaN checks that are false for integers.
// Header-only, pure; safe for concurrent use.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "tensor/dtype.h"

namespace savedserve {

template <typename T>
struct MathTypeOf {
  using type = T;
};
template <>
struct MathTypeOf<Half> {
  using type = float;
};
template <>
struct MathTypeOf<BFloat16> {
  using type = float;
};
// The type a T element is computed in.
template <typename T>
using MathType = typename MathTypeOf<T>::type;

template <typename T>
inline MathType<T> ToMath(T v) {
  if constexpr (std::is_same_v<T, Half>) {
    return HalfToFloat(v);
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return BFloat16ToFloat(v);
  } else {
    return v;
  }
}

template <typename T>
inline T FromMath(MathType<T> v) {
  if constexpr (std::is_same_v<T, Half>) {
    return FloatToHalf(v);
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return FloatToBFloat16(v);
  } else {
    return v;
  }
}

// True for float, double, Half and BFloat16.
template <typename T>
inline constexpr bool kIsFloatLike = std::is_floating_point_v<MathType<T>>;

template <typename M>
inline bool IsNan(M v) {
  if constexpr (std::is_floating_point_v<M>) {
    return std::isnan(v);
  } else {
    return false;
  }
}

namespace numeric_internal {
// An unsigned type at least as wide as T and as int, so arithmetic on it never promotes to
// a signed type (uint16 * uint16 would otherwise overflow int).
template <typename T>
using WideUnsigned = std::conditional_t<(sizeof(T) <= 4), uint32_t, uint64_t>;
}  // namespace numeric_internal

// a + b, a - b, a * b, -a in MathType<T>; integers wrap around.
template <typename M>
inline M WrappingAdd(M a, M b) {
  if constexpr (std::is_integral_v<M>) {
    using U = numeric_internal::WideUnsigned<M>;
    return static_cast<M>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return a + b;
  }
}
template <typename M>
inline M WrappingSub(M a, M b) {
  if constexpr (std::is_integral_v<M>) {
    using U = numeric_internal::WideUnsigned<M>;
    return static_cast<M>(static_cast<U>(a) - static_cast<U>(b));
  } else {
    return a - b;
  }
}
template <typename M>
inline M WrappingMul(M a, M b) {
  if constexpr (std::is_integral_v<M>) {
    using U = numeric_internal::WideUnsigned<M>;
    return static_cast<M>(static_cast<U>(a) * static_cast<U>(b));
  } else {
    return a * b;
  }
}
template <typename M>
inline M WrappingNeg(M a) {
  return WrappingSub(M{0}, a);
}

// a / b. REQUIRES for integers: b != 0 (callers report division by zero). The one
// overflowing integer case, lowest / -1, wraps to lowest instead of trapping.
template <typename M>
inline M SafeDivide(M a, M b) {
  if constexpr (std::is_integral_v<M> && std::is_signed_v<M>) {
    if (b == -1) return WrappingNeg(a);
  }
  return a / b;
}

// a / b rounded toward negative infinity (TF's FloorDiv): floor(a / b) for floating types.
// REQUIRES for integers: b != 0. lowest / -1 wraps to lowest.
template <typename M>
inline M FloorDivide(M a, M b) {
  if constexpr (std::is_floating_point_v<M>) {
    return std::floor(a / b);
  } else if constexpr (std::is_signed_v<M>) {
    if (b == -1) return WrappingNeg(a);
    const M q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
  } else {
    return a / b;
  }
}

// The remainder of FloorDivide, which takes the sign of b (TF's FloorMod; Python's %):
// fmod(a, b), plus b when that is non-zero and of the other sign. REQUIRES for integers:
// b != 0.
template <typename M>
inline M FloorModulo(M a, M b) {
  if constexpr (std::is_unsigned_v<M>) {
    return a % b;
  } else {
    M r;
    if constexpr (std::is_floating_point_v<M>) {
      r = std::fmod(a, b);
    } else {
      if (b == -1) return 0;  // lowest % -1 would trap
      r = a % b;
    }
    return r != M{0} && ((r < M{0}) != (b < M{0})) ? r + b : r;
  }
}

// The remainder of a / b truncated toward zero, with the sign of a (TF's TruncateMod and
// Mod; C's % and fmod). REQUIRES for integers: b != 0.
template <typename M>
inline M TruncateModulo(M a, M b) {
  if constexpr (std::is_floating_point_v<M>) {
    return std::fmod(a, b);
  } else {
    if constexpr (std::is_signed_v<M>) {
      if (b == -1) return 0;
    }
    return a % b;
  }
}

// base to the power exponent by repeated squaring, wrapping on overflow (TF's Pow for
// integers). REQUIRES: exponent >= 0.
template <typename M>
inline M IntegerPower(M base, M exponent) {
  M result = 1;
  while (exponent != 0) {
    if (exponent & 1) result = WrappingMul(result, base);
    exponent >>= 1;
    if (exponent != 0) base = WrappingMul(base, base);
  }
  return result;
}

// max/min that return NaN when either operand is NaN (TF's Maximum/Minimum and Max
// reduction); otherwise `a > b ? a : b`, so max(-0, +0) is +0 as on x86.
template <typename M>
inline M MaxPropagateNan(M a, M b) {
  if (IsNan(a)) return a;
  if (IsNan(b)) return b;
  return a > b ? a : b;
}
template <typename M>
inline M MinPropagateNan(M a, M b) {
  if (IsNan(a)) return a;
  if (IsNan(b)) return b;
  return a < b ? a : b;
}

// The lowest value of T's MathType: -inf for floating types, the minimum for integers.
// The identity of a max reduction.
template <typename M>
inline M LowestOrMinusInf() {
  if constexpr (std::numeric_limits<M>::has_infinity) {
    return -std::numeric_limits<M>::infinity();
  } else {
    return std::numeric_limits<M>::lowest();
  }
}

// The highest value of M: +inf for floating types, the maximum for integers. The identity
// of a min reduction.
template <typename M>
inline M HighestOrInf() {
  if constexpr (std::numeric_limits<M>::has_infinity) {
    return std::numeric_limits<M>::infinity();
  } else {
    return std::numeric_limits<M>::max();
  }
}

}  // namespace savedserve
