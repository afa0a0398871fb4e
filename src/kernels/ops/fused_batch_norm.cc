// FusedBatchNorm, FusedBatchNormV2 and FusedBatchNormV3, inference only (is_training=false):
//   y = (x - mean) * scale / sqrt(variance + epsilon) + offset, per channel.
// Outputs as TF's: y, batch_mean, batch_variance, reserve_space_1, reserve_space_2 (= the
// mean and variance inputs in inference) and, for V3, reserve_space_3 (a scalar 0).
// Float32; NHWC/NDHWC (channels last) or NCHW/NCDHW (channels at dim 1). The per-channel
// affine is precomputed at creation when the four vectors are graph constants.
#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/fused_epilogue.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class FusedBatchNormKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<FusedBatchNormKernel>();
    for (const char* attr : {"T", "U"}) {
      if (!c.HasAttr(attr)) continue;
      ASSIGN_OR_RETURN(DataType t, c.GetAttr<DataType>(attr));
      if (t != tensorflow::DT_FLOAT) {
        return absl::UnimplementedError(absl::StrCat(c.op(), " '", c.name(), "': ", attr, "=",
                                                     DataTypeName(t), " is not supported"));
      }
    }
    ASSIGN_OR_RETURN(bool is_training, c.GetAttrOr<bool>("is_training", true));
    if (is_training) {
      return absl::UnimplementedError(
          absl::StrCat(c.op(), " '", c.name(),
                       "': is_training=true (batch statistics) is not supported; "
                       "export the model for inference"));
    }
    ASSIGN_OR_RETURN(k->ops_.epsilon, c.GetAttrOr<float>("epsilon", 1e-4f));
    k->ops_.affine = FusedOps::Affine::kBatchNorm;
    ASSIGN_OR_RETURN(std::string format, c.GetAttrOr<std::string>("data_format", "NHWC"));
    if (format == "NCHW" || format == "NCDHW") {
      k->channels_first_ = true;
    } else if (format != "NHWC" && format != "NDHWC") {
      return c.Error(absl::StrCat("unknown data_format '", format, "'"));
    }
    if (c.num_inputs() != 5) return c.Error("expects 5 inputs");
    std::vector<Tensor> args;
    for (int i = 1; i < 5; ++i) {
      if (c.constant_input(i) == nullptr) return std::unique_ptr<OpKernel>(std::move(k));
      args.push_back(*c.constant_input(i));
    }
    auto affine = ComputeChannelAffine(k->ops_, args, args[0].num_elements());
    if (!affine.ok()) return c.Error(affine.status().message());
    k->constant_affine_ = *std::move(affine);
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor x, ctx.input(0));
    if (x.dtype() != tensorflow::DT_FLOAT) return ctx.Error("x must be float32");
    const TensorShape& shape = x.shape();
    if (shape.rank() < 2) return ctx.Error("x must be at least 2-D");
    const int channel_dim = channels_first_ ? 1 : shape.rank() - 1;
    const int64_t channels = shape.dim(channel_dim);
    std::vector<Tensor> args;
    for (int i = 1; i < 5; ++i) {
      ASSIGN_OR_RETURN(Tensor t, ctx.input(i));
      args.push_back(std::move(t));
    }
    ChannelAffine computed;
    const ChannelAffine* affine = constant_affine_ ? &*constant_affine_ : nullptr;
    if (affine == nullptr || static_cast<int64_t>(affine->shift.size()) != channels) {
      auto a = ComputeChannelAffine(ops_, args, channels);
      if (!a.ok()) return ctx.Error(a.status().message());
      computed = *std::move(a);
      affine = &computed;
    }
    Tensor* y = ctx.allocate_output(0, tensorflow::DT_FLOAT, shape);
    std::copy(x.data<float>(), x.data<float>() + x.num_elements(), y->data<float>());
    if (!channels_first_) {
      ApplyEpilogue(ops_, *affine, nullptr, y->data<float>(),
                    channels > 0 ? x.num_elements() / channels : 0, channels, ctx.thread_pool());
    } else {
      ApplyChannelsFirst(*affine, shape, y->data<float>());
    }
    for (int i = 1; i < ctx.num_outputs(); ++i) {
      if (i <= 4) {
        ctx.set_output(i, args[i % 2 == 1 ? 2 : 3]);  // mean, variance, mean, variance
      } else {
        Tensor* reserve = ctx.allocate_output(i, tensorflow::DT_FLOAT, TensorShape{});
        reserve->data<float>()[0] = 0.0f;
      }
    }
    return absl::OkStatus();
  }

 private:
  static void ApplyChannelsFirst(const ChannelAffine& affine, const TensorShape& shape, float* y) {
    const int64_t channels = shape.dim(1);
    int64_t inner = 1;
    for (int i = 2; i < shape.rank(); ++i) inner *= shape.dim(i);
    for (int64_t n = 0; n < shape.dim(0); ++n) {
      for (int64_t c = 0; c < channels; ++c) {
        float* p = y + (n * channels + c) * inner;
        const float s = affine.scale[c], b = affine.shift[c];
        for (int64_t i = 0; i < inner; ++i) p[i] = p[i] * s + b;
      }
    }
  }

  FusedOps ops_;
  bool channels_first_ = false;
  std::optional<ChannelAffine> constant_affine_;
};

}  // namespace

SS_REGISTER_KERNEL("FusedBatchNorm", kReference, CreateKernel<FusedBatchNormKernel>);
SS_REGISTER_KERNEL("FusedBatchNormV2", kReference, CreateKernel<FusedBatchNormKernel>);
SS_REGISTER_KERNEL("FusedBatchNormV3", kReference, CreateKernel<FusedBatchNormKernel>);

}  // namespace savedserve
