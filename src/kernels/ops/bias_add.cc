// BiasAdd and BiasAddV1: value + bias along the channel dimension (the last for NHWC, dim 1
// for NCHW). Float, double, int32 and int64. Light enough that the reference loop is the
// fast path (convolutions fuse their bias as a oneDNN post-op instead).
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

template <typename T>
void AddBias(const T* in, const T* bias, T* out, int64_t outer, int64_t channels, int64_t inner,
             ThreadPool* pool) {
  auto run = [&](int64_t begin, int64_t end) {
    for (int64_t o = begin; o < end; ++o) {
      const T* src = in + o * channels * inner;
      T* dst = out + o * channels * inner;
      if (inner == 1) {
        for (int64_t c = 0; c < channels; ++c) dst[c] = src[c] + bias[c];
        continue;
      }
      for (int64_t c = 0; c < channels; ++c) {
        const T b = bias[c];
        for (int64_t i = 0; i < inner; ++i) dst[c * inner + i] = src[c * inner + i] + b;
      }
    }
  };
  pool->ParallelFor(outer, channels * inner, run);
}

class BiasAddKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<BiasAddKernel>();
    ASSIGN_OR_RETURN(std::string format, c.GetAttrOr<std::string>("data_format", "NHWC"));
    if (format != "NHWC" && format != "NCHW") {
      return c.Error(absl::StrCat("unknown data_format '", format, "'"));
    }
    k->nchw_ = format == "NCHW";
    if (c.num_inputs() != 2) return c.Error("expects 2 inputs");
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor value, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor bias, ctx.input(1));
    const TensorShape& shape = value.shape();
    const int rank = shape.rank();
    if (rank < (nchw_ ? 3 : 1)) {
      return ctx.Error(
          absl::StrCat("input must be at least ", nchw_ ? 3 : 1, "-D, got ", shape.DebugString()));
    }
    const int channel_dim = nchw_ ? 1 : rank - 1;
    if (bias.dtype() != value.dtype() || bias.shape().rank() != 1 ||
        bias.num_elements() != shape.dim(channel_dim)) {
      return ctx.Error(absl::StrCat("bias ", bias.shape().DebugString(),
                                    " must be a vector matching dimension ", channel_dim, " of ",
                                    shape.DebugString()));
    }
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < channel_dim; ++i) outer *= shape.dim(i);
    for (int i = channel_dim + 1; i < rank; ++i) inner *= shape.dim(i);
    const int64_t channels = shape.dim(channel_dim);
    Tensor* out = ctx.allocate_output(0, value.dtype(), shape);
    if (out->num_elements() == 0) return absl::OkStatus();
    switch (value.dtype()) {
#define SS_BIAS_CASE(DT, T)                                                             \
  case tensorflow::DT:                                                                  \
    AddBias<T>(value.data<T>(), bias.data<T>(), out->data<T>(), outer, channels, inner, \
               ctx.thread_pool());                                                      \
    return absl::OkStatus();
      SS_BIAS_CASE(DT_FLOAT, float)
      SS_BIAS_CASE(DT_DOUBLE, double)
      SS_BIAS_CASE(DT_INT32, int32_t)
      SS_BIAS_CASE(DT_INT64, int64_t)
#undef SS_BIAS_CASE
      default:
        return absl::UnimplementedError(absl::StrCat("BiasAdd '", ctx.node().name(), "': type ",
                                                     DataTypeName(value.dtype()),
                                                     " is not supported"));
    }
  }

 private:
  bool nchw_ = false;
};

}  // namespace

SS_REGISTER_KERNEL("BiasAdd", kReference, CreateKernel<BiasAddKernel>);
SS_REGISTER_KERNEL("BiasAddV1", kReference, CreateKernel<BiasAddKernel>);

}  // namespace savedserve
