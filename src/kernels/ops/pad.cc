// Pad and PadV2: `input` surrounded by paddings[d][0] elements before and paddings[d][1]
// after along each dimension d, filled with zero (Pad) or `constant_values` (PadV2). Any
// dtype (strings pad with "" or the given string).
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {

namespace {

// Copies all of `in` into `out` at offset `before` (per dimension), row by row. A row
// spans the last padded dimension and the unpadded ones after it (contiguous in both), so
// padding an image [h, w, 3] copies rows of w * 3 elements, not 3.
void CopyIntoWindow(const Tensor& in, const std::vector<int64_t>& before, Tensor& out) {
  if (in.num_elements() == 0) return;
  const int rank = in.shape().rank();
  if (rank == 0) {
    CopyElements(in, 0, out, 0, 1);
    return;
  }
  int inner = rank - 1;  // dimensions after `inner` have no padding
  while (inner > 0 && in.shape().dim(inner) == out.shape().dim(inner)) --inner;
  const std::vector<int64_t> out_strides = RowMajorStrides(out.shape());
  const int64_t row_length = DimProduct(in.shape(), inner, rank);
  const int64_t rows = in.num_elements() / row_length;
  std::vector<int64_t> index(inner, 0);
  for (int64_t row = 0; row < rows; ++row) {
    int64_t dst = before[inner] * out_strides[inner];
    for (int d = 0; d < inner; ++d) dst += (index[d] + before[d]) * out_strides[d];
    CopyElements(in, row * row_length, out, dst, row_length);
    for (int d = inner - 1; d >= 0; --d) {
      if (++index[d] < in.shape().dim(d)) break;
      index[d] = 0;
    }
  }
}

class PadKernel : public OpKernel {
 public:
  explicit PadKernel(bool has_constant) : has_constant_(has_constant) {}

  template <bool kHasConstant>
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::make_unique<PadKernel>(kHasConstant);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor paddings, ctx.input(1));
    if (!IsCopyableType(input.dtype())) return UnsupportedType(ctx, input.dtype());
    std::vector<int64_t> before;
    ASSIGN_OR_RETURN(std::vector<int64_t> dims, ReadPaddings(ctx, input, paddings, before));
    ASSIGN_OR_RETURN(TensorShape out_shape, MakeShape(ctx, dims));
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, input.dtype(), std::move(out_shape)));
    if (has_constant_) {
      ASSIGN_OR_RETURN(Tensor value, ctx.input(2));
      if (value.num_elements() != 1 || value.dtype() != input.dtype()) {
        return ctx.Error(absl::StrCat("constant_values must be one ", DataTypeName(input.dtype()),
                                      ", got ", DataTypeName(value.dtype()), " ",
                                      value.shape().DebugString()));
      }
      FillElements(value, 0, *out, 0, out->num_elements());
    }  // else: new tensors are zero (or "") already
    CopyIntoWindow(input, before, *out);
    return absl::OkStatus();
  }

 private:
  const bool has_constant_;
};

SS_REGISTER_KERNEL("Pad", kReference, PadKernel::Create<false>);
SS_REGISTER_KERNEL("PadV2", kReference, PadKernel::Create<true>);

}  // namespace
}  // namespace savedserve
