// OneHot: for indices of shape S, a tensor of S with a dimension of size `depth` inserted at
// `axis` (-1: last), holding on_value where the position along it equals the index and
// off_value elsewhere. Indices outside [0, depth) give rows of off_value, as in TensorFlow.
// T: any dtype; indices (TI): uint8, int8, int32 or int64.
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

using OneHotIndexTypes = TypeList<uint8_t, int8_t, int32_t, int64_t>;

absl::Status CheckScalar(const KernelContext& ctx, const Tensor& t, absl::string_view what) {
  if (t.shape().rank() == 0) return absl::OkStatus();
  return ctx.Error(absl::StrCat(what, " must be a scalar, but got: ", t.shape().DebugString()));
}

class OneHotKernel : public OpKernel {
 public:
  explicit OneHotKernel(int64_t axis) : axis_(axis) {}

  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(int64_t axis, c.GetAttrOr<int64_t>("axis", -1));
    if (axis < -1) return c.Error(absl::StrCat("axis must be >= -1, got ", axis));
    return std::make_unique<OneHotKernel>(axis);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor indices, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor depth_tensor, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor on, ctx.input(2));
    ASSIGN_OR_RETURN(Tensor off, ctx.input(3));
    RETURN_IF_ERROR(CheckScalar(ctx, depth_tensor, "depth"));
    RETURN_IF_ERROR(CheckScalar(ctx, on, "on_value"));
    RETURN_IF_ERROR(CheckScalar(ctx, off, "off_value"));
    RETURN_IF_ERROR(CheckInputType(ctx, 1, depth_tensor, tensorflow::DT_INT32));
    if (on.dtype() != off.dtype()) {
      return ctx.Error(absl::StrCat("on_value is ", DataTypeName(on.dtype()), " but off_value is ",
                                    DataTypeName(off.dtype())));
    }
    if (!IsCopyableType(on.dtype())) return UnsupportedType(ctx, on.dtype());
    const int64_t depth = depth_tensor.data<int32_t>()[0];
    if (depth < 0) return ctx.Error(absl::StrCat("depth must be non-negative, got: ", depth));
    const TensorShape& in = indices.shape();
    if (axis_ > in.rank()) {
      return ctx.Error(absl::StrCat("Expected axis to be -1 or between [0, ", in.rank() + 1,
                                    ").  But received: ", axis_));
    }
    const int axis = axis_ == -1 ? in.rank() : static_cast<int>(axis_);
    ASSIGN_OR_RETURN(std::vector<int64_t> values, ReadIndices(ctx, indices));
    std::vector<int64_t> dims = in.dims();
    dims.insert(dims.begin() + axis, depth);
    ASSIGN_OR_RETURN(TensorShape out_shape, MakeShape(ctx, dims));
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, on.dtype(), std::move(out_shape),
                                                  /*for_overwrite=*/true));
    if (out->num_elements() == 0) return absl::OkStatus();
    FillElements(off, 0, *out, 0, out->num_elements());
    const int64_t suffix = DimProduct(in, axis, in.rank());
    for (int64_t i = 0; i < static_cast<int64_t>(values.size()); ++i) {
      if (values[i] < 0 || values[i] >= depth) continue;
      const int64_t prefix = i / suffix, s = i % suffix;
      CopyElements(on, 0, *out, (prefix * depth + values[i]) * suffix + s, 1);
    }
    return absl::OkStatus();
  }

 private:
  static absl::StatusOr<std::vector<int64_t>> ReadIndices(const KernelContext& ctx,
                                                          const Tensor& indices) {
    std::vector<int64_t> values;
    const bool ok = VisitDType<OneHotIndexTypes>(indices.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      values.assign(indices.data<T>(), indices.data<T>() + indices.num_elements());
    });
    if (!ok) {
      return ctx.Error(
          absl::StrCat("indices: ", UnsupportedDTypeMessage<OneHotIndexTypes>(indices.dtype())));
    }
    return values;
  }

  const int64_t axis_;
};

SS_REGISTER_KERNEL("OneHot", kReference, CreateKernel<OneHotKernel>);

}  // namespace
}  // namespace savedserve
