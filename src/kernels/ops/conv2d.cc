#include "kernels/ops/conv2d.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {

absl::StatusOr<ConvSpec> ConvSpec::Parse(const KernelConstruction& c, bool depthwise) {
  ConvSpec spec;
  spec.depthwise = depthwise;
  spec.fused = c.op().rfind("_Fused", 0) == 0;
  ASSIGN_OR_RETURN(DataType t, c.GetAttrOr<DataType>("T", tensorflow::DT_FLOAT));
  if (t != tensorflow::DT_FLOAT) {
    return absl::UnimplementedError(
        absl::StrCat(c.op(), " '", c.name(), "': type ", DataTypeName(t), " is not supported"));
  }
  ASSIGN_OR_RETURN(spec.window, ParseConvAttrs(c, /*with_dilations=*/true));
  if (spec.fused) {
    ASSIGN_OR_RETURN(spec.fused_ops, ParseFusedOps(c, /*allow_batch_norm=*/true,
                                                   /*allow_add=*/!depthwise));
  } else if (c.num_inputs() != 2) {
    return c.Error(absl::StrCat("expects 2 inputs, got ", c.num_inputs()));
  }
  return spec;
}

absl::StatusOr<WindowGeometry> ConvSpec::Geometry(const TensorShape& input,
                                                  const TensorShape& filter) const {
  if (filter.rank() != 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("filter must be 4-D, got ", filter.DebugString()));
  }
  if (input.rank() == 4 && filter.dim(2) != input.dim(3)) {
    return absl::InvalidArgumentError(
        absl::StrCat("filter ", filter.DebugString(), " does not match input depth ", input.dim(3),
                     depthwise ? "" : " (grouped convolution is not supported)"));
  }
  int64_t out_c = depthwise ? filter.dim(2) * filter.dim(3) : filter.dim(3);
  return ComputeWindowGeometry(window, input, filter.dim(0), filter.dim(1), out_c);
}

int64_t ConvSpec::Flops(const TensorShape& input, const TensorShape& filter) const {
  auto g = Geometry(input, filter);
  if (!g.ok()) return 0;
  int64_t per_output = g->window_h * g->window_w * (depthwise ? 1 : g->in_c);
  return 2 * g->batch * g->out_h * g->out_w * g->out_c * per_output;
}

void ReferenceConv2DCore(const WindowGeometry& g, const float* input, const float* filter,
                         float* output, ThreadPool* pool) {
  const int64_t ic = g.in_c, oc = g.out_c;
  const int64_t cost = g.out_w * oc * ic * g.window_h * g.window_w;
  ForEachConvTap(g, input, output, pool, cost, [&](float* out, const float* in, int64_t tap) {
    const float* f = filter + tap * ic * oc;
    for (int64_t c = 0; c < ic; ++c) {
      const float v = in[c];
      const float* fc = f + c * oc;
      for (int64_t o = 0; o < oc; ++o) out[o] += v * fc[o];
    }
  });
}

absl::Status RunFusedEpilogue(const KernelContext& ctx, const FusedOps& ops, int first_arg,
                              Tensor* output, ThreadPool* pool) {
  std::vector<Tensor> args;
  for (int i = 0; i < ops.num_args; ++i) {
    ASSIGN_OR_RETURN(Tensor t, ctx.input(first_arg + i));
    args.push_back(std::move(t));
  }
  const int64_t channels = output->shape().dim(output->shape().rank() - 1);
  auto affine = ComputeChannelAffine(ops, args, channels);
  if (!affine.ok()) return ctx.Error(affine.status().message());
  const float* residual = nullptr;
  if (ops.residual_add) {
    const Tensor& addend = args.back();
    if (addend.dtype() != tensorflow::DT_FLOAT || addend.shape() != output->shape()) {
      return ctx.Error(absl::StrCat("the Add operand must be float ", output->shape().DebugString(),
                                    ", got ", addend.shape().DebugString()));
    }
    residual = addend.data<float>();
  }
  ApplyEpilogue(ops, *affine, residual, output->data<float>(),
                output->num_elements() / std::max<int64_t>(channels, 1), channels, pool);
  return absl::OkStatus();
}

namespace {

class ReferenceConvKernel : public OpKernel {
 public:
  explicit ReferenceConvKernel(ConvSpec spec) : spec_(std::move(spec)) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor filter, ctx.input(1));
    if (input.dtype() != tensorflow::DT_FLOAT || filter.dtype() != tensorflow::DT_FLOAT) {
      return ctx.Error("input and filter must be float32");
    }
    auto geometry = spec_.Geometry(input.shape(), filter.shape());
    if (!geometry.ok()) return ctx.Error(geometry.status().message());
    Tensor* output = ctx.allocate_output(0, tensorflow::DT_FLOAT, geometry->output_shape());
    if (output->num_elements() == 0) return absl::OkStatus();
    if (spec_.depthwise) {
      ReferenceDepthwiseConv2DCore(*geometry, input.data<float>(), filter.data<float>(),
                                   output->data<float>(), ctx.thread_pool());
    } else {
      ReferenceConv2DCore(*geometry, input.data<float>(), filter.data<float>(),
                          output->data<float>(), ctx.thread_pool());
    }
    if (!spec_.fused) return absl::OkStatus();
    return RunFusedEpilogue(ctx, spec_.fused_ops, 2, output, ctx.thread_pool());
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return shapes.size() < 2 ? 0 : spec_.Flops(shapes[0], shapes[1]);
  }

 private:
  const ConvSpec spec_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<OpKernel>> CreateReferenceConvKernel(const KernelConstruction& c,
                                                                    bool depthwise) {
  ASSIGN_OR_RETURN(ConvSpec spec, ConvSpec::Parse(c, depthwise));
  return std::unique_ptr<OpKernel>(new ReferenceConvKernel(std::move(spec)));
}

SS_REGISTER_KERNEL("Conv2D", kReference,
                   [](const KernelConstruction& c) { return CreateReferenceConvKernel(c, false); });
SS_REGISTER_KERNEL("_FusedConv2D", kReference,
                   [](const KernelConstruction& c) { return CreateReferenceConvKernel(c, false); });

}  // namespace savedserve
