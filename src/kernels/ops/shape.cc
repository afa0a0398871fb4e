// Shape: the input's dimensions as a vector of `out_type` (int32, the default, or int64).
#include <limits>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class ShapeKernel : public OpKernel {
 public:
  explicit ShapeKernel(DataType out_type) : out_type_(out_type) {}

  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(DataType out_type, c.GetAttrOr<DataType>("out_type", tensorflow::DT_INT32));
    if (out_type != tensorflow::DT_INT32 && out_type != tensorflow::DT_INT64) {
      return c.Error(absl::StrCat("out_type must be int32 or int64, got ", DataTypeName(out_type)));
    }
    return std::make_unique<ShapeKernel>(out_type);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    const TensorShape& shape = input.shape();
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, out_type_, TensorShape{shape.rank()}));
    for (int i = 0; i < shape.rank(); ++i) {
      if (out_type_ == tensorflow::DT_INT64) {
        out->data<int64_t>()[i] = shape.dim(i);
      } else if (shape.dim(i) > std::numeric_limits<int32_t>::max()) {
        return ctx.Error(absl::StrCat("dimension ", i, " of shape ", shape.DebugString(),
                                      " does not fit in int32; use out_type int64"));
      } else {
        out->data<int32_t>()[i] = static_cast<int32_t>(shape.dim(i));
      }
    }
    return absl::OkStatus();
  }

 private:
  const DataType out_type_;
};

SS_REGISTER_KERNEL("Shape", kReference, CreateKernel<ShapeKernel>);

}  // namespace
}  // namespace savedserve
