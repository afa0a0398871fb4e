#include "kernels/ops/conv2d_backprop_input.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/registry.h"

namespace savedserve {

namespace {

absl::Status CheckRanks(const TensorShape& filter, const TensorShape& out_backprop) {
  if (filter.rank() == 4 && out_backprop.rank() == 4) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("filter and out_backprop must be 4-D, got ",
                                                 filter.DebugString(), " and ",
                                                 out_backprop.DebugString()));
}

}  // namespace

absl::StatusOr<ConvBackpropInputSpec> ConvBackpropInputSpec::Parse(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 3));
  ASSIGN_OR_RETURN(DataType t, c.GetAttrOr<DataType>("T", tensorflow::DT_FLOAT));
  if (t != tensorflow::DT_FLOAT) {
    return absl::UnimplementedError(
        absl::StrCat(c.op(), " '", c.name(), "': type ", DataTypeName(t), " is not supported"));
  }
  ConvBackpropInputSpec spec;
  ASSIGN_OR_RETURN(spec.window, ParseConvAttrs(c, /*with_dilations=*/true));
  return spec;
}

absl::StatusOr<std::vector<int64_t>> ConvBackpropInputSpec::InputDims(
    const std::vector<int64_t>& input_sizes, const TensorShape& filter,
    const TensorShape& out_backprop) {
  RETURN_IF_ERROR(CheckRanks(filter, out_backprop));
  std::vector<int64_t> dims = input_sizes;
  if (dims.size() == 2) {
    dims = {out_backprop.dim(0), input_sizes[0], input_sizes[1], filter.dim(2)};
  } else if (dims.size() != 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("input_sizes must hold 4 values (or 2), got ", dims.size()));
  }
  for (int64_t d : dims) {
    if (d < 0) return absl::InvalidArgumentError("input_sizes must be non-negative");
  }
  return dims;
}

absl::StatusOr<WindowGeometry> ConvBackpropInputSpec::Geometry(
    const TensorShape& input, const TensorShape& filter, const TensorShape& out_backprop) const {
  RETURN_IF_ERROR(CheckRanks(filter, out_backprop));
  if (input.rank() != 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("input_sizes must describe a 4-D shape, got ", input.DebugString()));
  }
  if (input.dim(0) != out_backprop.dim(0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("input and out_backprop must have the same batch size, got ", input.dim(0),
                     " and ", out_backprop.dim(0)));
  }
  if (input.dim(3) != filter.dim(2)) {
    return absl::InvalidArgumentError(absl::StrCat("input depth ", input.dim(3),
                                                   " does not match filter ", filter.DebugString(),
                                                   " (grouped convolution is not supported)"));
  }
  if (out_backprop.dim(3) != filter.dim(3)) {
    return absl::InvalidArgumentError(absl::StrCat("out_backprop depth ", out_backprop.dim(3),
                                                   " does not match filter ",
                                                   filter.DebugString()));
  }
  ASSIGN_OR_RETURN(WindowGeometry g, ComputeWindowGeometry(window, input, filter.dim(0),
                                                           filter.dim(1), filter.dim(3)));
  if (g.out_h != out_backprop.dim(1) || g.out_w != out_backprop.dim(2)) {
    return absl::InvalidArgumentError(
        absl::StrCat("out_backprop ", out_backprop.DebugString(),
                     " does not match the convolution of input ", input.DebugString(),
                     " by filter ", filter.DebugString(), ", which is ", g.out_h, "x", g.out_w));
  }
  return g;
}

absl::StatusOr<WindowGeometry> ConvBackpropInputGeometry(const KernelContext& ctx,
                                                         const ConvBackpropInputSpec& spec,
                                                         const Tensor& input_sizes,
                                                         const TensorShape& filter,
                                                         const TensorShape& out_backprop) {
  ASSIGN_OR_RETURN(std::vector<int64_t> sizes, ReadIndexVector(ctx, input_sizes, "input_sizes"));
  absl::StatusOr<std::vector<int64_t>> dims = spec.InputDims(sizes, filter, out_backprop);
  if (!dims.ok()) return ctx.Error(dims.status().message());
  ASSIGN_OR_RETURN(TensorShape input, MakeShape(ctx, *dims));
  absl::StatusOr<WindowGeometry> g = spec.Geometry(input, filter, out_backprop);
  if (!g.ok()) return ctx.Error(g.status().message());
  return g;
}

int64_t ConvBackpropInputFlops(const TensorShape& filter, const TensorShape& out_backprop) {
  if (filter.rank() != 4 || out_backprop.rank() != 4) return 0;
  return 2 * out_backprop.num_elements() * filter.dim(0) * filter.dim(1) * filter.dim(2);
}

void ReferenceConv2DBackpropInputCore(const WindowGeometry& g, const float* out_backprop,
                                      const float* filter, float* in_backprop, ThreadPool* pool) {
  const int64_t ic = g.in_c, oc = g.out_c;
  // For input position i and tap k, the output position o that reads it, or -1.
  auto source = [](int64_t i, int64_t k, int64_t stride, int64_t pad, int64_t dilation,
                   int64_t out) -> int64_t {
    const int64_t t = i + pad - k * dilation;
    if (t < 0 || t % stride != 0 || t / stride >= out) return -1;
    return t / stride;
  };
  auto rows = [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {  // row = n * in_h + iy
      const int64_t n = row / g.in_h, iy = row % g.in_h;
      for (int64_t ix = 0; ix < g.in_w; ++ix) {
        float* out = in_backprop + (row * g.in_w + ix) * ic;
        std::fill(out, out + ic, 0.0f);
        for (int64_t ky = 0; ky < g.window_h; ++ky) {
          const int64_t oy = source(iy, ky, g.stride_h, g.pad_top, g.dilation_h, g.out_h);
          if (oy < 0) continue;
          for (int64_t kx = 0; kx < g.window_w; ++kx) {
            const int64_t ox = source(ix, kx, g.stride_w, g.pad_left, g.dilation_w, g.out_w);
            if (ox < 0) continue;
            const float* dy = out_backprop + ((n * g.out_h + oy) * g.out_w + ox) * oc;
            const float* f = filter + (ky * g.window_w + kx) * ic * oc;
            for (int64_t c = 0; c < ic; ++c) {
              const float* fc = f + c * oc;
              float sum = 0;
              for (int64_t o = 0; o < oc; ++o) sum += fc[o] * dy[o];
              out[c] += sum;
            }
          }
        }
      }
    }
  };
  const int64_t cost = g.in_w * ic * oc * g.window_h * g.window_w;
  if (pool == nullptr) {
    rows(0, g.batch * g.in_h);
  } else {
    pool->ParallelFor(g.batch * g.in_h, cost, rows);
  }
}

namespace {

class ReferenceConv2DBackpropInputKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(ConvBackpropInputSpec spec, ConvBackpropInputSpec::Parse(c));
    return std::unique_ptr<OpKernel>(new ReferenceConv2DBackpropInputKernel(std::move(spec)));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input_sizes, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor filter, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor out_backprop, ctx.input(2));
    RETURN_IF_ERROR(CheckInputType(ctx, 1, filter, tensorflow::DT_FLOAT));
    RETURN_IF_ERROR(CheckInputType(ctx, 2, out_backprop, tensorflow::DT_FLOAT));
    ASSIGN_OR_RETURN(
        WindowGeometry g,
        ConvBackpropInputGeometry(ctx, spec_, input_sizes, filter.shape(), out_backprop.shape()));
    ASSIGN_OR_RETURN(Tensor * output, AllocateOutput(ctx, 0, tensorflow::DT_FLOAT,
                                                     TensorShape({g.batch, g.in_h, g.in_w, g.in_c}),
                                                     /*for_overwrite=*/true));
    if (output->num_elements() == 0) return absl::OkStatus();
    ReferenceConv2DBackpropInputCore(g, out_backprop.data<float>(), filter.data<float>(),
                                     output->data<float>(), ctx.thread_pool());
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return shapes.size() < 3 ? 0 : ConvBackpropInputFlops(shapes[1], shapes[2]);
  }

 private:
  explicit ReferenceConv2DBackpropInputKernel(ConvBackpropInputSpec spec)
      : spec_(std::move(spec)) {}

  const ConvBackpropInputSpec spec_;
};

}  // namespace

SS_REGISTER_KERNEL("Conv2DBackpropInput", kReference,
                   CreateKernel<ReferenceConv2DBackpropInputKernel>);

}  // namespace savedserve
