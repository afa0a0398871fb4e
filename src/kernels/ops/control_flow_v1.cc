// TF1 control flow (what tf.cond and tf.while_loop write in graphs without control flow v2):
// Switch, Merge, Enter, Exit, NextIteration and LoopCond, their Ref variants, and
// ControlTrigger. The kernels only move values: Switch sets one of its two outputs and
// leaves the other unset (dead); Merge forwards the one input that has a value and its
// index. Dead values, frames and iterations are the executor's business
// (runtime/executor_control_flow.h), which also never runs a node with a dead input (bar
// Merge). A Ref variant forwards the variable itself; the others read a ref input, as TF
// dereferences refs feeding non-ref inputs.
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

bool IsRefOp(const KernelConstruction& c) { return c.op().rfind("Ref", 0) == 0; }

bool HasValue(const Value& v) { return v.tensor.is_initialized() || v.variable != nullptr; }

// Input i as the op passes it on: unchanged for a Ref op or a resource handle, else read.
absl::StatusOr<Value> PassedOn(const KernelContext& ctx, int i, bool ref) {
  const Value& in = ctx.input_value(i);
  if (ref || in.variable == nullptr || in.tensor.dtype() == tensorflow::DT_RESOURCE) return in;
  ASSIGN_OR_RETURN(Tensor value, ctx.input(i));
  return Value{std::move(value), nullptr};
}

// Switch / RefSwitch: `data` goes to output_true (1) when `pred` is true, else to
// output_false (0); the other output stays dead.
class SwitchKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    if (c.num_inputs() != 2) return c.Error("expects 2 inputs (data, pred)");
    return std::unique_ptr<OpKernel>(new SwitchKernel(IsRefOp(c)));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor pred, ctx.input(1));
    if (pred.dtype() != tensorflow::DT_BOOL || pred.shape().rank() != 0) {
      return ctx.Error(absl::StrCat("pred must be a bool scalar, got ", DataTypeName(pred.dtype()),
                                    " ", pred.shape().DebugString()));
    }
    ASSIGN_OR_RETURN(Value data, PassedOn(ctx, 0, ref_));
    ctx.set_output_value(pred.data<bool>()[0] ? 1 : 0, std::move(data));
    return absl::OkStatus();
  }

 private:
  explicit SwitchKernel(bool ref) : ref_(ref) {}
  const bool ref_;
};

// Merge / RefMerge: output 0 is the input that has a value, output 1 (value_index) its index.
// The executor hands over only the first live input; two would be TF's Internal error.
class MergeKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    if (c.num_inputs() < 1) return c.Error("expects at least one input");
    return std::unique_ptr<OpKernel>(new MergeKernel(IsRefOp(c)));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    int chosen = -1;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      if (!HasValue(ctx.input_value(i))) continue;
      if (chosen >= 0) {
        return absl::InternalError(absl::StrCat(ctx.node().op(), " '", ctx.node().name(),
                                                "': Merge can not have more than one valid input"));
      }
      chosen = i;
    }
    if (chosen < 0) {
      return absl::InternalError(absl::StrCat(ctx.node().op(), " '", ctx.node().name(),
                                              "': none of its inputs has a value"));
    }
    ASSIGN_OR_RETURN(Value value, PassedOn(ctx, chosen, ref_));
    ctx.set_output_value(0, std::move(value));
    ctx.set_output(1, Tensor::Scalar<int32_t>(chosen));
    return absl::OkStatus();
  }

 private:
  explicit MergeKernel(bool ref) : ref_(ref) {}
  const bool ref_;
};

// Enter, Exit, NextIteration, LoopCond and their Ref variants: the output is the input (the
// executor moves it between frames and iterations). Enter's attributes are checked here;
// the executor reads them from the node.
class ForwardKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    if (c.num_inputs() != 1) return c.Error("expects exactly one input");
    if (c.op() == "Enter" || c.op() == "RefEnter") {
      ASSIGN_OR_RETURN(std::string frame, c.GetAttr<std::string>("frame_name"));
      if (frame.empty()) return c.Error("frame_name is empty");
      ASSIGN_OR_RETURN(int64_t parallel, c.GetAttrOr<int64_t>("parallel_iterations", 10));
      if (parallel < 1) {
        return c.Error(absl::StrCat("parallel_iterations must be positive, got ", parallel));
      }
    }
    return std::unique_ptr<OpKernel>(new ForwardKernel(IsRefOp(c)));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Value value, PassedOn(ctx, 0, ref_));
    ctx.set_output_value(0, std::move(value));
    return absl::OkStatus();
  }

 private:
  explicit ForwardKernel(bool ref) : ref_(ref) {}
  const bool ref_;
};

// ControlTrigger: does nothing, and (the executor's part) runs even when its inputs are dead.
class ControlTriggerKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::unique_ptr<OpKernel>(new ControlTriggerKernel);
  }
  absl::Status Compute(KernelContext& ctx) const override { return absl::OkStatus(); }
};

SS_REGISTER_KERNEL("Switch", kReference, CreateKernel<SwitchKernel>);
SS_REGISTER_KERNEL("RefSwitch", kReference, CreateKernel<SwitchKernel>);
SS_REGISTER_KERNEL("Merge", kReference, CreateKernel<MergeKernel>);
SS_REGISTER_KERNEL("RefMerge", kReference, CreateKernel<MergeKernel>);
SS_REGISTER_KERNEL("Enter", kReference, CreateKernel<ForwardKernel>);
SS_REGISTER_KERNEL("RefEnter", kReference, CreateKernel<ForwardKernel>);
SS_REGISTER_KERNEL("Exit", kReference, CreateKernel<ForwardKernel>);
SS_REGISTER_KERNEL("RefExit", kReference, CreateKernel<ForwardKernel>);
SS_REGISTER_KERNEL("NextIteration", kReference, CreateKernel<ForwardKernel>);
SS_REGISTER_KERNEL("RefNextIteration", kReference, CreateKernel<ForwardKernel>);
SS_REGISTER_KERNEL("LoopCond", kReference, CreateKernel<ForwardKernel>);
SS_REGISTER_KERNEL("ControlTrigger", kReference, CreateKernel<ControlTriggerKernel>);

}  // namespace
}  // namespace savedserve
