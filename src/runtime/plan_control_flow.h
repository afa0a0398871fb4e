// The part of a Plan that TF1 control flow needs (Switch, Merge, Enter, Exit, NextIteration:
// what tf.cond and tf.while_loop write without control flow v2). Such plans run as
// TensorFlow's executor runs them (executor_control_flow.h): a node is ready when its inputs
// have arrived, a value may be dead, and loop bodies run once per iteration in frames. This
// is the static half, computed once per plan as TF's ImmutableExecutorState does: the
// frames (one per loop, by Enter's frame_name), each step's frame, its edges, pending
// counts and input slots. Immutable; safe for concurrent use.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace savedserve {

struct PlanStep;  // plan.h
struct Slot;

struct ControlFlowPlan {
  enum class Kind : uint8_t {
    kPlain,
    kSwitch,          // Switch, RefSwitch: one output stays dead
    kMerge,           // Merge, RefMerge: ready on its first live input
    kEnter,           // Enter, RefEnter: into a child frame
    kExit,            // Exit, RefExit: back to the parent frame
    kNextIteration,   // NextIteration, RefNextIteration: into the next iteration
    kControlTrigger,  // runs even when its inputs are dead
  };
  struct Edge {
    int dst = 0;
    int dst_input = 0;  // data input index of dst
    int src_output = 0;
  };
  struct Step {
    Kind kind = Kind::kPlain;
    int frame = 0;         // the frame the node runs in (0: the root)
    int child_frame = -1;  // kEnter: the frame it enters
    bool constant_enter = false;
    int local_id = 0;         // index among its frame's steps (pending counts)
    int input_start = 0;      // its first input's slot among its frame's input slots
    int initial_pending = 0;  // TF's: in-edges, or for Merge 1 + 2 * control in-edges
    int num_inputs = 0;       // data inputs
    std::vector<Edge> out_edges;
    std::vector<int> control_out;              // steps with a control edge from this one
    std::vector<std::pair<int, int>> fetches;  // (fetch index, output) fetched from it
  };
  struct Frame {
    std::string name;  // "" for the root, else the loop's frame_name
    int parent = -1;
    int num_enters = 0;  // Enter nodes that must fire before the frame can finish
    int parallel_iterations = 1;
    int num_input_slots = 0;
    std::vector<int> initial_pending;  // by local id
  };

  std::vector<Step> steps;  // indexed like Plan::steps()
  std::vector<Frame> frames;
  std::vector<int> roots;  // steps without in-edges (nor feeds)
  // Per feed, the (step, data input) pairs that read it; every such step is in the root frame.
  std::vector<std::vector<std::pair<int, int>>> feed_edges;
};

// Whether `op` is one of the ops that need the control-flow executor.
bool IsControlFlowOp(const std::string& op);

// The control-flow part of a plan whose steps are `steps` (inputs as in a compiled Plan: a
// producer >= steps.size() is a feed), `control_inputs` the steps each step waits for, and
// `fetches` its fetches. nullptr when no step is a control-flow op. Errors name the node:
// edges between frames other than through Enter/Exit ("has inputs from different frames",
// as TF), Exit or NextIteration outside a loop, fetching a tensor inside a loop.
absl::StatusOr<std::unique_ptr<const ControlFlowPlan>> BuildControlFlowPlan(
    const std::vector<PlanStep>& steps, const std::vector<std::vector<int>>& control_inputs,
    int num_feeds, const std::vector<Slot>& fetches, const std::vector<std::string>& fetch_names);

}  // namespace savedserve
