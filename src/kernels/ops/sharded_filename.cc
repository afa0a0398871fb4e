// ShardedFilename: "<basename>-<shard:05d>-of-<num_shards:05d>", the name of one shard of
// a sharded checkpoint.
#include "absl/strings/str_format.h"
#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

absl::StatusOr<int32_t> ScalarInt32(const KernelContext& ctx, int i) {
  ASSIGN_OR_RETURN(Tensor t, ctx.input(i));
  if (t.dtype() != tensorflow::DT_INT32 || t.num_elements() != 1) {
    return ctx.Error(absl::StrCat("input ", i, " must be an int32 scalar"));
  }
  return t.data<int32_t>()[0];
}

class ShardedFilenameKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    if (c.num_inputs() != 3) return c.Error("expects basename, shard and num_shards");
    return std::unique_ptr<OpKernel>(new ShardedFilenameKernel);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor basename, ctx.input(0));
    if (basename.dtype() != tensorflow::DT_STRING || basename.num_elements() != 1) {
      return ctx.Error("basename must be a string scalar");
    }
    ASSIGN_OR_RETURN(int32_t shard, ScalarInt32(ctx, 1));
    ASSIGN_OR_RETURN(int32_t num_shards, ScalarInt32(ctx, 2));
    Tensor* out = ctx.allocate_output(0, tensorflow::DT_STRING, TensorShape{});
    out->data<std::string>()[0] =
        absl::StrFormat("%s-%05d-of-%05d", basename.data<std::string>()[0], shard, num_shards);
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("ShardedFilename", kReference, CreateKernel<ShardedFilenameKernel>);

}  // namespace
}  // namespace savedserve
