// AVX2+FMA implementations of VectorMath. Everything below the target pragma is compiled
// for AVX2; nothing here may run before GetVectorMath() has checked the CPU.
//
// The transcendental functions are written from their textbook definitions:
//  exp:  x = n ln2 + r with |r| <= ln2/2 (Cody-Waite split of ln2), exp(r) by its Taylor
//        series to degree 7 (truncation < 0.05 ulp), scaled by 2^n in two steps so
//        subnormal results and overflow to inf come out right.
//  log:  x = 2^e m with m in [sqrt(1/2), sqrt(2)), f = m - 1, s = f / (2 + f);
//        log(1 + f) = 2 atanh(s) = f - s (f - 2 s^2 P(s^2)) with P the atanh series.
//  tanh: m / (m + 2) with m = expm1(2|x|), expm1 from the same reduction with the Taylor
//        series of expm1(r) (so small |x| keep full relative accuracy).
#include "kernels/cpu/vector_math.h"

#if defined(__x86_64__)

#include <immintrin.h>

#include <cstdint>

#pragma GCC push_options
#pragma GCC target("avx2,fma")

namespace savedserve {
namespace {

inline __m256i TailMask(int64_t remaining) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(remaining)),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

inline __m256 Set(float v) { return _mm256_set1_ps(v); }

inline __m256 Exp8(__m256 x) {
  const __m256 is_nan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
  const __m256 xc = _mm256_min_ps(_mm256_max_ps(x, Set(-104.0f)), Set(89.0f));
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(xc, Set(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, Set(0.693145751953125f), xc);
  r = _mm256_fnmadd_ps(n, Set(1.42860682030941723212e-6f), r);
  __m256 p = Set(1.0f / 5040.0f);
  p = _mm256_fmadd_ps(p, r, Set(1.0f / 720.0f));
  p = _mm256_fmadd_ps(p, r, Set(1.0f / 120.0f));
  p = _mm256_fmadd_ps(p, r, Set(1.0f / 24.0f));
  p = _mm256_fmadd_ps(p, r, Set(1.0f / 6.0f));
  p = _mm256_fmadd_ps(p, r, Set(0.5f));
  p = _mm256_fmadd_ps(p, r, Set(1.0f));
  p = _mm256_fmadd_ps(p, r, Set(1.0f));
  // 2^n as 2^n1 * 2^n2, each a normal float for n in [-150, 128].
  const __m256i ni = _mm256_cvtps_epi32(n);
  const __m256i n1 = _mm256_srai_epi32(ni, 1);
  const __m256i n2 = _mm256_sub_epi32(ni, n1);
  const __m256i bias = _mm256_set1_epi32(127);
  const __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
  const __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
  const __m256 y = _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
  return _mm256_blendv_ps(y, x, is_nan);
}

inline __m256 Log8(__m256 x) {
  const __m256 zero = _mm256_setzero_ps();
  const __m256 inf = Set(__builtin_inff());
  const __m256 not_non_negative = _mm256_cmp_ps(x, zero, _CMP_NGE_UQ);  // x < 0 or NaN
  const __m256 is_zero = _mm256_cmp_ps(x, zero, _CMP_EQ_OQ);
  const __m256 is_inf = _mm256_cmp_ps(x, inf, _CMP_EQ_OQ);
  // Scale subnormals into the normal range.
  const __m256 is_small = _mm256_cmp_ps(x, Set(1.17549435e-38f), _CMP_LT_OQ);
  const __m256 xs = _mm256_blendv_ps(x, _mm256_mul_ps(x, Set(8388608.0f)), is_small);
  const __m256i bits = _mm256_castps_si256(xs);
  __m256 e =
      _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127)));
  e = _mm256_sub_ps(e, _mm256_and_ps(is_small, Set(23.0f)));
  __m256 m = _mm256_castsi256_ps(_mm256_or_si256(
      _mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x3f800000)));
  const __m256 big = _mm256_cmp_ps(m, Set(1.41421356f), _CMP_GT_OQ);
  m = _mm256_blendv_ps(m, _mm256_mul_ps(m, Set(0.5f)), big);
  e = _mm256_add_ps(e, _mm256_and_ps(big, Set(1.0f)));
  const __m256 f = _mm256_sub_ps(m, Set(1.0f));
  const __m256 s = _mm256_div_ps(f, _mm256_add_ps(Set(2.0f), f));
  const __m256 z = _mm256_mul_ps(s, s);
  __m256 p = Set(1.0f / 11.0f);
  p = _mm256_fmadd_ps(p, z, Set(1.0f / 9.0f));
  p = _mm256_fmadd_ps(p, z, Set(1.0f / 7.0f));
  p = _mm256_fmadd_ps(p, z, Set(1.0f / 5.0f));
  p = _mm256_fmadd_ps(p, z, Set(1.0f / 3.0f));
  const __m256 t = _mm256_fnmadd_ps(_mm256_add_ps(z, z), p, f);  // f - 2 z P
  const __m256 log1p_f = _mm256_fnmadd_ps(s, t, f);              // f - s t
  __m256 y = _mm256_fmadd_ps(e, Set(1.42860682030941723212e-6f), log1p_f);
  y = _mm256_fmadd_ps(e, Set(0.693145751953125f), y);
  y = _mm256_blendv_ps(y, Set(-__builtin_inff()), is_zero);
  y = _mm256_blendv_ps(y, inf, is_inf);
  return _mm256_blendv_ps(y, Set(__builtin_nanf("")), not_non_negative);
}

// exp(y) - 1 for y in [0, 88], accurate also for tiny y: 2^n (expm1(r)) + (2^n - 1) with
// expm1(r) by its Taylor series (no cancellation for small r).
inline __m256 Expm1NonNegative8(__m256 y) {
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(y, Set(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, Set(0.693145751953125f), y);
  r = _mm256_fnmadd_ps(n, Set(1.42860682030941723212e-6f), r);
  __m256 p = Set(1.0f / 5040.0f);
  p = _mm256_fmadd_ps(p, r, Set(1.0f / 720.0f));
  p = _mm256_fmadd_ps(p, r, Set(1.0f / 120.0f));
  p = _mm256_fmadd_ps(p, r, Set(1.0f / 24.0f));
  p = _mm256_fmadd_ps(p, r, Set(1.0f / 6.0f));
  p = _mm256_fmadd_ps(p, r, Set(0.5f));
  const __m256 expm1_r = _mm256_fmadd_ps(_mm256_mul_ps(r, r), p, r);
  const __m256 two_n = _mm256_castsi256_ps(
      _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23));
  return _mm256_fmadd_ps(two_n, expm1_r, _mm256_sub_ps(two_n, Set(1.0f)));
}

// tanh|x| = m / (m + 2) with m = expm1(2|x|); |x| >= 20 rounds to 1 anyway.
inline __m256 Tanh8(__m256 x) {
  const __m256 sign_bit = Set(-0.0f);
  const __m256 ax = _mm256_andnot_ps(sign_bit, x);
  const __m256 m = Expm1NonNegative8(_mm256_min_ps(_mm256_add_ps(ax, ax), Set(40.0f)));
  const __m256 t = _mm256_div_ps(m, _mm256_add_ps(m, Set(2.0f)));
  const __m256 y = _mm256_or_ps(t, _mm256_and_ps(x, sign_bit));
  return _mm256_blendv_ps(y, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}

inline __m256 Sigmoid8(__m256 x) {
  const __m256 one = Set(1.0f);
  return _mm256_div_ps(one, _mm256_add_ps(one, Exp8(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

// NaN-propagating max/min: max_ps/min_ps return the second operand when either is NaN,
// so NaN lanes are patched with a + b (a NaN).
inline __m256 MaxNan(__m256 a, __m256 b) {
  return _mm256_blendv_ps(_mm256_max_ps(a, b), _mm256_add_ps(a, b),
                          _mm256_cmp_ps(a, b, _CMP_UNORD_Q));
}
inline __m256 MinNan(__m256 a, __m256 b) {
  return _mm256_blendv_ps(_mm256_min_ps(a, b), _mm256_add_ps(a, b),
                          _mm256_cmp_ps(a, b, _CMP_UNORD_Q));
}

// y = op(x) over [0, n), the tail through masked loads and stores.
template <typename Op>
inline void MapUnary(const float* x, float* y, int64_t n, Op op) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, op(_mm256_loadu_ps(x + i)));
  if (i < n) {
    const __m256i mask = TailMask(n - i);
    _mm256_maskstore_ps(y + i, mask, op(_mm256_maskload_ps(x + i, mask)));
  }
}

template <bool kVecA, bool kVecB, typename Op>
inline void MapBinary(const float* a, const float* b, float* y, int64_t n, Op op) {
  const __m256 a1 = kVecA ? _mm256_setzero_ps() : Set(*a);
  const __m256 b1 = kVecB ? _mm256_setzero_ps() : Set(*b);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 va = kVecA ? _mm256_loadu_ps(a + i) : a1;
    const __m256 vb = kVecB ? _mm256_loadu_ps(b + i) : b1;
    _mm256_storeu_ps(y + i, op(va, vb));
  }
  if (i < n) {
    const __m256i mask = TailMask(n - i);
    const __m256 va = kVecA ? _mm256_maskload_ps(a + i, mask) : a1;
    const __m256 vb = kVecB ? _mm256_maskload_ps(b + i, mask) : b1;
    _mm256_maskstore_ps(y + i, mask, op(va, vb));
  }
}

template <typename Op>
void Binary(const float* a, int64_t a_stride, const float* b, int64_t b_stride, float* y,
            int64_t n) {
  Op op;
  if (a_stride != 0 && b_stride != 0) {
    MapBinary<true, true>(a, b, y, n, op);
  } else if (a_stride != 0) {
    MapBinary<true, false>(a, b, y, n, op);
  } else if (b_stride != 0) {
    MapBinary<false, true>(a, b, y, n, op);
  } else {
    MapBinary<false, false>(a, b, y, n, op);
  }
}

struct AddOp {
  __m256 operator()(__m256 a, __m256 b) const { return _mm256_add_ps(a, b); }
};
struct SubOp {
  __m256 operator()(__m256 a, __m256 b) const { return _mm256_sub_ps(a, b); }
};
struct MulOp {
  __m256 operator()(__m256 a, __m256 b) const { return _mm256_mul_ps(a, b); }
};
struct DivOp {
  __m256 operator()(__m256 a, __m256 b) const { return _mm256_div_ps(a, b); }
};
struct MaxOp {
  __m256 operator()(__m256 a, __m256 b) const { return MaxNan(a, b); }
};
struct MinOp {
  __m256 operator()(__m256 a, __m256 b) const { return MinNan(a, b); }
};

// Functor structs rather than lambdas: GCC does not reliably give lambdas the target
// of the enclosing pragma.
#define SS_AVX2_UNARY(name, expr)                      \
  struct name##Op {                                    \
    __m256 operator()(__m256 v) const { return expr; } \
  };                                                   \
  void name(const float* x, float* y, int64_t n) { MapUnary(x, y, n, name##Op()); }
SS_AVX2_UNARY(Neg, _mm256_xor_ps(v, Set(-0.0f)))
SS_AVX2_UNARY(Square, _mm256_mul_ps(v, v))
SS_AVX2_UNARY(Sqrt, _mm256_sqrt_ps(v))
SS_AVX2_UNARY(Rsqrt, _mm256_div_ps(Set(1.0f), _mm256_sqrt_ps(v)))
SS_AVX2_UNARY(Exp, Exp8(v))
SS_AVX2_UNARY(Log, Log8(v))
SS_AVX2_UNARY(Sigmoid, Sigmoid8(v))
SS_AVX2_UNARY(Tanh, Tanh8(v))
// As the reference's v > 0 ? v : 0 (so -0 gives +0), keeping NaN.
SS_AVX2_UNARY(Relu, MaxNan(v, _mm256_setzero_ps()))
SS_AVX2_UNARY(Relu6, MinNan(MaxNan(v, _mm256_setzero_ps()), Set(6.0f)))
#undef SS_AVX2_UNARY

struct LeakyReluOp {
  __m256 alpha;
  __m256 operator()(__m256 v) const {
    return _mm256_blendv_ps(_mm256_mul_ps(v, alpha), v,
                            _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GT_OQ));
  }
};

void LeakyRelu(const float* x, float alpha, float* y, int64_t n) {
  MapUnary(x, y, n, LeakyReluOp{Set(alpha)});
}

inline __m256d Widen(__m128 v) { return _mm256_cvtps_pd(v); }

double Sum(const float* x, int64_t n) {
  __m256d acc0 = _mm256_setzero_pd(), acc1 = _mm256_setzero_pd();
  __m256d acc2 = _mm256_setzero_pd(), acc3 = _mm256_setzero_pd();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 v0 = _mm256_loadu_ps(x + i), v1 = _mm256_loadu_ps(x + i + 8);
    acc0 = _mm256_add_pd(acc0, Widen(_mm256_castps256_ps128(v0)));
    acc1 = _mm256_add_pd(acc1, Widen(_mm256_extractf128_ps(v0, 1)));
    acc2 = _mm256_add_pd(acc2, Widen(_mm256_castps256_ps128(v1)));
    acc3 = _mm256_add_pd(acc3, Widen(_mm256_extractf128_ps(v1, 1)));
  }
  for (; i < n; i += 8) {
    const __m256 v = _mm256_maskload_ps(x + i, TailMask(n - i));
    acc0 = _mm256_add_pd(acc0, Widen(_mm256_castps256_ps128(v)));
    acc1 = _mm256_add_pd(acc1, Widen(_mm256_extractf128_ps(v, 1)));
  }
  const __m256d acc = _mm256_add_pd(_mm256_add_pd(acc0, acc1), _mm256_add_pd(acc2, acc3));
  alignas(32) double lanes[4];
  _mm256_store_pd(lanes, acc);
  return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}

float Max(const float* x, int64_t n) {
  const __m256 minus_inf = Set(-__builtin_inff());
  __m256 m0 = minus_inf, m1 = minus_inf;
  __m256 nan = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 v0 = _mm256_loadu_ps(x + i), v1 = _mm256_loadu_ps(x + i + 8);
    nan = _mm256_or_ps(nan, _mm256_cmp_ps(v0, v1, _CMP_UNORD_Q));
    m0 = _mm256_max_ps(m0, v0);
    m1 = _mm256_max_ps(m1, v1);
  }
  for (; i < n; i += 8) {
    const __m256i mask = TailMask(n - i);
    const __m256 v =
        _mm256_blendv_ps(minus_inf, _mm256_maskload_ps(x + i, mask), _mm256_castsi256_ps(mask));
    nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    m0 = _mm256_max_ps(m0, v);
  }
  if (_mm256_movemask_ps(nan) != 0) return __builtin_nanf("");
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, _mm256_max_ps(m0, m1));
  float best = lanes[0];
  for (int k = 1; k < 8; ++k) best = lanes[k] > best ? lanes[k] : best;
  return best;
}

void AccumulateSum(const float* x, double* acc, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    _mm256_storeu_pd(acc + i,
                     _mm256_add_pd(_mm256_loadu_pd(acc + i), Widen(_mm256_castps256_ps128(v))));
    _mm256_storeu_pd(acc + i + 4, _mm256_add_pd(_mm256_loadu_pd(acc + i + 4),
                                                Widen(_mm256_extractf128_ps(v, 1))));
  }
  for (; i < n; ++i) acc[i] += static_cast<double>(x[i]);
}

void AccumulateMax(const float* x, float* acc, int64_t n) {
  MapBinary<true, true>(acc, x, acc, n, MaxOp());
}

double ExpShiftedSum(const float* x, float shift, float* y, int64_t n) {
  const __m256 vs = Set(shift);
  __m256d sum0 = _mm256_setzero_pd(), sum1 = _mm256_setzero_pd();
  for (int64_t i = 0; i < n; i += 8) {
    const __m256i mask = TailMask(n - i);
    const __m256 e = _mm256_and_ps(Exp8(_mm256_sub_ps(_mm256_maskload_ps(x + i, mask), vs)),
                                   _mm256_castsi256_ps(mask));
    _mm256_maskstore_ps(y + i, mask, e);
    sum0 = _mm256_add_pd(sum0, Widen(_mm256_castps256_ps128(e)));
    sum1 = _mm256_add_pd(sum1, Widen(_mm256_extractf128_ps(e, 1)));
  }
  alignas(32) double lanes[4];
  _mm256_store_pd(lanes, _mm256_add_pd(sum0, sum1));
  return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}

}  // namespace
}  // namespace savedserve

#pragma GCC pop_options

namespace savedserve {

const VectorMath* Avx2VectorMath() {
  static const VectorMath table = {
      .isa = "avx2",
      .binary = {&Binary<AddOp>, &Binary<SubOp>, &Binary<MulOp>, &Binary<DivOp>, &Binary<MaxOp>,
                 &Binary<MinOp>},
      .neg = &Neg,
      .square = &Square,
      .sqrt = &Sqrt,
      .rsqrt = &Rsqrt,
      .exp = &Exp,
      .log = &Log,
      .sigmoid = &Sigmoid,
      .tanh = &Tanh,
      .relu = &Relu,
      .relu6 = &Relu6,
      .leaky_relu = &LeakyRelu,
      .sum = &Sum,
      .max = &Max,
      .accumulate_sum = &AccumulateSum,
      .accumulate_max = &AccumulateMax,
      .exp_shifted_sum = &ExpShiftedSum,
  };
  return &table;
}

}  // namespace savedserve

#else  // !__x86_64__

namespace savedserve {
const VectorMath* Avx2VectorMath() { return nullptr; }
}  // namespace savedserve

#endif
