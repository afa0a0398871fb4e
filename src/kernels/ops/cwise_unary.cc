// Element-wise unary math and activations: Neg, Square, Sqrt, Rsqrt, Exp, Log, Sigmoid,
// Tanh, Relu, Relu6, LeakyRelu, Elu. Reference kernels for TF's type sets (Half and BFloat16
// computed in float); integers wrap around (Neg of the lowest value, Square overflow).
// Special values follow TF: Relu/Relu6 keep NaN, Sqrt/Log of negatives are NaN, Log(0) is
// -inf. The vectorised float32 kernels are in cpu/cwise_unary_simd.cc.
#include <cmath>
#include <memory>
#include <string>

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
struct SqrtFn {
  template <typename M>
  M operator()(M x) const {
    return std::sqrt(x);
  }
};
struct RsqrtFn {
  template <typename M>
  M operator()(M x) const {
    return M{1} / std::sqrt(x);
  }
};
struct ExpFn {
  template <typename M>
  M operator()(M x) const {
    return std::exp(x);
  }
};
struct LogFn {
  template <typename M>
  M operator()(M x) const {
    return std::log(x);
  }
};
struct SigmoidFn {
  template <typename M>
  M operator()(M x) const {
    return M{1} / (M{1} + std::exp(-x));
  }
};
struct TanhFn {
  template <typename M>
  M operator()(M x) const {
    return std::tanh(x);
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

template <typename T, typename Fn>
class UnaryKernel : public OpKernel {
 public:
  UnaryKernel(DataType dtype, Fn fn) : dtype_(dtype), fn_(fn) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor x, ctx.input(0));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, x, dtype_));
    ASSIGN_OR_RETURN(Tensor * y, AllocateOutput(ctx, 0, dtype_, x.shape()));
    const int64_t n = x.num_elements();
    if (n == 0) return absl::OkStatus();
    const T* in = x.data<T>();
    T* out = y->data<T>();
    for (int64_t i = 0; i < n; ++i) out[i] = FromMath<T>(fn_(ToMath(in[i])));
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return shapes.empty() ? 0 : shapes[0].num_elements();
  }

 private:
  DataType dtype_;
  Fn fn_;
};

// Reads LeakyRelu's `alpha` (default 0.2); other functors have no attributes.
template <typename Fn>
absl::StatusOr<Fn> MakeFn(const KernelConstruction& c, DataType dtype) {
  Fn fn;
  if constexpr (std::is_same_v<Fn, LeakyReluFn>) {
    ASSIGN_OR_RETURN(float alpha, c.GetAttrOr<float>("alpha", 0.2f));
    fn.alpha = alpha;
    if (dtype == tensorflow::DT_HALF) fn.alpha = HalfToFloat(FloatToHalf(alpha));
    if (dtype == tensorflow::DT_BFLOAT16) fn.alpha = BFloat16ToFloat(FloatToBFloat16(alpha));
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

}  // namespace
}  // namespace savedserve
