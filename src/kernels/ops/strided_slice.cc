// StridedSlice: NumPy basic indexing (x[1:-1:2, ..., tf.newaxis, 3]) as TF encodes it, with
// begin/end/strides inputs and five bit masks. Any dtype; an identity slice shares the
// input's buffer.
#include "kernels/ops/strided_slice.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

constexpr int kNewAxis = -1;  // final_shape entries that are not input dimensions
constexpr int kShrunk = -2;

bool Bit(int64_t mask, int i) { return i < 63 && ((mask >> i) & 1) != 0; }

// One input dimension of the dense spec (ellipsis expanded, new axes removed).
struct DenseDim {
  int64_t begin = 0, end = 0, stride = 1;
  bool begin_masked = true, end_masked = true, shrink = false;
};

// Expands the sparse spec to one DenseDim per input dimension, and records where each
// output dimension comes from (a dense index, kNewAxis or kShrunk).
absl::Status BuildDense(int rank, const std::vector<int64_t>& begin,
                        const std::vector<int64_t>& end, const std::vector<int64_t>& strides,
                        const StridedSliceMasks& masks, std::vector<DenseDim>& dense,
                        std::vector<int>& gather) {
  const int sparse = static_cast<int>(strides.size());
  int ellipsis_at = -1, new_axes_after_ellipsis = 0;
  for (int i = 0; i < sparse; ++i) {
    if (Bit(masks.ellipsis, i)) {
      if (ellipsis_at >= 0) return absl::InvalidArgumentError("multiple ellipses in slice spec");
      ellipsis_at = i;
    } else if (ellipsis_at >= 0 && Bit(masks.new_axis, i)) {
      ++new_axes_after_ellipsis;
    }
  }
  // Without an ellipsis, one is implied after the last entry.
  const int total = ellipsis_at >= 0 ? sparse : sparse + 1;
  if (ellipsis_at < 0) ellipsis_at = sparse;
  dense.assign(rank, DenseDim{});
  int full = 0;
  for (int i = 0; i < total; ++i) {
    if (i == ellipsis_at) {
      // Real (non-new-axis) entries after the ellipsis take the last dimensions.
      const int real_after = (total - i - 1) - new_axes_after_ellipsis;
      for (; full < rank - real_after; ++full) gather.push_back(full);
    } else if (Bit(masks.new_axis, i)) {
      gather.push_back(kNewAxis);
    } else {
      if (full == rank) {
        return absl::InvalidArgumentError(
            absl::StrCat("slice spec has more indices than the input's ", rank, " dimensions"));
      }
      DenseDim& d = dense[full];
      d = DenseDim{begin[i],          end[i],
                   strides[i],        Bit(masks.begin, i),
                   Bit(masks.end, i), Bit(masks.shrink_axis, i)};
      gather.push_back(d.shrink ? kShrunk : full);
      ++full;
    }
  }
  return absl::OkStatus();
}

// Fills plan's begin/stride/extent for one dimension of size `dim`.
absl::Status ResolveDim(const DenseDim& d, int index, int64_t dim, StridedSlicePlan& plan) {
  if (d.stride == 0) {
    return absl::InvalidArgumentError(absl::StrCat("stride of dimension ", index, " is 0"));
  }
  int64_t begin, end;
  if (d.shrink) {
    if (d.stride < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "dimension ", index, " is indexed (shrink_axis) with negative stride ", d.stride));
    }
    begin = d.begin < 0 ? dim + d.begin : d.begin;
    if (begin < 0 || begin >= dim) {
      return absl::InvalidArgumentError(absl::StrCat("index ", d.begin, " of dimension ", index,
                                                     " is out of bounds for size ", dim));
    }
    end = begin + 1;
  } else {
    // Valid positions: [0, dim] going forward, [-1, dim - 1] going backward.
    const int64_t lo = d.stride > 0 ? 0 : -1;
    const int64_t hi = d.stride > 0 ? dim : dim - 1;
    auto canonical = [&](int64_t x) { return std::clamp(x < 0 ? dim + x : x, lo, hi); };
    begin = d.begin_masked ? (d.stride > 0 ? lo : hi) : canonical(d.begin);
    end = d.end_masked ? (d.stride > 0 ? hi : lo) : canonical(d.end);
  }
  const int64_t interval = end - begin;
  int64_t size = 0;
  if (interval != 0 && (interval < 0) == (d.stride < 0)) {
    size = interval / d.stride + (interval % d.stride != 0 ? 1 : 0);
  }
  plan.begin.push_back(size > 0 ? begin : 0);
  plan.strides.push_back(d.stride);
  plan.processing_dims.push_back(size);
  plan.is_identity &= d.stride == 1 && begin == 0 && end == dim;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<StridedSlicePlan> PlanStridedSlice(const TensorShape& input,
                                                  const std::vector<int64_t>& begin,
                                                  const std::vector<int64_t>& end,
                                                  const std::vector<int64_t>& strides,
                                                  const StridedSliceMasks& masks) {
  if (begin.size() != strides.size() || end.size() != strides.size() || strides.size() >= 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("begin, end and strides must have equal lengths below 32, got ", begin.size(),
                     ", ", end.size(), " and ", strides.size()));
  }
  std::vector<DenseDim> dense;
  std::vector<int> gather;
  RETURN_IF_ERROR(BuildDense(input.rank(), begin, end, strides, masks, dense, gather));
  StridedSlicePlan plan;
  for (int d = 0; d < input.rank(); ++d) {
    RETURN_IF_ERROR(ResolveDim(dense[d], d, input.dim(d), plan));
  }
  for (int g : gather) {
    if (g >= 0) plan.final_dims.push_back(plan.processing_dims[g]);
    if (g == kNewAxis) plan.final_dims.push_back(1);
  }
  return plan;
}

namespace {

class StridedSliceKernel : public OpKernel {
 public:
  explicit StridedSliceKernel(StridedSliceMasks masks) : masks_(masks) {}

  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    StridedSliceMasks m;
    ASSIGN_OR_RETURN(m.begin, c.GetAttrOr<int64_t>("begin_mask", 0));
    ASSIGN_OR_RETURN(m.end, c.GetAttrOr<int64_t>("end_mask", 0));
    ASSIGN_OR_RETURN(m.ellipsis, c.GetAttrOr<int64_t>("ellipsis_mask", 0));
    ASSIGN_OR_RETURN(m.new_axis, c.GetAttrOr<int64_t>("new_axis_mask", 0));
    ASSIGN_OR_RETURN(m.shrink_axis, c.GetAttrOr<int64_t>("shrink_axis_mask", 0));
    return std::make_unique<StridedSliceKernel>(m);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    if (!IsCopyableType(input.dtype())) return UnsupportedType(ctx, input.dtype());
    std::vector<int64_t> spec[3];
    const char* names[3] = {"begin", "end", "strides"};
    for (int i = 0; i < 3; ++i) {
      ASSIGN_OR_RETURN(Tensor t, ctx.input(i + 1));
      ASSIGN_OR_RETURN(spec[i], ReadIndexVector(ctx, t, names[i]));
    }
    auto plan = PlanStridedSlice(input.shape(), spec[0], spec[1], spec[2], masks_);
    if (!plan.ok()) {
      return ctx.Error(
          absl::StrCat(plan.status().message(), " (input ", input.shape().DebugString(), ")"));
    }
    ASSIGN_OR_RETURN(TensorShape final_shape, MakeShape(ctx, plan->final_dims));
    if (plan->is_identity) {
      ctx.set_output(0, input.Reshaped(std::move(final_shape)));
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, input.dtype(), std::move(final_shape)));
    Tensor window = out->Reshaped(TensorShape(plan->processing_dims));
    CopyStridedWindow(input, plan->begin, plan->strides, window);
    return absl::OkStatus();
  }

 private:
  const StridedSliceMasks masks_;
};

SS_REGISTER_KERNEL("StridedSlice", kReference, CreateKernel<StridedSliceKernel>);

}  // namespace
}  // namespace savedserve
