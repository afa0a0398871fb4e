// MatrixBandPart (tf.linalg.band_part): each innermost [M, N] matrix of the input with the
// entries outside a band set to zero: entry (m, n) is kept when (num_lower < 0 or
// m - n <= num_lower) and (num_upper < 0 or n - m <= num_upper). A negative count keeps
// that whole triangle. Every fixed-size dtype; num_lower/num_upper int32 or int64 scalars.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class MatrixBandPartKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::make_unique<MatrixBandPartKernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor lower_tensor, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor upper_tensor, ctx.input(2));
    if (IsStringLike(input.dtype()) || !IsCopyableType(input.dtype())) {
      return UnsupportedType(ctx, input.dtype());
    }
    const TensorShape& shape = input.shape();
    if (shape.rank() < 2) {
      return ctx.Error(
          absl::StrCat("input must be at least 2-dim, received shape: ", shape.DebugString()));
    }
    ASSIGN_OR_RETURN(int64_t lower, ReadIndexScalar(ctx, lower_tensor, "num_lower"));
    ASSIGN_OR_RETURN(int64_t upper, ReadIndexScalar(ctx, upper_tensor, "num_upper"));
    const int64_t rows = shape.dim(shape.rank() - 2), cols = shape.dim(shape.rank() - 1);
    if (lower > rows) {
      return ctx.Error(
          absl::StrCat("num_lower must be negative or less or equal to number of "
                       "rows (",
                       rows, ") got: ", lower));
    }
    if (upper > cols) {
      return ctx.Error(
          absl::StrCat("num_upper must be negative or less or equal to number of "
                       "columns (",
                       cols, ") got: ", upper));
    }
    if ((lower < 0 || lower >= rows - 1) && (upper < 0 || upper >= cols - 1)) {
      ctx.set_output(0, input);  // the band is the whole matrix
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, input.dtype(), shape));
    const int64_t matrices = rows * cols == 0 ? 0 : input.num_elements() / (rows * cols);
    for (int64_t b = 0; b < matrices; ++b) {
      for (int64_t m = 0; m < rows; ++m) {
        const int64_t begin = lower < 0 ? 0 : std::max<int64_t>(0, m - lower);
        const int64_t end = upper < 0 ? cols : std::min(cols, m + upper + 1);
        const int64_t at = (b * rows + m) * cols + begin;
        CopyElements(input, at, *out, at, end - begin);
      }
    }
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("MatrixBandPart", kReference, CreateKernel<MatrixBandPartKernel>);

}  // namespace
}  // namespace savedserve
