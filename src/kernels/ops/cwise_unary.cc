// Element-wise unary math and activations: Neg, Abs, Sign, Square, Sqrt, Rsqrt, Reciprocal
// (and its old name Inv), Exp, Expm1, Log, Log1p, Sin, Cos, Tan, Asin, Acos, Atan, Sinh,
// Cosh, Tanh, Asinh, Acosh, Atanh, Erf, Erfc, Floor, Ceil, Round, Rint, Sigmoid, Softplus,
// Softsign, Relu, Relu6, LeakyRelu, Elu, Selu; the predicates IsNan, IsInf, IsFinite
// (DT_BOOL results); LogicalNot on DT_BOOL. Reference kernels for TF's type sets (Half and
// BFloat16 computed in float); integers wrap around (Neg and Abs of the lowest value, Square
// overflow).
// Special values follow TF: Relu/Relu6 keep NaN, Sqrt/Log of negatives are NaN, Log(0) is
// -inf, Sign(NaN) is NaN (TF 2's Eigen; TF 1 gave 0). Round and Rint round halves to even
// (banker's rounding); Round of an integer is itself. Softplus switches to x and exp(x) at
// TF's thresholds log(epsilon) + 2, which depend on the dtype.
// The vectorised float32 kernels are in cpu/cwise_unary_simd.cc.
#include <cmath>
#include <memory>
#include <string>
#include <type_traits>

#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/numeric.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// Each functor maps one MathType value; MakeFn below reads its attributes, if any.
struct NegFn {
  template <typename M>
  M operator()(M x) const {
    return WrappingNeg(x);
  }
};
struct SquareFn {
  template <typename M>
  M operator()(M x) const {
    return WrappingMul(x, x);
  }
};
// A functor applying one <cmath> function: MathFn<[](auto x) { return std::sin(x); }>.
template <auto kFn>
struct MathFn {
  template <typename M>
  auto operator()(M x) const {
    return kFn(x);
  }
};
using SqrtFn = MathFn<[](auto x) { return std::sqrt(x); }>;
using ExpFn = MathFn<[](auto x) { return std::exp(x); }>;
using Expm1Fn = MathFn<[](auto x) { return std::expm1(x); }>;
using LogFn = MathFn<[](auto x) { return std::log(x); }>;
using Log1pFn = MathFn<[](auto x) { return std::log1p(x); }>;
using SinFn = MathFn<[](auto x) { return std::sin(x); }>;
using CosFn = MathFn<[](auto x) { return std::cos(x); }>;
using TanFn = MathFn<[](auto x) { return std::tan(x); }>;
using AsinFn = MathFn<[](auto x) { return std::asin(x); }>;
using AcosFn = MathFn<[](auto x) { return std::acos(x); }>;
using AtanFn = MathFn<[](auto x) { return std::atan(x); }>;
using SinhFn = MathFn<[](auto x) { return std::sinh(x); }>;
using CoshFn = MathFn<[](auto x) { return std::cosh(x); }>;
using TanhFn = MathFn<[](auto x) { return std::tanh(x); }>;
using AsinhFn = MathFn<[](auto x) { return std::asinh(x); }>;
using AcoshFn = MathFn<[](auto x) { return std::acosh(x); }>;
using AtanhFn = MathFn<[](auto x) { return std::atanh(x); }>;
using ErfFn = MathFn<[](auto x) { return std::erf(x); }>;
using ErfcFn = MathFn<[](auto x) { return std::erfc(x); }>;
using FloorFn = MathFn<[](auto x) { return std::floor(x); }>;
using CeilFn = MathFn<[](auto x) { return std::ceil(x); }>;
// The predicates, with DT_BOOL results.
using IsNanFn = MathFn<[](auto x) { return std::isnan(x); }>;
using IsInfFn = MathFn<[](auto x) { return std::isinf(x); }>;
using IsFiniteFn = MathFn<[](auto x) { return std::isfinite(x); }>;

struct RsqrtFn {
  template <typename M>
  M operator()(M x) const {
    return M{1} / std::sqrt(x);
  }
};
struct SigmoidFn {
  template <typename M>
  M operator()(M x) const {
    return M{1} / (M{1} + std::exp(-x));
  }
};
// max(x, 0) and min(max(x, 0), 6) keeping NaN (TF's PropagateNaN). Written as selects
// and a final NaN check so GCC compiles the loop without branches (random signs would
// mispredict).
struct ReluFn {
  template <typename M>
  M operator()(M x) const {
    const M r = x > M{0} ? x : M{0};
    return IsNan(x) ? x : r;
  }
};
struct Relu6Fn {
  template <typename M>
  M operator()(M x) const {
    M r = x > M{0} ? x : M{0};
    r = r < M{6} ? r : M{6};
    return IsNan(x) ? x : r;
  }
};
// x > 0 ? x : alpha * x, with alpha rounded to T first as TF does (alpha may be > 1 or < 0,
// so this is not a max).
struct LeakyReluFn {
  double alpha = 0.2;
  template <typename M>
  M operator()(M x) const {
    const M scaled = x * static_cast<M>(alpha);  // computed unconditionally: no branch
    return x > M{0} ? x : scaled;
  }
};

// x < 0 ? exp(x) - 1 : x, as TF (and TF.js) write it (not expm1).
struct EluFn {
  template <typename M>
  M operator()(M x) const {
    return x < M{0} ? std::exp(x) - M{1} : x;
  }
};

struct AbsFn {
  template <typename M>
  M operator()(M x) const {
    if constexpr (std::is_integral_v<M>) {
      return x < 0 ? WrappingNeg(x) : x;
    } else {
      return std::fabs(x);
    }
  }
};
// -1, 0 or 1 (as M); NaN stays NaN.
struct SignFn {
  template <typename M>
  M operator()(M x) const {
    if (IsNan(x)) return x;
    return static_cast<M>((x > M{0}) - (x < M{0}));
  }
};
struct ReciprocalFn {
  template <typename M>
  M operator()(M x) const {
    return M{1} / x;
  }
};
// Halves to even: nearbyint in the default rounding mode, which the process never leaves.
struct RoundHalfToEvenFn {
  template <typename M>
  M operator()(M x) const {
    if constexpr (std::is_integral_v<M>) {
      return x;
    } else {
      return std::nearbyint(x);
    }
  }
};
// log1p(exp(x)), or x above -threshold and exp(x) below threshold, as TF computes it;
// threshold = log(epsilon of the dtype) + 2, set by MakeFn.
struct SoftplusFn {
  double threshold = -13.942385152878742;  // float's
  template <typename M>
  M operator()(M x) const {
    const M t = static_cast<M>(threshold);
    if (x > -t) return x;
    if (x < t) return std::exp(x);
    return std::log1p(std::exp(x));
  }
};
struct SoftsignFn {
  template <typename M>
  M operator()(M x) const {
    return x / (std::fabs(x) + M{1});
  }
};
// scale * x, or scale * alpha * (exp(x) - 1) below zero, with TF's constants.
struct SeluFn {
  template <typename M>
  M operator()(M x) const {
    const M scale = static_cast<M>(1.0507009873554804934193349852946);
    const M scale_alpha = static_cast<M>(1.7580993408473768599402175208123);
    return x < M{0} ? scale_alpha * (std::exp(x) - M{1}) : scale * x;
  }
};
struct LogicalNotFn {
  bool operator()(bool x) const { return !x; }
};

template <typename T, typename Fn>
class UnaryKernel : public OpKernel {
  // bool for the predicates (and LogicalNot), else T.
  using Out = std::conditional_t<std::is_same_v<std::invoke_result_t<const Fn&, MathType<T>>, bool>,
                                 bool, T>;

 public:
  UnaryKernel(DataType dtype, Fn fn) : dtype_(dtype), fn_(fn) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor x, ctx.input(0));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, x, dtype_));
    const DataType out_type = std::is_same_v<Out, bool> ? tensorflow::DT_BOOL : dtype_;
    ASSIGN_OR_RETURN(Tensor * y, AllocateOutput(ctx, 0, out_type, x.shape()));
    const int64_t n = x.num_elements();
    if (n == 0) return absl::OkStatus();
    const T* in = x.data<T>();
    Out* out = y->data<Out>();
    for (int64_t i = 0; i < n; ++i) {
      if constexpr (std::is_same_v<Out, bool>) {
        out[i] = fn_(ToMath(in[i]));
      } else {
        out[i] = FromMath<T>(fn_(ToMath(in[i])));
      }
    }
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return shapes.empty() ? 0 : shapes[0].num_elements();
  }

 private:
  DataType dtype_;
  Fn fn_;
};

// The difference between 1 and the next value of a floating dtype.
double Epsilon(DataType dtype) {
  switch (dtype) {
    case tensorflow::DT_HALF:
      return 0x1p-10;
    case tensorflow::DT_BFLOAT16:
      return 0x1p-7;
    case tensorflow::DT_DOUBLE:
      return 0x1p-52;
    default:
      return 0x1p-23;
  }
}

// Reads LeakyRelu's `alpha` (default 0.2) and sets Softplus's threshold for the dtype;
// other functors have no parameters.
template <typename Fn>
absl::StatusOr<Fn> MakeFn(const KernelConstruction& c, DataType dtype) {
  Fn fn;
  if constexpr (std::is_same_v<Fn, LeakyReluFn>) {
    ASSIGN_OR_RETURN(float alpha, c.GetAttrOr<float>("alpha", 0.2f));
    fn.alpha = alpha;
    if (dtype == tensorflow::DT_HALF) fn.alpha = HalfToFloat(FloatToHalf(alpha));
    if (dtype == tensorflow::DT_BFLOAT16) fn.alpha = BFloat16ToFloat(FloatToBFloat16(alpha));
  } else if constexpr (std::is_same_v<Fn, SoftplusFn>) {
    fn.threshold = std::log(Epsilon(dtype)) + 2;
  }
  return fn;
}

template <typename Types, typename Fn>
absl::StatusOr<std::unique_ptr<OpKernel>> CreateUnaryKernel(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 1));
  ASSIGN_OR_RETURN(DataType dtype, ResolveTypeAttr(c, "T", {0}));
  ASSIGN_OR_RETURN(Fn fn, MakeFn<Fn>(c, dtype));
  std::unique_ptr<OpKernel> kernel;
  VisitDType<Types>(dtype, [&](auto tag) {
    kernel = std::make_unique<UnaryKernel<typename decltype(tag)::type, Fn>>(dtype, fn);
  });
  if (kernel == nullptr) return c.Error(UnsupportedDTypeMessage<Types>(dtype));
  return kernel;
}

// LogicalNot: DT_BOOL only, without a type attribute.
absl::StatusOr<std::unique_ptr<OpKernel>> CreateLogicalNot(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 1));
  return std::make_unique<UnaryKernel<bool, LogicalNotFn>>(tensorflow::DT_BOOL, LogicalNotFn{});
}

using SignedTypes = ConcatTypeLists<FloatTypes, SignedIntTypes>::type;

SS_REGISTER_KERNEL("Neg", kReference, CreateUnaryKernel<SignedTypes, NegFn>);
SS_REGISTER_KERNEL("Square", kReference, CreateUnaryKernel<NumberTypes, SquareFn>);
SS_REGISTER_KERNEL("Sqrt", kReference, CreateUnaryKernel<FloatTypes, SqrtFn>);
SS_REGISTER_KERNEL("Rsqrt", kReference, CreateUnaryKernel<FloatTypes, RsqrtFn>);
SS_REGISTER_KERNEL("Exp", kReference, CreateUnaryKernel<FloatTypes, ExpFn>);
SS_REGISTER_KERNEL("Log", kReference, CreateUnaryKernel<FloatTypes, LogFn>);
SS_REGISTER_KERNEL("Sigmoid", kReference, CreateUnaryKernel<FloatTypes, SigmoidFn>);
SS_REGISTER_KERNEL("Tanh", kReference, CreateUnaryKernel<FloatTypes, TanhFn>);
SS_REGISTER_KERNEL("Relu", kReference, CreateUnaryKernel<NumberTypes, ReluFn>);
SS_REGISTER_KERNEL("Relu6", kReference, CreateUnaryKernel<NumberTypes, Relu6Fn>);
SS_REGISTER_KERNEL("LeakyRelu", kReference, CreateUnaryKernel<FloatTypes, LeakyReluFn>);
SS_REGISTER_KERNEL("Elu", kReference, CreateUnaryKernel<FloatTypes, EluFn>);
SS_REGISTER_KERNEL("Abs", kReference, CreateUnaryKernel<SignedTypes, AbsFn>);
SS_REGISTER_KERNEL("Sign", kReference, CreateUnaryKernel<SignedTypes, SignFn>);
SS_REGISTER_KERNEL("Reciprocal", kReference, CreateUnaryKernel<FloatTypes, ReciprocalFn>);
SS_REGISTER_KERNEL("Inv", kReference, CreateUnaryKernel<FloatTypes, ReciprocalFn>);
SS_REGISTER_KERNEL("Expm1", kReference, CreateUnaryKernel<FloatTypes, Expm1Fn>);
SS_REGISTER_KERNEL("Log1p", kReference, CreateUnaryKernel<FloatTypes, Log1pFn>);
SS_REGISTER_KERNEL("Sin", kReference, CreateUnaryKernel<FloatTypes, SinFn>);
SS_REGISTER_KERNEL("Cos", kReference, CreateUnaryKernel<FloatTypes, CosFn>);
SS_REGISTER_KERNEL("Tan", kReference, CreateUnaryKernel<FloatTypes, TanFn>);
SS_REGISTER_KERNEL("Asin", kReference, CreateUnaryKernel<FloatTypes, AsinFn>);
SS_REGISTER_KERNEL("Acos", kReference, CreateUnaryKernel<FloatTypes, AcosFn>);
SS_REGISTER_KERNEL("Atan", kReference, CreateUnaryKernel<FloatTypes, AtanFn>);
SS_REGISTER_KERNEL("Sinh", kReference, CreateUnaryKernel<FloatTypes, SinhFn>);
SS_REGISTER_KERNEL("Cosh", kReference, CreateUnaryKernel<FloatTypes, CoshFn>);
SS_REGISTER_KERNEL("Asinh", kReference, CreateUnaryKernel<FloatTypes, AsinhFn>);
SS_REGISTER_KERNEL("Acosh", kReference, CreateUnaryKernel<FloatTypes, AcoshFn>);
SS_REGISTER_KERNEL("Atanh", kReference, CreateUnaryKernel<FloatTypes, AtanhFn>);
SS_REGISTER_KERNEL("Erf", kReference, CreateUnaryKernel<FloatTypes, ErfFn>);
SS_REGISTER_KERNEL("Erfc", kReference, CreateUnaryKernel<FloatTypes, ErfcFn>);
SS_REGISTER_KERNEL("Floor", kReference, CreateUnaryKernel<FloatTypes, FloorFn>);
SS_REGISTER_KERNEL("Ceil", kReference, CreateUnaryKernel<FloatTypes, CeilFn>);
SS_REGISTER_KERNEL("Round", kReference, CreateUnaryKernel<SignedTypes, RoundHalfToEvenFn>);
SS_REGISTER_KERNEL("Rint", kReference, CreateUnaryKernel<FloatTypes, RoundHalfToEvenFn>);
SS_REGISTER_KERNEL("Softplus", kReference, CreateUnaryKernel<FloatTypes, SoftplusFn>);
SS_REGISTER_KERNEL("Softsign", kReference, CreateUnaryKernel<FloatTypes, SoftsignFn>);
SS_REGISTER_KERNEL("Selu", kReference, CreateUnaryKernel<FloatTypes, SeluFn>);
SS_REGISTER_KERNEL("IsNan", kReference, CreateUnaryKernel<FloatTypes, IsNanFn>);
SS_REGISTER_KERNEL("IsInf", kReference, CreateUnaryKernel<FloatTypes, IsInfFn>);
SS_REGISTER_KERNEL("IsFinite", kReference, CreateUnaryKernel<FloatTypes, IsFiniteFn>);
SS_REGISTER_KERNEL("LogicalNot", kReference, CreateLogicalNot);

}  // namespace
}  // namespace savedserve
