// Helpers shared by the data-movement ops (Reshape, ConcatV2, Slice, Transpose, Gather...):
// reading small int32/int64 index tensors, canonicalising axes, allocating outputs without
// crashing on hostile sizes, and copying elements of any dtype (numbers by memcpy,
// DT_STRING-like elements by assignment). Errors name the node through the context.
// Pure functions; safe for concurrent use.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kernels/op_kernel.h"
#include "tensor/tensor.h"

namespace savedserve {

// The values of an int32 or int64 tensor (any shape, flattened). `what` names the input in
// errors ("shape", "perm"). Fails for other dtypes.
absl::StatusOr<std::vector<int64_t>> ReadIndexValues(const KernelContext& ctx, const Tensor& t,
                                                     absl::string_view what);
// As ReadIndexValues, but `t` must be a vector (rank 1).
absl::StatusOr<std::vector<int64_t>> ReadIndexVector(const KernelContext& ctx, const Tensor& t,
                                                     absl::string_view what);
// The one value of an int32/int64 tensor with exactly one element (a scalar, or [1] when
// `allow_one_element` as ExpandDims' dim).
absl::StatusOr<int64_t> ReadIndexScalar(const KernelContext& ctx, const Tensor& t,
                                        absl::string_view what, bool allow_one_element = false);

// `axis` mapped into [0, rank) from [-rank, rank); otherwise an error naming `what`.
absl::StatusOr<int> CanonicalAxis(const KernelContext& ctx, int64_t axis, int rank,
                                  absl::string_view what = "axis");

// A TensorShape from computed dims; negative dims or an element count overflowing int64 are
// errors naming the node.
absl::StatusOr<TensorShape> MakeShape(const KernelContext& ctx, const std::vector<int64_t>& dims);

// Allocates output i, zero-filled unless `for_overwrite` (the kernel writes every element);
// an allocation that fails (absurd sizes) is ResourceExhausted naming the node rather than
// an exception.
absl::StatusOr<Tensor*> AllocateOutput(KernelContext& ctx, int i, DataType dtype, TensorShape shape,
                                       bool for_overwrite = false);

// Runs fn(begin, end) over blocks covering [0, n) on the context's thread pool (inline when
// it has none). `cost_per_unit`: rough operations per index, so tiny loops stay inline.
void ParallelFor(const KernelContext& ctx, int64_t n, int64_t cost_per_unit,
                 const std::function<void(int64_t begin, int64_t end)>& fn);

// Reads Pad's `paddings` ([rank(in), 2], int32/int64, non-negative): sets before[d] to
// paddings[d][0] and returns the padded dims (before + dim + after).
absl::StatusOr<std::vector<int64_t>> ReadPaddings(const KernelContext& ctx, const Tensor& in,
                                                  const Tensor& paddings,
                                                  std::vector<int64_t>& before);

// Row-major element strides of `shape` (strides[rank-1] == 1).
std::vector<int64_t> RowMajorStrides(const TensorShape& shape);
// Product of dims [begin, end).
int64_t DimProduct(const TensorShape& shape, int begin, int end);

// Whether the element copiers below handle `dtype` (every numeric, bool and string-like
// type; not DT_INVALID).
bool IsCopyableType(DataType dtype);

// Copies `count` elements from src[src_index...] into dst[dst_index...]. REQUIRES: same,
// copyable dtype, ranges in bounds, distinct buffers.
void CopyElements(const Tensor& src, int64_t src_index, Tensor& dst, int64_t dst_index,
                  int64_t count);
// Fills dst[dst_index ... dst_index + count) with element `value_index` of `value`.
void FillElements(const Tensor& value, int64_t value_index, Tensor& dst, int64_t dst_index,
                  int64_t count);

// Copies a strided window of `in` into all of `out` (same dtype and rank):
//   out[i_0, ..., i_k] = in[start_0 + i_0 * step_0, ..., start_k + i_k * step_k]
// Steps may be negative. REQUIRES: every index lands inside `in`.
// Runs along the last dimension with step 1 are copied as blocks.
void CopyStridedWindow(const Tensor& in, const std::vector<int64_t>& start,
                       const std::vector<int64_t>& step, Tensor& out);

// Element movers for per-element loops, chosen once per Compute by DispatchElement:
// fixed-size elements copy with a constant-size memcpy (alias-safe), strings by assignment.
template <size_t N>
struct BytesElement {
  static void Copy(const void* src, int64_t s, void* dst, int64_t d) {
    std::memcpy(static_cast<char*>(dst) + d * N, static_cast<const char*>(src) + s * N, N);
  }
  static void CopyRun(const void* src, int64_t s, void* dst, int64_t d, int64_t n) {
    if (n > 0) {
      std::memcpy(static_cast<char*>(dst) + d * N, static_cast<const char*>(src) + s * N, n * N);
    }
  }
};
struct StringElement {
  static void Copy(const void* src, int64_t s, void* dst, int64_t d) {
    static_cast<std::string*>(dst)[d] = static_cast<const std::string*>(src)[s];
  }
  static void CopyRun(const void* src, int64_t s, void* dst, int64_t d, int64_t n) {
    const std::string* from = static_cast<const std::string*>(src) + s;
    std::string* to = static_cast<std::string*>(dst) + d;
    for (int64_t i = 0; i < n; ++i) to[i] = from[i];
  }
};

// Calls fn(E{}) with E the element mover for `dtype`; false (fn not called) when the dtype
// is not copyable.
template <typename Fn>
bool DispatchElement(DataType dtype, Fn&& fn) {
  if (IsStringLike(dtype)) {
    fn(StringElement{});
    return true;
  }
  switch (DataTypeSize(dtype)) {
    case 1:
      fn(BytesElement<1>{});
      return true;
    case 2:
      fn(BytesElement<2>{});
      return true;
    case 4:
      fn(BytesElement<4>{});
      return true;
    case 8:
      fn(BytesElement<8>{});
      return true;
    case 16:
      fn(BytesElement<16>{});
      return true;
    default:
      return false;
  }
}

// "unsupported dtype DT_X" naming the node, for kernels whose type check fails.
absl::Status UnsupportedType(const KernelContext& ctx, DataType dtype);

}  // namespace savedserve
