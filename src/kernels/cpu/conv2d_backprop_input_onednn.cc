// oneDNN kernel for Conv2DBackpropInput (the transposed convolution of Keras' Conv2DTranspose;
// semantics and the shared checks in ops/conv2d_backprop_input.h).
//
// It runs as oneDNN's deconvolution (forward inference): src = out_backprop, dst = the
// op's output, weights = the forward filter seen as [O = in_c, I = out_c, kh, kw], with the
// forward convolution's strides, dilations and padding (oneDNN checks a deconvolution's
// sizes with the same rounding as TF's forward convolution, so its padding carries over).
// Activations stay plain NHWC, on which oneDNN's JIT deconvolution runs directly. Weights are
// created with format `any` and reordered once, at creation or first use, when the filter is
// a graph constant (as it is in a served Keras model); otherwise on every call. input_sizes
// is usually a runtime value (Keras builds it from tf.shape), so plans are per shape.
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/cpu/onednn_util.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/conv2d_backprop_input.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

using dnnl::memory;
using Tag = dnnl::memory::format_tag;
constexpr auto kF32 = dnnl::memory::data_type::f32;

// TF's filter [kh, kw, in_c, out_c] as deconvolution weights {O = in_c, I = out_c, kh, kw}:
// no format tag names that order, so it is described by strides.
memory::desc PlainDeconvFilterDesc(const TensorShape& filter) {
  const int64_t kh = filter.dim(0), kw = filter.dim(1), ic = filter.dim(2), oc = filter.dim(3);
  return memory::desc({ic, oc, kh, kw}, kF32, memory::dims{oc, 1, kw * ic * oc, ic * oc});
}

class OneDnnConv2DBackpropInputKernel final : public OpKernel, public onednn::Introspectable {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c);

  absl::Status Compute(KernelContext& ctx) const override;

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return shapes.size() < 3 ? 0 : ConvBackpropInputFlops(shapes[1], shapes[2]);
  }

  // Inputs: the forward input's shape stands in for input_sizes, then filter, out_backprop.
  absl::StatusOr<std::string> Implementation(const std::vector<TensorShape>& inputs,
                                             int threads) const override {
    if (inputs.size() < 3) return absl::InvalidArgumentError("need 3 shapes");
    ASSIGN_OR_RETURN(WindowGeometry g, spec_.Geometry(inputs[0], inputs[1], inputs[2]));
    ASSIGN_OR_RETURN(auto plan, GetPlan(g, threads));
    return plan->reference ? std::string("savedserve reference") : plan->impl;
  }

 private:
  struct Plan {
    bool reference = false;  // empty, or oneDNN rejected the shape: run the reference core
    dnnl::deconvolution_forward::primitive_desc pd;
    std::optional<dnnl::deconvolution_forward> primitive;
    const void* packed_weights = nullptr;  // constant filter in pd.weights_desc()
    std::string impl;
  };

  explicit OneDnnConv2DBackpropInputKernel(ConvBackpropInputSpec spec) : spec_(std::move(spec)) {}

  absl::StatusOr<std::shared_ptr<const Plan>> GetPlan(const WindowGeometry& g, int threads) const {
    const std::vector<int64_t> key = {g.batch, g.in_h,  g.in_w,     g.in_c,     g.out_h,
                                      g.out_w, g.out_c, g.window_h, g.window_w, threads};
    return plans_.GetOrCreate(key, [&] { return MakePlan(g); });
  }
  absl::StatusOr<std::shared_ptr<const Plan>> MakePlan(const WindowGeometry& g) const;
  // With constant input_sizes (and a known out_backprop shape) the one plan there will be is
  // made now, so the first request does not pack the weights.
  void PackForConstantSizes(const KernelConstruction& c, const TensorShape& filter);

  const ConvBackpropInputSpec spec_;
  std::unique_ptr<onednn::PackedWeights> weights_;  // set when the filter is constant
  mutable onednn::PlanCache<Plan> plans_;
};

absl::StatusOr<std::unique_ptr<OpKernel>> OneDnnConv2DBackpropInputKernel::Create(
    const KernelConstruction& c) {
  ASSIGN_OR_RETURN(ConvBackpropInputSpec spec, ConvBackpropInputSpec::Parse(c));
  std::unique_ptr<OneDnnConv2DBackpropInputKernel> k(
      new OneDnnConv2DBackpropInputKernel(std::move(spec)));
  const Tensor* filter = c.constant_input(1);
  if (filter != nullptr) {
    if (filter->dtype() != tensorflow::DT_FLOAT || filter->shape().rank() != 4) {
      return c.Error(
          absl::StrCat("filter must be a 4-D float tensor, got ", filter->shape().DebugString()));
    }
    k->weights_ =
        std::make_unique<onednn::PackedWeights>(*filter, PlainDeconvFilterDesc(filter->shape()));
    k->PackForConstantSizes(c, filter->shape());
  }
  return std::unique_ptr<OpKernel>(std::move(k));
}

void OneDnnConv2DBackpropInputKernel::PackForConstantSizes(const KernelConstruction& c,
                                                           const TensorShape& filter) {
  const Tensor* sizes = c.constant_input(0);
  const std::vector<int64_t>& dy = c.input_shape(2).dims();
  if (sizes == nullptr || sizes->dtype() != tensorflow::DT_INT32 || dy.size() != 4) return;
  std::vector<int64_t> values(sizes->data<int32_t>(),
                              sizes->data<int32_t>() + sizes->num_elements());
  if (values.size() != 4 || dy[1] < 0 || dy[2] < 0) return;
  const TensorShape out_backprop({values[0], dy[1], dy[2], filter.dim(3)});
  auto dims = spec_.InputDims(values, filter, out_backprop);
  if (!dims.ok()) return;
  auto shape = TensorShape::FromDims(*dims);
  if (!shape.ok()) return;
  auto g = spec_.Geometry(*shape, filter, out_backprop);
  if (!g.ok()) return;
  const double work = static_cast<double>(ConvBackpropInputFlops(filter, out_backprop));
  (void)GetPlan(*g, onednn::UseThreads(nullptr, work));
}

absl::StatusOr<std::shared_ptr<const OneDnnConv2DBackpropInputKernel::Plan>>
OneDnnConv2DBackpropInputKernel::MakePlan(const WindowGeometry& g) const {
  auto plan = std::make_shared<Plan>();
  if (g.batch * g.in_h * g.in_w * g.in_c == 0 || g.out_h * g.out_w * g.out_c == 0) {
    plan->reference = true;  // nothing for oneDNN to do: zeros, or no elements at all
    return std::shared_ptr<const Plan>(std::move(plan));
  }
  absl::Status status = onednn::Guard("creating deconvolution", [&] {
    const memory::desc src({g.batch, g.out_c, g.out_h, g.out_w}, kF32, Tag::nhwc);
    const memory::desc dst({g.batch, g.in_c, g.in_h, g.in_w}, kF32, Tag::nhwc);
    const memory::desc weights({g.in_c, g.out_c, g.window_h, g.window_w}, kF32, Tag::any);
    dnnl::deconvolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct, src, weights,
        dst, {g.stride_h, g.stride_w}, {g.dilation_h - 1, g.dilation_w - 1},
        {g.pad_top, g.pad_left}, {g.pad_bottom, g.pad_right});
    plan->pd =
        dnnl::deconvolution_forward::primitive_desc(desc, onednn::MakeAttr(), onednn::CpuEngine());
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

absl::Status OneDnnConv2DBackpropInputKernel::Compute(KernelContext& ctx) const {
  ASSIGN_OR_RETURN(Tensor input_sizes, ctx.input(0));
  ASSIGN_OR_RETURN(Tensor filter, ctx.input(1));
  ASSIGN_OR_RETURN(Tensor out_backprop, ctx.input(2));
  if (filter.dtype() != tensorflow::DT_FLOAT || out_backprop.dtype() != tensorflow::DT_FLOAT) {
    return ctx.Error("filter and out_backprop must be float32");
  }
  ASSIGN_OR_RETURN(
      WindowGeometry g,
      ConvBackpropInputGeometry(ctx, spec_, input_sizes, filter.shape(), out_backprop.shape()));
  ASSIGN_OR_RETURN(Tensor * output, AllocateOutput(ctx, 0, tensorflow::DT_FLOAT,
                                                   TensorShape({g.batch, g.in_h, g.in_w, g.in_c}),
                                                   /*for_overwrite=*/true));
  const double work =
      static_cast<double>(ConvBackpropInputFlops(filter.shape(), out_backprop.shape()));
  const int threads = onednn::UseThreads(ctx.thread_pool(), work);
  auto plan_or = GetPlan(g, threads);
  if (!plan_or.ok()) return ctx.Error(plan_or.status().message());
  const Plan& plan = **plan_or;
  if (plan.reference) {
    if (output->num_elements() == 0) return absl::OkStatus();
    ReferenceConv2DBackpropInputCore(g, out_backprop.data<float>(), filter.data<float>(),
                                     output->data<float>(), ctx.thread_pool());
    return absl::OkStatus();
  }
  return onednn::ExecuteWithWeights(*plan.primitive, plan.pd, out_backprop.raw_data(),
                                    plan.packed_weights, PlainDeconvFilterDesc(filter.shape()),
                                    filter.raw_data(), output->raw_data(), ctx.node().name());
}

}  // namespace

SS_REGISTER_KERNEL("Conv2DBackpropInput", kOptimized,
                   CreateKernel<OneDnnConv2DBackpropInputKernel>);

}  // namespace savedserve
