// If, StatelessIf, Case and StatelessCase: functional conditionals (what tf.cond and
// tf.switch_case write under control flow v2, Keras and the TF Object Detection API among
// them). The node's inputs after the first are the arguments of the one branch function
// that runs; its results are the outputs. If picks then_branch when `cond` is true by
// TensorFlow's rule (control_flow_util.h), else else_branch; Case picks branches[index],
// and an index out of range picks the last branch, as TensorFlow does. Every branch is
// instantiated when the kernel is created, so a missing op in any is a load-time error.
// `output_shapes` is a hint for TF's own shape inference and is not checked.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/function_runtime.h"
#include "kernels/ops/control_flow_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class ConditionalKernel : public OpKernel {
 public:
  enum class Selector { kBool, kIndex };  // If's cond, Case's branch_index

  // `functions` in branch order; `attr_names` says where each came from, for errors.
  static absl::StatusOr<std::unique_ptr<ConditionalKernel>> Create(
      const KernelConstruction& c, Selector selector, const std::vector<std::string>& attr_names,
      const std::vector<tensorflow::NameAttrList>& functions) {
    auto k = std::make_unique<ConditionalKernel>();
    k->selector_ = selector;
    ASSIGN_OR_RETURN(std::vector<DataType> in_types, c.GetAttr<std::vector<DataType>>("Tin"));
    ASSIGN_OR_RETURN(k->out_types_, c.GetAttr<std::vector<DataType>>("Tout"));
    if (static_cast<int>(in_types.size()) + 1 != c.num_inputs()) {
      return c.Error(absl::StrCat("Tin lists ", in_types.size(), " arguments, the node has ",
                                  c.num_inputs() - 1, " inputs after the first"));
    }
    const int num_args = static_cast<int>(in_types.size());
    const int num_rets = static_cast<int>(k->out_types_.size());
    for (size_t i = 0; i < functions.size(); ++i) {
      ASSIGN_OR_RETURN(const Function* f,
                       InstantiateChecked(c, functions[i], attr_names[i], num_args, num_rets));
      k->branches_.push_back(f);
      k->branch_names_.push_back(absl::StrCat(attr_names[i], " '", functions[i].name(), "'"));
    }
    return k;
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor selector, ctx.input(0));
    ASSIGN_OR_RETURN(size_t branch, Select(ctx, selector));
    ASSIGN_OR_RETURN(std::vector<Value> args, FunctionArgs(ctx, /*first_input=*/1));
    auto rets = branches_[branch]->Call(std::move(args), ctx.thread_pool(), ctx.resources());
    if (!rets.ok()) return CalledFunctionError(ctx, branch_names_[branch], rets.status());
    RETURN_IF_ERROR(CheckValueTypes(ctx, branch_names_[branch], "output", *rets, out_types_));
    for (size_t i = 0; i < rets->size(); ++i) ctx.set_output_value(i, std::move((*rets)[i]));
    return absl::OkStatus();
  }

 private:
  // If: then (0) or else (1). Case: the index, the last branch when out of range.
  absl::StatusOr<size_t> Select(const KernelContext& ctx, const Tensor& selector) const {
    if (selector_ == Selector::kBool) {
      absl::StatusOr<bool> cond = TensorToBool(selector);
      if (!cond.ok()) return ctx.Error(absl::StrCat("cond: ", cond.status().message()));
      return *cond ? 0 : 1;
    }
    if (selector.dtype() != tensorflow::DT_INT32 || selector.shape().rank() != 0) {
      return ctx.Error(absl::StrCat("branch_index must be an int32 scalar, got ",
                                    DataTypeName(selector.dtype()), " ",
                                    selector.shape().DebugString()));
    }
    const int32_t index = selector.data<int32_t>()[0];
    return index < 0 || static_cast<size_t>(index) >= branches_.size() ? branches_.size() - 1
                                                                       : index;
  }

  Selector selector_ = Selector::kIndex;
  std::vector<DataType> out_types_;
  std::vector<const Function*> branches_;  // owned by the FunctionRuntime
  std::vector<std::string> branch_names_;  // "then_branch 'cond_true_12'", for errors
};

absl::StatusOr<std::unique_ptr<OpKernel>> CreateIf(const KernelConstruction& c) {
  ASSIGN_OR_RETURN(auto then_branch, c.GetAttr<tensorflow::NameAttrList>("then_branch"));
  ASSIGN_OR_RETURN(auto else_branch, c.GetAttr<tensorflow::NameAttrList>("else_branch"));
  ASSIGN_OR_RETURN(auto kernel, ConditionalKernel::Create(c, ConditionalKernel::Selector::kBool,
                                                          {"then_branch", "else_branch"},
                                                          {then_branch, else_branch}));
  return std::unique_ptr<OpKernel>(std::move(kernel));
}

absl::StatusOr<std::unique_ptr<OpKernel>> CreateCase(const KernelConstruction& c) {
  auto it = c.node().attr().find("branches");
  if (it == c.node().attr().end() || !it->second.has_list() || it->second.list().func_size() == 0) {
    return c.Error("attribute 'branches' is missing or not a non-empty list of functions");
  }
  std::vector<tensorflow::NameAttrList> functions(it->second.list().func().begin(),
                                                  it->second.list().func().end());
  std::vector<std::string> names;
  for (size_t i = 0; i < functions.size(); ++i) names.push_back(absl::StrCat("branches[", i, "]"));
  ASSIGN_OR_RETURN(auto kernel, ConditionalKernel::Create(c, ConditionalKernel::Selector::kIndex,
                                                          names, functions));
  return std::unique_ptr<OpKernel>(std::move(kernel));
}

SS_REGISTER_KERNEL("If", kReference, CreateIf);
SS_REGISTER_KERNEL("StatelessIf", kReference, CreateIf);
SS_REGISTER_KERNEL("Case", kReference, CreateCase);
SS_REGISTER_KERNEL("StatelessCase", kReference, CreateCase);

}  // namespace
}  // namespace savedserve
