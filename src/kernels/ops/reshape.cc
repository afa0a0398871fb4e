// Reshape: the input's elements under a new shape (zero-copy: the output shares the
// input's buffer). One entry of `shape` may be -1, inferred from the element count.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class ReshapeKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::make_unique<ReshapeKernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor shape_tensor, ctx.input(1));
    if (shape_tensor.shape().rank() > 1) {
      return ctx.Error(
          absl::StrCat("shape must be a vector, got shape ", shape_tensor.shape().DebugString()));
    }
    ASSIGN_OR_RETURN(std::vector<int64_t> dims, ReadIndexValues(ctx, shape_tensor, "shape"));
    RETURN_IF_ERROR(InferDims(ctx, input.shape(), dims));
    ASSIGN_OR_RETURN(TensorShape out_shape, MakeShape(ctx, dims));
    if (out_shape.num_elements() != input.num_elements()) {
      return ctx.Error(absl::StrCat("cannot reshape a tensor with ", input.num_elements(),
                                    " elements (shape ", input.shape().DebugString(), ") to shape ",
                                    out_shape.DebugString(), " (", out_shape.num_elements(),
                                    " elements)"));
    }
    ctx.set_output(0, input.Reshaped(std::move(out_shape)));
    return absl::OkStatus();
  }

 private:
  // Replaces a -1 in `dims` by the size that keeps the element count, as TF does: when
  // `dims` has a zero, zero dims are left out of both products, so [0, -1] on a [0, 2]
  // input gives [0, 2]; otherwise [-1] on [0, 3] gives [0].
  static absl::Status InferDims(const KernelContext& ctx, const TensorShape& in,
                                std::vector<int64_t>& dims) {
    const std::string requested = absl::StrCat("[", absl::StrJoin(dims, ","), "]");
    int unknown = -1;
    int64_t known_product = 1;
    bool dims_have_zero = false;
    for (size_t i = 0; i < dims.size(); ++i) {
      if (dims[i] == -1) {
        if (unknown >= 0) {
          return ctx.Error(absl::StrCat("only one dimension of shape ", requested,
                                        " may be -1, but dimensions ", unknown, " and ", i,
                                        " are"));
        }
        unknown = static_cast<int>(i);
      } else if (dims[i] < 0) {
        return ctx.Error(absl::StrCat("shape ", requested, " has negative dimension ", i));
      } else if (dims[i] == 0) {
        dims_have_zero = true;
      } else if (__builtin_mul_overflow(known_product, dims[i], &known_product)) {
        return ctx.Error(absl::StrCat("cannot reshape a tensor of shape ", in.DebugString(),
                                      " to shape ", requested, ": too many elements"));
      }
    }
    if (unknown < 0) return absl::OkStatus();
    int64_t in_product = 1;
    bool in_has_zero = false;
    for (int64_t d : in.dims()) {
      if (d == 0 && dims_have_zero) {
        in_has_zero = true;
      } else if (__builtin_mul_overflow(in_product, d, &in_product)) {
        // Only an empty input's non-zero dims can overflow: no size fits both.
        return ctx.Error(absl::StrCat("cannot infer the -1 in shape ", requested,
                                      " for an input of shape ", in.DebugString()));
      }
    }
    const int64_t missing = in_product / known_product;
    if (!in_has_zero && missing * known_product != in_product) {
      return ctx.Error(absl::StrCat("cannot reshape a tensor with ", in.num_elements(),
                                    " elements (shape ", in.DebugString(), ") to shape ", requested,
                                    ": ", in.num_elements(), " is not a multiple of ",
                                    known_product));
    }
    dims[unknown] = missing;
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("Reshape", kReference, CreateKernel<ReshapeKernel>);

}  // namespace
}  // namespace savedserve
