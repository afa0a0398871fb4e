#include "runtime/executor.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "runtime/executor_control_flow.h"

namespace savedserve {
namespace {

// Flop counting reaches into function bodies, which run through nested RunPlan calls on
// the same thread without a stats pointer of their own.
thread_local ExecStats* current_stats = nullptr;

class StatsScope {
 public:
  explicit StatsScope(ExecStats* stats) : saved_(current_stats) {
    if (stats != nullptr) current_stats = stats;
  }
  ~StatsScope() { current_stats = saved_; }

 private:
  ExecStats* saved_;
};

absl::Status CheckFeeds(const Plan& plan, const std::vector<Value>& feeds) {
  if (static_cast<int>(feeds.size()) != plan.num_feeds()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected ", plan.num_feeds(), " feeds, got ", feeds.size()));
  }
  for (int i = 0; i < plan.num_feeds(); ++i) {
    const DataType want = plan.feed_types()[i];
    const DataType got = feeds[i].tensor.dtype();
    if (want != tensorflow::DT_INVALID && got != want) {
      return absl::InvalidArgumentError(absl::StrCat("feed '", plan.spec().feeds[i], "' is ",
                                                     DataTypeName(got), ", the graph expects ",
                                                     DataTypeName(want)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status NameNode(const absl::Status& status, const GraphNode& node) {
  if (absl::StrContains(status.message(), absl::StrCat("'", node.name(), "'"))) return status;
  return absl::Status(status.code(),
                      absl::StrCat(node.op(), " '", node.name(), "': ", status.message()));
}

int64_t StepFlops(const PlanStep& step, const std::vector<const Value*>& inputs) {
  std::vector<TensorShape> shapes;
  for (const Value* v : inputs) {
    if (v->tensor.is_initialized()) {
      shapes.push_back(v->tensor.shape());
    } else if (v->variable != nullptr) {
      auto t = v->variable->Read();
      shapes.push_back(t.ok() ? t->shape() : TensorShape{});
    } else {
      shapes.push_back(TensorShape{});
    }
  }
  return step.kernel->Flops(shapes);
}

absl::StatusOr<Tensor> ValueToTensor(const Value& value) {
  if (value.tensor.is_initialized()) return value.tensor;
  if (value.variable != nullptr) return value.variable->Read();
  return absl::InternalError("a fetched value was never produced");
}

absl::StatusOr<std::vector<Value>> RunPlan(const Plan& plan, std::vector<Value> feeds,
                                           const ExecContext& context, ExecStats* stats) {
  RETURN_IF_ERROR(CheckFeeds(plan, feeds));
  StatsScope scope(stats);
  ExecStats* flop_stats =
      current_stats != nullptr && current_stats->count_flops ? current_stats : nullptr;
  if (plan.control_flow() != nullptr) {
    return RunControlFlowPlan(plan, std::move(feeds), context, flop_stats, stats);
  }
  const int num_steps = plan.num_steps();
  // values[step] holds that step's outputs; values[num_steps + f] holds feed f.
  std::vector<std::vector<Value>> values(num_steps + feeds.size());
  for (size_t f = 0; f < feeds.size(); ++f) values[num_steps + f].push_back(std::move(feeds[f]));
  for (const Slot& s : plan.unused_feeds()) values[s.producer][s.output] = Value{};
  int live = static_cast<int>(feeds.size()) - static_cast<int>(plan.unused_feeds().size());
  int peak = live;
  std::vector<const Value*> inputs;
  for (int i = 0; i < num_steps; ++i) {
    const PlanStep& step = plan.steps()[i];
    inputs.clear();
    for (const Slot& s : step.inputs) inputs.push_back(&values[s.producer][s.output]);
    values[i].resize(step.num_outputs);
    KernelContext ctx(step.node->def, inputs, &values[i], context.pool, context.resources,
                      context.functions);
    absl::Status status = step.kernel->Compute(ctx);
    if (!status.ok()) return NameNode(status, *step.node);
    if (flop_stats != nullptr) flop_stats->flops += StepFlops(step, inputs);
    live += step.num_outputs;
    peak = std::max(peak, live);
    for (const Slot& s : step.release) values[s.producer][s.output] = Value{};
    live -= static_cast<int>(step.release.size());
  }
  if (stats != nullptr) {
    stats->steps_run += num_steps;
    stats->peak_live_values = std::max(stats->peak_live_values, peak);
  }
  std::vector<Value> fetched;
  fetched.reserve(plan.fetches().size());
  for (const Slot& s : plan.fetches()) fetched.push_back(values[s.producer][s.output]);
  return fetched;
}

}  // namespace savedserve
