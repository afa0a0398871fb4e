// Running a plan with TF1 control flow (Plan::control_flow() set), as TensorFlow's executor
// does (common_runtime/propagator_state.cc), on the calling thread:
//  - a node runs once its inputs have arrived in its frame and iteration; a Merge once its
//    first live input has (or all of them, dead);
//  - values may be dead: Switch sends its data to one output and leaves the other dead; a
//    node with any dead input (data or control) is dead, and its kernel does not run, its
//    outputs are dead; a Merge is dead only when every input is; a ControlTrigger never is;
//  - Enter makes a value available in iteration 0 of its child frame (one frame per loop and
//    parent iteration), or in every iteration when is_constant; NextIteration passes a value
//    to the next iteration; Exit passes it to the parent frame; a dead NextIteration stops;
//    the dead Exits of a frame's last iteration reach the parent when the frame is done
//    (how a loop inside an untaken tf.cond branch ends up dead);
//  - at most parallel_iterations iterations of a frame are under way at once.
// Ready nodes run lowest step first, so a graph without loops runs in the plan's order.
// Internal to the executor (executor.cc calls it); see RunPlan for the contract.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "runtime/executor.h"

namespace savedserve {

// REQUIRES: plan.control_flow() != nullptr; feeds checked against the plan.
// `flop_stats`: where kernels' flops go (nullptr: not counted).
absl::StatusOr<std::vector<Value>> RunControlFlowPlan(const Plan& plan, std::vector<Value> feeds,
                                                      const ExecContext& context,
                                                      ExecStats* flop_stats, ExecStats* stats);

// Shared with executor.cc. A kernel error naming its node (unless the kernel already did).
absl::Status NameNode(const absl::Status& status, const GraphNode& node);
// The step's kernel's flops for these inputs.
int64_t StepFlops(const PlanStep& step, const std::vector<const Value*>& inputs);

}  // namespace savedserve
