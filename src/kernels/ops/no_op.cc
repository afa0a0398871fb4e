// NoOp: does nothing; graphs use it to group control dependencies (init ops, restore_all).
#include "kernels/registry.h"

namespace savedserve {
namespace {

class NoOpKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::unique_ptr<OpKernel>(new NoOpKernel);
  }
  absl::Status Compute(KernelContext& ctx) const override { return absl::OkStatus(); }
};

SS_REGISTER_KERNEL("NoOp", kReference, CreateKernel<NoOpKernel>);

}  // namespace
}  // namespace savedserve
