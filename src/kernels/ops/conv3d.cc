// Conv3D, reference kernel (see conv3d.h): a direct loop over output rows.
#include "kernels/ops/conv3d.h"

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/conv_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

absl::Status ReadSpatialTriple(const KernelConstruction& c, const std::string& name,
                               std::array<int64_t, 3>* triple) {
  ASSIGN_OR_RETURN(std::vector<int64_t> v,
                   c.GetAttrOr<std::vector<int64_t>>(name, {1, 1, 1, 1, 1}));
  if (v.size() != 5) return c.Error(absl::StrCat("'", name, "' must have 5 elements"));
  if (v[0] != 1 || v[4] != 1) {
    return absl::UnimplementedError(absl::StrCat(c.op(), " '", c.name(), "': '", name,
                                                 "' over batch or channels is not supported"));
  }
  for (int d = 0; d < 3; ++d) {
    if (v[d + 1] < 1) return c.Error(absl::StrCat("'", name, "' must be positive"));
    (*triple)[d] = v[d + 1];
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Conv3DSpec> Conv3DSpec::Parse(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 2));
  ASSIGN_OR_RETURN(DataType t, c.GetAttrOr<DataType>("T", tensorflow::DT_FLOAT));
  if (t != tensorflow::DT_FLOAT) {
    return absl::UnimplementedError(
        absl::StrCat(c.op(), " '", c.name(), "': type ", DataTypeName(t), " is not supported"));
  }
  ASSIGN_OR_RETURN(std::string format, c.GetAttrOr<std::string>("data_format", "NDHWC"));
  if (format == "NCDHW") {
    return absl::UnimplementedError(absl::StrCat(
        c.op(), " '", c.name(), "': data_format NCDHW is not supported on CPU; use NDHWC"));
  }
  if (format != "NDHWC") return c.Error(absl::StrCat("unknown data_format '", format, "'"));
  Conv3DSpec attrs;
  ASSIGN_OR_RETURN(std::string padding, c.GetAttr<std::string>("padding"));
  if (padding == "SAME") {
    attrs.padding = Padding::kSame;
  } else if (padding != "VALID") {
    return c.Error(absl::StrCat("padding must be SAME or VALID, got '", padding, "'"));
  }
  RETURN_IF_ERROR(ReadSpatialTriple(c, "strides", &attrs.strides));
  RETURN_IF_ERROR(ReadSpatialTriple(c, "dilations", &attrs.dilations));
  return attrs;
}

absl::StatusOr<Conv3DGeometry> Conv3DSpec::Geometry(const TensorShape& input,
                                                    const TensorShape& filter) const {
  if (input.rank() != 5 || filter.rank() != 5) {
    return absl::InvalidArgumentError(absl::StrCat(
        "input and filter must be 5-D, got ", input.DebugString(), " and ", filter.DebugString()));
  }
  if (filter.dim(3) != input.dim(4)) {
    return absl::InvalidArgumentError(absl::StrCat("filter ", filter.DebugString(),
                                                   " does not match input depth ", input.dim(4),
                                                   " (grouped convolution is not supported)"));
  }
  Conv3DGeometry g;
  g.batch = input.dim(0);
  g.in_c = input.dim(4);
  g.out_c = filter.dim(4);
  for (int d = 0; d < 3; ++d) {
    g.in[d] = input.dim(d + 1);
    g.window[d] = filter.dim(d);
    g.stride[d] = strides[d];
    g.dilation[d] = dilations[d];
    ASSIGN_OR_RETURN(WindowDim w, ComputeWindowDim(g.in[d], g.window[d], g.stride[d], g.dilation[d],
                                                   padding, 0, 0));
    g.out[d] = w.out;
    g.pad_before[d] = w.pad_before;
    g.pad_after[d] = w.pad_after;
  }
  return g;
}

int64_t Conv3DGeometry::Flops() const {
  return 2 * output_shape().num_elements() * in_c * window[0] * window[1] * window[2];
}

void ReferenceConv3DCore(const Conv3DGeometry& g, const float* input, const float* filter,
                         float* output, ThreadPool* pool) {
  const int64_t ic = g.in_c, oc = g.out_c;
  const int64_t cost = g.out[2] * oc * ic * g.window[0] * g.window[1] * g.window[2];
  auto rows = [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {  // row = (n * out_d + z) * out_h + y
      const int64_t y = row % g.out[1], z = (row / g.out[1]) % g.out[0];
      const int64_t n = row / (g.out[1] * g.out[0]);
      for (int64_t x = 0; x < g.out[2]; ++x) {
        float* out = output + (row * g.out[2] + x) * oc;
        std::fill(out, out + oc, 0.0f);
        for (int64_t kz = 0; kz < g.window[0]; ++kz) {
          const int64_t iz = z * g.stride[0] - g.pad_before[0] + kz * g.dilation[0];
          if (iz < 0 || iz >= g.in[0]) continue;
          for (int64_t ky = 0; ky < g.window[1]; ++ky) {
            const int64_t iy = y * g.stride[1] - g.pad_before[1] + ky * g.dilation[1];
            if (iy < 0 || iy >= g.in[1]) continue;
            for (int64_t kx = 0; kx < g.window[2]; ++kx) {
              const int64_t ix = x * g.stride[2] - g.pad_before[2] + kx * g.dilation[2];
              if (ix < 0 || ix >= g.in[2]) continue;
              const float* in = input + (((n * g.in[0] + iz) * g.in[1] + iy) * g.in[2] + ix) * ic;
              const float* f = filter + ((kz * g.window[1] + ky) * g.window[2] + kx) * ic * oc;
              for (int64_t c = 0; c < ic; ++c) {
                const float v = in[c];
                const float* fc = f + c * oc;
                for (int64_t o = 0; o < oc; ++o) out[o] += v * fc[o];
              }
            }
          }
        }
      }
    }
  };
  if (pool == nullptr) {
    rows(0, g.batch * g.out[0] * g.out[1]);
  } else {
    pool->ParallelFor(g.batch * g.out[0] * g.out[1], cost, rows);
  }
}

namespace {

class Conv3DKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(Conv3DSpec spec, Conv3DSpec::Parse(c));
    return std::unique_ptr<OpKernel>(new Conv3DKernel(spec));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor filter, ctx.input(1));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, input, tensorflow::DT_FLOAT));
    RETURN_IF_ERROR(CheckInputType(ctx, 1, filter, tensorflow::DT_FLOAT));
    auto g = spec_.Geometry(input.shape(), filter.shape());
    if (!g.ok()) return ctx.Error(g.status().message());
    ASSIGN_OR_RETURN(Tensor * output, AllocateOutput(ctx, 0, tensorflow::DT_FLOAT,
                                                     g->output_shape(), /*for_overwrite=*/true));
    if (output->num_elements() == 0) return absl::OkStatus();
    ReferenceConv3DCore(*g, input.data<float>(), filter.data<float>(), output->data<float>(),
                        ctx.thread_pool());
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    if (shapes.size() < 2) return 0;
    auto g = spec_.Geometry(shapes[0], shapes[1]);
    return g.ok() ? g->Flops() : 0;
  }

 private:
  explicit Conv3DKernel(Conv3DSpec spec) : spec_(spec) {}

  const Conv3DSpec spec_;
};

}  // namespace

SS_REGISTER_KERNEL("Conv3D", kReference, CreateKernel<Conv3DKernel>);

}  // namespace savedserve
