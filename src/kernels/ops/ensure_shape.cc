// EnsureShape: passes its input through when its shape is compatible with the `shape`
// attribute (a partial shape: unknown rank, or -1 for unknown dims), and is an
// InvalidArgument naming both shapes otherwise. Any dtype.
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class EnsureShapeKernel : public OpKernel {
 public:
  explicit EnsureShapeKernel(PartialShape expected) : expected_(std::move(expected)) {}

  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(PartialShape shape, c.GetAttr<PartialShape>("shape"));
    return std::make_unique<EnsureShapeKernel>(std::move(shape));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    if (!expected_.IsCompatibleWith(input.shape())) {
      const std::string name = ctx.node().input_size() > 0 ? ctx.node().input(0) : "input";
      return ctx.Error(absl::StrCat("Shape of tensor ", name, " ", input.shape().DebugString(),
                                    " is not compatible with expected shape ",
                                    expected_.DebugString(), "."));
    }
    ctx.set_output(0, std::move(input));
    return absl::OkStatus();
  }

 private:
  const PartialShape expected_;
};

SS_REGISTER_KERNEL("EnsureShape", kReference, CreateKernel<EnsureShapeKernel>);

}  // namespace
}  // namespace savedserve
