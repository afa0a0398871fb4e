// ResourceGather: rows of a resource variable's value picked by `indices`, as GatherV2 of
// ReadVariableOp(resource) on axis `batch_dims` would give (what Keras' Embedding layer and
// tf.nn.embedding_lookup write for a resource variable). The variable is read at run time:
// the freeze pass leaves variables that only ResourceGathers read unmodified, and reading
// shares the value's buffer rather than copying it. `validate_indices` is ignored, as in
// TensorFlow's CPU kernel: out-of-range indices are always errors. Any dtype.
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/gather_v2.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class ResourceGatherKernel : public OpKernel {
 public:
  ResourceGatherKernel(DataType dtype, int64_t batch_dims)
      : dtype_(dtype), batch_dims_(batch_dims) {}

  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(DataType dtype, c.GetAttr<DataType>("dtype"));
    ASSIGN_OR_RETURN(int64_t batch_dims, c.GetAttrOr<int64_t>("batch_dims", 0));
    return std::make_unique<ResourceGatherKernel>(dtype, batch_dims);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    const std::shared_ptr<Variable>& variable = ctx.input_value(0).variable;
    if (variable == nullptr) return ctx.Error("input 0 must be a variable handle");
    ASSIGN_OR_RETURN(Tensor params, variable->Read());
    if (params.dtype() != dtype_) {
      return ctx.Error(absl::StrCat("variable ", variable->name(), " holds ",
                                    DataTypeName(params.dtype()), ", expected ",
                                    DataTypeName(dtype_)));
    }
    ASSIGN_OR_RETURN(Tensor indices, ctx.input(1));
    // The gathered axis is the first after the batch dimensions.
    const int64_t rank = indices.shape().rank();
    const int64_t axis = batch_dims_ < 0 ? batch_dims_ + rank : batch_dims_;
    return GatherInto(ctx, params, indices, axis, batch_dims_);
  }

 private:
  const DataType dtype_;
  const int64_t batch_dims_;
};

SS_REGISTER_KERNEL("ResourceGather", kReference, CreateKernel<ResourceGatherKernel>);

}  // namespace
}  // namespace savedserve
