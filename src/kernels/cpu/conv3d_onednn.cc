// oneDNN kernel for Conv3D (semantics and shared checks in ops/conv3d.h): a 3-D
// convolution_forward on plain NDHWC activations, on which oneDNN's brgemm convolution runs
// directly. Weights are created with format `any` and reordered once when the filter is a
// graph constant (at creation when the input's shape is known), else on every call.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/cpu/onednn_util.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/conv3d.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

using dnnl::memory;
using Tag = dnnl::memory::format_tag;
constexpr auto kF32 = dnnl::memory::data_type::f32;

// TF's filter [kd, kh, kw, in_c, out_c] in oneDNN's weights dimensions {O, I, D, H, W}.
memory::desc PlainFilterDesc(const TensorShape& f) {
  return memory::desc({f.dim(4), f.dim(3), f.dim(0), f.dim(1), f.dim(2)}, kF32, Tag::dhwio);
}

class OneDnnConv3DKernel final : public OpKernel, public onednn::Introspectable {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c);

  absl::Status Compute(KernelContext& ctx) const override;

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    if (shapes.size() < 2) return 0;
    auto g = spec_.Geometry(shapes[0], shapes[1]);
    return g.ok() ? g->Flops() : 0;
  }

  absl::StatusOr<std::string> Implementation(const std::vector<TensorShape>& inputs,
                                             int threads) const override {
    if (inputs.size() < 2) return absl::InvalidArgumentError("need input and filter shapes");
    ASSIGN_OR_RETURN(Conv3DGeometry g, spec_.Geometry(inputs[0], inputs[1]));
    ASSIGN_OR_RETURN(auto plan, GetPlan(g, threads));
    return plan->reference ? std::string("savedserve reference") : plan->impl;
  }

 private:
  struct Plan {
    bool reference = false;  // empty, or oneDNN rejected the shape: run the reference core
    dnnl::convolution_forward::primitive_desc pd;
    std::optional<dnnl::convolution_forward> primitive;
    const void* packed_weights = nullptr;  // constant filter in pd.weights_desc()
    std::string impl;
  };

  explicit OneDnnConv3DKernel(Conv3DSpec spec) : spec_(spec) {}

  absl::StatusOr<std::shared_ptr<const Plan>> GetPlan(const Conv3DGeometry& g, int threads) const {
    const std::vector<int64_t> key = {g.batch,     g.in[0],     g.in[1],     g.in[2], g.in_c,
                                      g.window[0], g.window[1], g.window[2], g.out_c, threads};
    return plans_.GetOrCreate(key, [&] { return MakePlan(g); });
  }
  absl::StatusOr<std::shared_ptr<const Plan>> MakePlan(const Conv3DGeometry& g) const;

  const Conv3DSpec spec_;
  std::unique_ptr<onednn::PackedWeights> weights_;  // set when the filter is constant
  mutable onednn::PlanCache<Plan> plans_;
};

absl::StatusOr<std::unique_ptr<OpKernel>> OneDnnConv3DKernel::Create(const KernelConstruction& c) {
  ASSIGN_OR_RETURN(Conv3DSpec spec, Conv3DSpec::Parse(c));
  std::unique_ptr<OneDnnConv3DKernel> k(new OneDnnConv3DKernel(spec));
  const Tensor* filter = c.constant_input(1);
  if (filter == nullptr) return std::unique_ptr<OpKernel>(std::move(k));
  if (filter->dtype() != tensorflow::DT_FLOAT || filter->shape().rank() != 5) {
    return c.Error(
        absl::StrCat("filter must be a 5-D float tensor, got ", filter->shape().DebugString()));
  }
  k->weights_ = std::make_unique<onednn::PackedWeights>(*filter, PlainFilterDesc(filter->shape()));
  // Pack now when the input's spatial shape is known, so the first request does not.
  const std::vector<int64_t> in = c.input_shape(0).dims();
  if (in.size() == 5 && in[1] > 0 && in[2] > 0 && in[3] > 0 && in[4] > 0) {
    auto g = spec.Geometry(TensorShape({std::max<int64_t>(in[0], 1), in[1], in[2], in[3], in[4]}),
                           filter->shape());
    if (g.ok()) (void)k->GetPlan(*g, onednn::UseThreads(nullptr, g->Flops()));
  }
  return std::unique_ptr<OpKernel>(std::move(k));
}

absl::StatusOr<std::shared_ptr<const OneDnnConv3DKernel::Plan>> OneDnnConv3DKernel::MakePlan(
    const Conv3DGeometry& g) const {
  auto plan = std::make_shared<Plan>();
  if (g.output_shape().num_elements() == 0 || g.in_c == 0) {
    plan->reference = true;
    return std::shared_ptr<const Plan>(std::move(plan));
  }
  absl::Status status = onednn::Guard("creating 3-D convolution", [&] {
    const memory::desc src({g.batch, g.in_c, g.in[0], g.in[1], g.in[2]}, kF32, Tag::ndhwc);
    const memory::desc dst({g.batch, g.out_c, g.out[0], g.out[1], g.out[2]}, kF32, Tag::ndhwc);
    const memory::desc weights({g.out_c, g.in_c, g.window[0], g.window[1], g.window[2]}, kF32,
                               Tag::any);
    const memory::dims dilations = {g.dilation[0] - 1, g.dilation[1] - 1, g.dilation[2] - 1};
    dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference,
                                         dnnl::algorithm::convolution_direct, src, weights, dst,
                                         {g.stride[0], g.stride[1], g.stride[2]}, dilations,
                                         {g.pad_before[0], g.pad_before[1], g.pad_before[2]},
                                         {g.pad_after[0], g.pad_after[1], g.pad_after[2]});
    plan->pd =
        dnnl::convolution_forward::primitive_desc(desc, onednn::MakeAttr(), onednn::CpuEngine());
    plan->primitive.emplace(plan->pd);
    plan->impl = plan->pd.impl_info_str();
  });
  if (!status.ok()) {
    plan->reference = true;  // a geometry oneDNN does not accept
    return std::shared_ptr<const Plan>(std::move(plan));
  }
  if (weights_ != nullptr) {
    ASSIGN_OR_RETURN(plan->packed_weights, weights_->Get(plan->pd.weights_desc()));
  }
  return std::shared_ptr<const Plan>(std::move(plan));
}

absl::Status OneDnnConv3DKernel::Compute(KernelContext& ctx) const {
  ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
  ASSIGN_OR_RETURN(Tensor filter, ctx.input(1));
  if (input.dtype() != tensorflow::DT_FLOAT || filter.dtype() != tensorflow::DT_FLOAT) {
    return ctx.Error("input and filter must be float32");
  }
  auto g = spec_.Geometry(input.shape(), filter.shape());
  if (!g.ok()) return ctx.Error(g.status().message());
  ASSIGN_OR_RETURN(Tensor * output, AllocateOutput(ctx, 0, tensorflow::DT_FLOAT, g->output_shape(),
                                                   /*for_overwrite=*/true));
  const int threads = onednn::UseThreads(ctx.thread_pool(), g->Flops());
  auto plan_or = GetPlan(*g, threads);
  if (!plan_or.ok()) return ctx.Error(plan_or.status().message());
  const Plan& plan = **plan_or;
  if (plan.reference) {
    if (output->num_elements() == 0) return absl::OkStatus();
    ReferenceConv3DCore(*g, input.data<float>(), filter.data<float>(), output->data<float>(),
                        ctx.thread_pool());
    return absl::OkStatus();
  }
  return onednn::ExecuteWithWeights(*plan.primitive, plan.pd, input.raw_data(), plan.packed_weights,
                                    PlainFilterDesc(filter.shape()), filter.raw_data(),
                                    output->raw_data(), ctx.node().name());
}

}  // namespace

SS_REGISTER_KERNEL("Conv3D", kOptimized, CreateKernel<OneDnnConv3DKernel>);

}  // namespace savedserve
