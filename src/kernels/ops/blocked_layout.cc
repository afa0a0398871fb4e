// Reference kernels for _ToNChw16c and _FromNChw16c (see blocked_layout.h); the oneDNN
// reorders in cpu/blocked_layout_onednn.cc are the fast ones.
#include "kernels/ops/blocked_layout.h"

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {

absl::StatusOr<bool> IsBlockedLayout(const KernelConstruction& c) {
  ASSIGN_OR_RETURN(std::string layout, c.GetAttrOr<std::string>(kLayoutAttr, ""));
  if (layout.empty()) return false;
  if (layout == kBlockedLayout) return true;
  return c.Error(absl::StrCat("unsupported ", kLayoutAttr, " '", layout, "'"));
}

TensorShape BlockedShape(const TensorShape& nhwc) {
  return TensorShape(
      {nhwc.dim(0), nhwc.dim(3) / kChannelBlock, nhwc.dim(1), nhwc.dim(2), kChannelBlock});
}

PartialShape BlockedShape(const PartialShape& nhwc) {
  const std::vector<int64_t>& d = nhwc.dims();
  return PartialShape(
      std::vector<int64_t>{d[0], d[3] < 0 ? -1 : d[3] / kChannelBlock, d[1], d[2], kChannelBlock});
}

absl::StatusOr<TensorShape> NhwcShape(const TensorShape& blocked) {
  if (blocked.rank() != 5 || blocked.dim(4) != kChannelBlock) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a blocked [N, C/16, H, W, 16] tensor, got ", blocked.DebugString()));
  }
  return TensorShape(
      {blocked.dim(0), blocked.dim(2), blocked.dim(3), blocked.dim(1) * kChannelBlock});
}

absl::StatusOr<TensorShape> LogicalShape(const TensorShape& shape, bool blocked) {
  if (blocked) return NhwcShape(shape);
  return shape;
}

absl::StatusOr<TensorShape> ConversionNhwcShape(const TensorShape& input, bool to_blocked) {
  if (!to_blocked) return NhwcShape(input);
  if (input.rank() != 4 || input.dim(3) % kChannelBlock != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected NHWC with channels a multiple of 16, got ", input.DebugString()));
  }
  return input;
}

absl::Status LayoutConversionKernel::Compute(KernelContext& ctx) const {
  ASSIGN_OR_RETURN(Tensor in, ctx.input(0));
  if (in.dtype() != tensorflow::DT_FLOAT) return ctx.Error("input must be float32");
  auto shape = ConversionNhwcShape(in.shape(), to_blocked_);
  if (!shape.ok()) return ctx.Error(shape.status().message());
  const TensorShape& nhwc = *shape;
  ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, tensorflow::DT_FLOAT,
                                                to_blocked_ ? BlockedShape(nhwc) : nhwc,
                                                /*for_overwrite=*/true));
  return Convert(ctx, in, nhwc, out);
}

void ConvertLayoutReference(const float* src, const TensorShape& nhwc, bool to_blocked,
                            float* dst) {
  const int64_t pixels = nhwc.dim(1) * nhwc.dim(2), channels = nhwc.dim(3);
  for (int64_t n = 0; n < nhwc.dim(0); ++n) {
    for (int64_t p = 0; p < pixels; ++p) {
      for (int64_t c = 0; c < channels; ++c) {
        const int64_t flat = (n * pixels + p) * channels + c;
        const int64_t blocked =
            ((n * (channels / kChannelBlock) + c / kChannelBlock) * pixels + p) * kChannelBlock +
            c % kChannelBlock;
        if (to_blocked) {
          dst[blocked] = src[flat];
        } else {
          dst[flat] = src[blocked];
        }
      }
    }
  }
}

namespace {

// Moves elements one at a time.
class ReferenceLayoutKernel final : public LayoutConversionKernel {
 public:
  using LayoutConversionKernel::LayoutConversionKernel;

 private:
  absl::Status Convert(KernelContext&, const Tensor& in, const TensorShape& nhwc,
                       Tensor* out) const override {
    ConvertLayoutReference(in.data<float>(), nhwc, to_blocked(), out->data<float>());
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL(kToBlockedOp, kReference, CreateLayoutKernel<ReferenceLayoutKernel, true>);
SS_REGISTER_KERNEL(kFromBlockedOp, kReference, CreateLayoutKernel<ReferenceLayoutKernel, false>);

}  // namespace
}  // namespace savedserve
