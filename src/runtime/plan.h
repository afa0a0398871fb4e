// A Plan is the compiled form of one (feeds, fetches, targets) request shape on a Graph:
// the nodes the fetches and targets need given what is fed (a feed may be any tensor; the
// nodes behind it are cut away), in topological order, each with its kernel created, its
// inputs resolved to value slots, and a memory plan saying which values die after each step
// so their buffers are freed as early as possible. Immutable once compiled and safe for
// concurrent use: every run keeps its own values (see executor.h).
// Plans with TF1 control flow (Switch, Merge, Enter, Exit, NextIteration) also carry what
// TensorFlow's dataflow executor needs (plan_control_flow.h); the NextIteration back edges
// of their loops are left out of the topological order.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/thread_pool.h"
#include "kernels/function_runtime.h"
#include "kernels/registry.h"
#include "runtime/graph.h"
#include "runtime/kernel_cache.h"
#include "runtime/plan_control_flow.h"

namespace savedserve {

struct PlanSpec {
  std::vector<std::string> feeds;    // tensor names, e.g. "x:0"
  std::vector<std::string> fetches;  // tensor names
  std::vector<std::string> targets;  // node names, run for their effects
};

struct PlanOptions {
  // Runs call-op function bodies; nullptr when the graph has no functions.
  FunctionRuntime* functions = nullptr;
  // Kernels shared with other plans on the same graph; nullptr creates private ones.
  KernelCache* kernel_cache = nullptr;
  KernelVariant variant = KernelVariant::kOptimized;
  // Kernels that may pack weights (those with constant inputs) are created on this pool's
  // threads, several at once (packing dominates loading); nullptr creates all in order.
  ThreadPool* creation_pool = nullptr;
};

// Where a value lives while a plan runs: output `output` of step `producer`, or, for
// producer >= num_steps, feed number producer - num_steps.
struct Slot {
  int producer = 0;
  int output = 0;
};

struct PlanStep {
  const GraphNode* node = nullptr;  // owned by the Graph
  std::shared_ptr<const OpKernel> kernel;
  std::vector<Slot> inputs;
  int num_outputs = 0;
  std::vector<Slot> release;  // values whose last use is this step (or, unused, made here)
};

// The nodes `spec` needs (indexed like graph.nodes()): everything its fetches and targets
// reach backwards over data and control edges, stopping at fed tensors. Errors as
// Plan::Compile's for unknown feeds, fetches and targets.
absl::StatusOr<std::vector<bool>> NeededNodes(const Graph& graph, const PlanSpec& spec);

class Plan {
 public:
  // REQUIRES: `graph` outlives the plan. Errors name the offending tensor or node: unknown
  // feeds/fetches/targets, untyped outputs, cycles, unsupported ops.
  static absl::StatusOr<std::unique_ptr<Plan>> Compile(const Graph& graph, const PlanSpec& spec,
                                                       const PlanOptions& options);

  const std::vector<PlanStep>& steps() const { return steps_; }
  int num_steps() const { return static_cast<int>(steps_.size()); }
  int num_feeds() const { return static_cast<int>(feed_types_.size()); }
  // The dtype each feed must have (that of the tensor it replaces).
  const std::vector<DataType>& feed_types() const { return feed_types_; }
  const std::vector<Slot>& fetches() const { return fetches_; }
  // Feeds nothing reads: released before the first step.
  const std::vector<Slot>& unused_feeds() const { return unused_feeds_; }
  const PlanSpec& spec() const { return spec_; }
  // Frames, edges and pending counts for plans with TF1 control flow; nullptr otherwise
  // (the steps then run in order).
  const ControlFlowPlan* control_flow() const { return control_flow_.get(); }

 private:
  Plan() = default;
  friend class PlanBuilder;

  PlanSpec spec_;
  std::vector<PlanStep> steps_;
  std::vector<DataType> feed_types_;
  std::vector<Slot> fetches_;
  std::vector<Slot> unused_feeds_;
  std::unique_ptr<const ControlFlowPlan> control_flow_;
  // Values of Const nodes that kernels saw at creation, when there is no KernelCache.
  std::vector<std::unique_ptr<Tensor>> constants_;
};

}  // namespace savedserve
