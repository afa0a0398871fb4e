// Unpack (tf.unstack): splits a tensor along `axis` into `num` outputs, each without that
// dimension. Any dtype.
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class UnpackKernel : public OpKernel {
 public:
  UnpackKernel(int64_t num, int64_t axis) : num_(num), axis_(axis) {}

  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(int64_t num, c.GetAttr<int64_t>("num"));
    ASSIGN_OR_RETURN(int64_t axis, c.GetAttrOr<int64_t>("axis", 0));
    if (num < 0) return c.Error(absl::StrCat("num must be >= 0, got ", num));
    return std::make_unique<UnpackKernel>(num, axis);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    const TensorShape& in = input.shape();
    if (in.rank() == 0) return ctx.Error("cannot unpack a scalar");
    if (!IsCopyableType(input.dtype())) return UnsupportedType(ctx, input.dtype());
    ASSIGN_OR_RETURN(int axis, CanonicalAxis(ctx, axis_, in.rank()));
    if (in.dim(axis) != num_) {
      return ctx.Error(absl::StrCat("input ", in.DebugString(), " has ", in.dim(axis),
                                    " entries along axis ", axis, " but num is ", num_));
    }
    if (ctx.num_outputs() != num_) {
      return ctx.Error(absl::StrCat("has ", ctx.num_outputs(), " outputs but num is ", num_));
    }
    std::vector<int64_t> dims = in.dims();
    dims.erase(dims.begin() + axis);
    const TensorShape out_shape(dims);
    const int64_t outer = DimProduct(in, 0, axis);
    const int64_t inner = DimProduct(in, axis + 1, in.rank());
    for (int i = 0; i < num_; ++i) {
      ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, i, input.dtype(), out_shape));
      if (inner == 0) continue;
      for (int64_t o = 0; o < outer; ++o) {
        CopyElements(input, (o * num_ + i) * inner, *out, o * inner, inner);
      }
    }
    return absl::OkStatus();
  }

 private:
  const int64_t num_;
  const int64_t axis_;
};

SS_REGISTER_KERNEL("Unpack", kReference, CreateKernel<UnpackKernel>);

}  // namespace
}  // namespace savedserve
