// Squeeze: removes size-1 dimensions (all of them, or those listed in `squeeze_dims`, which
// may be negative). Zero-copy: the output shares the input's buffer.
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class SqueezeKernel : public OpKernel {
 public:
  explicit SqueezeKernel(std::vector<int64_t> squeeze_dims)
      : squeeze_dims_(std::move(squeeze_dims)) {}

  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(std::vector<int64_t> dims,
                     c.GetAttrOr<std::vector<int64_t>>("squeeze_dims", {}));
    return std::make_unique<SqueezeKernel>(std::move(dims));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    const TensorShape& in = input.shape();
    std::vector<bool> remove(in.rank(), false);
    for (int64_t d : squeeze_dims_) {
      ASSIGN_OR_RETURN(int axis, CanonicalAxis(ctx, d, in.rank(), "squeeze dimension"));
      if (in.dim(axis) != 1) {
        return ctx.Error(absl::StrCat("cannot squeeze dimension ", d, " of shape ",
                                      in.DebugString(), ": its size is ", in.dim(axis), ", not 1"));
      }
      remove[axis] = true;
    }
    std::vector<int64_t> dims;
    for (int i = 0; i < in.rank(); ++i) {
      const bool drop = squeeze_dims_.empty() ? in.dim(i) == 1 : remove[i];
      if (!drop) dims.push_back(in.dim(i));
    }
    ctx.set_output(0, input.Reshaped(TensorShape(std::move(dims))));
    return absl::OkStatus();
  }

 private:
  const std::vector<int64_t> squeeze_dims_;
};

SS_REGISTER_KERNEL("Squeeze", kReference, CreateKernel<SqueezeKernel>);

}  // namespace
}  // namespace savedserve
