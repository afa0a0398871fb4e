// SpaceToBatchND and BatchToSpaceND (how TF1 writes dilated convolutions, and
// tf.space_to_batch / tf.batch_to_space). For an input [B, S_1..S_M, R...] and block_shape
// [b_1..b_M]: SpaceToBatchND zero-pads each S_k by paddings[k] to P_k (a multiple of b_k)
// and moves every b_1 x .. x b_M block offset into the batch dimension, giving
// [B * prod(b), P_1/b_1, .., P_M/b_M, R...]; batch index = offset index * B + b, the offset
// index row-major over the block. BatchToSpaceND is its inverse, cropping by `crops`
// instead of padding. Every fixed-size dtype; block_shape and paddings/crops int32/int64.
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// What both ops read from block_shape and paddings/crops.
struct BlockSpec {
  std::vector<int64_t> block;   // b_k >= 1
  std::vector<int64_t> before;  // paddings[k][0] or crops[k][0]
  std::vector<int64_t> after;
  int64_t block_count = 1;  // prod(b_k)
};

absl::StatusOr<BlockSpec> ReadBlockSpec(const KernelContext& ctx, const Tensor& input,
                                        const Tensor& block_tensor, const Tensor& margins,
                                        absl::string_view margins_name) {
  if (!IsCopyableType(input.dtype()) || IsStringLike(input.dtype())) {
    return UnsupportedType(ctx, input.dtype());
  }
  BlockSpec spec;
  ASSIGN_OR_RETURN(spec.block, ReadIndexVector(ctx, block_tensor, "block_shape"));
  const int64_t m = static_cast<int64_t>(spec.block.size());
  if (input.shape().rank() < m + 1) {
    return ctx.Error(
        absl::StrCat("input rank should be >= ", m + 1, " instead of ", input.shape().rank()));
  }
  if (margins.shape() != TensorShape({m, 2})) {
    return ctx.Error(absl::StrCat(margins_name, " should have shape [", m, ", 2] instead of ",
                                  margins.shape().DebugString()));
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> values, ReadIndexValues(ctx, margins, margins_name));
  for (int64_t k = 0; k < m; ++k) {
    if (spec.block[k] < 1) {
      return ctx.Error(absl::StrCat("block_shape[", k, "] = ", spec.block[k], " must be >= 1"));
    }
    if (values[2 * k] < 0 || values[2 * k + 1] < 0) {
      return ctx.Error(absl::StrCat(margins_name, "[", k, "] = [", values[2 * k], ", ",
                                    values[2 * k + 1], "] must be non-negative"));
    }
    if (__builtin_mul_overflow(spec.block_count, spec.block[k], &spec.block_count)) {
      return ctx.Error("the product of block_shape overflows int64");
    }
    spec.before.push_back(values[2 * k]);
    spec.after.push_back(values[2 * k + 1]);
  }
  return spec;
}

// Copies between `space` [B, S_1..S_M, R...] and `batch` [B * prod(b), O_1..O_M, R...]:
// batch[off * B + n, o_1..o_M] <-> space[n, o_1*b_1 + off_1 - before_1, ...], for the batch
// positions whose space position is inside S (the others are padding or cropped away).
void MoveBlocks(const BlockSpec& spec, const Tensor& from, Tensor& to, bool space_to_batch) {
  const Tensor& space = space_to_batch ? from : to;
  const Tensor& batch = space_to_batch ? to : from;
  const int m = static_cast<int>(spec.block.size());
  const int64_t rest = DimProduct(space.shape(), m + 1, space.shape().rank());
  const int64_t space_batch = space.shape().dim(0);
  const int64_t positions = rest == 0 ? 0 : batch.num_elements() / rest;
  const int64_t per_index = DimProduct(batch.shape(), 1, m + 1);  // positions per batch index
  std::vector<int64_t> o(m, 0), off(m);  // position `at` within its batch index
  for (int64_t at = 0; at < positions; ++at) {
    const int64_t ob = at / per_index;
    const int64_t n = ob % space_batch;
    int64_t rem = ob / space_batch;
    for (int k = m - 1; k >= 0; --k) {
      off[k] = rem % spec.block[k];
      rem /= spec.block[k];
    }
    int64_t src = n;
    bool inside = true;
    for (int k = 0; k < m && inside; ++k) {
      const int64_t x = o[k] * spec.block[k] + off[k] - spec.before[k];
      inside = x >= 0 && x < space.shape().dim(k + 1);
      src = src * space.shape().dim(k + 1) + x;
    }
    if (inside) {
      if (space_to_batch) {
        CopyElements(from, src * rest, to, at * rest, rest);
      } else {
        CopyElements(from, at * rest, to, src * rest, rest);
      }
    }
    for (int k = m - 1; k >= 0; --k) {
      if (++o[k] < batch.shape().dim(k + 1)) break;
      o[k] = 0;
    }
  }
}

// SpaceToBatchND's output dims: [B * prod(b), P_1/b_1, .., R...].
absl::StatusOr<std::vector<int64_t>> BatchedDims(const KernelContext& ctx, const TensorShape& in,
                                                 const BlockSpec& spec) {
  std::vector<int64_t> dims = in.dims();
  if (__builtin_mul_overflow(in.dim(0), spec.block_count, &dims[0])) {
    return ctx.Error("the output batch size overflows int64");
  }
  for (size_t k = 0; k < spec.block.size(); ++k) {
    int64_t padded;
    if (__builtin_add_overflow(in.dim(k + 1), spec.before[k], &padded) ||
        __builtin_add_overflow(padded, spec.after[k], &padded)) {
      return ctx.Error(absl::StrCat("padded dimension ", k + 1, " overflows int64"));
    }
    if (padded % spec.block[k] != 0) {
      return ctx.Error(absl::StrCat("padded_shape[", k, "]=", padded,
                                    " is not divisible by block_shape[", k, "]=", spec.block[k]));
    }
    dims[k + 1] = padded / spec.block[k];
  }
  return dims;
}

// BatchToSpaceND's output dims: [B / prod(b), S_1 * b_1 - crops, .., R...].
absl::StatusOr<std::vector<int64_t>> SpaceDims(const KernelContext& ctx, const TensorShape& in,
                                               const BlockSpec& spec) {
  if (in.dim(0) % spec.block_count != 0) {
    return ctx.Error(absl::StrCat("Input batch dimension (", in.dim(0),
                                  ") is not divisible by product of block sizes (",
                                  spec.block_count, ")"));
  }
  std::vector<int64_t> dims = in.dims();
  dims[0] = in.dim(0) / spec.block_count;
  for (size_t k = 0; k < spec.block.size(); ++k) {
    int64_t size;
    if (__builtin_mul_overflow(in.dim(k + 1), spec.block[k], &size)) {
      return ctx.Error(absl::StrCat("uncropped dimension ", k + 1, " overflows int64"));
    }
    if (spec.before[k] > size || spec.after[k] > size - spec.before[k]) {
      return ctx.Error(absl::StrCat("Cropped size must be non-negative: start: ", spec.before[k],
                                    " end: ", spec.after[k], " size ", size));
    }
    dims[k + 1] = size - spec.before[k] - spec.after[k];
  }
  return dims;
}

// SpaceToBatchND when to_batch, else BatchToSpaceND; inputs (input, block_shape, margins).
class SpaceBatchKernel : public OpKernel {
 public:
  explicit SpaceBatchKernel(bool to_batch) : to_batch_(to_batch) {}

  template <bool kToBatch>
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::make_unique<SpaceBatchKernel>(kToBatch);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor block_tensor, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor margins, ctx.input(2));
    ASSIGN_OR_RETURN(BlockSpec spec, ReadBlockSpec(ctx, input, block_tensor, margins,
                                                   to_batch_ ? "paddings" : "crops"));
    ASSIGN_OR_RETURN(std::vector<int64_t> dims, to_batch_ ? BatchedDims(ctx, input.shape(), spec)
                                                          : SpaceDims(ctx, input.shape(), spec));
    ASSIGN_OR_RETURN(TensorShape out_shape, MakeShape(ctx, dims));
    // Padding is zeros; a cropped output is written whole.
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, input.dtype(), std::move(out_shape),
                                                  /*for_overwrite=*/!to_batch_));
    MoveBlocks(spec, input, *out, to_batch_);
    return absl::OkStatus();
  }

 private:
  const bool to_batch_;
};

SS_REGISTER_KERNEL("SpaceToBatchND", kReference, SpaceBatchKernel::Create<true>);
SS_REGISTER_KERNEL("BatchToSpaceND", kReference, SpaceBatchKernel::Create<false>);

}  // namespace
}  // namespace savedserve
