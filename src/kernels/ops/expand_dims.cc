// ExpandDims: inserts a size-1 dimension at `dim` (in [-rank-1, rank]; negative counts from
// the end, so -1 appends). Zero-copy: the output shares the input's buffer.
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class ExpandDimsKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::make_unique<ExpandDimsKernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor dim_tensor, ctx.input(1));
    ASSIGN_OR_RETURN(int64_t dim,
                     ReadIndexScalar(ctx, dim_tensor, "dim", /*allow_one_element=*/true));
    const int rank = input.shape().rank();
    if (dim < -rank - 1 || dim > rank) {
      return ctx.Error(absl::StrCat("dim ", dim, " is out of range [", -rank - 1, ", ", rank,
                                    "] for an input of rank ", rank));
    }
    std::vector<int64_t> dims = input.shape().dims();
    dims.insert(dims.begin() + (dim < 0 ? dim + rank + 1 : dim), 1);
    ASSIGN_OR_RETURN(TensorShape shape, MakeShape(ctx, dims));  // rank limit
    ctx.set_output(0, input.Reshaped(std::move(shape)));
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("ExpandDims", kReference, CreateKernel<ExpandDimsKernel>);

}  // namespace
}  // namespace savedserve
