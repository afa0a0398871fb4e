// LRN (local response normalization, tf.nn.local_response_normalization) over the last axis
// of a 4-D input, as TensorFlow defines it:
//   sqr_sum[a, b, c, d] = sum(input[a, b, c, d - depth_radius : d + depth_radius + 1] ** 2)
//   output = input / (bias + alpha * sqr_sum) ** beta
// (alpha is not divided by the window size, unlike Caffe's). Reference kernel for float, half
// and bfloat16 (the last two computed in float); sums in double.
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/numeric.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

struct LrnParams {
  int64_t depth_radius = 5;
  float bias = 1, alpha = 1, beta = 0.5f;
};

template <typename T>
class LrnKernel : public OpKernel {
 public:
  LrnKernel(DataType dtype, LrnParams p) : dtype_(dtype), p_(p) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor x, ctx.input(0));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, x, dtype_));
    if (x.shape().rank() != 4) {
      return ctx.Error(absl::StrCat("input must be 4-D, got ", x.shape().DebugString()));
    }
    ASSIGN_OR_RETURN(Tensor * y, AllocateOutput(ctx, 0, dtype_, x.shape(), /*for_overwrite=*/true));
    const int64_t depth = x.shape().dim(3);
    if (x.num_elements() == 0) return absl::OkStatus();
    const T* in = x.data<T>();
    T* out = y->data<T>();
    ParallelFor(ctx, x.num_elements() / depth, 4 * depth, [&](int64_t begin, int64_t end) {
      std::vector<double> squares(depth + 1);  // prefix sums of squares
      for (int64_t row = begin; row < end; ++row) {
        const T* x_row = in + row * depth;
        for (int64_t d = 0; d < depth; ++d) {
          const double v = ToMath(x_row[d]);
          squares[d + 1] = squares[d] + v * v;
        }
        for (int64_t d = 0; d < depth; ++d) {
          const int64_t lo = std::max<int64_t>(d - p_.depth_radius, 0);
          const int64_t hi = std::min<int64_t>(d + p_.depth_radius + 1, depth);
          const double sum = squares[hi] - squares[lo];
          const double scale = std::pow(p_.bias + p_.alpha * sum, -static_cast<double>(p_.beta));
          out[row * depth + d] = FromMath<T>(static_cast<MathType<T>>(ToMath(x_row[d]) * scale));
        }
      }
    });
    return absl::OkStatus();
  }

 private:
  const DataType dtype_;
  const LrnParams p_;
};

using LrnTypes = TypeList<float, Half, BFloat16>;

absl::StatusOr<std::unique_ptr<OpKernel>> CreateLrnKernel(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 1));
  ASSIGN_OR_RETURN(DataType dtype, ResolveTypeAttr(c, "T", {0}));
  LrnParams p;
  ASSIGN_OR_RETURN(p.depth_radius, c.GetAttrOr<int64_t>("depth_radius", 5));
  ASSIGN_OR_RETURN(p.bias, c.GetAttrOr<float>("bias", 1.0f));
  ASSIGN_OR_RETURN(p.alpha, c.GetAttrOr<float>("alpha", 1.0f));
  ASSIGN_OR_RETURN(p.beta, c.GetAttrOr<float>("beta", 0.5f));
  if (p.depth_radius < 0) return c.Error("depth_radius must be non-negative");
  std::unique_ptr<OpKernel> kernel;
  VisitDType<LrnTypes>(dtype, [&](auto tag) {
    kernel = std::make_unique<LrnKernel<typename decltype(tag)::type>>(dtype, p);
  });
  if (kernel == nullptr) return c.Error(UnsupportedDTypeMessage<LrnTypes>(dtype));
  return kernel;
}

}  // namespace

SS_REGISTER_KERNEL("LRN", kReference, CreateLrnKernel);

}  // namespace savedserve
