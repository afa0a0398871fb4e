// Running a Plan: the per-request session. RunPlan owns the values of one run (feeds, every
// step's outputs), runs the steps in order on the calling thread (kernels may fan out on the
// thread pool), frees each value after its last reader as the plan says, and returns the
// fetched values. Any number of RunPlan calls may share one Plan concurrently.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "base/thread_pool.h"
#include "kernels/function_runtime.h"
#include "kernels/resource.h"
#include "runtime/plan.h"

namespace savedserve {

struct ExecContext {
  ThreadPool* pool = nullptr;            // intra-op threads for kernels (not owned)
  ResourceManager* resources = nullptr;  // the model's variables (not owned)
  FunctionRuntime* functions = nullptr;  // for call ops (not owned)
};

// Optional measurements of one run.
struct ExecStats {
  bool count_flops = false;  // ask kernels for their Flops (also inside called functions)
  int64_t flops = 0;
  int64_t steps_run = 0;
  int peak_live_values = 0;  // most values held at once (top-level plan only)
};

// Runs `plan` with `feeds` (one per plan feed, in order; dtypes must match the plan's feed
// types). Kernel errors come back naming the failing node.
absl::StatusOr<std::vector<Value>> RunPlan(const Plan& plan, std::vector<Value> feeds,
                                           const ExecContext& context, ExecStats* stats = nullptr);

// The tensor a fetched Value stands for: its tensor, or the current value of the variable
// it refers to (a fetched TF1 ref).
absl::StatusOr<Tensor> ValueToTensor(const Value& value);

}  // namespace savedserve
