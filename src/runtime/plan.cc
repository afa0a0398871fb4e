#include "runtime/plan.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status.h"
#include "runtime/tensor_names.h"

namespace savedserve {
namespace {

// A variable frozen into a constant (GraphNode::frozen_value): outputs the value, shared.
class FrozenValueKernel final : public OpKernel {
 public:
  explicit FrozenValueKernel(Tensor value) : value_(std::move(value)) {}
  absl::Status Compute(KernelContext& ctx) const override {
    ctx.set_output(0, value_);
    return absl::OkStatus();
  }

 private:
  const Tensor value_;
};

}  // namespace

// Compiles one Plan. Single use; one thread.
class PlanBuilder {
 public:
  PlanBuilder(const Graph& graph, const PlanSpec& spec, const PlanOptions& options)
      : graph_(graph), options_(options), plan_(new Plan) {
    plan_->spec_ = spec;
  }

  absl::StatusOr<std::unique_ptr<Plan>> Build() {
    RETURN_IF_ERROR(Needed().status());
    RETURN_IF_ERROR(Order());
    // Numbered up front: a loop's Merge reads its NextIteration, which comes later.
    for (size_t i = 0; i < order_.size(); ++i) step_of_[order_[i]] = static_cast<int>(i);
    for (int node : order_) RETURN_IF_ERROR(AddStep(node));
    RETURN_IF_ERROR(CreateDeferredKernels());
    for (const Endpoint& ep : fetch_endpoints_) plan_->fetches_.push_back(SlotOf(ep));
    PlanMemory();
    ASSIGN_OR_RETURN(plan_->control_flow_,
                     BuildControlFlowPlan(plan_->steps_, ControlInputSteps(), plan_->num_feeds(),
                                          plan_->fetches_, plan_->spec_.fetches));
    return std::move(plan_);
  }

  // Resolves the spec's names, then marks the nodes it needs: walks back from fetches and
  // targets, stopping at fed tensors.
  absl::StatusOr<std::vector<bool>> Needed() {
    RETURN_IF_ERROR(ResolveFeeds());
    RETURN_IF_ERROR(ResolveFetchesAndTargets());
    needed_.assign(graph_.nodes().size(), false);
    std::vector<int> stack = targets_;
    for (const Endpoint& ep : fetch_endpoints_) {
      if (!IsFed(ep)) stack.push_back(ep.node);
    }
    while (!stack.empty()) {
      const int n = stack.back();
      stack.pop_back();
      if (needed_[n]) continue;
      needed_[n] = true;
      const GraphNode& node = graph_.node(n);
      for (const Endpoint& in : node.inputs) {
        if (!IsFed(in)) stack.push_back(in.node);
      }
      for (int c : node.control_inputs) {
        if (!FedPlaceholder(c)) stack.push_back(c);
      }
    }
    return needed_;
  }

 private:
  using Key = std::pair<int, int>;  // (node, output)

  absl::Status ResolveFeeds() {
    for (const std::string& name : plan_->spec_.feeds) {
      ASSIGN_OR_RETURN(Endpoint ep, graph_.ResolveTensor(name));
      const GraphNode& node = graph_.node(ep.node);
      if (!node.outputs_status.ok()) return Annotate(node.outputs_status, "feed '" + name + "'");
      if (!fed_.emplace(Key{ep.node, ep.index}, plan_->num_feeds()).second) {
        return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "' is fed twice"));
      }
      plan_->feed_types_.push_back(node.outputs[ep.index].dtype);
    }
    return absl::OkStatus();
  }

  absl::Status ResolveFetchesAndTargets() {
    for (const std::string& name : plan_->spec_.fetches) {
      ASSIGN_OR_RETURN(Endpoint ep, graph_.ResolveTensor(name));
      fetch_endpoints_.push_back(ep);
    }
    for (const std::string& name : plan_->spec_.targets) {
      const int node = graph_.FindNode(TargetNodeName(name));
      if (node < 0) {
        return absl::NotFoundError(absl::StrCat("target '", name, "': no such node in the graph"));
      }
      targets_.push_back(node);
    }
    return absl::OkStatus();
  }

  bool IsFed(const Endpoint& ep) const { return fed_.contains(Key{ep.node, ep.index}); }

  // A Placeholder whose output is fed: TensorFlow's rewrite for feeds moves its outgoing
  // control edges to the feed (graph/subgraph.cc), so a control dependency on it is met by
  // the feed and it never runs (running it would fail with "You must feed a value").
  bool FedPlaceholder(int node) const {
    const std::string& op = graph_.node(node).op();
    return (op == "Placeholder" || op == "PlaceholderV2") && IsFed(Endpoint{node, 0});
  }

  // A loop's back edge: everything a NextIteration feeds runs in a later iteration.
  bool IsBackEdge(int producer) const {
    const std::string& op = graph_.node(producer).op();
    return op == "NextIteration" || op == "RefNextIteration";
  }

  // Kahn's algorithm, ready nodes in graph order, back edges left out. What is left over lies
  // on a cycle.
  absl::Status Order() {
    const int n = static_cast<int>(graph_.nodes().size());
    std::vector<int> pending(n, 0);
    std::vector<std::vector<int>> consumers(n);
    for (int i = 0; i < n; ++i) {
      if (!needed_[i]) continue;
      for (const Endpoint& in : graph_.node(i).inputs) {
        if (IsFed(in) || IsBackEdge(in.node)) continue;
        consumers[in.node].push_back(i);
        ++pending[i];
      }
      for (int c : graph_.node(i).control_inputs) {
        if (FedPlaceholder(c) || IsBackEdge(c)) continue;
        consumers[c].push_back(i);
        ++pending[i];
      }
    }
    std::deque<int> ready;
    for (int i = 0; i < n; ++i) {
      if (needed_[i] && pending[i] == 0) ready.push_back(i);
    }
    while (!ready.empty()) {
      const int i = ready.front();
      ready.pop_front();
      order_.push_back(i);
      for (int c : consumers[i]) {
        if (--pending[c] == 0) ready.push_back(c);
      }
    }
    std::vector<std::string> cycle;
    for (int i = 0; i < n; ++i) {
      if (needed_[i] && pending[i] > 0) cycle.push_back(graph_.node(i).name());
    }
    if (cycle.empty()) return absl::OkStatus();
    if (cycle.size() > 10) {
      cycle.resize(10);
      cycle.push_back("...");
    }
    return absl::InvalidArgumentError(
        absl::StrCat("the graph has a cycle through nodes: ", absl::StrJoin(cycle, ", ")));
  }

  Slot SlotOf(const Endpoint& ep) const {
    auto fed = fed_.find(Key{ep.node, ep.index});
    if (fed != fed_.end()) return Slot{kFeedBase + fed->second, 0};
    return Slot{step_of_.at(ep.node), ep.index};
  }

  // What the kernel sees of its inputs at creation.
  struct InputFacts {
    std::vector<DataType> types;
    std::vector<PartialShape> shapes;
    std::vector<const Tensor*> constants;
    std::string key;  // for the kernel cache
  };

  absl::StatusOr<InputFacts> Facts(const GraphNode& node) {
    InputFacts facts;
    for (const Endpoint& in : node.inputs) {
      const GraphNode& producer = graph_.node(in.node);
      if (in.index >= static_cast<int>(producer.outputs.size())) {
        return absl::InvalidArgumentError(absl::StrCat(
            "node '", node.name(), "' (", node.op(), ") reads output ", in.index, " of '",
            producer.name(), "' (", producer.op(), "), which has ", producer.outputs.size()));
      }
      const bool fed = IsFed(in);
      const OutputSpec& spec = producer.outputs[in.index];
      facts.types.push_back(spec.dtype);
      facts.shapes.push_back(fed ? PartialShape::UnknownRank() : spec.shape);
      auto constant = constants_.find(Key{in.node, in.index});
      facts.constants.push_back(fed || constant == constants_.end() ? nullptr : constant->second);
      absl::StrAppend(&facts.key, spec.dtype, facts.shapes.back().DebugString(),
                      facts.constants.back() ? "c" : "", ";");
    }
    absl::StrAppend(&facts.key, "v", static_cast<int>(options_.variant));
    return facts;
  }

  absl::StatusOr<std::shared_ptr<const OpKernel>> CreateKernel(int n, const InputFacts& facts) {
    const GraphNode& node = graph_.node(n);
    auto create = [&]() -> absl::StatusOr<std::unique_ptr<OpKernel>> {
      KernelConstruction c(node.def, facts.types, facts.shapes, facts.constants,
                           options_.functions);
      if (node.is_function_call) {
        tensorflow::NameAttrList f;
        f.set_name(node.op());
        *f.mutable_attr() = node.def.attr();
        return CreateCallKernel(c, f);
      }
      if (node.frozen_value.is_initialized()) {
        return std::unique_ptr<OpKernel>(new FrozenValueKernel(node.frozen_value));
      }
      return KernelRegistry::Global().Create(c, options_.variant);
    };
    if (options_.kernel_cache != nullptr) {
      return options_.kernel_cache->GetOrCreate(n, facts.key, create);
    }
    ASSIGN_OR_RETURN(std::unique_ptr<OpKernel> kernel, create());
    return std::shared_ptr<const OpKernel>(std::move(kernel));
  }

  // The steps each step waits for over control edges (those met by a feed left out).
  std::vector<std::vector<int>> ControlInputSteps() const {
    std::vector<std::vector<int>> control(plan_->steps_.size());
    for (size_t s = 0; s < control.size(); ++s) {
      for (int c : plan_->steps_[s].node->control_inputs) {
        if (!FedPlaceholder(c)) control[s].push_back(step_of_.at(c));
      }
    }
    return control;
  }

  // Ops whose outputs, whenever they have a value, hold their first input: Identity, Switch
  // (whichever output is live) and Enter. A constant input makes them constants too.
  static bool ForwardsInput(const std::string& op) {
    return op == "Identity" || op == "Switch" || op == "Enter";
  }

  // Const nodes run once now, so consumers can see their value when they are created.
  absl::Status RecordConstant(int n, const PlanStep& step) {
    const GraphNode& node = graph_.node(n);
    if (ForwardsInput(node.op()) && !step.inputs.empty()) {
      auto it = constants_.find(Key{node.inputs[0].node, node.inputs[0].index});
      if (it == constants_.end() || IsFed(node.inputs[0])) return absl::OkStatus();
      for (int out = 0; out < step.num_outputs; ++out) constants_[Key{n, out}] = it->second;
      return absl::OkStatus();
    }
    if (node.op() != "Const") return absl::OkStatus();
    if (node.frozen_value.is_initialized()) {
      constants_[Key{n, 0}] = &node.frozen_value;  // the graph outlives the plan
      return absl::OkStatus();
    }
    std::vector<Value> outputs(1);
    KernelContext ctx(node.def, {}, &outputs, nullptr, nullptr, nullptr);
    RETURN_IF_ERROR(step.kernel->Compute(ctx));
    const Tensor* stable =
        options_.kernel_cache != nullptr
            ? options_.kernel_cache->InternConstant(n, outputs[0].tensor)
            : plan_->constants_.emplace_back(std::make_unique<Tensor>(outputs[0].tensor)).get();
    constants_[Key{n, 0}] = stable;
    return absl::OkStatus();
  }

  absl::Status AddStep(int n) {
    const GraphNode& node = graph_.node(n);
    if (!node.outputs_status.ok()) return node.outputs_status;
    ASSIGN_OR_RETURN(InputFacts facts, Facts(node));
    PlanStep step;
    step.node = &node;
    for (const Endpoint& in : node.inputs) step.inputs.push_back(SlotOf(in));
    step.num_outputs = static_cast<int>(node.outputs.size());
    step_of_[n] = static_cast<int>(plan_->steps_.size());
    if (PacksWeights(node, facts)) {
      deferred_.push_back({static_cast<int>(plan_->steps_.size()), std::move(facts)});
      plan_->steps_.push_back(std::move(step));
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(step.kernel, CreateKernel(n, facts));
    EvictConstants(facts);
    RETURN_IF_ERROR(RecordConstant(n, step));
    plan_->steps_.push_back(std::move(step));
    return absl::OkStatus();
  }

  // Whether creating the node's kernel may pack weights (slow: creation is deferred and runs
  // in parallel when there is a pool). Constants and calls are created in order: later
  // nodes' facts depend on them.
  bool PacksWeights(const GraphNode& node, const InputFacts& facts) const {
    if (options_.creation_pool == nullptr || node.is_function_call) return false;
    if (node.op() == "Const" || ForwardsInput(node.op())) return false;
    for (const Tensor* constant : facts.constants) {
      if (constant != nullptr) return true;
    }
    return false;
  }

  // Kernels read constant inputs at creation (packing weights): what can be read again
  // cheaply (weights mapped from variables/) leaves memory now.
  static void EvictConstants(const InputFacts& facts) {
    for (const Tensor* constant : facts.constants) {
      if (constant != nullptr && constant->is_initialized()) constant->buffer()->Evict();
    }
  }

  // Creates the deferred kernels on the creation pool's threads, each taking the next one;
  // the first error in step order wins.
  absl::Status CreateDeferredKernels() {
    if (deferred_.empty()) return absl::OkStatus();
    std::vector<absl::Status> status(deferred_.size());
    std::atomic<size_t> next{0};
    const int threads = std::min<int>(options_.creation_pool->num_threads(), deferred_.size());
    options_.creation_pool->ParallelFor(threads, 1 << 30, [&](int64_t, int64_t) {
      for (size_t i = next++; i < deferred_.size(); i = next++) {
        PlanStep& step = plan_->steps_[deferred_[i].step];
        const int n = static_cast<int>(step.node - graph_.nodes().data());
        auto kernel = CreateKernel(n, deferred_[i].facts);
        if (!kernel.ok()) {
          status[i] = kernel.status();
          continue;
        }
        step.kernel = *std::move(kernel);
        EvictConstants(deferred_[i].facts);
      }
    });
    for (const absl::Status& s : status) RETURN_IF_ERROR(s);
    return absl::OkStatus();
  }

  // Each value is released right after its last reader (or its producer, if unread), unless
  // it is fetched.
  void PlanMemory() {
    const int num_steps = plan_->num_steps();
    auto fix = [&](Slot s) {
      if (s.producer >= kFeedBase) s.producer = num_steps + (s.producer - kFeedBase);
      return s;
    };
    for (PlanStep& step : plan_->steps_) {
      for (Slot& s : step.inputs) s = fix(s);
    }
    for (Slot& s : plan_->fetches_) s = fix(s);
    std::map<Key, int> last_use;
    for (int i = 0; i < num_steps; ++i) {
      for (const Slot& s : plan_->steps_[i].inputs) last_use[Key{s.producer, s.output}] = i;
    }
    for (const Slot& s : plan_->fetches_) last_use[Key{s.producer, s.output}] = -1;
    auto release = [&](Slot s, int made_at) {
      auto it = last_use.find(Key{s.producer, s.output});
      if (it != last_use.end() && it->second < 0) return;  // fetched: kept to the end
      if (it != last_use.end()) {
        plan_->steps_[it->second].release.push_back(s);
      } else if (made_at >= 0) {
        plan_->steps_[made_at].release.push_back(s);
      } else {
        plan_->unused_feeds_.push_back(s);
      }
    };
    for (int i = 0; i < num_steps; ++i) {
      for (int j = 0; j < plan_->steps_[i].num_outputs; ++j) release(Slot{i, j}, i);
    }
    for (int f = 0; f < plan_->num_feeds(); ++f) release(Slot{num_steps + f, 0}, -1);
  }

  // Feed slots are numbered from here until the step count is known.
  static constexpr int kFeedBase = 1 << 30;

  const Graph& graph_;
  const PlanOptions& options_;
  std::unique_ptr<Plan> plan_;
  std::map<Key, int> fed_;  // endpoint -> feed index
  std::vector<Endpoint> fetch_endpoints_;
  std::vector<int> targets_;
  std::vector<bool> needed_;
  std::vector<int> order_;
  std::map<int, int> step_of_;
  std::map<Key, const Tensor*> constants_;
  struct Deferred {
    int step;
    InputFacts facts;
  };
  std::vector<Deferred> deferred_;  // kernels created by CreateDeferredKernels
};

absl::StatusOr<std::vector<bool>> NeededNodes(const Graph& graph, const PlanSpec& spec) {
  const PlanOptions options;
  PlanBuilder builder(graph, spec, options);
  return builder.Needed();
}

absl::StatusOr<std::unique_ptr<Plan>> Plan::Compile(const Graph& graph, const PlanSpec& spec,
                                                    const PlanOptions& options) {
  PlanBuilder builder(graph, spec, options);
  return builder.Build();
}

}  // namespace savedserve
