// The LoadedModel implementation (private to the runtime). Owns, in dependency order: the
// model's protos, its op signatures, the imported graph, the function library, the
// variables, the serving graph with its shared kernels, and the plans compiled so far
// (cached per feeds/fetches/targets).
//
// Two graphs: the graph as imported restores the variables and runs the init op; requests
// run on the serving graph, made after that from the imported one by inlining function
// calls (inline_functions.h), freezing the variables no signature modifies into constants
// and the load-time rewrites (graph_rewrites.h). A
// Run that would modify a frozen variable thaws it first: the serving graph is rebuilt
// without freezing it and every cached plan is dropped.
// Safe for concurrent use after Create returns.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "format/saved_model.h"
#include "runtime/executor.h"
#include "runtime/function_library.h"
#include "runtime/graph.h"
#include "runtime/kernel_cache.h"
#include "runtime/loaded_model.h"
#include "runtime/op_signatures.h"
#include "runtime/plan.h"

namespace savedserve {

class SavedModelImpl : public LoadedModel {
 public:
  // Imports the graph, compiles every signature, restores variables and runs the init op.
  static absl::StatusOr<std::unique_ptr<SavedModelImpl>> Create(SavedModelContents contents,
                                                                const LoadOptions& options);

  const tensorflow::MetaGraphDef& meta_graph() const override { return contents_.meta_graph; }
  const std::map<std::string, tensorflow::SignatureDef>& signatures() const override {
    return signatures_;
  }
  absl::StatusOr<std::map<std::string, Tensor>> RunSignature(
      const std::string& key, std::map<std::string, Tensor> inputs,
      const std::vector<std::string>& output_filter) const override;
  absl::StatusOr<std::vector<Tensor>> Run(const std::vector<std::pair<std::string, Tensor>>& feeds,
                                          const std::vector<std::string>& fetches,
                                          const std::vector<std::string>& targets) const override;
  int64_t EstimateFlops(const std::string& key,
                        const std::map<std::string, TensorShape>& input_shapes) const override;

 private:
  explicit SavedModelImpl(SavedModelContents contents) : contents_(std::move(contents)) {}

  // A graph requests run on, and the kernels created for it.
  struct ServingGraph {
    std::unique_ptr<Graph> graph;
    std::unique_ptr<KernelCache> kernels;
  };

  absl::Status Initialize(const LoadOptions& options);
  absl::Status CompileSignatures();
  absl::Status Restore();
  absl::Status RunInitOp();
  // Inlines function calls into inlined_ (when optimizing and there are any).
  absl::Status InlineCalls();
  // The graph freezing and thawing analyze and the serving graph is made from: the imported
  // one with function calls inlined.
  const Graph& base_graph() const { return inlined_ != nullptr ? *inlined_ : *graph_; }
  // Runs a load-time plan (restore, init op) on the imported graph.
  absl::Status RunOnImportedGraph(const PlanSpec& spec, std::vector<Value> feeds) const;
  // The variables to freeze: initialized, and modified by no signature.
  std::set<std::string> FreezableVariables() const;
  absl::StatusOr<std::unique_ptr<ServingGraph>> BuildServingGraph() const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(compile_mu_);
  // Thaws the frozen variables that `spec` may modify (see the class comment).
  absl::Status ThawVariablesModifiedBy(const PlanSpec& spec) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(compile_mu_);
  // Asset path feeds for the tensors the graph has.
  void AddAssetFeeds(PlanSpec* spec, std::vector<Value>* feeds) const;

  absl::StatusOr<const tensorflow::SignatureDef*> FindSignature(const std::string& key) const;
  // Feeds for a signature run, by alias: checked, cast, defaults filled in; the tensors
  // given are moved out of `inputs`.
  absl::Status SignatureFeeds(const std::string& key, const tensorflow::SignatureDef& signature,
                              std::map<std::string, Tensor>& inputs, PlanSpec* spec,
                              std::vector<Value>* feeds) const;
  absl::StatusOr<std::shared_ptr<const Plan>> GetPlan(const PlanSpec& spec) const;
  // Weights stay in the mapped variables files (RestoreV2, format/tensor_bundle.h); DataLoss
  // when one of this model's shrank while mapped, so its pages read as zeros (env.h).
  absl::Status CheckVariablesIntact() const;
  absl::StatusOr<std::vector<Value>> RunValues(const PlanSpec& spec, std::vector<Value> feeds,
                                               ExecStats* stats = nullptr) const;

  SavedModelContents contents_;
  std::map<std::string, tensorflow::SignatureDef> signatures_;
  std::unique_ptr<OpSignatures> ops_;
  std::unique_ptr<Graph> graph_;    // as imported
  std::unique_ptr<Graph> inlined_;  // graph_ with calls inlined; null when there were none
  std::unique_ptr<FunctionLibrary> functions_;
  std::unique_ptr<ResourceManager> resources_;
  std::unique_ptr<ThreadPool> own_pool_;
  ThreadPool* pool_ = nullptr;
  KernelVariant variant_ = KernelVariant::kOptimized;
  bool optimize_ = true;
  std::set<std::string> signature_fetch_nodes_;  // kept intact by the rewrites

  // Held while compiling a plan, so that a thaw never races a compilation.
  mutable absl::Mutex compile_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  mutable std::set<std::string> frozen_ ABSL_GUARDED_BY(compile_mu_);  // variable keys
  mutable std::unique_ptr<ServingGraph> serving_ ABSL_GUARDED_BY(compile_mu_);
  // Serving graphs replaced by a thaw: plans still running may point into them.
  mutable std::vector<std::unique_ptr<ServingGraph>> retired_ ABSL_GUARDED_BY(compile_mu_);
  mutable absl::Mutex mu_;
  mutable std::map<std::string, std::shared_ptr<const Plan>> plans_ ABSL_GUARDED_BY(mu_);
};

}  // namespace savedserve
