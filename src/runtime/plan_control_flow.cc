#include "runtime/plan_control_flow.h"

#include <deque>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "runtime/plan.h"

namespace savedserve {
namespace {

using Kind = ControlFlowPlan::Kind;

Kind KindOf(const std::string& op) {
  if (op == "Switch" || op == "RefSwitch") return Kind::kSwitch;
  if (op == "Merge" || op == "RefMerge") return Kind::kMerge;
  if (op == "Enter" || op == "RefEnter") return Kind::kEnter;
  if (op == "Exit" || op == "RefExit") return Kind::kExit;
  if (op == "NextIteration" || op == "RefNextIteration") return Kind::kNextIteration;
  if (op == "ControlTrigger") return Kind::kControlTrigger;
  return Kind::kPlain;
}

// Single use; one thread.
class ControlFlowBuilder {
 public:
  ControlFlowBuilder(const std::vector<PlanStep>& steps,
                     const std::vector<std::vector<int>>& control_inputs, int num_feeds)
      : steps_(steps), control_inputs_(control_inputs), cf_(new ControlFlowPlan) {
    cf_->steps.resize(steps.size());
    cf_->feed_edges.resize(num_feeds);
    cf_->frames.emplace_back();  // the root
  }

  absl::StatusOr<std::unique_ptr<const ControlFlowPlan>> Build(
      const std::vector<Slot>& fetches, const std::vector<std::string>& fetch_names) {
    AddEdges();
    RETURN_IF_ERROR(AssignFrames());
    Layout();
    for (size_t i = 0; i < fetches.size(); ++i) {
      const Slot& s = fetches[i];
      if (s.producer >= num_steps()) continue;  // a feed
      const int frame = OutputFrame(s.producer);
      if (frame != 0) {
        return absl::InvalidArgumentError(absl::StrCat("cannot fetch '", fetch_names[i],
                                                       "': it is inside the while loop frame '",
                                                       cf_->frames[frame].name, "'"));
      }
      cf_->steps[s.producer].fetches.push_back({static_cast<int>(i), s.output});
    }
    return std::unique_ptr<const ControlFlowPlan>(std::move(cf_));
  }

 private:
  int num_steps() const { return static_cast<int>(steps_.size()); }
  const std::string& Name(int s) const { return steps_[s].node->name(); }

  // The frame step s's outputs are in: its own, but an Enter's child and an Exit's parent.
  int OutputFrame(int s) const {
    const ControlFlowPlan::Step& step = cf_->steps[s];
    if (step.kind == Kind::kEnter) return step.child_frame;
    if (step.kind == Kind::kExit) return cf_->frames[frame_of_[s]].parent;
    return frame_of_[s];
  }

  void AddEdges() {
    for (int s = 0; s < num_steps(); ++s) {
      ControlFlowPlan::Step& step = cf_->steps[s];
      step.kind = KindOf(steps_[s].node->op());
      step.num_inputs = static_cast<int>(steps_[s].inputs.size());
      for (int i = 0; i < step.num_inputs; ++i) {
        const Slot& in = steps_[s].inputs[i];
        if (in.producer >= num_steps()) {
          cf_->feed_edges[in.producer - num_steps()].push_back({s, i});
        } else {
          cf_->steps[in.producer].out_edges.push_back({s, i, in.output});
        }
      }
      for (int c : control_inputs_[s]) cf_->steps[c].control_out.push_back(s);
      if (step.num_inputs == 0 && control_inputs_[s].empty()) cf_->roots.push_back(s);
    }
  }

  // The frame Enter `s` opens (created on first sight, keyed by frame_name as in TF).
  absl::StatusOr<int> ChildFrame(int s) {
    const auto& attrs = steps_[s].node->def.attr();
    auto name = attrs.find("frame_name");
    if (name == attrs.end() || name->second.s().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Enter '", Name(s), "' has no frame_name attribute"));
    }
    auto constant = attrs.find("is_constant");
    cf_->steps[s].constant_enter = constant != attrs.end() && constant->second.b();
    for (size_t f = 1; f < cf_->frames.size(); ++f) {
      if (cf_->frames[f].name != name->second.s()) continue;
      if (cf_->frames[f].parent != frame_of_[s]) {
        return absl::InvalidArgumentError(
            absl::StrCat("Enter '", Name(s), "' enters frame '", name->second.s(),
                         "' from another frame than its other Enters"));
      }
      return static_cast<int>(f);
    }
    ControlFlowPlan::Frame& frame = cf_->frames.emplace_back();
    frame.name = name->second.s();
    frame.parent = frame_of_[s];
    auto parallel = attrs.find("parallel_iterations");
    frame.parallel_iterations =
        parallel == attrs.end() ? 10 : static_cast<int>(std::max<int64_t>(1, parallel->second.i()));
    return static_cast<int>(cf_->frames.size()) - 1;
  }

  // TF's BuildControlFlowInfo: breadth-first from the roots (and the feeds, which TF reads
  // with root-frame Recv nodes); Enter's consumers are in its frame, Exit's in the parent of
  // its own, everyone else's in the frame of the node that reaches them first.
  absl::Status AssignFrames() {
    frame_of_.assign(num_steps(), -1);
    enter_of_.assign(num_steps(), -1);
    reached_from_.assign(num_steps(), -1);
    std::deque<int> queue;
    auto reach = [&](int s) {
      if (frame_of_[s] >= 0) return;
      frame_of_[s] = 0;
      queue.push_back(s);
    };
    for (int s : cf_->roots) reach(s);
    for (const auto& edges : cf_->feed_edges) {
      for (const auto& [dst, input] : edges) reach(dst);
    }
    while (!queue.empty()) {
      const int s = queue.front();
      queue.pop_front();
      ControlFlowPlan::Step& step = cf_->steps[s];
      int out_frame = frame_of_[s];
      int out_enter = enter_of_[s];
      if (step.kind == Kind::kEnter) {
        ASSIGN_OR_RETURN(step.child_frame, ChildFrame(s));
        out_frame = step.child_frame;
        out_enter = s;
      } else if (step.kind == Kind::kExit || step.kind == Kind::kNextIteration) {
        if (frame_of_[s] == 0) {
          return absl::InvalidArgumentError(
              absl::StrCat(steps_[s].node->op(), " '", Name(s), "' is not inside a while loop"));
        }
        if (step.kind == Kind::kExit) {
          out_frame = frame_of_[enter_of_[s]];
          out_enter = enter_of_[enter_of_[s]];
        }
      }
      std::vector<int> dsts = step.control_out;
      for (const ControlFlowPlan::Edge& e : step.out_edges) dsts.push_back(e.dst);
      for (int dst : dsts) {
        if (frame_of_[dst] < 0) {
          frame_of_[dst] = out_frame;
          enter_of_[dst] = out_enter;
          reached_from_[dst] = s;
          queue.push_back(dst);
        } else if (frame_of_[dst] != out_frame) {
          return FrameMismatch(dst, s, out_frame);
        }
      }
    }
    for (int s = 0; s < num_steps(); ++s) {
      if (frame_of_[s] < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(steps_[s].node->op(), " '", Name(s),
                         "' cannot be reached from the graph's inputs (a loop without an Enter?)"));
      }
    }
    return absl::OkStatus();
  }

  absl::Status FrameMismatch(int dst, int src, int src_frame) const {
    const int other = reached_from_[dst];
    return absl::InvalidArgumentError(absl::StrCat(
        steps_[dst].node->op(), " '", Name(dst), "' has inputs from different frames: '", Name(src),
        "' is in frame '", cf_->frames[src_frame].name, "', ",
        other < 0 ? "a feed" : absl::StrCat("'", Name(other), "'"), " in frame '",
        cf_->frames[frame_of_[dst]].name, "'"));
  }

  // Local ids, input slots and initial pending counts, per frame.
  void Layout() {
    for (int s = 0; s < num_steps(); ++s) {
      ControlFlowPlan::Step& step = cf_->steps[s];
      step.frame = frame_of_[s];
      ControlFlowPlan::Frame& frame = cf_->frames[step.frame];
      step.local_id = static_cast<int>(frame.initial_pending.size());
      step.input_start = frame.num_input_slots;
      frame.num_input_slots += step.num_inputs;
      const int controls = static_cast<int>(control_inputs_[s].size());
      // Merge: bit 0 says no live input has come yet; control edges count two each.
      step.initial_pending =
          step.kind == Kind::kMerge ? 1 + 2 * controls : step.num_inputs + controls;
      frame.initial_pending.push_back(step.initial_pending);
      if (step.kind == Kind::kEnter) ++cf_->frames[step.child_frame].num_enters;
    }
  }

  const std::vector<PlanStep>& steps_;
  const std::vector<std::vector<int>>& control_inputs_;
  std::unique_ptr<ControlFlowPlan> cf_;
  std::vector<int> frame_of_;
  std::vector<int> enter_of_;      // the Enter whose frame the step is in
  std::vector<int> reached_from_;  // the step that assigned its frame (-1: a root or feed)
};

}  // namespace

bool IsControlFlowOp(const std::string& op) {
  const Kind kind = KindOf(op);
  return kind != Kind::kPlain && kind != Kind::kControlTrigger;
}

absl::StatusOr<std::unique_ptr<const ControlFlowPlan>> BuildControlFlowPlan(
    const std::vector<PlanStep>& steps, const std::vector<std::vector<int>>& control_inputs,
    int num_feeds, const std::vector<Slot>& fetches, const std::vector<std::string>& fetch_names) {
  bool any = false;
  for (const PlanStep& step : steps) any = any || IsControlFlowOp(step.node->op());
  if (!any) return std::unique_ptr<const ControlFlowPlan>();
  ControlFlowBuilder builder(steps, control_inputs, num_feeds);
  return builder.Build(fetches, fetch_names);
}

}  // namespace savedserve
