// MirrorPad: pads by mirroring the input at its edges. mode REFLECT leaves the edge
// element out of the mirror ([1,2,3] padded by 2 -> [3,2,1,2,3,2,1]); SYMMETRIC repeats it
// ([2,1,1,2,3,3,2]). Paddings must be < dim (REFLECT) or <= dim (SYMMETRIC). Any dtype.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class MirrorPadKernel : public OpKernel {
 public:
  explicit MirrorPadKernel(int64_t edge) : edge_(edge) {}

  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(std::string mode, c.GetAttr<std::string>("mode"));
    if (mode != "REFLECT" && mode != "SYMMETRIC") {
      return c.Error(absl::StrCat("mode must be REFLECT or SYMMETRIC, got '", mode, "'"));
    }
    return std::make_unique<MirrorPadKernel>(mode == "REFLECT" ? 1 : 0);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor paddings, ctx.input(1));
    if (!IsCopyableType(input.dtype())) return UnsupportedType(ctx, input.dtype());
    std::vector<int64_t> before;
    ASSIGN_OR_RETURN(std::vector<int64_t> dims, ReadPaddings(ctx, input, paddings, before));
    const TensorShape& in = input.shape();
    for (int d = 0; d < in.rank(); ++d) {
      const int64_t limit = in.dim(d) - edge_;
      const int64_t after = dims[d] - in.dim(d) - before[d];
      if (before[d] > limit || after > limit) {
        return ctx.Error(absl::StrCat("paddings [", before[d], ", ", after, "] of dimension ", d,
                                      " exceed ", std::max<int64_t>(limit, 0), " (", in.dim(d),
                                      edge_ ? " - 1 for REFLECT" : " for SYMMETRIC", ")"));
      }
    }
    ASSIGN_OR_RETURN(TensorShape out_shape, MakeShape(ctx, dims));
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, input.dtype(), std::move(out_shape)));
    if (out->num_elements() == 0) return absl::OkStatus();
    Mirror(input, before, *out);
    return absl::OkStatus();
  }

 private:
  // The input index that output index `i` of a dimension of size `dim` mirrors.
  int64_t Source(int64_t i, int64_t before, int64_t dim) const {
    const int64_t j = i - before;
    if (j < 0) return -j - 1 + edge_;
    if (j >= dim) return 2 * dim - j - 1 - edge_;
    return j;
  }

  void Mirror(const Tensor& input, const std::vector<int64_t>& before, Tensor& out) const {
    const int rank = out.shape().rank();
    const std::vector<int64_t> in_strides = RowMajorStrides(input.shape());
    // Per output dimension, the input offset contributed by each output index.
    std::vector<std::vector<int64_t>> offset(rank);
    for (int d = 0; d < rank; ++d) {
      for (int64_t i = 0; i < out.shape().dim(d); ++i) {
        offset[d].push_back(Source(i, before[d], input.shape().dim(d)) * in_strides[d]);
      }
    }
    std::vector<int64_t> index(rank, 0);
    DispatchElement(input.dtype(), [&](auto element) {
      using E = decltype(element);
      for (int64_t dst = 0; dst < out.num_elements(); ++dst) {
        int64_t src = 0;
        for (int d = 0; d < rank; ++d) src += offset[d][index[d]];
        E::Copy(input.raw_data(), src, out.raw_data(), dst);
        for (int d = rank - 1; d >= 0; --d) {
          if (++index[d] < out.shape().dim(d)) break;
          index[d] = 0;
        }
      }
    });
  }

  const int64_t edge_;  // 1 for REFLECT (the edge is not repeated), 0 for SYMMETRIC
};

SS_REGISTER_KERNEL("MirrorPad", kReference, CreateKernel<MirrorPadKernel>);

}  // namespace
}  // namespace savedserve
