// Vectorised float32 Sum, Mean and Max (see ops/reduction.cc for semantics). Reductions
// that merge to [outer, reduced, inner] (the last axes, the first axes, a middle block,
// everything) run vector loops split across the thread pool: contiguous row reductions
// when inner == 1, else column accumulation in blocks of kColumnBlock outputs. Sums
// accumulate in double like the reference. Other layouts, other dtypes, and CPUs without
// the vector ISA, use the reference kernel.
#include <algorithm>
#include <limits>
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/vector_math.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/reduction_plan.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

enum class ReduceKind { kSum, kMean, kMax };

constexpr int64_t kColumnBlock = 256;

class SimdReductionKernel : public OpKernel {
 public:
  SimdReductionKernel(ReduceKind kind, bool keep_dims, const VectorMath& math,
                      std::unique_ptr<OpKernel> fallback)
      : kind_(kind), keep_dims_(keep_dims), math_(math), fallback_(std::move(fallback)) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor x, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor axes, ctx.input(1));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, x, tensorflow::DT_FLOAT));
    if (axes.shape().rank() > 1) return fallback_->Compute(ctx);  // it reports the error
    ASSIGN_OR_RETURN(std::vector<int64_t> axis_values,
                     ReadIndexValues(ctx, axes, "reduction_indices"));
    absl::StatusOr<ReductionPlan> plan = ReductionPlan::Create(x.shape(), axis_values, keep_dims_);
    if (!plan.ok()) return ctx.Error(plan.status().message());
    if (!plan->IsThreeDim()) return fallback_->Compute(ctx);
    ASSIGN_OR_RETURN(Tensor * out,
                     AllocateOutput(ctx, 0, tensorflow::DT_FLOAT, plan->output_shape()));
    if (plan->output_size() == 0) return absl::OkStatus();
    float* y = out->data<float>();
    if (plan->reduced_size() == 0) {
      std::fill(y, y + plan->output_size(), Identity());
    } else if (plan->inner_size() == 1) {
      ReduceRows(*plan, x.data<float>(), y, ctx.thread_pool());
    } else {
      ReduceColumns(*plan, x.data<float>(), y, ctx.thread_pool());
    }
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return shapes.empty() ? 0 : shapes[0].num_elements();
  }

 private:
  float Identity() const {
    switch (kind_) {
      case ReduceKind::kSum:
        return 0.0f;
      case ReduceKind::kMean:
        return std::numeric_limits<float>::quiet_NaN();
      case ReduceKind::kMax:
        return -std::numeric_limits<float>::infinity();
    }
    return 0.0f;
  }

  float FinishSum(double sum, int64_t count) const {
    return static_cast<float>(kind_ == ReduceKind::kMean ? sum / static_cast<double>(count) : sum);
  }

  // Each output reduces one contiguous row of reduced_size elements.
  void ReduceRows(const ReductionPlan& plan, const float* x, float* y, ThreadPool* pool) const {
    const int64_t n = plan.reduced_size();
    ParallelFor(pool, plan.outer_size(), n, [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o) {
        y[o] = kind_ == ReduceKind::kMax ? math_.max(x + o * n, n)
                                         : FinishSum(math_.sum(x + o * n, n), n);
      }
    });
  }

  // Output (o, i) reduces x[o, :, i]: accumulate whole rows of a column block at a time.
  void ReduceColumns(const ReductionPlan& plan, const float* x, float* y, ThreadPool* pool) const {
    const int64_t reduced = plan.reduced_size(), inner = plan.inner_size();
    const int64_t blocks_per_outer = (inner + kColumnBlock - 1) / kColumnBlock;
    ParallelFor(pool, plan.outer_size() * blocks_per_outer, reduced * kColumnBlock,
                [&](int64_t begin, int64_t end) {
                  for (int64_t unit = begin; unit < end; ++unit) {
                    const int64_t o = unit / blocks_per_outer;
                    const int64_t i0 = (unit % blocks_per_outer) * kColumnBlock;
                    const int64_t width = std::min(kColumnBlock, inner - i0);
                    const float* in = x + o * reduced * inner + i0;
                    ReduceColumnBlock(in, reduced, inner, width, y + o * inner + i0);
                  }
                });
  }

  void ReduceColumnBlock(const float* in, int64_t reduced, int64_t stride, int64_t width,
                         float* out) const {
    if (kind_ == ReduceKind::kMax) {
      std::fill(out, out + width, -std::numeric_limits<float>::infinity());
      for (int64_t r = 0; r < reduced; ++r) math_.accumulate_max(in + r * stride, out, width);
      return;
    }
    double acc[kColumnBlock] = {};
    for (int64_t r = 0; r < reduced; ++r) math_.accumulate_sum(in + r * stride, acc, width);
    for (int64_t i = 0; i < width; ++i) out[i] = FinishSum(acc[i], reduced);
  }

  ReduceKind kind_;
  bool keep_dims_;
  const VectorMath& math_;
  std::unique_ptr<OpKernel> fallback_;  // the reference kernel, for other layouts
};

template <ReduceKind K>
absl::StatusOr<std::unique_ptr<OpKernel>> CreateSimdReductionKernel(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 2));
  ASSIGN_OR_RETURN(DataType dtype, ResolveTypeAttr(c, "T", {0}));
  ASSIGN_OR_RETURN(std::unique_ptr<OpKernel> reference,
                   KernelRegistry::Global().Create(c, KernelVariant::kReference));
  const VectorMath* math = GetVectorMath();
  if (dtype != tensorflow::DT_FLOAT || math == nullptr) return reference;
  ASSIGN_OR_RETURN(bool keep_dims, c.GetAttrOr<bool>("keep_dims", false));
  return std::make_unique<SimdReductionKernel>(K, keep_dims, *math, std::move(reference));
}

SS_REGISTER_KERNEL("Sum", kOptimized, CreateSimdReductionKernel<ReduceKind::kSum>);
SS_REGISTER_KERNEL("Mean", kOptimized, CreateSimdReductionKernel<ReduceKind::kMean>);
SS_REGISTER_KERNEL("Max", kOptimized, CreateSimdReductionKernel<ReduceKind::kMax>);

}  // namespace
}  // namespace savedserve
