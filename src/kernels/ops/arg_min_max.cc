// ArgMax and ArgMin: the index of the largest / smallest element along the axis given by
// the scalar `dimension` input (int32 or int64; negative counts from the end), as int32 or
// int64 (`output_type`, default int64). Reference kernels for every real number type.
//
// As TF's CPU kernels (Eigen's tuple reducers, which start from index 0 holding the lowest
// finite value and take an element only when it compares strictly greater): ties go to the
// smallest index, NaNs never win and so are skipped, and a slice with nothing above the
// lowest finite value (all NaN, or all -inf) answers 0. ArgMin mirrors this.
// The reduced axis must not be empty.
#include <cstdint>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/numeric.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// The lowest and highest finite values of T, in T's MathType.
template <typename T>
MathType<T> LowestFinite() {
  if constexpr (std::is_same_v<T, Half>) {
    return -65504.0f;
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return -0x1.fep127f;
  } else {
    return std::numeric_limits<T>::lowest();
  }
}
template <typename T>
MathType<T> HighestFinite() {
  if constexpr (std::is_same_v<T, Half>) {
    return 65504.0f;
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return 0x1.fep127f;
  } else {
    return std::numeric_limits<T>::max();
  }
}

template <typename T, typename Index, bool kMax>
class ArgMinMaxKernel : public OpKernel {
 public:
  explicit ArgMinMaxKernel(DataType dtype) : dtype_(dtype) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor x, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor dimension, ctx.input(1));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, x, dtype_));
    ASSIGN_OR_RETURN(int64_t dim, ReadIndexScalar(ctx, dimension, "dimension"));
    const TensorShape& shape = x.shape();
    ASSIGN_OR_RETURN(int axis, CanonicalAxis(ctx, dim, shape.rank(), "dimension"));
    if (shape.dim(axis) == 0) {
      return ctx.Error(
          absl::StrCat("Reduction axis ", dim, " is empty in shape ", shape.DebugString()));
    }
    std::vector<int64_t> out_dims;
    for (int d = 0; d < shape.rank(); ++d) {
      if (d != axis) out_dims.push_back(shape.dim(d));
    }
    ASSIGN_OR_RETURN(Tensor * out,
                     AllocateOutput(ctx, 0, DataTypeOf<Index>(), TensorShape(std::move(out_dims))));
    const int64_t outer = DimProduct(shape, 0, axis), size = shape.dim(axis);
    const int64_t inner = DimProduct(shape, axis + 1, shape.rank());
    if (outer * inner == 0) return absl::OkStatus();
    const T* in = x.data<T>();
    Index* y = out->data<Index>();
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        y[o * inner + i] = static_cast<Index>(Find(in + o * size * inner + i, size, inner));
      }
    }
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return shapes.empty() ? 0 : shapes[0].num_elements();
  }

 private:
  // The winning position among x[0], x[stride], ... x[(n - 1) * stride].
  static int64_t Find(const T* x, int64_t n, int64_t stride) {
    MathType<T> best = kMax ? LowestFinite<T>() : HighestFinite<T>();
    int64_t best_index = 0;
    for (int64_t r = 0; r < n; ++r) {
      const MathType<T> v = ToMath(x[r * stride]);
      if (kMax ? v > best : v < best) {
        best = v;
        best_index = r;
      }
    }
    return best_index;
  }

  DataType dtype_;
};

template <bool kMax>
absl::StatusOr<std::unique_ptr<OpKernel>> CreateArgMinMaxKernel(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 2));
  ASSIGN_OR_RETURN(DataType dtype, ResolveTypeAttr(c, "T", {0}));
  ASSIGN_OR_RETURN(DataType output_type,
                   c.GetAttrOr<DataType>("output_type", tensorflow::DT_INT64));
  if (output_type != tensorflow::DT_INT32 && output_type != tensorflow::DT_INT64) {
    return c.Error(
        absl::StrCat("output_type must be int32 or int64, got ", DataTypeName(output_type)));
  }
  std::unique_ptr<OpKernel> kernel;
  VisitDType<NumberTypes>(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (output_type == tensorflow::DT_INT32) {
      kernel = std::make_unique<ArgMinMaxKernel<T, int32_t, kMax>>(dtype);
    } else {
      kernel = std::make_unique<ArgMinMaxKernel<T, int64_t, kMax>>(dtype);
    }
  });
  if (kernel == nullptr) return c.Error(UnsupportedDTypeMessage<NumberTypes>(dtype));
  return kernel;
}

SS_REGISTER_KERNEL("ArgMax", kReference, CreateArgMinMaxKernel<true>);
SS_REGISTER_KERNEL("ArgMin", kReference, CreateArgMinMaxKernel<false>);

}  // namespace
}  // namespace savedserve
