// Segment reductions: rows of `data` combined by segment id.
//  - UnsortedSegment{Sum,Prod,Max,Min}(data, segment_ids, num_segments): segment_ids' shape
//    is a prefix of data's; output [num_segments] + data.shape[rank(segment_ids):]. Negative
//    ids are dropped and ids >= num_segments are an error (TF's CPU kernel). Empty segments
//    hold the reduction's identity: 0, 1, the type's lowest, the type's highest.
//  - Segment{Sum,Mean,Prod,Max,Min}(data, segment_ids): ids a vector over data's first
//    dimension, sorted, >= 0; output rows = last id + 1. Empty segments hold 0.
//  - SparseSegment{Sum,Mean,SqrtN}[WithNumSegments](data, indices, segment_ids
//    [, num_segments]): segment k combines rows data[indices[j]] for the j with
//    segment_ids[j] == k; ids sorted; output rows = last id + 1 or num_segments. Empty
//    segments hold 0. Mean divides by the row count, SqrtN by its square root.
// Sums and products of integers wrap around; Half and BFloat16 are combined in float.
// Every index and size read from the inputs is checked before use.
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/numeric.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

enum class Reduce { kSum, kProd, kMax, kMin, kMean, kSqrtN };

// How the op names its rows: see the file comment.
enum class Form { kUnsorted, kSorted, kSparse, kSparseWithNumSegments };

// The type's lowest and highest finite values (TF's initial values for max and min).
template <typename T>
MathType<T> Highest() {
  if constexpr (std::is_same_v<T, Half>) {
    return 65504.0f;
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return 3.3895313892515355e38f;
  } else {
    return std::numeric_limits<T>::max();
  }
}
template <typename T>
MathType<T> Lowest() {
  if constexpr (kIsFloatLike<T>) {
    return -Highest<T>();
  } else {
    return std::numeric_limits<T>::lowest();
  }
}

template <typename T>
MathType<T> Identity(Reduce r) {
  switch (r) {
    case Reduce::kProd:
      return MathType<T>(1);
    case Reduce::kMax:
      return Lowest<T>();
    case Reduce::kMin:
      return Highest<T>();
    default:
      return MathType<T>(0);
  }
}

// acc combined with x; max and min as std::max(x, acc) and std::min(x, acc).
template <typename M>
M Combine(Reduce r, M acc, M x) {
  switch (r) {
    case Reduce::kProd:
      return WrappingMul(acc, x);
    case Reduce::kMax:
      return x < acc ? acc : x;
    case Reduce::kMin:
      return acc < x ? acc : x;
    default:
      return WrappingAdd(acc, x);
  }
}

// The values of an int16, int32 or int64 tensor.
absl::StatusOr<std::vector<int64_t>> ReadIds(const KernelContext& ctx, const Tensor& t,
                                             absl::string_view what) {
  if (t.dtype() != tensorflow::DT_INT16) return ReadIndexValues(ctx, t, what);
  return std::vector<int64_t>(t.flat<int16_t>().begin(), t.flat<int16_t>().end());
}

std::string OutOfRange(absl::string_view what, int64_t k, int64_t value, int64_t limit) {
  return absl::StrCat(what, "[", k, "] = ", value, " is out of range [0, ", limit, ")");
}

// Checks sorted segment ids against `rows` output rows: non-decreasing and in [0, rows).
absl::Status CheckSortedIds(const KernelContext& ctx, const std::vector<int64_t>& ids,
                            int64_t rows) {
  for (size_t k = 1; k < ids.size(); ++k) {
    if (ids[k] < ids[k - 1]) {
      return ctx.Error(absl::StrCat("segment ids are not increasing: segment_ids[", k, "] = ",
                                    ids[k], " < segment_ids[", k - 1, "] = ", ids[k - 1]));
    }
  }
  for (size_t k = 0; k < ids.size(); ++k) {
    if (ids[k] < 0 || ids[k] >= rows) {
      return ctx.Error(OutOfRange("segment_ids", static_cast<int64_t>(k), ids[k], rows));
    }
  }
  return absl::OkStatus();
}

// Output rows of the sorted forms: reduces the runs of equal `ids` (sorted, checked) over
// rows `src[j]` of data (each `inner` long) into out's row ids[j]. Rows no id names are left
// as they are (zero).
template <typename T>
void ReduceSortedRuns(Reduce r, const T* data, int64_t inner, const std::vector<int64_t>& src,
                      const std::vector<int64_t>& ids, T* out) {
  using M = MathType<T>;
  std::vector<M> acc(inner);
  for (size_t begin = 0; begin < ids.size();) {
    size_t end = begin;
    while (end < ids.size() && ids[end] == ids[begin]) ++end;
    const T* first = data + src[begin] * inner;
    for (int64_t i = 0; i < inner; ++i) acc[i] = ToMath(first[i]);
    for (size_t j = begin + 1; j < end; ++j) {
      const T* row = data + src[j] * inner;
      for (int64_t i = 0; i < inner; ++i) acc[i] = Combine(r, acc[i], ToMath(row[i]));
    }
    const int64_t count = static_cast<int64_t>(end - begin);
    if (r == Reduce::kMean) {
      for (M& v : acc) v = v / static_cast<M>(count);
    } else if (r == Reduce::kSqrtN) {
      if constexpr (kIsFloatLike<T>) {
        const M root = std::sqrt(static_cast<M>(count));
        for (M& v : acc) v = v / root;
      }
    }
    T* dst = out + ids[begin] * inner;
    for (int64_t i = 0; i < inner; ++i) dst[i] = FromMath<T>(acc[i]);
    begin = end;
  }
}

// The unsorted form: out (num_segments rows) starts at the identity, then each data row
// whose id is >= 0 is combined into its row. Ids are checked.
template <typename T>
void ReduceUnsorted(Reduce r, const T* data, int64_t inner, const std::vector<int64_t>& ids,
                    int64_t out_elements, T* out) {
  const T identity = FromMath<T>(Identity<T>(r));
  for (int64_t i = 0; i < out_elements; ++i) out[i] = identity;
  for (size_t k = 0; k < ids.size(); ++k) {
    if (ids[k] < 0) continue;
    const T* row = data + static_cast<int64_t>(k) * inner;
    T* dst = out + ids[k] * inner;
    for (int64_t i = 0; i < inner; ++i) {
      dst[i] = FromMath<T>(Combine(r, ToMath(dst[i]), ToMath(row[i])));
    }
  }
}

class SegmentReductionKernel : public OpKernel {
 public:
  SegmentReductionKernel(Form form, Reduce reduce, DataType dtype)
      : form_(form), reduce_(reduce), dtype_(dtype) {}

  template <Form kForm, Reduce kReduce>
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    const int inputs = kForm == Form::kSorted                    ? 2
                       : kForm == Form::kSparseWithNumSegments ? 4
                                                               : 3;
    RETURN_IF_ERROR(CheckNumInputs(c, inputs));
    ASSIGN_OR_RETURN(DataType dtype, ResolveTypeAttr(c, "T", {0}));
    const bool float_only = kReduce == Reduce::kSqrtN ||
                            (kReduce == Reduce::kMean && kForm != Form::kSorted);
    if (float_only ? !DTypeIn<FloatTypes>(dtype) : !DTypeIn<NumberTypes>(dtype)) {
      return c.Error(float_only ? UnsupportedDTypeMessage<FloatTypes>(dtype)
                                : UnsupportedDTypeMessage<NumberTypes>(dtype));
    }
    return std::make_unique<SegmentReductionKernel>(kForm, kReduce, dtype);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor data, ctx.input(0));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, data, dtype_));
    const TensorShape& d = data.shape();
    if (form_ == Form::kUnsorted) return ComputeUnsorted(ctx, data);
    if (d.rank() == 0) return ctx.Error("data must be at least a vector, got a scalar");
    std::vector<int64_t> src, ids;
    int64_t rows = 0;
    if (form_ == Form::kSorted) {
      ASSIGN_OR_RETURN(Tensor ids_tensor, ctx.input(1));
      ASSIGN_OR_RETURN(ids, ReadIndexVector(ctx, ids_tensor, "segment_ids"));
      if (static_cast<int64_t>(ids.size()) != d.dim(0)) {
        return ctx.Error(absl::StrCat("segment_ids has ", ids.size(),
                                      " elements but data's first dimension is ", d.dim(0),
                                      " (data ", d.DebugString(), ")"));
      }
      src.resize(ids.size());
      for (size_t k = 0; k < src.size(); ++k) src[k] = static_cast<int64_t>(k);
    } else {
      ASSIGN_OR_RETURN(Tensor indices_tensor, ctx.input(1));
      ASSIGN_OR_RETURN(Tensor ids_tensor, ctx.input(2));
      ASSIGN_OR_RETURN(src, ReadIndexVector(ctx, indices_tensor, "indices"));
      ASSIGN_OR_RETURN(ids, ReadIndexVector(ctx, ids_tensor, "segment_ids"));
      if (src.size() != ids.size()) {
        return ctx.Error(absl::StrCat("indices (", src.size(), " elements) and segment_ids (",
                                      ids.size(), " elements) differ in size"));
      }
      for (size_t k = 0; k < src.size(); ++k) {
        if (src[k] < 0 || src[k] >= d.dim(0)) {
          return ctx.Error(OutOfRange("indices", static_cast<int64_t>(k), src[k], d.dim(0)));
        }
      }
    }
    if (form_ == Form::kSparseWithNumSegments) {
      ASSIGN_OR_RETURN(Tensor num_tensor, ctx.input(3));
      ASSIGN_OR_RETURN(rows, ReadIndexScalar(ctx, num_tensor, "num_segments"));
      if (rows < 0) return ctx.Error(absl::StrCat("num_segments = ", rows, " must be >= 0"));
    } else if (!ids.empty()) {
      if (ids.back() < 0) {
        return ctx.Error(absl::StrCat("segment ids must be >= 0, the last is ", ids.back()));
      }
      if (ids.back() == std::numeric_limits<int64_t>::max()) {
        return ctx.Error("the last segment id is too large");
      }
      rows = ids.back() + 1;
    }
    RETURN_IF_ERROR(CheckSortedIds(ctx, ids, rows));
    std::vector<int64_t> dims = d.dims();
    dims[0] = rows;
    ASSIGN_OR_RETURN(TensorShape out_shape, MakeShape(ctx, dims));
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, dtype_, std::move(out_shape)));
    if (out->num_elements() == 0) return absl::OkStatus();
    const int64_t inner = DimProduct(d, 1, d.rank());
    VisitDType<NumberTypes>(dtype_, [&](auto tag) {
      using T = typename decltype(tag)::type;
      ReduceSortedRuns<T>(reduce_, data.data<T>(), inner, src, ids, out->data<T>());
    });
    return absl::OkStatus();
  }

 private:
  absl::Status ComputeUnsorted(KernelContext& ctx, const Tensor& data) const {
    ASSIGN_OR_RETURN(Tensor ids_tensor, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor num_tensor, ctx.input(2));
    ASSIGN_OR_RETURN(std::vector<int64_t> ids, ReadIds(ctx, ids_tensor, "segment_ids"));
    ASSIGN_OR_RETURN(int64_t num_segments, ReadIndexScalar(ctx, num_tensor, "num_segments"));
    if (num_segments < 0) {
      return ctx.Error(absl::StrCat("num_segments = ", num_segments, " must be >= 0"));
    }
    const TensorShape& d = data.shape();
    const TensorShape& q = ids_tensor.shape();
    bool prefix = q.rank() <= d.rank();
    for (int i = 0; prefix && i < q.rank(); ++i) prefix = q.dim(i) == d.dim(i);
    if (!prefix) {
      return ctx.Error(absl::StrCat("data ", d.DebugString(), " does not start with segment_ids ",
                                    q.DebugString()));
    }
    for (size_t k = 0; k < ids.size(); ++k) {
      if (ids[k] >= num_segments) {
        return ctx.Error(OutOfRange("segment_ids", static_cast<int64_t>(k), ids[k], num_segments));
      }
    }
    std::vector<int64_t> dims = {num_segments};
    dims.insert(dims.end(), d.dims().begin() + q.rank(), d.dims().end());
    ASSIGN_OR_RETURN(TensorShape out_shape, MakeShape(ctx, dims));
    ASSIGN_OR_RETURN(Tensor * out,
                     AllocateOutput(ctx, 0, dtype_, std::move(out_shape), /*for_overwrite=*/true));
    if (out->num_elements() == 0) return absl::OkStatus();
    const int64_t inner = DimProduct(d, q.rank(), d.rank());
    VisitDType<NumberTypes>(dtype_, [&](auto tag) {
      using T = typename decltype(tag)::type;
      ReduceUnsorted<T>(reduce_, data.data<T>(), inner, ids, out->num_elements(),
                        out->data<T>());
    });
    return absl::OkStatus();
  }

  const Form form_;
  const Reduce reduce_;
  const DataType dtype_;
};

using K = SegmentReductionKernel;
SS_REGISTER_KERNEL("UnsortedSegmentSum", kReference, K::Create<Form::kUnsorted, Reduce::kSum>);
SS_REGISTER_KERNEL("UnsortedSegmentProd", kReference, K::Create<Form::kUnsorted, Reduce::kProd>);
SS_REGISTER_KERNEL("UnsortedSegmentMax", kReference, K::Create<Form::kUnsorted, Reduce::kMax>);
SS_REGISTER_KERNEL("UnsortedSegmentMin", kReference, K::Create<Form::kUnsorted, Reduce::kMin>);
SS_REGISTER_KERNEL("SegmentSum", kReference, K::Create<Form::kSorted, Reduce::kSum>);
SS_REGISTER_KERNEL("SegmentMean", kReference, K::Create<Form::kSorted, Reduce::kMean>);
SS_REGISTER_KERNEL("SegmentProd", kReference, K::Create<Form::kSorted, Reduce::kProd>);
SS_REGISTER_KERNEL("SegmentMax", kReference, K::Create<Form::kSorted, Reduce::kMax>);
SS_REGISTER_KERNEL("SegmentMin", kReference, K::Create<Form::kSorted, Reduce::kMin>);
SS_REGISTER_KERNEL("SparseSegmentSum", kReference, K::Create<Form::kSparse, Reduce::kSum>);
SS_REGISTER_KERNEL("SparseSegmentMean", kReference, K::Create<Form::kSparse, Reduce::kMean>);
SS_REGISTER_KERNEL("SparseSegmentSqrtN", kReference, K::Create<Form::kSparse, Reduce::kSqrtN>);
SS_REGISTER_KERNEL("SparseSegmentSumWithNumSegments", kReference,
                   K::Create<Form::kSparseWithNumSegments, Reduce::kSum>);
SS_REGISTER_KERNEL("SparseSegmentMeanWithNumSegments", kReference,
                   K::Create<Form::kSparseWithNumSegments, Reduce::kMean>);
SS_REGISTER_KERNEL("SparseSegmentSqrtNWithNumSegments", kReference,
                   K::Create<Form::kSparseWithNumSegments, Reduce::kSqrtN>);

}  // namespace
}  // namespace savedserve
