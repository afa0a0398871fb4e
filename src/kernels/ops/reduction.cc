// Reductions Sum, Mean, Prod, Max, Min, EuclideanNorm (real number types) and Any, All
// (DT_BOOL) over the axes given by the `reduction_indices` input (int32 or int64, scalar or
// vector, negative axes count from the end), with the `keep_dims` attribute.
//
// Accumulation: float sums and products in double, half/bfloat16 in float, others in their
// own type (integers wrap). Mean of integers truncates, as TF's, and so does EuclideanNorm's
// final square root (a sum of squares that wrapped negative gives 0). Max and Min return
// NaN when any reduced element is NaN. Empty reductions give the identity: Sum and
// EuclideanNorm 0, Prod 1, Max -inf (lowest for integers), Min +inf (highest), Any false,
// All true, Mean NaN (0 for integers), as TF.
// The vectorised float32 Sum, Mean and Max are in cpu/reduction_simd.cc.
#include <cmath>
#include <memory>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/numeric.h"
#include "kernels/ops/reduction_plan.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

enum class ReduceKind { kSum, kMean, kProd, kMax, kMin, kEuclideanNorm, kAny, kAll };
using enum ReduceKind;

template <ReduceKind K>
constexpr bool kIsExtremum = K == kMax || K == kMin;

template <typename T, ReduceKind K>
class ReductionKernel : public OpKernel {
 public:
  ReductionKernel(DataType dtype, bool keep_dims) : dtype_(dtype), keep_dims_(keep_dims) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor x, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor axes, ctx.input(1));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, x, dtype_));
    if (axes.shape().rank() > 1) {
      return ctx.Error(absl::StrCat("reduction_indices must be a scalar or vector, got shape ",
                                    axes.shape().DebugString()));
    }
    ASSIGN_OR_RETURN(std::vector<int64_t> axis_values,
                     ReadIndexValues(ctx, axes, "reduction_indices"));
    absl::StatusOr<ReductionPlan> plan = ReductionPlan::Create(x.shape(), axis_values, keep_dims_);
    if (!plan.ok()) return ctx.Error(plan.status().message());
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, dtype_, plan->output_shape()));
    if (plan->output_size() == 0) return absl::OkStatus();
    Reduce(*plan, x, out->data<T>());
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return shapes.empty() ? 0 : shapes[0].num_elements();
  }

 private:
  using M = MathType<T>;
  // What elements are combined in.
  using Acc = std::conditional_t<!kIsExtremum<K> && std::is_same_v<M, float>, double, M>;

  static Acc Identity() {
    if constexpr (K == kProd || K == kAll) {
      return Acc{1};
    } else if constexpr (K == kMax) {
      return LowestOrMinusInf<Acc>();
    } else if constexpr (K == kMin) {
      return HighestOrInf<Acc>();
    } else {
      return Acc{0};
    }
  }

  static Acc Combine(Acc acc, Acc v) {
    if constexpr (K == kProd) {
      return WrappingMul(acc, v);
    } else if constexpr (K == kMax) {
      return MaxPropagateNan(acc, v);
    } else if constexpr (K == kMin) {
      return MinPropagateNan(acc, v);
    } else if constexpr (K == kAny) {
      return acc || v;
    } else if constexpr (K == kAll) {
      return acc && v;
    } else if constexpr (K == kEuclideanNorm) {
      return WrappingAdd(acc, WrappingMul(v, v));
    } else {
      return WrappingAdd(acc, v);
    }
  }

  static void Reduce(const ReductionPlan& plan, const Tensor& x, T* out) {
    std::vector<Acc> acc(plan.output_size(), Identity());
    if (x.num_elements() > 0) {
      const T* in = x.data<T>();
      plan.ForEachElement(
          [&](int64_t i, int64_t o) { acc[o] = Combine(acc[o], static_cast<Acc>(ToMath(in[i]))); });
    }
    for (int64_t o = 0; o < plan.output_size(); ++o) {
      Acc v = acc[o];
      if constexpr (K == kMean) v = Mean(v, plan.reduced_size());
      if constexpr (K == kEuclideanNorm) v = SquareRoot(v);
      out[o] = FromMath<T>(static_cast<M>(v));
    }
  }

  // Truncated for integers; a sum of squares that wrapped negative gives 0.
  static Acc SquareRoot(Acc v) {
    if constexpr (std::is_integral_v<Acc>) {
      if (v < Acc{0}) return Acc{0};
      return static_cast<Acc>(std::sqrt(static_cast<double>(v)));
    } else {
      return std::sqrt(v);
    }
  }

  static Acc Mean(Acc sum, int64_t count) {
    if constexpr (std::is_integral_v<Acc>) {
      return count == 0 ? Acc{0} : SafeDivide(sum, static_cast<Acc>(count));
    } else {
      return sum / static_cast<Acc>(count);  // 0 / 0 = NaN for an empty reduction
    }
  }

  DataType dtype_;
  bool keep_dims_;
};

// `Types` are the element types the op takes: its "T" attribute picks one (Any and All,
// whose input is DT_BOOL, have none).
template <typename Types, ReduceKind K>
absl::StatusOr<std::unique_ptr<OpKernel>> CreateReductionKernel(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 2));
  DataType dtype = tensorflow::DT_BOOL;
  if constexpr (K != kAny && K != kAll) {
    ASSIGN_OR_RETURN(dtype, ResolveTypeAttr(c, "T", {0}));
  }
  ASSIGN_OR_RETURN(bool keep_dims, c.GetAttrOr<bool>("keep_dims", false));
  std::unique_ptr<OpKernel> kernel;
  VisitDType<Types>(dtype, [&](auto tag) {
    kernel = std::make_unique<ReductionKernel<typename decltype(tag)::type, K>>(dtype, keep_dims);
  });
  if (kernel == nullptr) return c.Error(UnsupportedDTypeMessage<Types>(dtype));
  return kernel;
}

using BoolTypes = TypeList<bool>;

SS_REGISTER_KERNEL("Sum", kReference, CreateReductionKernel<NumberTypes, kSum>);
SS_REGISTER_KERNEL("Mean", kReference, CreateReductionKernel<NumberTypes, kMean>);
SS_REGISTER_KERNEL("Prod", kReference, CreateReductionKernel<NumberTypes, kProd>);
SS_REGISTER_KERNEL("Max", kReference, CreateReductionKernel<NumberTypes, kMax>);
SS_REGISTER_KERNEL("Min", kReference, CreateReductionKernel<NumberTypes, kMin>);
SS_REGISTER_KERNEL("EuclideanNorm", kReference, CreateReductionKernel<NumberTypes, kEuclideanNorm>);
SS_REGISTER_KERNEL("Any", kReference, CreateReductionKernel<BoolTypes, kAny>);
SS_REGISTER_KERNEL("All", kReference, CreateReductionKernel<BoolTypes, kAll>);

}  // namespace
}  // namespace savedserve
