// MaxPool, reference kernel. See pooling.h for the semantics.
#include <memory>

#include "base/status.h"
#include "kernels/ops/pooling.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class ReferencePoolKernel : public OpKernel {
 public:
  explicit ReferencePoolKernel(PoolSpec spec) : spec_(spec) {}

  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c,
                                                          bool average) {
    ASSIGN_OR_RETURN(PoolSpec spec, PoolSpec::Parse(c, average));
    return std::unique_ptr<OpKernel>(new ReferencePoolKernel(spec));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    if (input.dtype() != tensorflow::DT_FLOAT) return ctx.Error("input must be float32");
    auto g = spec_.Geometry(input.shape());
    if (!g.ok()) return ctx.Error(g.status().message());
    Tensor* output = ctx.allocate_output(0, tensorflow::DT_FLOAT, g->output_shape());
    if (output->num_elements() == 0) return absl::OkStatus();
    if (spec_.average) {
      ReferenceAvgPoolCore(*g, input.data<float>(), output->data<float>(), ctx.thread_pool());
    } else {
      ReferenceMaxPoolCore(*g, input.data<float>(), output->data<float>(), ctx.thread_pool());
    }
    return absl::OkStatus();
  }

 private:
  const PoolSpec spec_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<OpKernel>> CreateReferencePoolKernel(const KernelConstruction& c,
                                                                    bool average) {
  return ReferencePoolKernel::Create(c, average);
}

SS_REGISTER_KERNEL("MaxPool", kReference, [](const KernelConstruction& c) {
  return ReferencePoolKernel::Create(c, false);
});

}  // namespace savedserve
