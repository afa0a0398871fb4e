// ReduceJoin: joins strings across the given dimensions with `separator`. The dimensions
// are joined in the order listed: the first one varies fastest in each result
// (reduce_join([["a","b"],["c","d"]], [0, 1]) is "acbd"). No dimensions: the input.
#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class ReduceJoinKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(bool keep_dims, c.GetAttrOr<bool>("keep_dims", false));
    ASSIGN_OR_RETURN(std::string separator, c.GetAttrOr<std::string>("separator", ""));
    return std::unique_ptr<OpKernel>(new ReduceJoinKernel(keep_dims, std::move(separator)));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor indices, ctx.input(1));
    if (input.dtype() != tensorflow::DT_STRING || indices.dtype() != tensorflow::DT_INT32) {
      return ctx.Error("inputs must be strings and int32 reduction_indices");
    }
    const int rank = input.shape().rank();
    std::vector<int> axes;  // in the order given
    std::vector<bool> reduced(rank, false);
    for (int32_t axis : indices.flat<int32_t>()) {
      if (axis < -rank || axis >= rank) {
        return ctx.Error(absl::StrCat("Invalid reduction dimension ", axis, " for input with ",
                                      rank, " dimensions."));
      }
      if (axis < 0) axis += rank;
      if (reduced[axis]) return ctx.Error(absl::StrCat("Duplicate reduction dimension ", axis));
      reduced[axis] = true;
      axes.push_back(axis);
    }
    std::vector<int64_t> strides(rank, 1);
    for (int d = rank - 2; d >= 0; --d) strides[d] = strides[d + 1] * input.shape().dim(d + 1);
    std::vector<int> kept;
    std::vector<int64_t> out_dims;
    for (int d = 0; d < rank; ++d) {
      if (!reduced[d]) {
        kept.push_back(d);
        out_dims.push_back(input.shape().dim(d));
      } else if (keep_dims_) {
        out_dims.push_back(1);
      }
    }
    int64_t group = 1;
    for (int axis : axes) group *= input.shape().dim(axis);
    Tensor* out = ctx.allocate_output(0, tensorflow::DT_STRING, TensorShape(out_dims));
    const std::string* in = input.data<std::string>();
    for (int64_t o = 0; o < out->num_elements(); ++o) {
      int64_t base = 0, rest = o;  // the first input element of output o
      for (int k = static_cast<int>(kept.size()) - 1; k >= 0; --k) {
        const int64_t dim = input.shape().dim(kept[k]);
        base += (rest % dim) * strides[kept[k]];
        rest /= dim;
      }
      std::string joined;
      for (int64_t g = 0; g < group; ++g) {
        int64_t at = base, r = g;  // axes[0] varies fastest
        for (int axis : axes) {
          at += (r % input.shape().dim(axis)) * strides[axis];
          r /= input.shape().dim(axis);
        }
        if (g > 0) joined += separator_;
        joined += in[at];
      }
      out->data<std::string>()[o] = std::move(joined);
    }
    return absl::OkStatus();
  }

 private:
  ReduceJoinKernel(bool keep_dims, std::string separator)
      : keep_dims_(keep_dims), separator_(std::move(separator)) {}
  const bool keep_dims_;
  const std::string separator_;
};

SS_REGISTER_KERNEL("ReduceJoin", kReference, CreateKernel<ReduceJoinKernel>);

}  // namespace
}  // namespace savedserve
