// Unique(x) -> (y, idx) and UniqueWithCounts(x) -> (y, idx, count): the distinct elements of
// the vector x in order of first occurrence, idx[i] the position of x[i] in y, count[k] how
// often y[k] occurs. Elements compare by value, as TF's hash map does: 0.0 equals -0.0 and
// every NaN is distinct. idx and count have type out_idx (int32 or int64). Numbers, bool
// and strings.
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/numeric.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// Groups equal keys: group[i] is the group of element i, first[g] the first element of g.
template <typename Key, typename KeyOf>
void Group(int64_t n, KeyOf key_of, std::vector<int64_t>& group, std::vector<int64_t>& first) {
  absl::flat_hash_map<Key, int64_t> groups;
  for (int64_t i = 0; i < n; ++i) {
    auto [it, inserted] = groups.try_emplace(key_of(i), static_cast<int64_t>(first.size()));
    if (inserted) first.push_back(i);
    group[i] = it->second;
  }
}

template <typename I>
void Store(const std::vector<int64_t>& values, Tensor& out) {
  I* dst = out.data<I>();
  for (size_t i = 0; i < values.size(); ++i) dst[i] = static_cast<I>(values[i]);
}

class UniqueKernel : public OpKernel {
 public:
  UniqueKernel(bool with_counts, DataType out_idx) : with_counts_(with_counts), out_idx_(out_idx) {}

  template <bool kWithCounts>
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    RETURN_IF_ERROR(CheckNumInputs(c, 1));
    ASSIGN_OR_RETURN(DataType out_idx, c.GetAttrOr<DataType>("out_idx", tensorflow::DT_INT32));
    if (out_idx != tensorflow::DT_INT32 && out_idx != tensorflow::DT_INT64) {
      return c.Error(absl::StrCat("out_idx must be int32 or int64, got ", DataTypeName(out_idx)));
    }
    return std::make_unique<UniqueKernel>(kWithCounts, out_idx);
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor x, ctx.input(0));
    if (x.shape().rank() != 1) {
      return ctx.Error(absl::StrCat("x must be a vector, got shape ", x.shape().DebugString()));
    }
    const int64_t n = x.num_elements();
    if (out_idx_ == tensorflow::DT_INT32 && n > std::numeric_limits<int32_t>::max()) {
      return ctx.Error(absl::StrCat("x has ", n, " elements, too many for int32 out_idx"));
    }
    std::vector<int64_t> group(n), first;
    if (IsStringLike(x.dtype())) {
      const std::string* s = x.data<std::string>();
      Group<std::string_view>(n, [&](int64_t i) { return std::string_view(s[i]); }, group, first);
    } else {
      const bool ok = VisitDType<NumberAndBoolTypes>(x.dtype(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* v = x.data<T>();
        Group<MathType<T>>(n, [&](int64_t i) { return ToMath(v[i]); }, group, first);
      });
      if (!ok) return UnsupportedType(ctx, x.dtype());
    }
    const int64_t unique = static_cast<int64_t>(first.size());
    ASSIGN_OR_RETURN(Tensor * y, AllocateOutput(ctx, 0, x.dtype(), TensorShape({unique})));
    for (int64_t k = 0; k < unique; ++k) CopyElements(x, first[k], *y, k, 1);
    ASSIGN_OR_RETURN(Tensor * idx, AllocateOutput(ctx, 1, out_idx_, TensorShape({n})));
    std::vector<int64_t> counts;
    Tensor* count = nullptr;
    if (with_counts_) {
      counts.assign(unique, 0);
      for (int64_t g : group) ++counts[g];
      ASSIGN_OR_RETURN(count, AllocateOutput(ctx, 2, out_idx_, TensorShape({unique})));
    }
    if (out_idx_ == tensorflow::DT_INT64) {
      Store<int64_t>(group, *idx);
      if (count != nullptr) Store<int64_t>(counts, *count);
    } else {
      Store<int32_t>(group, *idx);
      if (count != nullptr) Store<int32_t>(counts, *count);
    }
    return absl::OkStatus();
  }

 private:
  const bool with_counts_;
  const DataType out_idx_;
};

SS_REGISTER_KERNEL("Unique", kReference, UniqueKernel::Create<false>);
SS_REGISTER_KERNEL("UniqueWithCounts", kReference, UniqueKernel::Create<true>);

}  // namespace
}  // namespace savedserve
