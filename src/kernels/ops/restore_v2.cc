// RestoreV2: reads tensors by name from a V2 checkpoint (tensor bundle) at `prefix`. This
// is how a SavedModel's variables are loaded: the loader feeds the variables prefix and runs
// the saver's restore op, whose Assign / AssignVariableOp nodes consume these outputs.
// Partial-slice restores (non-empty shape_and_slices) are not supported.
#include "base/status.h"
#include "format/tensor_bundle.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

absl::StatusOr<std::string> ScalarString(const KernelContext& ctx, int i, const char* what) {
  ASSIGN_OR_RETURN(Tensor t, ctx.input(i));
  if (t.dtype() != tensorflow::DT_STRING || t.num_elements() != 1) {
    return ctx.Error(absl::StrCat(what, " must be a string scalar"));
  }
  return t.data<std::string>()[0];
}

class RestoreV2Kernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(std::vector<DataType> dtypes, c.GetAttr<std::vector<DataType>>("dtypes"));
    return std::unique_ptr<OpKernel>(new RestoreV2Kernel(std::move(dtypes)));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(std::string prefix, ScalarString(ctx, 0, "prefix"));
    ASSIGN_OR_RETURN(Tensor names, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor slices, ctx.input(2));
    const int64_t n = static_cast<int64_t>(dtypes_.size());
    if (names.dtype() != tensorflow::DT_STRING || names.num_elements() != n ||
        slices.dtype() != tensorflow::DT_STRING || slices.num_elements() != n) {
      return ctx.Error(absl::StrCat("tensor_names and shape_and_slices must hold ", n,
                                    " strings, one per dtype"));
    }
    BundleReader::Options options;
    options.map_tensors = true;  // weights stay in the page cache until kernels pack them
    ASSIGN_OR_RETURN(std::unique_ptr<BundleReader> reader, BundleReader::Open(prefix, options));
    for (int64_t i = 0; i < n; ++i) {
      const std::string& name = names.data<std::string>()[i];
      if (!slices.data<std::string>()[i].empty()) {
        return absl::UnimplementedError(absl::StrCat("RestoreV2 '", ctx.node().name(),
                                                     "': restoring a slice of '", name,
                                                     "' is not supported"));
      }
      ASSIGN_OR_RETURN(Tensor value, reader->Lookup(name));
      if (value.dtype() != dtypes_[i]) {
        return ctx.Error(absl::StrCat("checkpoint tensor '", name, "' is ",
                                      DataTypeName(value.dtype()), ", expected ",
                                      DataTypeName(dtypes_[i])));
      }
      ctx.set_output(static_cast<int>(i), std::move(value));
    }
    return absl::OkStatus();
  }

 private:
  explicit RestoreV2Kernel(std::vector<DataType> dtypes) : dtypes_(std::move(dtypes)) {}
  const std::vector<DataType> dtypes_;
};

SS_REGISTER_KERNEL("RestoreV2", kReference, CreateKernel<RestoreV2Kernel>);

}  // namespace
}  // namespace savedserve
