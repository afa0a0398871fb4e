// oneDNN kernels for MaxPool and AvgPool on NHWC float32 (oneDNN's JIT pooling runs NHWC
// directly), or on blocked tensors (_layout = nChw16c, see ops/blocked_layout.h). AvgPool uses
// pooling_avg_exclude_padding, which is TF's SAME rule. Primitives are cached per (input shape,
// threads); shapes oneDNN rejects run the reference core.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kernels/cpu/onednn_util.h"
#include "kernels/ops/blocked_layout.h"
#include "kernels/ops/pooling.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

using dnnl::memory;
using Tag = dnnl::memory::format_tag;
constexpr auto kF32 = dnnl::memory::data_type::f32;

class OneDnnPoolKernel final : public OpKernel, public onednn::Introspectable {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c,
                                                          bool average) {
    ASSIGN_OR_RETURN(PoolSpec spec, PoolSpec::Parse(c, average));
    ASSIGN_OR_RETURN(bool blocked_layout, IsBlockedLayout(c));
    return std::unique_ptr<OpKernel>(new OneDnnPoolKernel(spec, blocked_layout));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    if (input.dtype() != tensorflow::DT_FLOAT) return ctx.Error("input must be float32");
    absl::StatusOr<TensorShape> logical = LogicalShape(input.shape(), blocked_layout_);
    if (!logical.ok()) return ctx.Error(logical.status().message());
    // Memory-bound: count each input element as a few operations per window tap.
    const int threads =
        onednn::UseThreads(ctx.thread_pool(), 4.0 * input.num_elements() * spec_.window.window_h *
                                                  spec_.window.window_w /
                                                  (spec_.window.stride_h * spec_.window.stride_w));
    auto plan_or = GetPlan(*logical, threads);
    if (!plan_or.ok()) return ctx.Error(plan_or.status().message());
    const Plan& plan = **plan_or;
    const TensorShape out_shape = plan.geometry.output_shape();
    Tensor* output = ctx.allocate_output_for_overwrite(
        0, tensorflow::DT_FLOAT, blocked_layout_ ? BlockedShape(out_shape) : out_shape);
    if (output->num_elements() == 0) return absl::OkStatus();
    if (!plan.primitive) return RunReference(ctx, plan, input, output);
    return onednn::Guard(ctx.node().name(), [&] {
      onednn::ScratchMemory scratch(plan.pd);
      plan.primitive->execute(onednn::ThreadStream(),
                              {{DNNL_ARG_SRC, onednn::Wrap(plan.pd.src_desc(), input)},
                               {DNNL_ARG_DST, onednn::Wrap(plan.pd.dst_desc(), *output)},
                               {DNNL_ARG_SCRATCHPAD, scratch.scratchpad()}});
      onednn::ThreadStream().wait();
    });
  }

  absl::StatusOr<std::string> Implementation(const std::vector<TensorShape>& inputs,
                                             int threads) const override {
    if (inputs.empty()) return absl::InvalidArgumentError("need the input shape");
    ASSIGN_OR_RETURN(TensorShape input, LogicalShape(inputs[0], blocked_layout_));
    ASSIGN_OR_RETURN(auto plan, GetPlan(input, threads));
    return plan->primitive ? plan->impl : std::string("savedserve reference");
  }

 private:
  struct Plan {
    WindowGeometry geometry;
    dnnl::pooling_forward::primitive_desc pd;
    std::optional<dnnl::pooling_forward> primitive;  // empty: use the reference core
    std::string impl;
  };

  OneDnnPoolKernel(PoolSpec spec, bool blocked_layout)
      : spec_(spec), blocked_layout_(blocked_layout) {}

  // The reference cores (on NHWC copies when the tensors are blocked).
  absl::Status RunReference(KernelContext& ctx, const Plan& plan, const Tensor& input,
                            Tensor* output) const {
    auto run = [&](const Tensor& in, Tensor* out) {
      if (spec_.average) {
        ReferenceAvgPoolCore(plan.geometry, in.data<float>(), out->data<float>(),
                             ctx.thread_pool());
      } else {
        ReferenceMaxPoolCore(plan.geometry, in.data<float>(), out->data<float>(),
                             ctx.thread_pool());
      }
    };
    if (!blocked_layout_) {
      run(input, output);
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(TensorShape nhwc, NhwcShape(input.shape()));
    Tensor nhwc_input = Tensor::ForOverwrite(tensorflow::DT_FLOAT, nhwc);
    RETURN_IF_ERROR(onednn::ReorderActivations(input, /*to_blocked=*/false, &nhwc_input));
    Tensor nhwc_output = Tensor::ForOverwrite(tensorflow::DT_FLOAT, plan.geometry.output_shape());
    run(nhwc_input, &nhwc_output);
    return onednn::ReorderActivations(nhwc_output, /*to_blocked=*/true, output);
  }

  absl::StatusOr<std::shared_ptr<const Plan>> GetPlan(const TensorShape& input, int threads) const {
    std::vector<int64_t> key = input.dims();
    key.push_back(threads);
    return plans_.GetOrCreate(key, [&]() -> absl::StatusOr<std::shared_ptr<const Plan>> {
      auto plan = std::make_shared<Plan>();
      ASSIGN_OR_RETURN(plan->geometry, spec_.Geometry(input));
      const WindowGeometry& g = plan->geometry;
      if (g.batch * g.out_h * g.out_w * g.out_c == 0) {
        return std::shared_ptr<const Plan>(std::move(plan));
      }
      const Tag layout = blocked_layout_ ? Tag::nChw16c : Tag::nhwc;
      absl::Status status = onednn::Guard("creating pooling", [&] {
        dnnl::pooling_forward::desc desc(
            dnnl::prop_kind::forward_inference,
            spec_.average ? dnnl::algorithm::pooling_avg_exclude_padding
                          : dnnl::algorithm::pooling_max,
            memory::desc({g.batch, g.in_c, g.in_h, g.in_w}, kF32, layout),
            memory::desc({g.batch, g.out_c, g.out_h, g.out_w}, kF32, layout),
            {g.stride_h, g.stride_w}, {g.window_h, g.window_w}, {g.pad_top, g.pad_left},
            {g.pad_bottom, g.pad_right});
        plan->pd =
            dnnl::pooling_forward::primitive_desc(desc, onednn::MakeAttr(), onednn::CpuEngine());
        plan->primitive.emplace(plan->pd);
        plan->impl = plan->pd.impl_info_str();
      });
      if (!status.ok()) plan->primitive.reset();  // run the reference core instead
      return std::shared_ptr<const Plan>(std::move(plan));
    });
  }

  const PoolSpec spec_;
  // Input and output are blocked [N, C/16, H, W, 16] (attribute _layout, ops/blocked_layout.h).
  const bool blocked_layout_;
  mutable onednn::PlanCache<Plan> plans_;
};

}  // namespace

SS_REGISTER_KERNEL("MaxPool", kOptimized,
                   [](const KernelConstruction& c) { return OneDnnPoolKernel::Create(c, false); });
SS_REGISTER_KERNEL("AvgPool", kOptimized,
                   [](const KernelConstruction& c) { return OneDnnPoolKernel::Create(c, true); });

}  // namespace savedserve
