// PartitionedCall and StatefulPartitionedCall: call the library function named by attr `f`
// with the node's inputs. The function is compiled when this kernel is created (so a
// missing op anywhere below is a load-time error) and run by the runtime's FunctionRuntime.
// DT_RESOURCE inputs keep their Variable; ref inputs are read, as for any non-ref input.
#include "base/status.h"
#include "kernels/function_runtime.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class CallKernel : public OpKernel {
 public:
  explicit CallKernel(const Function* function) : function_(function) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(std::vector<Value> args, FunctionArgs(ctx));
    ASSIGN_OR_RETURN(std::vector<Value> rets,
                     function_->Call(std::move(args), ctx.thread_pool(), ctx.resources()));
    if (static_cast<int>(rets.size()) != ctx.num_outputs()) {
      return ctx.Error(absl::StrCat("function ", function_->name(), " returned ", rets.size(),
                                    " values, the node has ", ctx.num_outputs(), " outputs"));
    }
    for (size_t i = 0; i < rets.size(); ++i) ctx.set_output_value(i, std::move(rets[i]));
    return absl::OkStatus();
  }

 private:
  const Function* const function_;  // owned by the FunctionRuntime, which outlives kernels
};

absl::StatusOr<std::unique_ptr<OpKernel>> CreatePartitionedCall(const KernelConstruction& c) {
  ASSIGN_OR_RETURN(tensorflow::NameAttrList f, c.GetAttr<tensorflow::NameAttrList>("f"));
  return CreateCallKernel(c, f);
}

SS_REGISTER_KERNEL("PartitionedCall", kReference, CreatePartitionedCall);
SS_REGISTER_KERNEL("StatefulPartitionedCall", kReference, CreatePartitionedCall);

}  // namespace

absl::StatusOr<std::vector<Value>> FunctionArgs(const KernelContext& ctx, int first_input) {
  std::vector<Value> args;
  args.reserve(ctx.num_inputs());
  for (int i = first_input; i < ctx.num_inputs(); ++i) {
    const Value& in = ctx.input_value(i);
    if (in.variable != nullptr && in.tensor.dtype() != tensorflow::DT_RESOURCE) {
      ASSIGN_OR_RETURN(Tensor value, ctx.input(i));
      args.push_back(Value{std::move(value), nullptr});
    } else {
      args.push_back(in);
    }
  }
  return args;
}

absl::StatusOr<const Function*> InstantiateForNode(const KernelConstruction& c,
                                                   const tensorflow::NameAttrList& f) {
  if (c.functions() == nullptr) {
    return c.Error(absl::StrCat("cannot call function '", f.name(), "': no function library"));
  }
  auto function = c.functions()->Instantiate(f);
  if (!function.ok()) {
    return absl::Status(function.status().code(),
                        absl::StrCat(c.op(), " '", c.name(), "': ", function.status().message()));
  }
  return function;
}

absl::StatusOr<std::unique_ptr<OpKernel>> CreateCallKernel(const KernelConstruction& c,
                                                           const tensorflow::NameAttrList& f) {
  ASSIGN_OR_RETURN(const Function* function, InstantiateForNode(c, f));
  if (function->num_args() != c.num_inputs()) {
    return c.Error(absl::StrCat("function '", f.name(), "' takes ", function->num_args(),
                                " arguments, the node has ", c.num_inputs(), " inputs"));
  }
  return std::unique_ptr<OpKernel>(new CallKernel(function));
}

}  // namespace savedserve
