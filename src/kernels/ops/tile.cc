// Tile: `input` repeated multiples[d] times along each dimension d (output dim d is
// dim(d) * multiples[d]). Any dtype.
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class TileKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::make_unique<TileKernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor multiples_tensor, ctx.input(1));
    if (!IsCopyableType(input.dtype())) return UnsupportedType(ctx, input.dtype());
    ASSIGN_OR_RETURN(std::vector<int64_t> multiples,
                     ReadIndexVector(ctx, multiples_tensor, "multiples"));
    const TensorShape& in = input.shape();
    if (static_cast<int64_t>(multiples.size()) != in.rank()) {
      return ctx.Error(absl::StrCat("multiples has ", multiples.size(), " entries but the input ",
                                    in.DebugString(), " has rank ", in.rank()));
    }
    std::vector<int64_t> dims(in.rank());
    for (int d = 0; d < in.rank(); ++d) {
      if (multiples[d] < 0) {
        return ctx.Error(absl::StrCat("multiples[", d, "] = ", multiples[d], " is negative"));
      }
      if (__builtin_mul_overflow(in.dim(d), multiples[d], &dims[d])) {
        return ctx.Error(absl::StrCat("dimension ", d, " of ", in.DebugString(), " times ",
                                      multiples[d], " overflows int64"));
      }
    }
    ASSIGN_OR_RETURN(TensorShape out_shape, MakeShape(ctx, dims));
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, input.dtype(), std::move(out_shape)));
    if (out->num_elements() == 0) return absl::OkStatus();
    if (in.rank() == 0) {
      CopyElements(input, 0, *out, 0, 1);
      return absl::OkStatus();
    }
    TileRows(input, *out);
    return absl::OkStatus();
  }

 private:
  // Each output row (last dimension) is its source input row repeated.
  static void TileRows(const Tensor& input, Tensor& out) {
    const TensorShape& in = input.shape();
    const int last = in.rank() - 1;
    const std::vector<int64_t> in_strides = RowMajorStrides(in);
    const int64_t in_row = in.dim(last);
    const int64_t out_row = out.shape().dim(last);
    const int64_t rows = out.num_elements() / out_row;
    std::vector<int64_t> index(last, 0);  // output row index
    for (int64_t row = 0; row < rows; ++row) {
      int64_t src = 0;
      for (int d = 0; d < last; ++d) src += (index[d] % in.dim(d)) * in_strides[d];
      for (int64_t at = 0; at < out_row; at += in_row) {
        CopyElements(input, src, out, row * out_row + at, in_row);
      }
      for (int d = last - 1; d >= 0; --d) {
        if (++index[d] < out.shape().dim(d)) break;
        index[d] = 0;
      }
    }
  }
};

SS_REGISTER_KERNEL("Tile", kReference, CreateKernel<TileKernel>);

}  // namespace
}  // namespace savedserve
