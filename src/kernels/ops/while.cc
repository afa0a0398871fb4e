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
#include "kernels/ops/control_flow_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

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
    const int n = c.num_inputs();
    ASSIGN_OR_RETURN(k->cond_, InstantiateChecked(c, cond, "cond", n, 1));
    ASSIGN_OR_RETURN(k->body_, InstantiateChecked(c, body, "body", n, n));
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(std::vector<Value> vars, FunctionArgs(ctx));
    for (int64_t iteration = 0;; ++iteration) {
      ASSIGN_OR_RETURN(bool more, Condition(ctx, vars, iteration));
      if (!more) break;
      auto next = body_->Call(vars, ctx.thread_pool(), ctx.resources());
      if (!next.ok()) return IterationError(ctx, iteration, next.status());
      RETURN_IF_ERROR(CheckValueTypes(ctx, absl::StrCat("iteration ", iteration, ": body"),
                                      "loop var", *next, types_));
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
    absl::StatusOr<bool> value = TensorToBool((*out)[0].tensor);
    if (!value.ok()) return IterationError(ctx, iteration, value.status());
    return value;
  }

  static absl::Status IterationError(const KernelContext& ctx, int64_t iteration,
                                     const absl::Status& status) {
    return CalledFunctionError(ctx, absl::StrCat("iteration ", iteration), status);
  }

  std::vector<DataType> types_;
  const Function* cond_ = nullptr;  // owned by the FunctionRuntime, which outlives kernels
  const Function* body_ = nullptr;
};

SS_REGISTER_KERNEL("While", kReference, CreateKernel<WhileKernel>);
SS_REGISTER_KERNEL("StatelessWhile", kReference, CreateKernel<WhileKernel>);

}  // namespace
}  // namespace savedserve
