// Element-wise binary arithmetic with NumPy/TF broadcasting: Add, AddV2, Sub, Mul, RealDiv,
// Maximum, Minimum, and the ordering comparisons Less, LessEqual, Greater, GreaterEqual
// (DT_BOOL results; a NaN operand compares false). Reference kernels for every real number
// type (Half and BFloat16 computed in float); Add and AddV2 also concatenate DT_STRING, as
// TF's CPU kernels do.
// Integers wrap around on overflow; integer division by zero is an error (TF's "Div"
// behaviour; TF leaves it undefined for RealDiv). Maximum/Minimum return NaN when either
// operand is NaN, as TF does.
// The vectorised float32 kernels are in cpu/cwise_binary_avx2.cc.
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

enum class BinaryKind { kAdd, kSub, kMul, kDiv, kMax, kMin, kLess, kLessEq, kGreater, kGreaterEq };

template <BinaryKind K>
constexpr bool kIsComparison = K == BinaryKind::kLess || K == BinaryKind::kLessEq ||
                               K == BinaryKind::kGreater || K == BinaryKind::kGreaterEq;

template <BinaryKind K, typename M>
auto ApplyBinary(M a, M b) {
  if constexpr (K == BinaryKind::kAdd) {
    return WrappingAdd(a, b);
  } else if constexpr (K == BinaryKind::kSub) {
    return WrappingSub(a, b);
  } else if constexpr (K == BinaryKind::kMul) {
    return WrappingMul(a, b);
  } else if constexpr (K == BinaryKind::kDiv) {
    return SafeDivide(a, b);
  } else if constexpr (K == BinaryKind::kMax) {
    return MaxPropagateNan(a, b);
  } else if constexpr (K == BinaryKind::kMin) {
    return MinPropagateNan(a, b);
  } else if constexpr (K == BinaryKind::kLess) {
    return a < b;
  } else if constexpr (K == BinaryKind::kLessEq) {
    return a <= b;
  } else if constexpr (K == BinaryKind::kGreater) {
    return a > b;
  } else {
    return a >= b;
  }
}

template <typename T, BinaryKind K>
class BinaryKernel : public OpKernel {
  using Out = std::conditional_t<kIsComparison<K>, bool, T>;

 public:
  explicit BinaryKernel(DataType dtype) : dtype_(dtype) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor a, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor b, ctx.input(1));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, a, dtype_));
    RETURN_IF_ERROR(CheckInputType(ctx, 1, b, dtype_));
    absl::StatusOr<BroadcastPlan> plan = BroadcastPlan::Create({a.shape(), b.shape()});
    if (!plan.ok()) return ctx.Error(plan.status().message());
    if constexpr (K == BinaryKind::kDiv && std::is_integral_v<T>) {
      for (T v : b.flat<T>()) {
        if (v == 0) return ctx.Error("Integer division by zero");
      }
    }
    const DataType out_type = kIsComparison<K> ? tensorflow::DT_BOOL : dtype_;
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
};

template <BinaryKind K>
absl::StatusOr<std::unique_ptr<OpKernel>> CreateBinaryKernel(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 2));
  ASSIGN_OR_RETURN(DataType dtype, ResolveTypeAttr(c, "T", {0, 1}));
  std::unique_ptr<OpKernel> kernel;
  VisitDType<NumberTypes>(dtype, [&](auto tag) {
    kernel = std::make_unique<BinaryKernel<typename decltype(tag)::type, K>>(dtype);
  });
  if constexpr (K == BinaryKind::kAdd) {
    if (dtype == tensorflow::DT_STRING) {
      kernel = std::make_unique<BinaryKernel<std::string, K>>(dtype);
    }
  }
  if (kernel == nullptr) return c.Error(UnsupportedDTypeMessage<NumberTypes>(dtype));
  return kernel;
}

SS_REGISTER_KERNEL("Add", kReference, CreateBinaryKernel<BinaryKind::kAdd>);
SS_REGISTER_KERNEL("AddV2", kReference, CreateBinaryKernel<BinaryKind::kAdd>);
SS_REGISTER_KERNEL("Sub", kReference, CreateBinaryKernel<BinaryKind::kSub>);
SS_REGISTER_KERNEL("Mul", kReference, CreateBinaryKernel<BinaryKind::kMul>);
SS_REGISTER_KERNEL("RealDiv", kReference, CreateBinaryKernel<BinaryKind::kDiv>);
SS_REGISTER_KERNEL("Maximum", kReference, CreateBinaryKernel<BinaryKind::kMax>);
SS_REGISTER_KERNEL("Minimum", kReference, CreateBinaryKernel<BinaryKind::kMin>);
SS_REGISTER_KERNEL("Less", kReference, CreateBinaryKernel<BinaryKind::kLess>);
SS_REGISTER_KERNEL("LessEqual", kReference, CreateBinaryKernel<BinaryKind::kLessEq>);
SS_REGISTER_KERNEL("Greater", kReference, CreateBinaryKernel<BinaryKind::kGreater>);
SS_REGISTER_KERNEL("GreaterEqual", kReference, CreateBinaryKernel<BinaryKind::kGreaterEq>);

}  // namespace
}  // namespace savedserve
