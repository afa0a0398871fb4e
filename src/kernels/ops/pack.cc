// Pack (tf.stack): N tensors of one shape stacked along a new dimension `axis` (in
// [-(rank+1), rank]; negative counts from the end of the output). Any dtype.
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class PackKernel : public OpKernel {
 public:
  explicit PackKernel(int64_t axis) : axis_(axis) {}

  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(int64_t axis, c.GetAttrOr<int64_t>("axis", 0));
    if (c.num_inputs() < 1) return c.Error("needs at least one input");
    return std::make_unique<PackKernel>(axis);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    const int n = ctx.num_inputs();
    std::vector<Tensor> values;
    for (int i = 0; i < n; ++i) {
      ASSIGN_OR_RETURN(Tensor v, ctx.input(i));
      values.push_back(std::move(v));
    }
    const Tensor& first = values[0];
    if (!IsCopyableType(first.dtype())) return UnsupportedType(ctx, first.dtype());
    for (int i = 1; i < n; ++i) {
      if (values[i].dtype() != first.dtype() || values[i].shape() != first.shape()) {
        return ctx.Error(absl::StrCat("input ", i, " is ", DataTypeName(values[i].dtype()), " ",
                                      values[i].shape().DebugString(), " but input 0 is ",
                                      DataTypeName(first.dtype()), " ", first.shape().DebugString(),
                                      "; stacked tensors must match"));
      }
    }
    const int out_rank = first.shape().rank() + 1;
    ASSIGN_OR_RETURN(int axis, CanonicalAxis(ctx, axis_, out_rank));
    std::vector<int64_t> dims = first.shape().dims();
    dims.insert(dims.begin() + axis, n);
    ASSIGN_OR_RETURN(TensorShape out_shape, MakeShape(ctx, dims));
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, first.dtype(), out_shape));
    if (out->num_elements() == 0) return absl::OkStatus();
    const int64_t outer = DimProduct(first.shape(), 0, axis);
    const int64_t inner = first.num_elements() / outer;
    for (int64_t o = 0; o < outer; ++o) {
      for (int i = 0; i < n; ++i) {
        CopyElements(values[i], o * inner, *out, (o * n + i) * inner, inner);
      }
    }
    return absl::OkStatus();
  }

 private:
  const int64_t axis_;
};

SS_REGISTER_KERNEL("Pack", kReference, CreateKernel<PackKernel>);

}  // namespace
}  // namespace savedserve
