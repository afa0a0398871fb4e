// oneDNN kernel for BatchMatMul / BatchMatMulV2 / BatchMatMulV3 (float32). oneDNN's matmul
// takes the batch dimensions directly, broadcasting those of size 1, and the adjoint flags as
// strides of plain layouts, so no operand is copied. Primitives are cached per shape pair.
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "kernels/cpu/onednn_util.h"
#include "kernels/ops/batch_matmul.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

constexpr int kMaxRank = 12;  // DNNL_MAX_NDIMS

class OneDnnBatchMatMulKernel final : public OpKernel, public onednn::Introspectable {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(BatchMatMulSpec spec, BatchMatMulSpec::Parse(c));
    return std::unique_ptr<OpKernel>(new OneDnnBatchMatMulKernel(spec));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor x, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor y, ctx.input(1));
    if (x.dtype() != tensorflow::DT_FLOAT || y.dtype() != tensorflow::DT_FLOAT) {
      return ctx.Error("operands must be float32");
    }
    const int threads = onednn::UseThreads(ctx.thread_pool(), Flops({x.shape(), y.shape()}));
    auto plan_or = GetPlan(x.shape(), y.shape(), threads);
    if (!plan_or.ok()) return ctx.Error(plan_or.status().message());
    const Plan& plan = **plan_or;
    Tensor* out = ctx.allocate_output_for_overwrite(0, tensorflow::DT_FLOAT,
                                                    TensorShape(plan.dims.output_dims()));
    if (out->num_elements() == 0) return absl::OkStatus();
    if (!plan.primitive) {  // k == 0
      std::fill(out->data<float>(), out->data<float>() + out->num_elements(), 0.0f);
      return absl::OkStatus();
    }
    return onednn::Guard(ctx.node().name(), [&] {
      onednn::ScratchMemory scratch(plan.pd);
      plan.primitive->execute(onednn::ThreadStream(),
                              {{DNNL_ARG_SRC, onednn::Wrap(plan.pd.src_desc(), x)},
                               {DNNL_ARG_WEIGHTS, onednn::Wrap(plan.pd.weights_desc(), y)},
                               {DNNL_ARG_DST, onednn::Wrap(plan.pd.dst_desc(), *out)},
                               {DNNL_ARG_SCRATCHPAD, scratch.scratchpad()}});
      onednn::ThreadStream().wait();
    });
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    if (shapes.size() < 2) return 0;
    auto d = BatchMatMulShapes(shapes[0], shapes[1], spec_.adj_x, spec_.adj_y);
    return d.ok() ? 2 * d->batch_size() * d->m * d->n * d->k : 0;
  }

  absl::StatusOr<std::string> Implementation(const std::vector<TensorShape>& inputs,
                                             int threads) const override {
    if (inputs.size() < 2) return absl::InvalidArgumentError("need x and y shapes");
    ASSIGN_OR_RETURN(auto plan, GetPlan(inputs[0], inputs[1], threads));
    return plan->impl;
  }

 private:
  struct Plan {
    MatMulDims dims;
    dnnl::matmul::primitive_desc pd;
    std::optional<dnnl::matmul> primitive;
    std::string impl;
  };

  explicit OneDnnBatchMatMulKernel(BatchMatMulSpec spec) : spec_(spec) {}

  absl::StatusOr<std::shared_ptr<const Plan>> GetPlan(const TensorShape& x, const TensorShape& y,
                                                      int threads) const {
    std::vector<int64_t> key = x.dims();
    key.push_back(-1);
    key.insert(key.end(), y.dims().begin(), y.dims().end());
    key.push_back(threads);
    return plans_.GetOrCreate(key, [&]() -> absl::StatusOr<std::shared_ptr<const Plan>> {
      auto plan = std::make_shared<Plan>();
      ASSIGN_OR_RETURN(plan->dims, BatchMatMulShapes(x, y, spec_.adj_x, spec_.adj_y));
      const MatMulDims& d = plan->dims;
      if (d.batch.size() + 2 > kMaxRank) {
        return absl::UnimplementedError("more than 10 batch dimensions");
      }
      if (d.batch_size() * d.m * d.n * d.k == 0) {
        return std::shared_ptr<const Plan>(std::move(plan));
      }
      RETURN_IF_ERROR(onednn::Guard("creating batch matmul", [&] {
        dnnl::matmul::desc desc(onednn::MatrixDesc(d.a_batch, d.m, d.k, spec_.adj_x),
                                onednn::MatrixDesc(d.b_batch, d.k, d.n, spec_.adj_y),
                                onednn::MatrixDesc(d.batch, d.m, d.n, false));
        plan->pd = dnnl::matmul::primitive_desc(desc, onednn::MakeAttr(), onednn::CpuEngine());
        plan->primitive.emplace(plan->pd);
        plan->impl = plan->pd.impl_info_str();
      }));
      return std::shared_ptr<const Plan>(std::move(plan));
    });
  }

  const BatchMatMulSpec spec_;
  mutable onednn::PlanCache<Plan> plans_;
};

}  // namespace

SS_REGISTER_KERNEL("BatchMatMul", kOptimized, CreateKernel<OneDnnBatchMatMulKernel>);
SS_REGISTER_KERNEL("BatchMatMulV2", kOptimized, CreateKernel<OneDnnBatchMatMulKernel>);
SS_REGISTER_KERNEL("BatchMatMulV3", kOptimized, CreateKernel<OneDnnBatchMatMulKernel>);

}  // namespace savedserve
