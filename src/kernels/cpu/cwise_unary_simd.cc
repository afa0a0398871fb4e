// Vectorised float32 Neg, Square, Sqrt, Rsqrt, Exp, Log, Sigmoid, Tanh, Relu, Relu6 and
// LeakyRelu (see ops/cwise_unary.cc for semantics), split across the thread pool for large
// tensors. Other dtypes, and CPUs without the vector ISA, get the reference kernel.
#include <memory>

#include "base/status.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/vector_math.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class SimdUnaryKernel : public OpKernel {
 public:
  // `cost` is a rough count of operations per element, for splitting work.
  SimdUnaryKernel(VectorUnaryFn fn, int64_t cost) : fn_(fn), cost_(cost) {}
  SimdUnaryKernel(const VectorMath& math, float alpha)
      : leaky_relu_(math.leaky_relu), alpha_(alpha), cost_(2) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor x, ctx.input(0));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, x, tensorflow::DT_FLOAT));
    ASSIGN_OR_RETURN(Tensor * y, AllocateOutput(ctx, 0, tensorflow::DT_FLOAT, x.shape(),
                                                /*for_overwrite=*/true));
    if (x.num_elements() == 0) return absl::OkStatus();
    const float* in = x.data<float>();
    float* out = y->data<float>();
    ParallelFor(ctx.thread_pool(), x.num_elements(), cost_, [&](int64_t begin, int64_t end) {
      if (fn_ != nullptr) {
        fn_(in + begin, out + begin, end - begin);
      } else {
        leaky_relu_(in + begin, alpha_, out + begin, end - begin);
      }
    });
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return shapes.empty() ? 0 : shapes[0].num_elements();
  }

 private:
  VectorUnaryFn fn_ = nullptr;
  decltype(VectorMath::leaky_relu) leaky_relu_ = nullptr;
  float alpha_ = 0;
  int64_t cost_;
};

// The VectorMath member for one op, and its rough cost per element.
template <VectorUnaryFn VectorMath::*kFn, int kCost>
absl::StatusOr<std::unique_ptr<OpKernel>> CreateSimdUnaryKernel(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 1));
  ASSIGN_OR_RETURN(DataType dtype, ResolveTypeAttr(c, "T", {0}));
  const VectorMath* math = GetVectorMath();
  if (dtype != tensorflow::DT_FLOAT || math == nullptr) {
    return KernelRegistry::Global().Create(c, KernelVariant::kReference);
  }
  return std::make_unique<SimdUnaryKernel>(math->*kFn, kCost);
}

absl::StatusOr<std::unique_ptr<OpKernel>> CreateSimdLeakyRelu(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 1));
  ASSIGN_OR_RETURN(DataType dtype, ResolveTypeAttr(c, "T", {0}));
  const VectorMath* math = GetVectorMath();
  if (dtype != tensorflow::DT_FLOAT || math == nullptr) {
    return KernelRegistry::Global().Create(c, KernelVariant::kReference);
  }
  ASSIGN_OR_RETURN(float alpha, c.GetAttrOr<float>("alpha", 0.2f));
  return std::make_unique<SimdUnaryKernel>(*math, alpha);
}

SS_REGISTER_KERNEL("Neg", kOptimized, CreateSimdUnaryKernel<&VectorMath::neg, 1>);
SS_REGISTER_KERNEL("Square", kOptimized, CreateSimdUnaryKernel<&VectorMath::square, 1>);
SS_REGISTER_KERNEL("Sqrt", kOptimized, CreateSimdUnaryKernel<&VectorMath::sqrt, 4>);
SS_REGISTER_KERNEL("Rsqrt", kOptimized, CreateSimdUnaryKernel<&VectorMath::rsqrt, 8>);
SS_REGISTER_KERNEL("Exp", kOptimized, CreateSimdUnaryKernel<&VectorMath::exp, 20>);
SS_REGISTER_KERNEL("Log", kOptimized, CreateSimdUnaryKernel<&VectorMath::log, 25>);
SS_REGISTER_KERNEL("Sigmoid", kOptimized, CreateSimdUnaryKernel<&VectorMath::sigmoid, 25>);
SS_REGISTER_KERNEL("Tanh", kOptimized, CreateSimdUnaryKernel<&VectorMath::tanh, 30>);
SS_REGISTER_KERNEL("Relu", kOptimized, CreateSimdUnaryKernel<&VectorMath::relu, 1>);
SS_REGISTER_KERNEL("Relu6", kOptimized, CreateSimdUnaryKernel<&VectorMath::relu6, 1>);
SS_REGISTER_KERNEL("LeakyRelu", kOptimized, CreateSimdLeakyRelu);

}  // namespace
}  // namespace savedserve
