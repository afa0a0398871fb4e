// Transpose: permutes the dimensions of a tensor of any dtype: output.dim(i) ==
// input.dim(perm[i]). This is the portable reference; cpu/transpose_blocked.cc is faster.
#include "kernels/ops/transpose.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {

absl::StatusOr<TransposePlan> PlanTranspose(const KernelContext& ctx, const TensorShape& in,
                                            const Tensor& perm_tensor) {
  ASSIGN_OR_RETURN(std::vector<int64_t> perm, ReadIndexVector(ctx, perm_tensor, "perm"));
  const int rank = in.rank();
  const std::string perm_text = absl::StrCat("[", absl::StrJoin(perm, ","), "]");
  if (static_cast<int64_t>(perm.size()) != rank) {
    return ctx.Error(absl::StrCat("perm ", perm_text, " has ", perm.size(),
                                  " entries but the input ", in.DebugString(), " has rank ", rank));
  }
  TransposePlan plan;
  std::vector<bool> seen(rank, false);
  std::vector<int64_t> out_dims;
  for (int64_t p : perm) {
    if (p < 0 || p >= rank) {
      return ctx.Error(
          absl::StrCat("perm ", perm_text, " has entry ", p, ", out of range [0, ", rank, ")"));
    }
    if (seen[p]) {
      return ctx.Error(
          absl::StrCat("perm ", perm_text, " is not a permutation: ", p, " appears twice"));
    }
    seen[p] = true;
    plan.perm.push_back(static_cast<int>(p));
    out_dims.push_back(in.dim(static_cast<int>(p)));
  }
  plan.out_shape = TensorShape(std::move(out_dims));
  return plan;
}

void TransposeReference(const Tensor& in, const TransposePlan& plan, Tensor& out) {
  const int rank = out.shape().rank();
  const int64_t n = out.num_elements();
  if (n == 0) return;
  const std::vector<int64_t> in_strides = RowMajorStrides(in.shape());
  // Stride in the input of a step along each output dimension.
  std::vector<int64_t> step(rank);
  for (int i = 0; i < rank; ++i) step[i] = in_strides[plan.perm[i]];
  DispatchElement(in.dtype(), [&](auto element) {
    using E = decltype(element);
    std::vector<int64_t> index(rank, 0);  // output index, row-major odometer
    int64_t src = 0;
    for (int64_t dst = 0; dst < n; ++dst) {
      E::Copy(in.raw_data(), src, out.raw_data(), dst);
      for (int d = rank - 1; d >= 0; --d) {
        src += step[d];
        if (++index[d] < out.shape().dim(d)) break;
        src -= step[d] * index[d];
        index[d] = 0;
      }
    }
  });
}

namespace {

class TransposeKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::make_unique<TransposeKernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor perm, ctx.input(1));
    if (!IsCopyableType(input.dtype())) return UnsupportedType(ctx, input.dtype());
    ASSIGN_OR_RETURN(TransposePlan plan, PlanTranspose(ctx, input.shape(), perm));
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, input.dtype(), plan.out_shape));
    TransposeReference(input, plan, *out);
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("Transpose", kReference, CreateKernel<TransposeKernel>);

}  // namespace
}  // namespace savedserve
