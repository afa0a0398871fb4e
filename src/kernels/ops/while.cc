// While and StatelessWhile: functional loops (what tf.while_loop and tf.map_fn write under
// control flow v2). The inputs are the loop vars; while `cond` (loop vars -> one tensor)
// says true, `body` (loop vars -> new loop vars) replaces them; the outputs are the final
// loop vars. Both functions are instantiated when the kernel is created, so a missing op in
// either is a load-time error. As in TF there is no iteration limit (tf.while_loop puts
// maximum_iterations into cond). `output_shapes` and `parallel_iterations` are hints for
// TF's own executors; iterations run one after another here (each body runs its ops on the
// intra-op pool).
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/function_runtime.h"
#include "kernels/ops/dispatch.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// TF's ToBool for a loop condition: a scalar is true when non-zero (bool, numbers) or
// non-empty (string); any other shape is true when it has elements.
absl::StatusOr<bool> ConditionValue(const Tensor& t) {
  if (t.shape().rank() != 0) return t.num_elements() > 0;
  switch (t.dtype()) {
    case tensorflow::DT_BOOL:
      return t.data<bool>()[0];
    case tensorflow::DT_STRING:
      return !t.data<std::string>()[0].empty();
    default:
      break;
  }
  bool value = false;
  using Types = TypeList<float, double, int32_t, uint8_t, int16_t, int8_t, int64_t>;
  if (!VisitDType<Types>(t.dtype(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        value = t.data<T>()[0] != T(0);
      })) {
    return absl::InvalidArgumentError(
        absl::StrCat(DataTypeName(t.dtype()), " cannot be converted to a boolean"));
  }
  return value;
}

class WhileKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    auto k = std::make_unique<WhileKernel>();
    ASSIGN_OR_RETURN(k->types_, c.GetAttr<std::vector<DataType>>("T"));
    if (static_cast<int>(k->types_.size()) != c.num_inputs()) {
      return c.Error(absl::StrCat("T lists ", k->types_.size(), " loop vars, the node has ",
                                  c.num_inputs(), " inputs"));
    }
    ASSIGN_OR_RETURN(tensorflow::NameAttrList cond, c.GetAttr<tensorflow::NameAttrList>("cond"));
    ASSIGN_OR_RETURN(tensorflow::NameAttrList body, c.GetAttr<tensorflow::NameAttrList>("body"));
    ASSIGN_OR_RETURN(k->cond_, InstantiateForNode(c, cond));
    ASSIGN_OR_RETURN(k->body_, InstantiateForNode(c, body));
    const int n = c.num_inputs();
    if (k->cond_->num_args() != n || k->cond_->num_rets() != 1) {
      return c.Error(absl::StrCat("cond '", cond.name(), "' takes ", k->cond_->num_args(),
                                  " arguments and returns ", k->cond_->num_rets(),
                                  " values; expected ", n, " and 1"));
    }
    if (k->body_->num_args() != n || k->body_->num_rets() != n) {
      return c.Error(absl::StrCat("body '", body.name(), "' takes ", k->body_->num_args(),
                                  " arguments and returns ", k->body_->num_rets(),
                                  " values; expected ", n, " and ", n));
    }
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(std::vector<Value> vars, FunctionArgs(ctx));
    for (int64_t iteration = 0;; ++iteration) {
      ASSIGN_OR_RETURN(bool more, Condition(ctx, vars, iteration));
      if (!more) break;
      auto next = body_->Call(vars, ctx.thread_pool(), ctx.resources());
      if (!next.ok()) return IterationError(ctx, iteration, next.status());
      RETURN_IF_ERROR(CheckLoopVars(ctx, *next, iteration));
      vars = std::move(*next);
    }
    for (size_t i = 0; i < vars.size(); ++i) ctx.set_output_value(i, std::move(vars[i]));
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<bool> Condition(KernelContext& ctx, const std::vector<Value>& vars,
                                 int64_t iteration) const {
    auto out = cond_->Call(vars, ctx.thread_pool(), ctx.resources());
    if (!out.ok()) return IterationError(ctx, iteration, out.status());
    absl::StatusOr<bool> value = ConditionValue((*out)[0].tensor);
    if (!value.ok()) return IterationError(ctx, iteration, value.status());
    return value;
  }

  absl::Status CheckLoopVars(KernelContext& ctx, const std::vector<Value>& vars,
                             int64_t iteration) const {
    for (size_t i = 0; i < vars.size(); ++i) {
      const DataType got = vars[i].tensor.dtype();
      if (got != types_[i]) {
        return ctx.Error(absl::StrCat("iteration ", iteration, ": body returned ",
                                      DataTypeName(got), " for loop var ", i, ", expected ",
                                      DataTypeName(types_[i])));
      }
    }
    return absl::OkStatus();
  }

  // Keeps the code (a corrupt image stays InvalidArgument), prefixing the node.
  static absl::Status IterationError(const KernelContext& ctx, int64_t iteration,
                                     const absl::Status& status) {
    return absl::Status(status.code(),
                        absl::StrCat(ctx.node().op(), " '", ctx.node().name(), "' iteration ",
                                     iteration, ": ", status.message()));
  }

  std::vector<DataType> types_;
  const Function* cond_ = nullptr;  // owned by the FunctionRuntime, which outlives kernels
  const Function* body_ = nullptr;
};

SS_REGISTER_KERNEL("While", kReference, CreateKernel<WhileKernel>);
SS_REGISTER_KERNEL("StatelessWhile", kReference, CreateKernel<WhileKernel>);

}  // namespace
}  // namespace savedserve
