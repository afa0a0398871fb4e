// Vectorised float32 loops over contiguous arrays: the inner loops of the optimized
// element-wise, activation, softmax and reduction kernels. One implementation today,
// AVX2+FMA (8 floats per instruction, tails done with masked loads so every element goes
// through the same code); GetVectorMath() reports it only when the CPU supports it,
// checked once. Kernels fall back to their portable reference versions otherwise.
//
// Semantics match the reference kernels up to rounding: special values behave as TF
// (NaN propagates through max/min/relu, exp(-inf) = 0, log(0) = -inf, log(<0) = NaN,
// tanh(+-inf) = +-1). Transcendentals are accurate to a few ulp (see vector_math_test.cc).
// Output may alias an input exactly (y == x); partial overlap is not allowed.
// Pure functions; safe for concurrent use.
#pragma once

#include <cstdint>

namespace savedserve {

// The element-wise binary operations with vectorised loops.
enum class VectorBinaryOp { kAdd, kSub, kMul, kDiv, kMax, kMin, kCount };

using VectorUnaryFn = void (*)(const float* x, float* y, int64_t n);
// y[i] = a[i * a_stride] OP b[i * b_stride] for i in [0, n); strides are 0 (repeat one
// element) or 1.
using VectorBinaryFn = void (*)(const float* a, int64_t a_stride, const float* b, int64_t b_stride,
                                float* y, int64_t n);

struct VectorMath {
  const char* isa;  // "avx2"

  // Indexed by VectorBinaryOp. Max/Min return NaN when either operand is NaN.
  VectorBinaryFn binary[static_cast<int>(VectorBinaryOp::kCount)];

  VectorUnaryFn neg;
  VectorUnaryFn square;
  VectorUnaryFn sqrt;
  VectorUnaryFn rsqrt;  // 1 / sqrt(x), correctly rounded sqrt then divide
  VectorUnaryFn exp;
  VectorUnaryFn log;
  VectorUnaryFn sigmoid;
  VectorUnaryFn tanh;
  VectorUnaryFn relu;   // max(x, 0), NaN stays NaN
  VectorUnaryFn relu6;  // min(max(x, 0), 6), NaN stays NaN
  // y = x > 0 ? x : alpha * x
  void (*leaky_relu)(const float* x, float alpha, float* y, int64_t n);

  // Sum of x[0, n), accumulated in double.
  double (*sum)(const float* x, int64_t n);
  // Max of x[0, n): NaN if any element is NaN, -inf when n == 0.
  float (*max)(const float* x, int64_t n);
  // acc[i] += x[i] (acc in double), for column-wise reductions.
  void (*accumulate_sum)(const float* x, double* acc, int64_t n);
  // acc[i] = max(acc[i], x[i]), NaN-propagating.
  void (*accumulate_max)(const float* x, float* acc, int64_t n);
  // y[i] = exp(x[i] - shift); returns the sum of the y[i], accumulated in double.
  double (*exp_shifted_sum)(const float* x, float shift, float* y, int64_t n);
};

// The vectorised loops for this CPU, or nullptr when it has none of the supported ISAs.
// Decided once.
const VectorMath* GetVectorMath();

// The AVX2+FMA table, or nullptr when not compiled for x86-64 (does not check the CPU).
const VectorMath* Avx2VectorMath();

}  // namespace savedserve
