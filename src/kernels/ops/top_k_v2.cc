// TopKV2: the k largest entries of each row (last dimension) of `input`, as values and
// their indices, largest first. Ties go to the lower index, as in TF. NaN ranks above every
// number (TF leaves NaN order unspecified; a total order keeps the sort well defined).
// `sorted` = false is served sorted, which TF permits. Also TopK, the TF1 form with k as an
// attribute.
#include <algorithm>
#include <limits>
#include <numeric>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/numeric.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// True when a ranks before b.
template <typename M>
bool Before(M a, int64_t ia, M b, int64_t ib) {
  const bool a_nan = IsNan(a), b_nan = IsNan(b);
  if (a_nan || b_nan) return a_nan && (!b_nan || ia < ib);
  return a > b || (a == b && ia < ib);
}

// Fills the values and indices of rows [0, rows) of a [rows, n] input.
template <typename T, typename I>
void TopKRows(const T* in, int64_t rows, int64_t n, int64_t k, T* values, I* indices) {
  std::vector<int64_t> order(n);
  std::vector<MathType<T>> row(n);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t i = 0; i < n; ++i) row[i] = ToMath(in[r * n + i]);
    std::iota(order.begin(), order.end(), 0);
    auto before = [&](int64_t a, int64_t b) { return Before(row[a], a, row[b], b); };
    std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
    for (int64_t j = 0; j < k; ++j) {
      values[r * k + j] = in[r * n + order[j]];
      indices[r * k + j] = static_cast<I>(order[j]);
    }
  }
}

class TopKKernel : public OpKernel {
 public:
  TopKKernel(int64_t attr_k, DataType index_type) : attr_k_(attr_k), index_type_(index_type) {}

  // kAttrK: TopK (k is an attribute) rather than TopKV2 (k is input 1).
  template <bool kAttrK>
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    int64_t k = -1;
    if (kAttrK) {
      ASSIGN_OR_RETURN(k, c.GetAttr<int64_t>("k"));
      if (k < 0) return c.Error(absl::StrCat("k must be >= 0, got ", k));
    }
    ASSIGN_OR_RETURN(DataType index_type,
                     c.GetAttrOr<DataType>("index_type", tensorflow::DT_INT32));
    if (index_type != tensorflow::DT_INT32 && index_type != tensorflow::DT_INT64) {
      return c.Error(
          absl::StrCat("index_type must be int32 or int64, got ", DataTypeName(index_type)));
    }
    return std::make_unique<TopKKernel>(k, index_type);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    int64_t k = attr_k_;
    if (k < 0) {
      ASSIGN_OR_RETURN(Tensor k_tensor, ctx.input(1));
      ASSIGN_OR_RETURN(k, ReadIndexScalar(ctx, k_tensor, "k"));
    }
    const TensorShape& in = input.shape();
    if (in.rank() == 0) return ctx.Error("input must be at least a vector, got a scalar");
    const int64_t n = in.dim(in.rank() - 1);
    if (k < 0 || k > n) {
      return ctx.Error(
          absl::StrCat("k = ", k, " is not in [0, ", n, "] for input ", in.DebugString()));
    }
    if (index_type_ == tensorflow::DT_INT32 && n > std::numeric_limits<int32_t>::max()) {
      return ctx.Error("rows are too long for int32 indices");
    }
    std::vector<int64_t> dims = in.dims();
    dims.back() = k;
    const TensorShape out_shape(dims);
    ASSIGN_OR_RETURN(Tensor * values, AllocateOutput(ctx, 0, input.dtype(), out_shape));
    ASSIGN_OR_RETURN(Tensor * indices, AllocateOutput(ctx, 1, index_type_, out_shape));
    if (values->num_elements() == 0) return absl::OkStatus();
    const int64_t rows = input.num_elements() / n;
    const bool ok = VisitDType<NumberTypes>(input.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      if (index_type_ == tensorflow::DT_INT64) {
        TopKRows(input.data<T>(), rows, n, k, values->data<T>(), indices->data<int64_t>());
      } else {
        TopKRows(input.data<T>(), rows, n, k, values->data<T>(), indices->data<int32_t>());
      }
    });
    if (!ok) return ctx.Error(UnsupportedDTypeMessage<NumberTypes>(input.dtype()));
    return absl::OkStatus();
  }

 private:
  const int64_t attr_k_;  // -1: k is input 1
  const DataType index_type_;
};

SS_REGISTER_KERNEL("TopKV2", kReference, TopKKernel::Create<false>);
SS_REGISTER_KERNEL("TopK", kReference, TopKKernel::Create<true>);

}  // namespace
}  // namespace savedserve
