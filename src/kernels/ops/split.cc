// Split and SplitV (tf.split): the input cut along one dimension into `num_split` outputs.
// Split (split_dim first, then value) cuts into equal pieces; SplitV takes the piece sizes,
// one of which may be -1 (the rest of the dimension). Any dtype.
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// Writes output i = the `sizes[i]` entries of `input` along `axis` that follow the
// previous outputs' entries. REQUIRES: the sizes are non-negative and add up to the dim.
absl::Status CutAlong(KernelContext& ctx, const Tensor& input, int axis,
                      const std::vector<int64_t>& sizes) {
  if (sizes.size() == 1) {  // one piece: the input itself
    ctx.set_output(0, input);
    return absl::OkStatus();
  }
  const TensorShape& in = input.shape();
  const int64_t outer = DimProduct(in, 0, axis);
  const int64_t inner = DimProduct(in, axis + 1, in.rank());
  int64_t offset = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    std::vector<int64_t> dims = in.dims();
    dims[axis] = sizes[i];
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, static_cast<int>(i), input.dtype(),
                                                  TensorShape(std::move(dims)),
                                                  /*for_overwrite=*/true));
    const int64_t run = sizes[i] * inner;
    for (int64_t o = 0; o < outer && run > 0; ++o) {
      CopyElements(input, (o * in.dim(axis) + offset) * inner, *out, o * run, run);
    }
    offset += sizes[i];
  }
  return absl::OkStatus();
}

// The input and its canonical split axis, checked against the node's outputs.
absl::StatusOr<int> SplitAxis(const KernelContext& ctx, const Tensor& input,
                              const Tensor& split_dim, int64_t num_split) {
  if (!IsCopyableType(input.dtype())) return UnsupportedType(ctx, input.dtype());
  if (input.shape().rank() == 0) return ctx.Error("cannot split a scalar");
  if (ctx.num_outputs() != num_split) {
    return ctx.Error(
        absl::StrCat("has ", ctx.num_outputs(), " outputs but num_split is ", num_split));
  }
  ASSIGN_OR_RETURN(int64_t axis, ReadIndexScalar(ctx, split_dim, "split_dim"));
  return CanonicalAxis(ctx, axis, input.shape().rank(), "split_dim");
}

// Split (split_dim, value) when !kSizes; SplitV (value, size_splits, split_dim) when kSizes.
class SplitKernel : public OpKernel {
 public:
  SplitKernel(bool sizes, int64_t num_split) : sizes_(sizes), num_split_(num_split) {}

  template <bool kSizes>
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(int64_t num_split, c.GetAttr<int64_t>("num_split"));
    if (num_split < 1) return c.Error(absl::StrCat("num_split must be >= 1, got ", num_split));
    return std::make_unique<SplitKernel>(kSizes, num_split);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(sizes_ ? 0 : 1));
    ASSIGN_OR_RETURN(Tensor split_dim, ctx.input(sizes_ ? 2 : 0));
    ASSIGN_OR_RETURN(int axis, SplitAxis(ctx, input, split_dim, num_split_));
    const int64_t size = input.shape().dim(axis);
    if (!sizes_) {
      if (size % num_split_ != 0) {
        return ctx.Error(absl::StrCat(
            "Number of ways to split should evenly divide the split dimension, but got "
            "split_dim ",
            axis, " (size = ", size, ") and num_split ", num_split_));
      }
      return CutAlong(ctx, input, axis, std::vector<int64_t>(num_split_, size / num_split_));
    }
    ASSIGN_OR_RETURN(Tensor size_splits, ctx.input(1));
    ASSIGN_OR_RETURN(std::vector<int64_t> sizes, ReadIndexVector(ctx, size_splits, "size_splits"));
    RETURN_IF_ERROR(ResolveSizes(ctx, size, sizes));
    return CutAlong(ctx, input, axis, sizes);
  }

 private:
  // Replaces the -1 (if any) by the rest of `size`; checks the sizes add up to it.
  absl::Status ResolveSizes(const KernelContext& ctx, int64_t size,
                            std::vector<int64_t>& sizes) const {
    if (static_cast<int64_t>(sizes.size()) != num_split_) {
      return ctx.Error(
          absl::StrCat("size_splits has ", sizes.size(), " entries but num_split is ", num_split_));
    }
    int unknown = -1;
    int64_t known = 0;
    for (int i = 0; i < static_cast<int>(sizes.size()); ++i) {
      if (sizes[i] == -1) {
        if (unknown >= 0) return ctx.Error("There can only be one -1 in size_splits");
        unknown = i;
      } else if (sizes[i] < 0) {
        return ctx.Error(absl::StrCat("Split size at index ", i, " must be >= 0. Got: ", sizes[i]));
      } else if (__builtin_add_overflow(known, sizes[i], &known)) {
        return ctx.Error("size_splits overflow int64");
      }
    }
    if (unknown >= 0 ? known > size : known != size) {
      return ctx.Error(absl::StrCat("can't split axis of size ", size, " into pieces of size [",
                                    absl::StrJoin(sizes, ","), "]"));
    }
    if (unknown >= 0) sizes[unknown] = size - known;
    return absl::OkStatus();
  }

  const bool sizes_;
  const int64_t num_split_;
};

SS_REGISTER_KERNEL("Split", kReference, SplitKernel::Create<false>);
SS_REGISTER_KERNEL("SplitV", kReference, SplitKernel::Create<true>);

}  // namespace
}  // namespace savedserve
