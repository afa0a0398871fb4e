#include "runtime/executor_control_flow.h"

#include <algorithm>
#include <map>
#include <queue>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "base/status.h"

namespace savedserve {
namespace {

using Kind = ControlFlowPlan::Kind;

bool HasValue(const Value& v) { return v.tensor.is_initialized() || v.variable != nullptr; }

// One iteration of one frame: TF's IterationState.
struct Iteration {
  Iteration(int64_t n, const ControlFlowPlan::Frame& info)
      : number(n),
        pending(info.initial_pending),
        dead(info.initial_pending.size(), 0),
        inputs(info.num_input_slots) {}

  const int64_t number;
  std::vector<int> pending;    // by local id
  std::vector<int> dead;       // dead inputs seen, by local id
  std::vector<Value> inputs;   // by input slot
  int outstanding_ops = 0;     // nodes of this iteration ready or running
  int outstanding_frames = 0;  // child frames started here and not done
};

// A value carried into later iterations (a loop invariant or a deferred NextIteration).
struct Carried {
  int step = 0;
  bool dead = false;
  Value value;
};

// One execution of a loop (or the root): TF's FrameState.
struct Frame {
  Frame(const ControlFlowPlan::Frame& i, Frame* p, Iteration* pi)
      : info(i), parent(p), parent_iteration(pi), pending_enters(i.num_enters) {
    iterations[0] = std::make_unique<Iteration>(0, info);
  }

  const ControlFlowPlan::Frame& info;
  Frame* const parent;  // nullptr for the root
  Iteration* const parent_iteration;
  int pending_enters;           // Enter nodes that have not fired yet
  int64_t iteration_count = 0;  // the newest iteration
  int outstanding_iterations = 1;
  std::map<int64_t, std::unique_ptr<Iteration>> iterations;
  std::vector<int> dead_exits;          // Exits found dead in the newest iteration
  std::vector<Carried> invariants;      // constant Enters' values, for every iteration
  std::vector<Carried> deferred_nexts;  // waiting for an iteration below the limit
};

struct ReadyNode {
  int step;
  Frame* frame;
  Iteration* iteration;
  bool dead;
  uint64_t sequence;
};

// Older iterations first, so a loop's iterations finish one after another and free their
// state; then the lowest step (the plan's topological order: without loops, the plan runs in
// order); then arrival.
struct RunsLater {
  bool operator()(const ReadyNode& a, const ReadyNode& b) const {
    return std::tuple(a.iteration->number, a.step, a.sequence) >
           std::tuple(b.iteration->number, b.step, b.sequence);
  }
};

// One run of a plan. Single use; one thread.
class ControlFlowRun {
 public:
  ControlFlowRun(const Plan& plan, const ExecContext& context, ExecStats* flop_stats)
      : plan_(plan),
        cf_(*plan.control_flow()),
        context_(context),
        flop_stats_(flop_stats),
        root_(cf_.frames[0], nullptr, nullptr),
        fetched_(plan.fetches().size()),
        fetch_state_(plan.fetches().size(), FetchState::kNotRun) {}

  absl::StatusOr<std::vector<Value>> Run(std::vector<Value> feeds, ExecStats* stats) {
    Iteration* first = root_.iterations[0].get();
    for (size_t f = 0; f < feeds.size(); ++f) {
      for (const auto& [dst, input] : cf_.feed_edges[f])
        Deliver(root_, *first, dst, input, &feeds[f], false);
    }
    for (int s : cf_.roots) Push(s, root_, *first, false);
    while (!ready_.empty()) {
      const ReadyNode node = ready_.top();
      ready_.pop();
      RETURN_IF_ERROR(Process(node));
    }
    if (stats != nullptr) {
      stats->steps_run += steps_run_;
      stats->peak_live_values = std::max(stats->peak_live_values, peak_live_);
    }
    return Fetched(feeds);
  }

 private:
  enum class FetchState : uint8_t { kNotRun, kLive, kDead };

  const ControlFlowPlan::Step& Info(int step) const { return cf_.steps[step]; }

  static bool OutputLive(const ControlFlowPlan::Step& src, const std::vector<Value>& outputs,
                         int output) {
    return src.kind != Kind::kSwitch || HasValue(outputs[output]);
  }

  void Push(int step, Frame& frame, Iteration& iteration, bool dead) {
    if (Info(step).kind == Kind::kControlTrigger) dead = false;
    ++iteration.outstanding_ops;
    ready_.push(ReadyNode{step, &frame, &iteration, dead, sequence_++});
  }

  void Store(Value& slot, const Value& value) {
    slot = value;
    peak_live_ = std::max(peak_live_, ++live_);
  }

  // A data edge into `dst` arrives, with `value` (nullptr: dead). TF's ActivateNodes.
  void Deliver(Frame& frame, Iteration& it, int dst, int input, const Value* value,
               bool from_enter) {
    const ControlFlowPlan::Step& d = Info(dst);
    int& pending = it.pending[d.local_id];
    int& dead = it.dead[d.local_id];
    if (d.kind == Kind::kMerge) {
      if (value != nullptr) {
        // Only the first live input is kept and starts the Merge (if no control is pending).
        if ((pending & 1) == 0) return;
        Store(it.inputs[d.input_start + input], *value);
        if (pending-- == 1) Push(dst, frame, it, false);
        return;
      }
      // A Merge fed by a dead Enter is dead at once: its NextIteration input never comes to
      // iteration 0 (a loop on the untaken branch of a cond).
      const bool all_dead = ++dead == d.num_inputs || from_enter;
      if (pending == 1 && all_dead) Push(dst, frame, it, true);
      return;
    }
    if (value != nullptr) {
      Store(it.inputs[d.input_start + input], *value);
    } else {
      ++dead;
    }
    if (--pending == 0) Push(dst, frame, it, dead > 0);
  }

  void DeliverControl(Frame& frame, Iteration& it, int dst, bool src_dead) {
    const ControlFlowPlan::Step& d = Info(dst);
    int& pending = it.pending[d.local_id];
    int& dead = it.dead[d.local_id];
    if (d.kind == Kind::kMerge) {
      pending -= 2;
      const bool all_dead = dead == d.num_inputs;
      if (pending == 0 || (pending == 1 && all_dead)) Push(dst, frame, it, pending == 1);
      return;
    }
    if (src_dead) ++dead;
    if (--pending == 0) Push(dst, frame, it, dead > 0);
  }

  // Step `src`'s outputs (or its deadness) reach its consumers in `frame`, `it`.
  void Activate(Frame& frame, Iteration& it, int src, bool src_dead,
                const std::vector<Value>* outputs) {
    const ControlFlowPlan::Step& s = Info(src);
    const bool from_enter = s.kind == Kind::kEnter;
    if (&frame == &root_) {  // fetches read the root frame, as TF's Retval nodes
      for (const auto& [fetch, output] : s.fetches) {
        const bool live = !src_dead && OutputLive(s, *outputs, output);
        fetch_state_[fetch] = live ? FetchState::kLive : FetchState::kDead;
        if (live) fetched_[fetch] = (*outputs)[output];
      }
    }
    for (const ControlFlowPlan::Edge& e : s.out_edges) {
      const bool live = !src_dead && OutputLive(s, *outputs, e.src_output);
      Deliver(frame, it, e.dst, e.dst_input, live ? &(*outputs)[e.src_output] : nullptr,
              from_enter);
    }
    for (int dst : s.control_out) DeliverControl(frame, it, dst, src_dead);
  }

  absl::Status Process(const ReadyNode& node) {
    const PlanStep& step = plan_.steps()[node.step];
    const ControlFlowPlan::Step& info = Info(node.step);
    Iteration& it = *node.iteration;
    std::vector<Value> outputs(step.num_outputs);
    Value* in = it.inputs.data() + info.input_start;
    if (!node.dead) {
      std::vector<const Value*> inputs;
      for (int i = 0; i < info.num_inputs; ++i) inputs.push_back(in + i);
      KernelContext ctx(step.node->def, inputs, &outputs, context_.pool, context_.resources,
                        context_.functions);
      absl::Status status = step.kernel->Compute(ctx);
      if (!status.ok()) return NameNode(status, *step.node);
      if (flop_stats_ != nullptr) flop_stats_->flops += StepFlops(step, inputs);
      ++steps_run_;
    }
    for (int i = 0; i < info.num_inputs; ++i) {
      if (HasValue(in[i])) --live_;
      in[i] = Value{};
    }
    Propagate(node, outputs);
    return absl::OkStatus();
  }

  // TF's PropagateOutputs: where a finished node's outputs go, then its iteration's upkeep.
  void Propagate(const ReadyNode& node, const std::vector<Value>& outputs) {
    Frame& frame = *node.frame;
    Iteration& it = *node.iteration;
    const ControlFlowPlan::Step& info = Info(node.step);
    switch (info.kind) {
      case Kind::kEnter: {
        Frame& child = ChildFrame(frame, it, info.child_frame);
        --child.pending_enters;
        if (info.constant_enter) {
          child.invariants.push_back({node.step, node.dead, node.dead ? Value{} : outputs[0]});
          for (auto& [n, later] : child.iterations) {
            Activate(child, *later, node.step, node.dead, &outputs);
          }
        } else {
          Activate(child, *child.iterations.at(0), node.step, node.dead, &outputs);
        }
        Iteration& first = *child.iterations.begin()->second;
        if (first.outstanding_ops == 0 && CleanupIterations(child, first)) DeleteFrame(child);
        break;
      }
      case Kind::kExit:
        if (node.dead) {
          if (it.number == frame.iteration_count) frame.dead_exits.push_back(node.step);
        } else {
          Activate(*frame.parent, *frame.parent_iteration, node.step, false, &outputs);
        }
        break;
      case Kind::kNextIteration:
        if (node.dead) break;  // deadness stops here
        if (it.number < frame.iteration_count) {
          Activate(frame, *frame.iterations.at(it.number + 1), node.step, false, &outputs);
        } else if (frame.outstanding_iterations >= frame.info.parallel_iterations) {
          frame.deferred_nexts.push_back({node.step, false, outputs[0]});
        } else {
          Activate(frame, NewIteration(frame), node.step, false, &outputs);
        }
        break;
      default:
        Activate(frame, it, node.step, node.dead, &outputs);
    }
    if (--it.outstanding_ops == 0 && &frame != &root_ && CleanupIterations(frame, it)) {
      DeleteFrame(frame);
    }
  }

  Frame& ChildFrame(Frame& parent, Iteration& it, int frame_index) {
    auto key = std::tuple(&parent, it.number, frame_index);
    auto found = frames_.find(key);
    if (found != frames_.end()) return *found->second;
    ++it.outstanding_frames;
    auto frame = std::make_unique<Frame>(cf_.frames[frame_index], &parent, &it);
    return *frames_.emplace(key, std::move(frame)).first->second;
  }

  Iteration& NewIteration(Frame& frame) {
    const int64_t n = ++frame.iteration_count;
    Iteration& it = *(frame.iterations[n] = std::make_unique<Iteration>(n, frame.info));
    ++frame.outstanding_iterations;
    frame.dead_exits.clear();
    for (const Carried& next : frame.deferred_nexts) {
      const std::vector<Value> values = {next.value};
      Activate(frame, it, next.step, false, &values);
    }
    frame.deferred_nexts.clear();
    for (const Carried& invariant : frame.invariants) {
      const std::vector<Value> values = {invariant.value};
      Activate(frame, it, invariant.step, invariant.dead, &values);
    }
    return it;
  }

  bool IterationDone(const Frame& frame, const Iteration& it) const {
    if (it.outstanding_ops > 0 || it.outstanding_frames > 0) return false;
    return it.number == 0 ? frame.pending_enters == 0 : !frame.iterations.contains(it.number - 1);
  }

  // Deletes the finished iterations from `it` on (starting a deferred one for each); whether
  // the whole frame is done.
  bool CleanupIterations(Frame& frame, Iteration& it) {
    for (int64_t n = it.number; n <= frame.iteration_count; ++n) {
      auto current = frame.iterations.find(n);
      if (current == frame.iterations.end() || !IterationDone(frame, *current->second)) break;
      live_ -= static_cast<int>(
          std::count_if(current->second->inputs.begin(), current->second->inputs.end(), HasValue));
      frame.iterations.erase(current);
      --frame.outstanding_iterations;
      if (!frame.deferred_nexts.empty()) NewIteration(frame);
    }
    return frame.pending_enters == 0 && frame.outstanding_iterations == 0;
  }

  // A finished loop: its last iteration's dead Exits make their consumers dead, then the
  // parent iteration may finish too.
  void DeleteFrame(Frame& frame) {
    Frame& parent = *frame.parent;
    Iteration& parent_it = *frame.parent_iteration;
    for (int exit : frame.dead_exits) Activate(parent, parent_it, exit, true, nullptr);
    frames_.erase(
        std::tuple(&parent, parent_it.number, static_cast<int>(&frame.info - cf_.frames.data())));
    --parent_it.outstanding_frames;
    if (&parent != &root_ && CleanupIterations(parent, parent_it)) DeleteFrame(parent);
  }

  absl::StatusOr<std::vector<Value>> Fetched(std::vector<Value>& feeds) {
    std::vector<Value> out;
    out.reserve(fetched_.size());
    for (size_t i = 0; i < fetched_.size(); ++i) {
      const Slot& s = plan_.fetches()[i];
      if (s.producer >= plan_.num_steps()) {
        out.push_back(feeds[s.producer - plan_.num_steps()]);
        continue;
      }
      if (fetch_state_[i] != FetchState::kLive) {
        const std::string& name = plan_.spec().fetches[i];
        return fetch_state_[i] == FetchState::kDead
                   ? absl::InvalidArgumentError(
                         absl::StrCat("Retval[", i, "] does not have value: fetched tensor '", name,
                                      "' is dead (it lies on the branch a Switch did not take)"))
                   : absl::InternalError(absl::StrCat("fetched tensor '", name,
                                                      "' was never computed: its node never "
                                                      "became ready (a malformed loop?)"));
      }
      out.push_back(std::move(fetched_[i]));
    }
    return out;
  }

  const Plan& plan_;
  const ControlFlowPlan& cf_;
  const ExecContext& context_;
  ExecStats* const flop_stats_;
  Frame root_;
  std::map<std::tuple<const Frame*, int64_t, int>, std::unique_ptr<Frame>> frames_;
  std::priority_queue<ReadyNode, std::vector<ReadyNode>, RunsLater> ready_;
  uint64_t sequence_ = 0;
  std::vector<Value> fetched_;
  std::vector<FetchState> fetch_state_;
  int64_t steps_run_ = 0;
  int live_ = 0;
  int peak_live_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<Value>> RunControlFlowPlan(const Plan& plan, std::vector<Value> feeds,
                                                      const ExecContext& context,
                                                      ExecStats* flop_stats, ExecStats* stats) {
  ControlFlowRun run(plan, context, flop_stats);
  return run.Run(std::move(feeds), stats);
}

}  // namespace savedserve
