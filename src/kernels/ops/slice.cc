// Slice: the block of `input` starting at `begin` with extent `size` (size[i] == -1 means
// "to the end of dimension i"). Any dtype; a slice covering the whole input shares its
// buffer.
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class SliceKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::make_unique<SliceKernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor begin_tensor, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor size_tensor, ctx.input(2));
    if (!IsCopyableType(input.dtype())) return UnsupportedType(ctx, input.dtype());
    ASSIGN_OR_RETURN(std::vector<int64_t> begin, ReadIndexVector(ctx, begin_tensor, "begin"));
    ASSIGN_OR_RETURN(std::vector<int64_t> size, ReadIndexVector(ctx, size_tensor, "size"));
    const TensorShape& in = input.shape();
    if (static_cast<int64_t>(begin.size()) != in.rank() ||
        static_cast<int64_t>(size.size()) != in.rank()) {
      return ctx.Error(
          absl::StrCat("begin and size must have one entry per dimension of the "
                       "input ",
                       in.DebugString(), ", got ", begin.size(), " and ", size.size()));
    }
    for (int d = 0; d < in.rank(); ++d) {
      const int64_t dim = in.dim(d);
      if (begin[d] < 0 || begin[d] > dim) {
        return ctx.Error(absl::StrCat("begin[", d, "] = ", begin[d], " is not in [0, ", dim,
                                      "] for input ", in.DebugString()));
      }
      if (size[d] == -1) size[d] = dim - begin[d];
      if (size[d] < 0 || size[d] > dim - begin[d]) {
        return ctx.Error(absl::StrCat("size[", d, "] = ", size[d], " is not in [0, ",
                                      dim - begin[d], "] for begin[", d, "] = ", begin[d],
                                      " and input ", in.DebugString()));
      }
    }
    TensorShape out_shape(size);
    if (out_shape == in) {
      ctx.set_output(0, input);
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, input.dtype(), std::move(out_shape)));
    CopyStridedWindow(input, begin, std::vector<int64_t>(in.rank(), 1), *out);
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("Slice", kReference, CreateKernel<SliceKernel>);

}  // namespace
}  // namespace savedserve
