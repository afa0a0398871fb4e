// oneDNN kernels for Conv2D, _FusedConv2D, DepthwiseConv2dNative and
// _FusedDepthwiseConv2dNative (registrations of the depthwise ops are in
// depthwise_conv2d_onednn.cc).
//
// Layouts: activations are plain NHWC at the kernel boundary (every other kernel expects
// it), on which oneDNN's brgemm convolution runs directly, and Winograd through reorders;
// or, with _layout = nChw16c (the serving graph's blocked runs, runtime/blocked_layout.h),
// blocked tensors, which Winograd and the AVX-512 JIT convolutions run natively (measured
// faster than brgemm on NHWC for SSD300's layers, with no reorder per layer). Weights are created
// with format `any` and reordered once into the layout the primitive wants: a plain-layout filter
// would make oneDNN fall back to a reference implementation about 1000x slower.
// A constant filter is packed at creation (with an inference batch norm folded in: the
// per-channel scale goes into the weights and the shift becomes the bias); a non-constant
// one is reordered on every call. Bias, a residual Add (sum post-op) and the activation run
// inside the primitive.
#include "kernels/cpu/conv2d_onednn.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/cpu/onednn_util.h"
#include "kernels/ops/blocked_layout.h"
#include "kernels/ops/conv2d.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

using dnnl::memory;
using Tag = dnnl::memory::format_tag;
constexpr auto kF32 = dnnl::memory::data_type::f32;

// The filter as TF lays it out, described in oneDNN's (grouped) weights dimensions.
memory::desc PlainFilterDesc(const TensorShape& filter, bool depthwise) {
  const int64_t kh = filter.dim(0), kw = filter.dim(1), ic = filter.dim(2), oc = filter.dim(3);
  if (depthwise) return memory::desc({ic, oc, 1, kh, kw}, kF32, Tag::hwigo);
  return memory::desc({oc, ic, kh, kw}, kF32, Tag::hwio);
}

memory::desc AnyFilterDesc(const TensorShape& filter, bool depthwise) {
  const int64_t kh = filter.dim(0), kw = filter.dim(1), ic = filter.dim(2), oc = filter.dim(3);
  if (depthwise) return memory::desc({ic, oc, 1, kh, kw}, kF32, Tag::any);
  return memory::desc({oc, ic, kh, kw}, kF32, Tag::any);
}

class OneDnnConvKernel final : public OpKernel, public onednn::Introspectable {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c,
                                                          bool depthwise);

  absl::Status Compute(KernelContext& ctx) const override;

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    if (shapes.size() < 2) return 0;
    auto input = LogicalShape(shapes[0], blocked_layout_);
    return input.ok() ? spec_.Flops(*input, shapes[1]) : 0;
  }

  absl::StatusOr<std::string> Implementation(const std::vector<TensorShape>& inputs,
                                             int threads) const override {
    if (inputs.size() < 2) return absl::InvalidArgumentError("need input and filter shapes");
    ASSIGN_OR_RETURN(TensorShape input, LogicalShape(inputs[0], blocked_layout_));
    ASSIGN_OR_RETURN(auto plan, GetPlan(input, inputs[1], threads));
    return plan->reference ? std::string("savedserve reference") : plan->impl;
  }

 private:
  // Everything that depends on the input shape.
  struct Plan {
    WindowGeometry geometry;
    bool reference = false;  // oneDNN rejected the shape: run the reference core
    dnnl::convolution_forward::primitive_desc pd;
    std::optional<dnnl::convolution_forward> primitive;
    const void* packed_weights = nullptr;  // constant filter in pd.weights_desc()
    std::string impl;
    // Winograd runs on blocked activations: reorder NHWC in and out around the primitive
    // (unless the kernel's own tensors are blocked).
    bool blocked = false;
    std::optional<dnnl::reorder> src_reorder;
    std::optional<dnnl::reorder> dst_reorder;
  };

  OneDnnConvKernel(ConvSpec spec, bool blocked_layout)
      : spec_(std::move(spec)), blocked_layout_(blocked_layout) {}

  // Activations as the kernel's tensors hold them.
  memory::desc ActivationDesc(const memory::dims& nchw_dims) const {
    return memory::desc(nchw_dims, kF32, blocked_layout_ ? Tag::nChw16c : Tag::nhwc);
  }

  // For UseThreads: depthwise convolutions are memory-bound, so weigh their flops up.
  double Work(const TensorShape& input, const TensorShape& filter) const {
    return static_cast<double>(spec_.Flops(input, filter)) * (spec_.depthwise ? 8 : 1);
  }

  bool has_bias() const {
    return spec_.fused && tail_in_primitive_ && spec_.fused_ops.affine != FusedOps::Affine::kNone;
  }

  absl::StatusOr<std::shared_ptr<const Plan>> GetPlan(const TensorShape& input,
                                                      const TensorShape& filter,
                                                      int threads) const {
    std::vector<int64_t> key = input.dims();
    key.insert(key.end(), filter.dims().begin(), filter.dims().end());
    key.push_back(threads);
    return plans_.GetOrCreate(key, [&] { return MakePlan(input, filter); });
  }

  absl::StatusOr<std::shared_ptr<const Plan>> MakePlan(const TensorShape& input,
                                                       const TensorShape& filter) const;
  // See WinogradPays; a residual Add would need its operand reordered too, so it stays direct.
  bool UseWinograd(const WindowGeometry& g) const {
    return !spec_.depthwise && !(spec_.fused && spec_.fused_ops.residual_add) && WinogradPays(g);
  }
  absl::Status RunReference(KernelContext& ctx, const Tensor& input, const Plan& plan,
                            Tensor* output) const;
  // RunReference for blocked tensors: through NHWC copies.
  absl::Status RunReferenceBlocked(KernelContext& ctx, const Tensor& input, const Plan& plan,
                                   Tensor* output) const;

  const ConvSpec spec_;
  // Input and output are blocked [N, C/16, H, W, 16] (attribute _layout, ops/blocked_layout.h).
  const bool blocked_layout_;
  // When the fused tail runs inside the primitive (always, except a batch norm whose
  // arguments are not constants: then it runs as a loop after the primitive).
  bool tail_in_primitive_ = true;
  std::optional<TensorShape> filter_shape_;         // set when the filter is constant
  std::unique_ptr<onednn::PackedWeights> weights_;  // constant filter, possibly BN-scaled
  std::optional<Tensor> bias_;                      // constant (or BN-folded) bias
  mutable onednn::PlanCache<Plan> plans_;
};

absl::StatusOr<std::unique_ptr<OpKernel>> OneDnnConvKernel::Create(const KernelConstruction& c,
                                                                   bool depthwise) {
  ASSIGN_OR_RETURN(ConvSpec spec, ConvSpec::Parse(c, depthwise));
  ASSIGN_OR_RETURN(bool blocked_layout, IsBlockedLayout(c));
  if (blocked_layout && (depthwise || (spec.fused && spec.fused_ops.residual_add))) {
    return c.Error("blocked layout is for plain and bias/batch-norm fused convolutions only");
  }
  std::unique_ptr<OneDnnConvKernel> k(new OneDnnConvKernel(std::move(spec), blocked_layout));
  const FusedOps& ops = k->spec_.fused_ops;
  auto all_constant = [&](int first, int count) {
    for (int i = first; i < first + count; ++i) {
      if (c.constant_input(i) == nullptr) return false;
    }
    return true;
  };
  const Tensor* filter = c.constant_input(1);
  const bool batch_norm = k->spec_.fused && ops.affine == FusedOps::Affine::kBatchNorm;
  if (batch_norm) k->tail_in_primitive_ = filter != nullptr && all_constant(2, 4);
  if (blocked_layout && !k->tail_in_primitive_) {
    return c.Error("blocked layout needs a constant filter and batch-norm arguments");
  }
  if (filter != nullptr) {
    if (filter->dtype() != tensorflow::DT_FLOAT || filter->shape().rank() != 4) {
      return c.Error(
          absl::StrCat("filter must be a 4-D float tensor, got ", filter->shape().DebugString()));
    }
    Tensor weights = *filter;
    const int64_t out_c =
        depthwise ? filter->shape().dim(2) * filter->shape().dim(3) : filter->shape().dim(3);
    if (batch_norm && k->tail_in_primitive_) {
      std::vector<Tensor> args;
      for (int i = 2; i < 6; ++i) args.push_back(*c.constant_input(i));
      auto affine = ComputeChannelAffine(ops, args, out_c);
      if (!affine.ok()) return c.Error(affine.status().message());
      weights = filter->Clone();
      float* w = weights.data<float>();
      for (int64_t i = 0; i < weights.num_elements(); ++i) w[i] *= affine->scale[i % out_c];
      k->bias_ = Tensor::FromVector<float>(affine->shift, TensorShape({out_c}));
    } else if (k->spec_.fused && ops.affine == FusedOps::Affine::kBiasAdd &&
               c.constant_input(2) != nullptr) {
      const Tensor& bias = *c.constant_input(2);
      if (bias.dtype() != tensorflow::DT_FLOAT || bias.num_elements() != out_c) {
        return c.Error(absl::StrCat("bias must be a float vector of ", out_c, " elements"));
      }
      k->bias_ = bias.Reshaped(TensorShape({out_c}));
    }
    k->filter_shape_ = filter->shape();
    k->weights_ = std::make_unique<onednn::PackedWeights>(
        weights, PlainFilterDesc(filter->shape(), depthwise));
    // Pack now when the input's spatial shape is known, so the first request does not.
    std::vector<int64_t> in = c.input_shape(0).dims();
    if (blocked_layout && in.size() == 5) {  // [N, C/16, H, W, 16] -> NHWC
      in = {in[0], in[2], in[3], in[1] < 0 ? -1 : in[1] * kChannelBlock};
    }
    if (in.size() == 4 && in[1] > 0 && in[2] > 0 && in[3] > 0) {
      TensorShape probe({std::max<int64_t>(in[0], 1), in[1], in[2], in[3]});
      const int threads = onednn::UseThreads(nullptr, k->Work(probe, filter->shape()));
      (void)k->GetPlan(probe, filter->shape(), threads);
    }
  }
  return std::unique_ptr<OpKernel>(std::move(k));
}

absl::StatusOr<std::shared_ptr<const OneDnnConvKernel::Plan>> OneDnnConvKernel::MakePlan(
    const TensorShape& input, const TensorShape& filter) const {
  auto plan = std::make_shared<Plan>();
  ASSIGN_OR_RETURN(plan->geometry, spec_.Geometry(input, filter));
  const WindowGeometry& g = plan->geometry;
  if (g.batch * g.out_h * g.out_w * g.out_c == 0 || g.in_c == 0) {
    plan->reference = true;
    return std::shared_ptr<const Plan>(std::move(plan));
  }
  if (blocked_layout_ && (g.in_c % kChannelBlock != 0 || g.out_c % kChannelBlock != 0)) {
    return absl::InvalidArgumentError("blocked layout needs channels in multiples of 16");
  }
  const memory::desc src = ActivationDesc({g.batch, g.in_c, g.in_h, g.in_w});
  const memory::desc dst = ActivationDesc({g.batch, g.out_c, g.out_h, g.out_w});
  auto create = [&](bool winograd) {
    // Winograd picks its own (blocked) activation layout, reordered to at the boundary,
    // unless the tensors already are blocked.
    const bool reorder = winograd && !blocked_layout_;
    memory::desc bias = has_bias() ? memory::desc({g.out_c}, kF32, Tag::x) : memory::desc();
    dnnl::post_ops post_ops;
    if (spec_.fused && tail_in_primitive_) {
      if (spec_.fused_ops.residual_add) post_ops.append_sum(1.0f);
      onednn::AppendActivation(spec_.fused_ops.activation, spec_.fused_ops.leakyrelu_alpha,
                               &post_ops);
    }
    auto any = [](const memory::desc& d) { return memory::desc(d.dims(), kF32, Tag::any); };
    const memory::desc weights =
        winograd ? onednn::WinogradWeightsDesc(g.out_c, g.in_c, g.window_h, g.window_w)
                 : AnyFilterDesc(filter, spec_.depthwise);
    dnnl::convolution_forward::desc desc(
        winograd ? onednn::kWinogradPropKind : dnnl::prop_kind::forward_inference,
        winograd ? dnnl::algorithm::convolution_winograd : dnnl::algorithm::convolution_direct,
        reorder ? any(src) : src, weights, bias,
        reorder ? any(dst) : dst, {g.stride_h, g.stride_w}, {g.dilation_h - 1, g.dilation_w - 1},
        {g.pad_top, g.pad_left},
        {std::max<int64_t>(g.pad_bottom, 0), std::max<int64_t>(g.pad_right, 0)});
    plan->pd = dnnl::convolution_forward::primitive_desc(desc, onednn::MakeAttr(post_ops),
                                                         onednn::CpuEngine());
    plan->primitive.emplace(plan->pd);
    plan->impl = plan->pd.impl_info_str();
    plan->blocked = reorder;
    if (reorder) {
      plan->src_reorder.emplace(dnnl::reorder::primitive_desc(
          onednn::CpuEngine(), src, onednn::CpuEngine(), plan->pd.src_desc()));
      plan->dst_reorder.emplace(dnnl::reorder::primitive_desc(
          onednn::CpuEngine(), plan->pd.dst_desc(), onednn::CpuEngine(), dst));
    }
  };
  absl::Status status(absl::StatusCode::kUnknown, "");
  if (UseWinograd(g)) status = onednn::Guard("creating convolution", [&] { create(true); });
  if (!status.ok()) status = onednn::Guard("creating convolution", [&] { create(false); });
  if (!status.ok()) {
    plan->reference = true;  // e.g. a padding oneDNN does not accept
    return std::shared_ptr<const Plan>(std::move(plan));
  }
  if (weights_ != nullptr) {
    ASSIGN_OR_RETURN(plan->packed_weights, weights_->Get(plan->pd.weights_desc()));
  }
  return std::shared_ptr<const Plan>(std::move(plan));
}

absl::Status OneDnnConvKernel::RunReference(KernelContext& ctx, const Tensor& input,
                                            const Plan& plan, Tensor* output) const {
  ASSIGN_OR_RETURN(Tensor filter, ctx.input(1));
  if (output->num_elements() == 0) return absl::OkStatus();
  const WindowGeometry& g = plan.geometry;
  if (spec_.depthwise) {
    ReferenceDepthwiseConv2DCore(g, input.data<float>(), filter.data<float>(),
                                 output->data<float>(), ctx.thread_pool());
  } else {
    ReferenceConv2DCore(g, input.data<float>(), filter.data<float>(), output->data<float>(),
                        ctx.thread_pool());
  }
  if (!spec_.fused) return absl::OkStatus();
  return RunFusedEpilogue(ctx, spec_.fused_ops, 2, output, ctx.thread_pool());
}

absl::Status OneDnnConvKernel::RunReferenceBlocked(KernelContext& ctx, const Tensor& input,
                                                   const Plan& plan, Tensor* output) const {
  if (output->num_elements() == 0) return absl::OkStatus();
  ASSIGN_OR_RETURN(TensorShape nhwc, NhwcShape(input.shape()));
  Tensor nhwc_input = Tensor::ForOverwrite(tensorflow::DT_FLOAT, nhwc);
  RETURN_IF_ERROR(onednn::ReorderActivations(input, /*to_blocked=*/false, &nhwc_input));
  Tensor nhwc_output = Tensor::ForOverwrite(tensorflow::DT_FLOAT, plan.geometry.output_shape());
  RETURN_IF_ERROR(RunReference(ctx, nhwc_input, plan, &nhwc_output));
  return onednn::ReorderActivations(nhwc_output, /*to_blocked=*/true, output);
}

absl::Status OneDnnConvKernel::Compute(KernelContext& ctx) const {
  ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
  if (input.dtype() != tensorflow::DT_FLOAT) return ctx.Error("input must be float32");
  Tensor filter;
  if (filter_shape_ == std::nullopt) {
    ASSIGN_OR_RETURN(filter, ctx.input(1));
    if (filter.dtype() != tensorflow::DT_FLOAT) return ctx.Error("filter must be float32");
  }
  const TensorShape& filter_shape = filter_shape_ ? *filter_shape_ : filter.shape();
  absl::StatusOr<TensorShape> logical = LogicalShape(input.shape(), blocked_layout_);
  if (!logical.ok()) return ctx.Error(logical.status().message());
  const int threads = onednn::UseThreads(ctx.thread_pool(), Work(*logical, filter_shape));
  auto plan_or = GetPlan(*logical, filter_shape, threads);
  if (!plan_or.ok()) return ctx.Error(plan_or.status().message());
  const Plan& plan = **plan_or;
  const WindowGeometry& g = plan.geometry;
  Tensor* output = ctx.allocate_output_for_overwrite(
      0, tensorflow::DT_FLOAT, blocked_layout_ ? BlockedShape(g.output_shape()) : g.output_shape());
  if (plan.reference) {
    return blocked_layout_ ? RunReferenceBlocked(ctx, input, plan, output)
                           : RunReference(ctx, input, plan, output);
  }

  std::shared_ptr<TensorBuffer> per_call_weights;
  const void* weights = plan.packed_weights;
  if (weights == nullptr) {
    ASSIGN_OR_RETURN(per_call_weights,
                     onednn::Reorder(PlainFilterDesc(filter_shape, spec_.depthwise),
                                     filter.raw_data(), plan.pd.weights_desc()));
    weights = per_call_weights->data();
  }
  Tensor bias;
  if (has_bias()) {
    if (bias_) {
      bias = *bias_;
    } else {
      ASSIGN_OR_RETURN(bias, ctx.input(2));
      if (bias.dtype() != tensorflow::DT_FLOAT || bias.num_elements() != g.out_c) {
        return ctx.Error(absl::StrCat("bias must be a float vector of ", g.out_c, " elements"));
      }
    }
  }
  if (spec_.fused && tail_in_primitive_ && spec_.fused_ops.residual_add) {
    ASSIGN_OR_RETURN(Tensor addend, ctx.input(3));
    if (addend.dtype() != tensorflow::DT_FLOAT || addend.shape() != output->shape()) {
      return ctx.Error(
          absl::StrCat("the Add operand must be float ", output->shape().DebugString()));
    }
    std::memcpy(output->raw_data(), addend.raw_data(), addend.TotalBytes());
  }
  RETURN_IF_ERROR(onednn::Guard(ctx.node().name(), [&] {
    dnnl::stream& stream = onednn::ThreadStream();
    memory src = onednn::Wrap(plan.pd.src_desc(), input);
    memory dst = onednn::Wrap(plan.pd.dst_desc(), *output);
    const size_t blocked_bytes[] = {plan.blocked ? plan.pd.src_desc().get_size() : 0,
                                    plan.blocked ? plan.pd.dst_desc().get_size() : 0};
    onednn::ScratchMemory scratch(plan.pd, {blocked_bytes[0], blocked_bytes[1]});
    if (plan.blocked) {  // NHWC -> blocked, run, blocked -> NHWC
      memory user_src =
          onednn::Wrap(memory::desc({g.batch, g.in_c, g.in_h, g.in_w}, kF32, Tag::nhwc), input);
      src = memory(plan.pd.src_desc(), onednn::CpuEngine(), scratch.extra(0));
      dst = memory(plan.pd.dst_desc(), onednn::CpuEngine(), scratch.extra(1));
      plan.src_reorder->execute(stream, user_src, src);
    }
    std::unordered_map<int, memory> args = {
        {DNNL_ARG_SRC, src},
        {DNNL_ARG_WEIGHTS, onednn::Wrap(plan.pd.weights_desc(), weights)},
        {DNNL_ARG_DST, dst},
        {DNNL_ARG_SCRATCHPAD, scratch.scratchpad()}};
    if (has_bias()) args[DNNL_ARG_BIAS] = onednn::Wrap(plan.pd.bias_desc(), bias);
    plan.primitive->execute(stream, args);
    if (plan.blocked) {
      memory user_dst = onednn::Wrap(
          memory::desc({g.batch, g.out_c, g.out_h, g.out_w}, kF32, Tag::nhwc), *output);
      plan.dst_reorder->execute(stream, dst, user_dst);
    }
    stream.wait();
  }));
  if (spec_.fused && !tail_in_primitive_) {
    return RunFusedEpilogue(ctx, spec_.fused_ops, 2, output, ctx.thread_pool());
  }
  return absl::OkStatus();
}

}  // namespace

namespace {
std::atomic<WinogradPolicy> winograd_policy{WinogradPolicy::kLarge};
}  // namespace

void SetWinogradPolicy(WinogradPolicy policy) { winograd_policy.store(policy); }
WinogradPolicy GetWinogradPolicy() { return winograd_policy.load(); }

absl::StatusOr<WinogradPolicy> ParseWinogradPolicy(absl::string_view name) {
  if (name == "none" || name == "false") return WinogradPolicy::kNone;
  if (name == "large") return WinogradPolicy::kLarge;
  if (name == "all" || name == "true") return WinogradPolicy::kAll;
  return absl::InvalidArgumentError(
      absl::StrCat("Winograd policy must be none, large or all, got '", name, "'"));
}

bool WinogradPays(const WindowGeometry& g) {
  // Measured on SSD300's layers: Winograd pays for 3x3 stride-1 convolutions with enough
  // channels, also for the 24-channel box heads over 512+ input channels, not for the
  // 16-channel one over 38x38.
  const WinogradPolicy policy = GetWinogradPolicy();
  const int64_t min_pixels = policy == WinogradPolicy::kLarge ? kWinogradMinPixels : 64;
  const bool channels = (g.in_c >= 64 && g.out_c >= 64) || (g.in_c >= 512 && g.out_c >= 24);
  return policy != WinogradPolicy::kNone && g.window_h == 3 && g.window_w == 3 &&
         g.stride_h == 1 && g.stride_w == 1 && g.dilation_h == 1 && g.dilation_w == 1 &&
         channels && g.out_h * g.out_w >= min_pixels;
}

bool PreferBlockedActivations() { return __builtin_cpu_supports("avx512f"); }

absl::StatusOr<std::unique_ptr<OpKernel>> CreateOneDnnConvKernel(const KernelConstruction& c,
                                                                 bool depthwise) {
  return OneDnnConvKernel::Create(c, depthwise);
}

SS_REGISTER_KERNEL("Conv2D", kOptimized,
                   [](const KernelConstruction& c) { return CreateOneDnnConvKernel(c, false); });
SS_REGISTER_KERNEL("_FusedConv2D", kOptimized,
                   [](const KernelConstruction& c) { return CreateOneDnnConvKernel(c, false); });

}  // namespace savedserve
