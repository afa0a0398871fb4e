// Rank (the input's number of dimensions, an int32 scalar) and Size (its number of
// elements, an `out_type` scalar: int32, the default, or int64). Any dtype.
#include <limits>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class RankKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::make_unique<RankKernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ctx.set_output(0, Tensor::Scalar<int32_t>(input.shape().rank()));
    return absl::OkStatus();
  }
};

class SizeKernel : public OpKernel {
 public:
  explicit SizeKernel(DataType out_type) : out_type_(out_type) {}

  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(DataType out_type, c.GetAttrOr<DataType>("out_type", tensorflow::DT_INT32));
    if (out_type != tensorflow::DT_INT32 && out_type != tensorflow::DT_INT64) {
      return c.Error(absl::StrCat("out_type must be int32 or int64, got ", DataTypeName(out_type)));
    }
    return std::make_unique<SizeKernel>(out_type);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    const int64_t size = input.num_elements();
    if (out_type_ == tensorflow::DT_INT64) {
      ctx.set_output(0, Tensor::Scalar<int64_t>(size));
    } else if (size > std::numeric_limits<int32_t>::max()) {
      return ctx.Error(absl::StrCat("Number of elements of ", input.shape().DebugString(),
                                    " was larger than representable by 32-bit output type"));
    } else {
      ctx.set_output(0, Tensor::Scalar<int32_t>(static_cast<int32_t>(size)));
    }
    return absl::OkStatus();
  }

 private:
  const DataType out_type_;
};

SS_REGISTER_KERNEL("Rank", kReference, CreateKernel<RankKernel>);
SS_REGISTER_KERNEL("Size", kReference, CreateKernel<SizeKernel>);

}  // namespace
}  // namespace savedserve
