// Transpose, fast variant: merges dimensions that stay adjacent and drops size-1 ones, then
// (a) shares the input's buffer when nothing moves, (b) runs a cache-blocked batched 2D
// transpose when the last two merged dimensions swap (NHWC<->NCHW, matrix transposes), or
// (c) copies output rows (memcpy runs when the innermost dimension stays innermost). All
// parallel on the context's thread pool; any dtype. Tested against ops/transpose.cc.
#include <algorithm>
#include <numeric>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/transpose.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

constexpr int64_t kTile = 32;  // 32x32 elements: a tile of 4-byte elements is 4 KiB

// The transpose with size-1 dimensions dropped and runs of input dimensions that stay
// adjacent and in order merged into one. Moves the same bytes as the original.
struct Coalesced {
  std::vector<int64_t> in_dims;
  std::vector<int> perm;
};

Coalesced Coalesce(const TensorShape& in, const std::vector<int>& perm) {
  // Groups of input dimensions, in output order.
  std::vector<std::vector<int>> groups;
  for (int p : perm) {
    if (in.dim(p) == 1) continue;
    // The previous input dimension that is not size 1: p joins its group when that group
    // was last emitted, since then both are laid out consecutively in input and output.
    int prev = p - 1;
    while (prev >= 0 && in.dim(prev) == 1) --prev;
    if (!groups.empty() && prev >= 0 && groups.back().back() == prev) {
      groups.back().push_back(p);
    } else {
      groups.push_back({p});
    }
  }
  std::vector<int> by_input(groups.size());
  std::iota(by_input.begin(), by_input.end(), 0);
  std::sort(by_input.begin(), by_input.end(),
            [&](int a, int b) { return groups[a][0] < groups[b][0]; });
  Coalesced c;
  c.perm.resize(groups.size());
  for (size_t k = 0; k < by_input.size(); ++k) {
    int64_t size = 1;
    for (int d : groups[by_input[k]]) size *= in.dim(d);
    c.in_dims.push_back(size);
    c.perm[by_input[k]] = static_cast<int>(k);
  }
  return c;
}

// out[b][j][i] = in[b][i][j] for in of [batch, m, n], over units [begin, end) where a unit
// is one batch entry's block of kTile output rows.
template <typename E>
void TransposeBlocks(const void* in, void* out, int64_t m, int64_t n, int64_t begin, int64_t end) {
  const int64_t blocks_per_batch = (n + kTile - 1) / kTile;
  for (int64_t unit = begin; unit < end; ++unit) {
    const int64_t base = (unit / blocks_per_batch) * m * n;
    const int64_t j0 = (unit % blocks_per_batch) * kTile;
    const int64_t j1 = std::min(j0 + kTile, n);
    for (int64_t i0 = 0; i0 < m; i0 += kTile) {
      const int64_t i1 = std::min(i0 + kTile, m);
      for (int64_t j = j0; j < j1; ++j) {
        for (int64_t i = i0; i < i1; ++i) E::Copy(in, base + i * n + j, out, base + j * m + i);
      }
    }
  }
}

#if defined(__SSE2__)
// 4-byte elements (float, int32, ...): 4x4 blocks transposed in SSE registers (SSE2 is part
// of x86-64, so no run-time check), the ragged edges element by element.
template <>
void TransposeBlocks<BytesElement<4>>(const void* in_raw, void* out_raw, int64_t m, int64_t n,
                                      int64_t begin, int64_t end) {
  // __m128 loads and stores may alias any 4-byte type.
  const float* in = static_cast<const float*>(in_raw);
  float* out = static_cast<float*>(out_raw);
  const int64_t blocks_per_batch = (n + kTile - 1) / kTile;
  for (int64_t unit = begin; unit < end; ++unit) {
    const int64_t base = (unit / blocks_per_batch) * m * n;
    const float* src = in + base;
    float* dst = out + base;
    const int64_t j0 = (unit % blocks_per_batch) * kTile;
    const int64_t j1 = std::min(j0 + kTile, n);
    for (int64_t i0 = 0; i0 < m; i0 += kTile) {
      const int64_t i1 = std::min(i0 + kTile, m);
      int64_t i = i0;
      for (; i + 4 <= i1; i += 4) {
        int64_t j = j0;
        for (; j + 4 <= j1; j += 4) {
          __m128 r0 = _mm_loadu_ps(src + (i + 0) * n + j);
          __m128 r1 = _mm_loadu_ps(src + (i + 1) * n + j);
          __m128 r2 = _mm_loadu_ps(src + (i + 2) * n + j);
          __m128 r3 = _mm_loadu_ps(src + (i + 3) * n + j);
          _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
          _mm_storeu_ps(dst + (j + 0) * m + i, r0);
          _mm_storeu_ps(dst + (j + 1) * m + i, r1);
          _mm_storeu_ps(dst + (j + 2) * m + i, r2);
          _mm_storeu_ps(dst + (j + 3) * m + i, r3);
        }
        for (; j < j1; ++j) {
          for (int64_t k = i; k < i + 4; ++k) BytesElement<4>::Copy(src, k * n + j, dst, j * m + k);
        }
      }
      for (; i < i1; ++i) {
        for (int64_t j = j0; j < j1; ++j) BytesElement<4>::Copy(src, i * n + j, dst, j * m + i);
      }
    }
  }
}
#endif

// Output rows [begin, end) (a row is the last output dimension) of a transpose whose output
// has `out_dims` and whose input offset moves by step[d] along output dimension d.
template <typename E>
void CopyRows(const void* in, void* out, const std::vector<int64_t>& out_dims,
              const std::vector<int64_t>& step, int64_t begin, int64_t end) {
  const int outer = static_cast<int>(out_dims.size()) - 1;
  const int64_t row_length = out_dims[outer];
  const int64_t inner_step = step[outer];
  std::vector<int64_t> index(outer);
  int64_t src = 0;
  for (int64_t d = outer - 1, rest = begin; d >= 0; --d) {
    index[d] = rest % out_dims[d];
    rest /= out_dims[d];
    src += index[d] * step[d];
  }
  for (int64_t row = begin; row < end; ++row) {
    const int64_t dst = row * row_length;
    if (inner_step == 1) {
      E::CopyRun(in, src, out, dst, row_length);
    } else {
      for (int64_t k = 0; k < row_length; ++k) E::Copy(in, src + k * inner_step, out, dst + k);
    }
    for (int d = outer - 1; d >= 0; --d) {
      src += step[d];
      if (++index[d] < out_dims[d]) break;
      src -= step[d] * index[d];
      index[d] = 0;
    }
  }
}

template <typename E>
void RunTranspose(const Coalesced& c, const void* in, void* out, const KernelContext& ctx) {
  const int rank = static_cast<int>(c.perm.size());
  bool swap_last_two = rank >= 2 && c.perm[rank - 1] == rank - 2 && c.perm[rank - 2] == rank - 1;
  for (int d = 0; d + 2 < rank; ++d) swap_last_two &= c.perm[d] == d;
  if (swap_last_two) {
    const int64_t m = c.in_dims[rank - 2], n = c.in_dims[rank - 1];
    int64_t batch = 1;
    for (int d = 0; d + 2 < rank; ++d) batch *= c.in_dims[d];
    const int64_t units = batch * ((n + kTile - 1) / kTile);
    ParallelFor(ctx, units, kTile * m,
                [&](int64_t begin, int64_t end) { TransposeBlocks<E>(in, out, m, n, begin, end); });
    return;
  }
  std::vector<int64_t> in_strides(rank, 1), out_dims(rank), step(rank);
  for (int d = rank - 2; d >= 0; --d) in_strides[d] = in_strides[d + 1] * c.in_dims[d + 1];
  for (int d = 0; d < rank; ++d) {
    out_dims[d] = c.in_dims[c.perm[d]];
    step[d] = in_strides[c.perm[d]];
  }
  int64_t rows = 1;
  for (int d = 0; d + 1 < rank; ++d) rows *= out_dims[d];
  ParallelFor(ctx, rows, out_dims[rank - 1], [&](int64_t begin, int64_t end) {
    CopyRows<E>(in, out, out_dims, step, begin, end);
  });
}

class TransposeBlockedKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::make_unique<TransposeBlockedKernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor perm, ctx.input(1));
    if (!IsCopyableType(input.dtype())) return UnsupportedType(ctx, input.dtype());
    ASSIGN_OR_RETURN(TransposePlan plan, PlanTranspose(ctx, input.shape(), perm));
    const Coalesced c = Coalesce(input.shape(), plan.perm);
    if (c.perm.size() <= 1 || input.num_elements() == 0) {
      // Nothing moves: the same elements in the same order.
      ctx.set_output(0, input.Reshaped(plan.out_shape));
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, input.dtype(), plan.out_shape,
                                                  /*for_overwrite=*/true));
    DispatchElement(input.dtype(), [&](auto element) {
      RunTranspose<decltype(element)>(c, input.raw_data(), out->raw_data(), ctx);
    });
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("Transpose", kOptimized, CreateKernel<TransposeBlockedKernel>);

}  // namespace
}  // namespace savedserve
