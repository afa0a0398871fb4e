// Element-wise binary ops with NumPy/TF broadcasting. Arithmetic: Add, AddV2, Sub, Mul,
// RealDiv, Div, TruncateDiv, FloorDiv, FloorMod, TruncateMod, Mod, Pow, SquaredDifference,
// DivNoNan, MulNoNan, Xlogy, Xdivy, Atan2, Maximum, Minimum. DT_BOOL results: Less,
// LessEqual, Greater, GreaterEqual, Equal, NotEqual (a NaN operand compares unequal to
// everything), and LogicalAnd, LogicalOr on DT_BOOL inputs. Reference kernels for TF's type
// sets (Half and BFloat16 computed in float); Add, AddV2, Equal and NotEqual also take
// DT_STRING, Equal and NotEqual DT_BOOL.
//
// Integers wrap around on overflow. Integer division by zero (Div, RealDiv, TruncateDiv,
// FloorDiv, FloorMod, Mod, TruncateMod) is an error, as TF's "Integer division by zero",
// and so is an integer Pow to a negative power. Div, RealDiv and TruncateDiv truncate
// integers toward zero, FloorDiv rounds toward -inf (floor(x / y) for floats); FloorMod's
// result takes the divisor's sign, Mod's and TruncateMod's the dividend's. DivNoNan and
// MulNoNan give 0 where y is 0, Xlogy (x * log(y)) and Xdivy (x / y) where x is 0, even
// when the other operand is NaN or infinite. Maximum/Minimum return NaN when either operand
// is NaN, as TF does. Equal/NotEqual with incompatible_shape_error=false answer a scalar
// false/true for shapes that do not broadcast, instead of failing.
// The vectorised float32 kernels are in cpu/cwise_binary_simd.cc.
#include <cmath>
#include <memory>
#include <string>
#include <type_traits>

#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/broadcast.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/numeric.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// Arithmetic, then comparisons (DT_BOOL results), then logical ops (DT_BOOL operands).
enum class BinaryKind {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMax,
  kMin,
  kPow,
  kSquaredDifference,
  kFloorDiv,
  kFloorMod,
  kTruncateMod,
  kDivNoNan,
  kMulNoNan,
  kXlogy,
  kXdivy,
  kAtan2,
  kLess,
  kLessEq,
  kGreater,
  kGreaterEq,
  kEqual,
  kNotEqual,
  kLogicalAnd,
  kLogicalOr
};
using enum BinaryKind;

template <BinaryKind K>
constexpr bool kIsComparison =
    K == kLess || K == kLessEq || K == kGreater || K == kGreaterEq || K == kEqual || K == kNotEqual;

// The ops whose integer kernels reject a zero divisor.
template <BinaryKind K>
constexpr bool kDividesIntegers =
    K == kDiv || K == kFloorDiv || K == kFloorMod || K == kTruncateMod;

template <BinaryKind K, typename M>
auto ApplyBinary(M a, M b) {
  if constexpr (K == kAdd) {
    return WrappingAdd(a, b);
  } else if constexpr (K == kSub) {
    return WrappingSub(a, b);
  } else if constexpr (K == kMul) {
    return WrappingMul(a, b);
  } else if constexpr (K == kDiv) {
    return SafeDivide(a, b);
  } else if constexpr (K == kMax) {
    return MaxPropagateNan(a, b);
  } else if constexpr (K == kMin) {
    return MinPropagateNan(a, b);
  } else if constexpr (K == kPow) {
    if constexpr (std::is_integral_v<M>) {
      return IntegerPower(a, b);
    } else {
      return std::pow(a, b);
    }
  } else if constexpr (K == kSquaredDifference) {
    const M d = WrappingSub(a, b);
    return WrappingMul(d, d);
  } else if constexpr (K == kFloorDiv) {
    return FloorDivide(a, b);
  } else if constexpr (K == kFloorMod) {
    return FloorModulo(a, b);
  } else if constexpr (K == kTruncateMod) {
    return TruncateModulo(a, b);
  } else if constexpr (K == kDivNoNan) {
    return b == M{0} ? M{0} : a / b;
  } else if constexpr (K == kMulNoNan) {
    return b == M{0} ? M{0} : a * b;
  } else if constexpr (K == kXlogy) {
    return a == M{0} ? M{0} : a * std::log(b);
  } else if constexpr (K == kXdivy) {
    return a == M{0} ? M{0} : a / b;
  } else if constexpr (K == kAtan2) {
    return std::atan2(a, b);  // atan2(y, x): the inputs are named y and x
  } else if constexpr (K == kLess) {
    return a < b;
  } else if constexpr (K == kLessEq) {
    return a <= b;
  } else if constexpr (K == kGreater) {
    return a > b;
  } else if constexpr (K == kGreaterEq) {
    return a >= b;
  } else if constexpr (K == kEqual) {
    return a == b;
  } else if constexpr (K == kNotEqual) {
    return a != b;
  } else if constexpr (K == kLogicalAnd) {
    return a && b;
  } else {
    return a || b;
  }
}

// The run-time checks TF's integer kernels make of the second operand.
template <BinaryKind K, typename T>
absl::Status CheckSecondOperand(const KernelContext& ctx, const Tensor& b) {
  if constexpr (kDividesIntegers<K> && std::is_integral_v<T>) {
    for (T v : b.flat<T>()) {
      if (v == 0) return ctx.Error("Integer division by zero");
    }
  } else if constexpr (K == kPow && std::is_integral_v<T> && std::is_signed_v<T>) {
    for (T v : b.flat<T>()) {
      if (v < 0) return ctx.Error("Integers to negative integer powers are not allowed");
    }
  }
  return absl::OkStatus();
}

template <typename T, BinaryKind K>
class BinaryKernel : public OpKernel {
  using Out = std::conditional_t<kIsComparison<K>, bool, T>;

 public:
  // `incompatible_shape_error` false (Equal/NotEqual only): shapes that do not broadcast
  // give a scalar instead of an error.
  explicit BinaryKernel(DataType dtype, bool incompatible_shape_error = true)
      : dtype_(dtype), incompatible_shape_error_(incompatible_shape_error) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor a, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor b, ctx.input(1));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, a, dtype_));
    RETURN_IF_ERROR(CheckInputType(ctx, 1, b, dtype_));
    const DataType out_type = kIsComparison<K> ? tensorflow::DT_BOOL : dtype_;
    absl::StatusOr<BroadcastPlan> plan = BroadcastPlan::Create({a.shape(), b.shape()});
    if constexpr (K == kEqual || K == kNotEqual) {
      if (!plan.ok() && !incompatible_shape_error_) {
        ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, out_type, TensorShape{}));
        out->data<bool>()[0] = K == kNotEqual;
        return absl::OkStatus();
      }
    }
    if (!plan.ok()) return ctx.Error(plan.status().message());
    RETURN_IF_ERROR((CheckSecondOperand<K, T>(ctx, b)));
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, out_type, plan->output_shape()));
    if (plan->num_elements() == 0) return absl::OkStatus();
    Run(*plan, a.data<T>(), b.data<T>(), out->data<Out>());
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return BroadcastElementCount(shapes);
  }

 private:
  static void Run(const BroadcastPlan& plan, const T* a, const T* b, Out* y) {
    const int64_t length = plan.row_length();
    const int64_t a_stride = plan.row_stride(0), b_stride = plan.row_stride(1);
    for (int64_t r = 0; r < plan.num_rows(); ++r) {
      const T* pa = a + plan.RowOffset(0, r);
      const T* pb = b + plan.RowOffset(1, r);
      Out* py = y + r * length;
      for (int64_t j = 0; j < length; ++j) {
        const auto z = ApplyBinary<K>(ToMath(pa[j * a_stride]), ToMath(pb[j * b_stride]));
        if constexpr (kIsComparison<K>) {
          py[j] = z;
        } else {
          py[j] = FromMath<T>(z);
        }
      }
    }
  }

  DataType dtype_;
  bool incompatible_shape_error_;
};

// `Types` are the element types the op takes; its "T" attribute picks one.
template <typename Types, BinaryKind K>
absl::StatusOr<std::unique_ptr<OpKernel>> CreateBinaryKernel(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 2));
  ASSIGN_OR_RETURN(DataType dtype, ResolveTypeAttr(c, "T", {0, 1}));
  bool incompatible_shape_error = true;
  if constexpr (K == kEqual || K == kNotEqual) {
    ASSIGN_OR_RETURN(incompatible_shape_error, c.GetAttrOr<bool>("incompatible_shape_error", true));
  }
  std::unique_ptr<OpKernel> kernel;
  VisitDType<Types>(dtype, [&](auto tag) {
    kernel = std::make_unique<BinaryKernel<typename decltype(tag)::type, K>>(
        dtype, incompatible_shape_error);
  });
  if (kernel == nullptr) return c.Error(UnsupportedDTypeMessage<Types>(dtype));
  return kernel;
}

// LogicalAnd and LogicalOr: DT_BOOL only, without a type attribute.
template <BinaryKind K>
absl::StatusOr<std::unique_ptr<OpKernel>> CreateLogicalKernel(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 2));
  return std::make_unique<BinaryKernel<bool, K>>(tensorflow::DT_BOOL);
}

using StringTypes = TypeList<std::string>;
using NumberAndStringTypes = ConcatTypeLists<NumberTypes, StringTypes>::type;
using EqualityTypes = ConcatTypeLists<NumberAndBoolTypes, StringTypes>::type;
using FloatAndSignedTypes = ConcatTypeLists<FloatTypes, SignedIntTypes>::type;

SS_REGISTER_KERNEL("Add", kReference, CreateBinaryKernel<NumberAndStringTypes, kAdd>);
SS_REGISTER_KERNEL("AddV2", kReference, CreateBinaryKernel<NumberAndStringTypes, kAdd>);
SS_REGISTER_KERNEL("Sub", kReference, CreateBinaryKernel<NumberTypes, kSub>);
SS_REGISTER_KERNEL("Mul", kReference, CreateBinaryKernel<NumberTypes, kMul>);
SS_REGISTER_KERNEL("RealDiv", kReference, CreateBinaryKernel<NumberTypes, kDiv>);
SS_REGISTER_KERNEL("Div", kReference, CreateBinaryKernel<NumberTypes, kDiv>);
SS_REGISTER_KERNEL("TruncateDiv", kReference, CreateBinaryKernel<IntTypes, kDiv>);
SS_REGISTER_KERNEL("FloorDiv", kReference, CreateBinaryKernel<NumberTypes, kFloorDiv>);
SS_REGISTER_KERNEL("FloorMod", kReference, CreateBinaryKernel<NumberTypes, kFloorMod>);
SS_REGISTER_KERNEL("TruncateMod", kReference, CreateBinaryKernel<NumberTypes, kTruncateMod>);
SS_REGISTER_KERNEL("Mod", kReference, CreateBinaryKernel<NumberTypes, kTruncateMod>);
SS_REGISTER_KERNEL("Pow", kReference, CreateBinaryKernel<FloatAndSignedTypes, kPow>);
SS_REGISTER_KERNEL("SquaredDifference", kReference,
                   CreateBinaryKernel<FloatAndSignedTypes, kSquaredDifference>);
SS_REGISTER_KERNEL("DivNoNan", kReference, CreateBinaryKernel<FloatTypes, kDivNoNan>);
SS_REGISTER_KERNEL("MulNoNan", kReference, CreateBinaryKernel<FloatTypes, kMulNoNan>);
SS_REGISTER_KERNEL("Xlogy", kReference, CreateBinaryKernel<FloatTypes, kXlogy>);
SS_REGISTER_KERNEL("Xdivy", kReference, CreateBinaryKernel<FloatTypes, kXdivy>);
SS_REGISTER_KERNEL("Atan2", kReference, CreateBinaryKernel<FloatTypes, kAtan2>);
SS_REGISTER_KERNEL("Maximum", kReference, CreateBinaryKernel<NumberTypes, kMax>);
SS_REGISTER_KERNEL("Minimum", kReference, CreateBinaryKernel<NumberTypes, kMin>);
SS_REGISTER_KERNEL("Less", kReference, CreateBinaryKernel<NumberTypes, kLess>);
SS_REGISTER_KERNEL("LessEqual", kReference, CreateBinaryKernel<NumberTypes, kLessEq>);
SS_REGISTER_KERNEL("Greater", kReference, CreateBinaryKernel<NumberTypes, kGreater>);
SS_REGISTER_KERNEL("GreaterEqual", kReference, CreateBinaryKernel<NumberTypes, kGreaterEq>);
SS_REGISTER_KERNEL("Equal", kReference, CreateBinaryKernel<EqualityTypes, kEqual>);
SS_REGISTER_KERNEL("NotEqual", kReference, CreateBinaryKernel<EqualityTypes, kNotEqual>);
SS_REGISTER_KERNEL("LogicalAnd", kReference, CreateLogicalKernel<kLogicalAnd>);
SS_REGISTER_KERNEL("LogicalOr", kReference, CreateLogicalKernel<kLogicalOr>);

}  // namespace
}  // namespace savedserve
