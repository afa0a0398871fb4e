// Select and SelectV2: output = condition ? t : e, element by element, for any dtype
// (strings included). Reference kernels only: they move data.
//  - Select: t and e have the same shape; condition is a scalar, has that shape, or is a
//    vector whose length is t's first dimension (choosing whole rows).
//  - SelectV2: condition, t and e broadcast together (NumPy rules).
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/broadcast.h"
#include "kernels/ops/dispatch.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class SelectKernel : public OpKernel {
 public:
  SelectKernel(DataType dtype, bool broadcast) : dtype_(dtype), broadcast_(broadcast) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor cond, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor t, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor e, ctx.input(2));
    RETURN_IF_ERROR(CheckInputType(ctx, 0, cond, tensorflow::DT_BOOL));
    RETURN_IF_ERROR(CheckInputType(ctx, 1, t, dtype_));
    RETURN_IF_ERROR(CheckInputType(ctx, 2, e, dtype_));
    TensorShape cond_shape = cond.shape();
    if (!broadcast_) {
      ASSIGN_OR_RETURN(cond_shape, SelectConditionShape(ctx, cond.shape(), t.shape(), e.shape()));
    }
    absl::StatusOr<BroadcastPlan> plan = BroadcastPlan::Create({cond_shape, t.shape(), e.shape()});
    if (!plan.ok()) return ctx.Error(plan.status().message());
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, dtype_, plan->output_shape()));
    if (plan->num_elements() == 0) return absl::OkStatus();
    DispatchElement(dtype_, [&](auto element) {
      Run<decltype(element)>(*plan, cond.data<bool>(), t, e, *out);
    });
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    return BroadcastElementCount(shapes);
  }

 private:
  // Select's condition as a shape that broadcasts the way Select means it: a vector
  // condition on a higher-rank t becomes [n, 1, ..., 1].
  static absl::StatusOr<TensorShape> SelectConditionShape(const KernelContext& ctx,
                                                          const TensorShape& cond,
                                                          const TensorShape& t,
                                                          const TensorShape& e) {
    if (t != e) {
      return ctx.Error(absl::StrCat("'then' and 'else' must have the same shape, got ",
                                    t.DebugString(), " and ", e.DebugString()));
    }
    if (cond.rank() == 0 || cond == t) return cond;
    if (cond.rank() == 1 && t.rank() > 1 && cond.dim(0) == t.dim(0)) {
      std::vector<int64_t> dims(t.rank(), 1);
      dims[0] = cond.dim(0);
      return TensorShape(std::move(dims));
    }
    return ctx.Error(absl::StrCat("condition must be a scalar, have the shape of 'then' (",
                                  t.DebugString(), "), or be a vector of its first dimension; got ",
                                  cond.DebugString()));
  }

  template <typename E>
  static void Run(const BroadcastPlan& plan, const bool* cond, const Tensor& t, const Tensor& e,
                  Tensor& out) {
    const int64_t length = plan.row_length();
    const int64_t cs = plan.row_stride(0), ts = plan.row_stride(1), es = plan.row_stride(2);
    for (int64_t r = 0; r < plan.num_rows(); ++r) {
      const bool* pc = cond + plan.RowOffset(0, r);
      const int64_t t0 = plan.RowOffset(1, r), e0 = plan.RowOffset(2, r);
      for (int64_t j = 0; j < length; ++j) {
        if (pc[j * cs]) {
          E::Copy(t.raw_data(), t0 + j * ts, out.raw_data(), r * length + j);
        } else {
          E::Copy(e.raw_data(), e0 + j * es, out.raw_data(), r * length + j);
        }
      }
    }
  }

  DataType dtype_;
  bool broadcast_;
};

template <bool kBroadcast>
absl::StatusOr<std::unique_ptr<OpKernel>> CreateSelectKernel(const KernelConstruction& c) {
  RETURN_IF_ERROR(CheckNumInputs(c, 3));
  ASSIGN_OR_RETURN(DataType dtype, ResolveTypeAttr(c, "T", {1, 2}));
  if (!IsCopyableType(dtype))
    return c.Error(absl::StrCat("unsupported dtype ", DataTypeName(dtype)));
  return std::make_unique<SelectKernel>(dtype, kBroadcast);
}

SS_REGISTER_KERNEL("Select", kReference, CreateSelectKernel<false>);
SS_REGISTER_KERNEL("SelectV2", kReference, CreateSelectKernel<true>);

}  // namespace
}  // namespace savedserve
