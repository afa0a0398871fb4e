// Bucketize: the index of each element's bucket among the sorted `boundaries` attribute
// (list(float)): the number of boundaries <= x, as int32 (TF's upper_bound). Feature
// columns write it for bucketized numeric features. Reference kernel for int32, int64, float
// and double; x is compared with each boundary as C++ compares the two types, as TF does.
// Unsorted boundaries are a load-time error.
#include <algorithm>
#include <memory>
#include <vector>

#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

template <typename T>
class BucketizeKernel : public OpKernel {
 public:
  BucketizeKernel(DataType dtype, std::vector<float> boundaries)
      : dtype_(dtype), boundaries_(std::move(boundaries)) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor x, ctx.input(0));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, x, dtype_));
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, tensorflow::DT_INT32, x.shape(),
                                                  /*for_overwrite=*/true));
    const int64_t n = x.num_elements();
    if (n == 0) return absl::OkStatus();
    const T* in = x.data<T>();
    int32_t* y = out->data<int32_t>();
    for (int64_t i = 0; i < n; ++i) {
      const auto bucket = std::upper_bound(boundaries_.begin(), boundaries_.end(), in[i],
                                           [](T v, float boundary) { return v < boundary; });
      y[i] = static_cast<int32_t>(bucket - boundaries_.begin());
    }
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return shapes.empty() ? 0 : shapes[0].num_elements();
  }

 private:
  DataType dtype_;
  std::vector<float> boundaries_;
};

using BucketizeTypes = TypeList<int32_t, int64_t, float, double>;

absl::StatusOr<std::unique_ptr<OpKernel>> CreateBucketizeKernel(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 1));
  ASSIGN_OR_RETURN(DataType dtype, ResolveTypeAttr(c, "T", {0}));
  ASSIGN_OR_RETURN(std::vector<float> boundaries, c.GetAttr<std::vector<float>>("boundaries"));
  if (!std::is_sorted(boundaries.begin(), boundaries.end())) {
    return c.Error("Expected sorted boundaries");
  }
  std::unique_ptr<OpKernel> kernel;
  VisitDType<BucketizeTypes>(dtype, [&](auto tag) {
    kernel = std::make_unique<BucketizeKernel<typename decltype(tag)::type>>(dtype, boundaries);
  });
  if (kernel == nullptr) return c.Error(UnsupportedDTypeMessage<BucketizeTypes>(dtype));
  return kernel;
}

SS_REGISTER_KERNEL("Bucketize", kReference, CreateBucketizeKernel);

}  // namespace
}  // namespace savedserve
