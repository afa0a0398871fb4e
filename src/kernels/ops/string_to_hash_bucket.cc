// StringToHashBucketFast: Fingerprint64(s) % num_buckets for each string (int64 output, the
// input's shape), as TensorFlow's feature columns hash categorical strings.
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/fingerprint.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class StringToHashBucketFastKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(int64_t num_buckets, c.GetAttr<int64_t>("num_buckets"));
    if (num_buckets < 1) return c.Error("num_buckets must be at least 1");
    return std::unique_ptr<OpKernel>(new StringToHashBucketFastKernel(num_buckets));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    if (input.dtype() != tensorflow::DT_STRING) return ctx.Error("input must be strings");
    Tensor* out = ctx.allocate_output_for_overwrite(0, tensorflow::DT_INT64, input.shape());
    const std::string* in = input.data<std::string>();
    int64_t* buckets = out->data<int64_t>();
    for (int64_t i = 0; i < input.num_elements(); ++i) {
      buckets[i] = static_cast<int64_t>(Fingerprint64(in[i]) % num_buckets_);
    }
    return absl::OkStatus();
  }

 private:
  explicit StringToHashBucketFastKernel(int64_t num_buckets)
      : num_buckets_(static_cast<uint64_t>(num_buckets)) {}
  const uint64_t num_buckets_;
};

SS_REGISTER_KERNEL("StringToHashBucketFast", kReference,
                   CreateKernel<StringToHashBucketFastKernel>);

}  // namespace
}  // namespace savedserve
