// _ToNChw16c and _FromNChw16c (see ops/blocked_layout.h) as oneDNN reorders: JIT, split
// over the session's threads.
#include <memory>

#include "base/status.h"
#include "kernels/cpu/onednn_util.h"
#include "kernels/ops/blocked_layout.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class OneDnnLayoutKernel final : public LayoutConversionKernel {
 public:
  using LayoutConversionKernel::LayoutConversionKernel;

 private:
  absl::Status Convert(KernelContext& ctx, const Tensor& in, const TensorShape& nhwc,
                       Tensor* out) const override {
    onednn::UseThreads(ctx.thread_pool(), 2.0 * nhwc.num_elements());
    absl::Status status = onednn::ReorderActivations(in, to_blocked(), out);
    return status.ok() ? status : ctx.Error(status.message());
  }
};

SS_REGISTER_KERNEL(kToBlockedOp, kOptimized, CreateLayoutKernel<OneDnnLayoutKernel, true>);
SS_REGISTER_KERNEL(kFromBlockedOp, kOptimized, CreateLayoutKernel<OneDnnLayoutKernel, false>);

}  // namespace
}  // namespace savedserve
