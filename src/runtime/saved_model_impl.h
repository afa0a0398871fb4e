// The LoadedModel implementation (private to the runtime). Owns, in dependency order: the
// model's protos, its op signatures, the imported graph, the function library, shared
// kernels, the variables, and the plans compiled so far (cached per feeds/fetches/targets).
// Safe for concurrent use after Create returns.
#pragma once

#include <map>
#include <memory>
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
      const std::string& key, const std::map<std::string, Tensor>& inputs,
      const std::vector<std::string>& output_filter) const override;
  absl::StatusOr<std::vector<Tensor>> Run(const std::vector<std::pair<std::string, Tensor>>& feeds,
                                          const std::vector<std::string>& fetches,
                                          const std::vector<std::string>& targets) const override;
  int64_t EstimateFlops(const std::string& key,
                        const std::map<std::string, TensorShape>& input_shapes) const override;

 private:
  explicit SavedModelImpl(SavedModelContents contents) : contents_(std::move(contents)) {}

  absl::Status Initialize(const LoadOptions& options);
  absl::Status CompileSignatures();
  absl::Status Restore();
  absl::Status RunInitOp();
  // Asset path feeds for the tensors the graph has.
  void AddAssetFeeds(PlanSpec* spec, std::vector<Value>* feeds) const;

  absl::StatusOr<const tensorflow::SignatureDef*> FindSignature(const std::string& key) const;
  // Feeds for a signature run, by alias: checked, cast, defaults filled in.
  absl::Status SignatureFeeds(const std::string& key, const tensorflow::SignatureDef& signature,
                              const std::map<std::string, Tensor>& inputs, PlanSpec* spec,
                              std::vector<Value>* feeds) const;
  absl::StatusOr<std::shared_ptr<const Plan>> GetPlan(const PlanSpec& spec) const;
  absl::StatusOr<std::vector<Value>> RunValues(const PlanSpec& spec, std::vector<Value> feeds,
                                               ExecStats* stats = nullptr) const;

  SavedModelContents contents_;
  std::map<std::string, tensorflow::SignatureDef> signatures_;
  std::unique_ptr<OpSignatures> ops_;
  std::unique_ptr<Graph> graph_;
  std::unique_ptr<FunctionLibrary> functions_;
  std::unique_ptr<KernelCache> kernel_cache_;
  std::unique_ptr<ResourceManager> resources_;
  std::unique_ptr<ThreadPool> own_pool_;
  ThreadPool* pool_ = nullptr;
  KernelVariant variant_ = KernelVariant::kOptimized;

  mutable absl::Mutex mu_;
  mutable std::map<std::string, std::shared_ptr<const Plan>> plans_ ABSL_GUARDED_BY(mu_);
};

}  // namespace savedserve
