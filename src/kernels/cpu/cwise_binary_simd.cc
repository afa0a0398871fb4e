// Vectorised float32 Add, AddV2, Sub, Mul, RealDiv, Maximum, Minimum (see
// ops/cwise_binary.cc for semantics). Broadcasting is walked row by row (BroadcastPlan):
// same shapes and scalar operands are one long row split across the thread pool; bias-like
// patterns ([N,C] + [C], [N,1] * [1,M]) are rows of vector-vector or vector-scalar loops.
// Other dtypes, and CPUs without the vector ISA, get the reference kernel.
#include <memory>

#include "base/status.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/vector_math.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/broadcast.h"
#include "kernels/ops/dispatch.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class SimdBinaryKernel : public OpKernel {
 public:
  SimdBinaryKernel(VectorBinaryOp op, const VectorMath& math)
      : fn_(math.binary[static_cast<int>(op)]) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor a, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor b, ctx.input(1));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, a, tensorflow::DT_FLOAT));
    RETURN_IF_ERROR(CheckInputType(ctx, 1, b, tensorflow::DT_FLOAT));
    absl::StatusOr<BroadcastPlan> plan = BroadcastPlan::Create({a.shape(), b.shape()});
    if (!plan.ok()) return ctx.Error(plan.status().message());
    ASSIGN_OR_RETURN(Tensor * out,
                     AllocateOutput(ctx, 0, tensorflow::DT_FLOAT, plan->output_shape(),
                                    /*for_overwrite=*/true));
    if (plan->num_elements() == 0) return absl::OkStatus();
    Run(*plan, a.data<float>(), b.data<float>(), out->data<float>(), ctx.thread_pool());
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return BroadcastElementCount(shapes);
  }

 private:
  void Run(const BroadcastPlan& plan, const float* a, const float* b, float* y,
           ThreadPool* pool) const {
    const int64_t length = plan.row_length();
    const int64_t sa = plan.row_stride(0), sb = plan.row_stride(1);
    if (plan.num_rows() == 1) {
      ParallelFor(pool, length, 1, [&](int64_t begin, int64_t end) {
        fn_(a + begin * sa, sa, b + begin * sb, sb, y + begin, end - begin);
      });
      return;
    }
    ParallelFor(pool, plan.num_rows(), length, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        fn_(a + plan.RowOffset(0, r), sa, b + plan.RowOffset(1, r), sb, y + r * length, length);
      }
    });
  }

  VectorBinaryFn fn_;
};

template <VectorBinaryOp kOp>
absl::StatusOr<std::unique_ptr<OpKernel>> CreateSimdBinaryKernel(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 2));
  ASSIGN_OR_RETURN(DataType dtype, ResolveTypeAttr(c, "T", {0, 1}));
  const VectorMath* math = GetVectorMath();
  if (dtype != tensorflow::DT_FLOAT || math == nullptr) {
    return KernelRegistry::Global().Create(c, KernelVariant::kReference);
  }
  return std::make_unique<SimdBinaryKernel>(kOp, *math);
}

SS_REGISTER_KERNEL("Add", kOptimized, CreateSimdBinaryKernel<VectorBinaryOp::kAdd>);
SS_REGISTER_KERNEL("AddV2", kOptimized, CreateSimdBinaryKernel<VectorBinaryOp::kAdd>);
SS_REGISTER_KERNEL("Sub", kOptimized, CreateSimdBinaryKernel<VectorBinaryOp::kSub>);
SS_REGISTER_KERNEL("Mul", kOptimized, CreateSimdBinaryKernel<VectorBinaryOp::kMul>);
SS_REGISTER_KERNEL("RealDiv", kOptimized, CreateSimdBinaryKernel<VectorBinaryOp::kDiv>);
SS_REGISTER_KERNEL("Maximum", kOptimized, CreateSimdBinaryKernel<VectorBinaryOp::kMax>);
SS_REGISTER_KERNEL("Minimum", kOptimized, CreateSimdBinaryKernel<VectorBinaryOp::kMin>);

}  // namespace
}  // namespace savedserve
