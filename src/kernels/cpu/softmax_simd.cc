// Vectorised float32 Softmax (see ops/softmax.cc): per row a vector max, a fused
// exp(x - max) + sum pass, and a scale by 1/sum; rows split across the thread pool.
// Other dtypes, and CPUs without the vector ISA, get the reference kernel.
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/vector_math.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class SimdSoftmaxKernel : public OpKernel {
 public:
  explicit SimdSoftmaxKernel(const VectorMath& math) : math_(math) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor x, ctx.input(0));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, x, tensorflow::DT_FLOAT));
    if (x.shape().rank() < 1) {
      return ctx.Error(
          absl::StrCat("logits must have >= 1 dimension, got shape ", x.shape().DebugString()));
    }
    ASSIGN_OR_RETURN(Tensor * y, AllocateOutput(ctx, 0, tensorflow::DT_FLOAT, x.shape(),
                                                /*for_overwrite=*/true));
    if (x.num_elements() == 0) return absl::OkStatus();
    const int64_t depth = x.shape().dim(x.shape().rank() - 1);
    const float* in = x.data<float>();
    float* out = y->data<float>();
    const VectorBinaryFn mul = math_.binary[static_cast<int>(VectorBinaryOp::kMul)];
    ParallelFor(ctx.thread_pool(), x.num_elements() / depth, 25 * depth,
                [&](int64_t begin, int64_t end) {
                  for (int64_t r = begin; r < end; ++r) {
                    const float* row = in + r * depth;
                    float* out_row = out + r * depth;
                    const float max = math_.max(row, depth);
                    const float inverse =
                        static_cast<float>(1.0 / math_.exp_shifted_sum(row, max, out_row, depth));
                    mul(out_row, 1, &inverse, 0, out_row, depth);
                  }
                });
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return shapes.empty() ? 0 : 5 * shapes[0].num_elements();
  }

 private:
  const VectorMath& math_;
};

absl::StatusOr<std::unique_ptr<OpKernel>> CreateSimdSoftmaxKernel(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 1));
  ASSIGN_OR_RETURN(DataType dtype, ResolveTypeAttr(c, "T", {0}));
  const VectorMath* math = GetVectorMath();
  if (dtype != tensorflow::DT_FLOAT || math == nullptr) {
    return KernelRegistry::Global().Create(c, KernelVariant::kReference);
  }
  return std::make_unique<SimdSoftmaxKernel>(*math);
}

SS_REGISTER_KERNEL("Softmax", kOptimized, CreateSimdSoftmaxKernel);

}  // namespace
}  // namespace savedserve
