// oneDNN kernels for MatMul and _FusedMatMul. A constant `b` (a dense layer's weights) is
// packed once into the layout oneDNN's matmul asks for (format `any`); otherwise `b` is
// passed in its plain layout. Bias and the activation are post-ops of the primitive.
// Primitives are cached per (m, k, n, threads).
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/cpu/onednn_util.h"
#include "kernels/ops/conv2d.h"
#include "kernels/ops/matmul.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

using dnnl::memory;
using Tag = dnnl::memory::format_tag;
constexpr auto kF32 = dnnl::memory::data_type::f32;

memory::desc OperandDesc(int64_t rows, int64_t cols, bool transposed) {
  return memory::desc({rows, cols}, kF32, transposed ? Tag::ba : Tag::ab);
}

class OneDnnMatMulKernel final : public OpKernel, public onednn::Introspectable {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(MatMulSpec spec, MatMulSpec::Parse(c));
    std::unique_ptr<OneDnnMatMulKernel> k(new OneDnnMatMulKernel(std::move(spec)));
    const Tensor* b = c.constant_input(1);
    if (b != nullptr) {
      if (b->dtype() != tensorflow::DT_FLOAT || b->shape().rank() != 2) {
        return c.Error("b must be a 2-D float tensor");
      }
      const bool tb = k->spec_.transpose_b;
      const int64_t kdim = tb ? b->shape().dim(1) : b->shape().dim(0);
      const int64_t n = tb ? b->shape().dim(0) : b->shape().dim(1);
      k->b_shape_ = b->shape();
      k->weights_ = std::make_unique<onednn::PackedWeights>(*b, OperandDesc(kdim, n, tb));
      if (k->spec_.fused && c.constant_input(2) != nullptr) {
        const Tensor& bias = *c.constant_input(2);
        if (bias.dtype() != tensorflow::DT_FLOAT || bias.num_elements() != n) {
          return c.Error(absl::StrCat("bias must be a float vector of ", n, " elements"));
        }
        k->bias_ = bias;
      }
      const PartialShape& a = c.input_shape(0);
      const int k_axis = k->spec_.transpose_a ? 0 : 1;
      if (a.rank() == 2 && a.dims()[k_axis] == kdim) {
        const int64_t m = std::max<int64_t>(a.dims()[1 - k_axis], 1);
        TensorShape probe = k->spec_.transpose_a ? TensorShape({kdim, m}) : TensorShape({m, kdim});
        const int threads = onednn::UseThreads(nullptr, k->Flops({probe, b->shape()}));
        (void)k->GetPlan(probe, b->shape(), threads);
      }
    }
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override;

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    if (shapes.size() < 2) return 0;
    auto d = MatMulShapes(shapes[0], shapes[1], spec_.transpose_a, spec_.transpose_b);
    return d.ok() ? 2 * d->m * d->n * d->k : 0;
  }

  absl::StatusOr<std::string> Implementation(const std::vector<TensorShape>& inputs,
                                             int threads) const override {
    if (inputs.size() < 2) return absl::InvalidArgumentError("need a and b shapes");
    ASSIGN_OR_RETURN(auto plan, GetPlan(inputs[0], inputs[1], threads));
    return plan->impl;
  }

 private:
  struct Plan {
    MatMulDims dims;
    dnnl::matmul::primitive_desc pd;
    std::optional<dnnl::matmul> primitive;
    const void* packed_b = nullptr;
    std::string impl;
  };

  explicit OneDnnMatMulKernel(MatMulSpec spec) : spec_(std::move(spec)) {}

  absl::StatusOr<std::shared_ptr<const Plan>> GetPlan(const TensorShape& a, const TensorShape& b,
                                                      int threads) const {
    std::vector<int64_t> key = {a.rank() > 0 ? a.dim(0) : 0, a.rank() > 1 ? a.dim(1) : 0,
                                b.rank() > 0 ? b.dim(0) : 0, b.rank() > 1 ? b.dim(1) : 0, threads};
    return plans_.GetOrCreate(key, [&] { return MakePlan(a, b); });
  }

  absl::StatusOr<std::shared_ptr<const Plan>> MakePlan(const TensorShape& a,
                                                       const TensorShape& b) const {
    auto plan = std::make_shared<Plan>();
    ASSIGN_OR_RETURN(plan->dims, MatMulShapes(a, b, spec_.transpose_a, spec_.transpose_b));
    const MatMulDims& d = plan->dims;
    if (d.m * d.n * d.k == 0) return std::shared_ptr<const Plan>(std::move(plan));
    RETURN_IF_ERROR(onednn::Guard("creating matmul", [&] {
      dnnl::post_ops post_ops;
      if (spec_.fused) {
        onednn::AppendActivation(spec_.fused_ops.activation, spec_.fused_ops.leakyrelu_alpha,
                                 &post_ops);
      }
      memory::desc weights = weights_ != nullptr ? memory::desc({d.k, d.n}, kF32, Tag::any)
                                                 : OperandDesc(d.k, d.n, spec_.transpose_b);
      memory::desc bias = spec_.fused ? memory::desc({1, d.n}, kF32, Tag::ab) : memory::desc();
      dnnl::matmul::desc desc(OperandDesc(d.m, d.k, spec_.transpose_a), weights, bias,
                              memory::desc({d.m, d.n}, kF32, Tag::ab));
      plan->pd =
          dnnl::matmul::primitive_desc(desc, onednn::MakeAttr(post_ops), onednn::CpuEngine());
      plan->primitive.emplace(plan->pd);
      plan->impl = plan->pd.impl_info_str();
    }));
    if (weights_ != nullptr) {
      ASSIGN_OR_RETURN(plan->packed_b, weights_->Get(plan->pd.weights_desc()));
    }
    return std::shared_ptr<const Plan>(std::move(plan));
  }

  const MatMulSpec spec_;
  std::optional<TensorShape> b_shape_;              // set when b is constant
  std::unique_ptr<onednn::PackedWeights> weights_;  // constant b
  std::optional<Tensor> bias_;                      // constant bias of _FusedMatMul
  mutable onednn::PlanCache<Plan> plans_;
};

absl::Status OneDnnMatMulKernel::Compute(KernelContext& ctx) const {
  ASSIGN_OR_RETURN(Tensor a, ctx.input(0));
  Tensor b;
  if (!b_shape_) {
    ASSIGN_OR_RETURN(b, ctx.input(1));
    if (b.dtype() != tensorflow::DT_FLOAT) return ctx.Error("operands must be float32");
  }
  if (a.dtype() != tensorflow::DT_FLOAT) return ctx.Error("operands must be float32");
  const TensorShape& b_shape = b_shape_ ? *b_shape_ : b.shape();
  const int threads = onednn::UseThreads(ctx.thread_pool(), Flops({a.shape(), b_shape}));
  auto plan_or = GetPlan(a.shape(), b_shape, threads);
  if (!plan_or.ok()) return ctx.Error(plan_or.status().message());
  const Plan& plan = **plan_or;
  const MatMulDims& d = plan.dims;
  Tensor* c = ctx.allocate_output_for_overwrite(0, tensorflow::DT_FLOAT, TensorShape({d.m, d.n}));
  if (c->num_elements() == 0) return absl::OkStatus();
  if (d.k == 0) {
    std::fill(c->data<float>(), c->data<float>() + c->num_elements(), 0.0f);
    return spec_.fused ? RunFusedEpilogue(ctx, spec_.fused_ops, 2, c, ctx.thread_pool())
                       : absl::OkStatus();
  }
  Tensor bias;
  if (spec_.fused) {
    if (bias_) {
      bias = *bias_;
    } else {
      ASSIGN_OR_RETURN(bias, ctx.input(2));
      if (bias.dtype() != tensorflow::DT_FLOAT || bias.num_elements() != d.n) {
        return ctx.Error(absl::StrCat("bias must be a float vector of ", d.n, " elements"));
      }
    }
  }
  return onednn::Guard(ctx.node().name(), [&] {
    onednn::ScratchMemory scratch(plan.pd);
    std::unordered_map<int, memory> args = {
        {DNNL_ARG_SRC, onednn::Wrap(plan.pd.src_desc(), a)},
        {DNNL_ARG_WEIGHTS, plan.packed_b != nullptr
                               ? onednn::Wrap(plan.pd.weights_desc(), plan.packed_b)
                               : onednn::Wrap(plan.pd.weights_desc(), b)},
        {DNNL_ARG_DST, onednn::Wrap(plan.pd.dst_desc(), *c)},
        {DNNL_ARG_SCRATCHPAD, scratch.scratchpad()}};
    if (spec_.fused) args[DNNL_ARG_BIAS] = onednn::Wrap(plan.pd.bias_desc(), bias);
    plan.primitive->execute(onednn::ThreadStream(), args);
    onednn::ThreadStream().wait();
  });
}

}  // namespace

SS_REGISTER_KERNEL("MatMul", kOptimized, CreateKernel<OneDnnMatMulKernel>);
SS_REGISTER_KERNEL("_FusedMatMul", kOptimized, CreateKernel<OneDnnMatMulKernel>);

}  // namespace savedserve
