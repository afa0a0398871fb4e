// Loading: graph import, signature compilation, variable restore and the init op, the way
// TensorFlow's SavedModel loader does them (restore through the saver's restore op fed
// with the variables prefix; then the init op, fed with asset paths).
#include "runtime/loaded_model.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/env.h"
#include "base/logging.h"
#include "base/status.h"
#include "kernels/cpu/conv2d_onednn.h"
#include "runtime/banded_chains.h"
#include "runtime/blocked_layout.h"
#include "runtime/freeze_variables.h"
#include "runtime/graph_rewrites.h"
#include "runtime/inline_functions.h"
#include "runtime/saved_model_impl.h"
#include "runtime/shape_inference.h"
#include "runtime/tensor_names.h"

namespace savedserve {
namespace {

Value StringScalar(const std::string& s) {
  Tensor t(tensorflow::DT_STRING, TensorShape{});
  t.data<std::string>()[0] = s;
  return Value{std::move(t), nullptr};
}

std::string PlanKey(const PlanSpec& spec) {
  return absl::StrCat(absl::StrJoin(spec.feeds, "\x02"), "\x01",
                      absl::StrJoin(spec.fetches, "\x02"), "\x01",
                      absl::StrJoin(spec.targets, "\x02"));
}

// The init op TensorFlow's loader would run: the __saved_model_init_op signature (TF2),
// else the saved_model_main_op or legacy_init_op collection (TF1); "" for none.
std::string InitOpName(const tensorflow::MetaGraphDef& meta) {
  auto sig = meta.signature_def().find(kSavedModelInitOpSignatureKey);
  if (sig != meta.signature_def().end()) {
    auto out = sig->second.outputs().find(kSavedModelInitOpSignatureKey);
    if (out != sig->second.outputs().end()) return TargetNodeName(out->second.name());
  }
  for (const char* key : {kSavedModelMainOpKey, kSavedModelLegacyInitOpKey}) {
    auto it = meta.collection_def().find(key);
    if (it != meta.collection_def().end() && it->second.node_list().value_size() > 0) {
      return TargetNodeName(it->second.node_list().value(0));
    }
  }
  return "";
}

}  // namespace

absl::StatusOr<std::unique_ptr<LoadedModel>> LoadedModel::Load(const std::string& export_dir,
                                                               const LoadOptions& options) {
  ASSIGN_OR_RETURN(SavedModelContents contents,
                   ReadSavedModel(export_dir, options.tags, options.env));
  contents.saved_model.Clear();  // the chosen meta graph is all we keep
  auto model = SavedModelImpl::Create(std::move(contents), options);
  if (!model.ok()) return Annotate(model.status(), absl::StrCat("loading ", export_dir));
  return std::unique_ptr<LoadedModel>(std::move(*model));
}

absl::StatusOr<std::unique_ptr<LoadedModel>> LoadedModel::FromMetaGraph(
    const tensorflow::MetaGraphDef& meta_graph, const std::string& variables_prefix,
    const LoadOptions& options) {
  SavedModelContents contents;
  contents.meta_graph = meta_graph;
  contents.variables_prefix = variables_prefix;
  ASSIGN_OR_RETURN(auto model, SavedModelImpl::Create(std::move(contents), options));
  return std::unique_ptr<LoadedModel>(std::move(model));
}

absl::StatusOr<std::unique_ptr<SavedModelImpl>> SavedModelImpl::Create(SavedModelContents contents,
                                                                       const LoadOptions& options) {
  std::unique_ptr<SavedModelImpl> model(new SavedModelImpl(std::move(contents)));
  RETURN_IF_ERROR(model->Initialize(options));
  RETURN_IF_ERROR(model->Restore());
  RETURN_IF_ERROR(model->RunInitOp());
  {
    absl::MutexLock lock(&model->compile_mu_);
    RETURN_IF_ERROR(model->InlineCalls());
    if (model->optimize_) model->frozen_ = model->FreezableVariables();
    ASSIGN_OR_RETURN(model->serving_, model->BuildServingGraph());
  }
  RETURN_IF_ERROR(model->CompileSignatures());
  return model;
}

absl::Status SavedModelImpl::Initialize(const LoadOptions& options) {
  const tensorflow::MetaGraphDef& meta = contents_.meta_graph;
  for (const auto& [key, signature] : meta.signature_def()) {
    if (key == kSavedModelInitOpSignatureKey) continue;
    signatures_[key] = signature;
    for (const auto& [alias, info] : signature.outputs()) {
      auto id = ParseTensorId(info.name());
      if (id.ok()) signature_fetch_nodes_.insert(id->node);
    }
  }
  variant_ = options.reference_kernels ? KernelVariant::kReference : KernelVariant::kOptimized;
  optimize_ = options.optimize;
  ops_ = std::make_unique<OpSignatures>(meta.meta_info_def().stripped_op_list(),
                                        &meta.graph_def().library());
  ASSIGN_OR_RETURN(graph_, Graph::FromGraphDef(meta.graph_def(), *ops_));
  functions_ = std::make_unique<FunctionLibrary>(ops_.get(), variant_);
  resources_ = std::make_unique<ResourceManager>();
  pool_ = options.thread_pool;
  if (pool_ == nullptr) {
    own_pool_ = std::make_unique<ThreadPool>(options.intra_op_threads);
    pool_ = own_pool_.get();
  }
  return absl::OkStatus();
}

absl::Status SavedModelImpl::CompileSignatures() {
  for (const auto& [key, signature] : signatures_) {
    PlanSpec spec;
    for (const auto& [alias, info] : signature.inputs()) spec.feeds.push_back(info.name());
    for (const auto& [alias, info] : signature.outputs()) spec.fetches.push_back(info.name());
    auto plan = GetPlan(spec);
    if (!plan.ok()) return Annotate(plan.status(), absl::StrCat("signature '", key, "'"));
  }
  return absl::OkStatus();
}

void SavedModelImpl::AddAssetFeeds(PlanSpec* spec, std::vector<Value>* feeds) const {
  for (const AssetFile& asset : contents_.assets) {
    if (!graph_->ResolveTensor(asset.tensor_name).ok()) continue;
    spec->feeds.push_back(asset.tensor_name);
    feeds->push_back(StringScalar(asset.path));
  }
}

absl::Status SavedModelImpl::Restore() {
  const tensorflow::MetaGraphDef& meta = contents_.meta_graph;
  if (contents_.variables_prefix.empty()) return absl::OkStatus();
  if (!meta.has_saver_def() || meta.saver_def().restore_op_name().empty()) {
    SS_LOG(WARNING) << "the model has variables but no saver; variables are not restored";
    return absl::OkStatus();
  }
  PlanSpec spec;
  std::vector<Value> feeds;
  spec.feeds.push_back(meta.saver_def().filename_tensor_name());
  feeds.push_back(StringScalar(contents_.variables_prefix));
  AddAssetFeeds(&spec, &feeds);
  spec.targets.push_back(meta.saver_def().restore_op_name());
  return Annotate(RunOnImportedGraph(spec, std::move(feeds)), "restoring variables");
}

absl::Status SavedModelImpl::RunInitOp() {
  const std::string init_op = InitOpName(contents_.meta_graph);
  if (init_op.empty()) return absl::OkStatus();
  PlanSpec spec;
  std::vector<Value> feeds;
  AddAssetFeeds(&spec, &feeds);
  spec.targets.push_back(init_op);
  return Annotate(RunOnImportedGraph(spec, std::move(feeds)),
                  absl::StrCat("running init op ", init_op));
}

absl::Status SavedModelImpl::RunOnImportedGraph(const PlanSpec& spec,
                                                std::vector<Value> feeds) const {
  PlanOptions options;
  options.functions = functions_.get();
  options.variant = variant_;
  ASSIGN_OR_RETURN(std::unique_ptr<Plan> plan, Plan::Compile(*graph_, spec, options));
  ExecContext context{pool_, resources_.get(), functions_.get()};
  return RunPlan(*plan, std::move(feeds), context).status();
}

absl::Status SavedModelImpl::InlineCalls() {
  if (!optimize_) return absl::OkStatus();
  std::vector<tensorflow::NodeDef> nodes;
  nodes.reserve(graph_->nodes().size());
  for (const GraphNode& node : graph_->nodes()) nodes.push_back(node.def);
  const int inlined = InlineFunctionCalls(*ops_, &nodes);
  if (inlined == 0) return absl::OkStatus();
  SS_LOG(INFO) << "serving graph: " << inlined << " function calls inlined";
  ASSIGN_OR_RETURN(inlined_, Graph::Create(std::move(nodes), *ops_));
  return absl::OkStatus();
}

std::set<std::string> SavedModelImpl::FreezableVariables() const {
  const Graph& base = base_graph();
  std::vector<bool> served(base.nodes().size(), false);
  for (const auto& [key, signature] : signatures_) {
    PlanSpec spec;
    for (const auto& [alias, info] : signature.inputs()) spec.feeds.push_back(info.name());
    for (const auto& [alias, info] : signature.outputs()) spec.fetches.push_back(info.name());
    auto needed = NeededNodes(base, spec);
    if (!needed.ok()) continue;  // CompileSignatures reports it
    for (size_t n = 0; n < served.size(); ++n) served[n] = served[n] || (*needed)[n];
  }
  const std::set<std::string> modified = ModifiedVariables(base, *ops_, served);
  std::set<std::string> frozen;
  for (const GraphNode& node : base.nodes()) {
    VariableId id;
    if (!GetVariableId(node, &id) || modified.contains(id.Key())) continue;
    std::shared_ptr<Variable> variable = resources_->Lookup(id.container, id.name);
    if (variable != nullptr && variable->initialized()) frozen.insert(id.Key());
  }
  return frozen;
}

absl::StatusOr<std::unique_ptr<SavedModelImpl::ServingGraph>> SavedModelImpl::BuildServingGraph()
    const {
  const Graph& base = base_graph();
  std::vector<tensorflow::NodeDef> nodes;
  nodes.reserve(base.nodes().size());
  for (const GraphNode& node : base.nodes()) nodes.push_back(node.def);
  std::map<std::string, Tensor> values;
  for (const VariableRead& read : VariableReads(base)) {
    if (!frozen_.contains(read.variable.Key())) continue;
    std::shared_ptr<Variable> variable =
        resources_->Lookup(read.variable.container, read.variable.name);
    auto value = variable == nullptr ? absl::NotFoundError("") : variable->Read();
    if (value.ok()) values[base.node(read.node).name()] = *std::move(value);
  }
  FreezeReads(values, &nodes);
  if (optimize_) {
    const int shaped = InferMissingShapes(&nodes);
    const std::string rewrites = RewriteForServing(signature_fetch_nodes_, &nodes);
    const int blocked = variant_ == KernelVariant::kOptimized && PreferBlockedActivations()
                            ? KeepActivationsBlocked(&nodes)
                            : 0;
    const int chains =
        blocked > 0 ? FuseBandedChains(signature_fetch_nodes_, DefaultBandedChainOptions(), &nodes)
                    : 0;
    SS_LOG(INFO) << "serving graph: " << frozen_.size() << " variables frozen (" << values.size()
                 << " reads), " << shaped << " static shapes inferred, " << rewrites << ", "
                 << blocked << " nodes kept in blocked layout, "
                 << chains << " chains run in bands";
  }
  auto serving = std::make_unique<ServingGraph>();
  ASSIGN_OR_RETURN(serving->graph, Graph::Create(std::move(nodes), *ops_, values));
  serving->kernels = std::make_unique<KernelCache>();
  return serving;
}

absl::Status SavedModelImpl::ThawVariablesModifiedBy(const PlanSpec& spec) const {
  if (frozen_.empty()) return absl::OkStatus();
  auto needed = NeededNodes(base_graph(), spec);
  if (!needed.ok()) return absl::OkStatus();  // compiling reports it
  std::vector<std::string> thawed;
  for (const std::string& key : ModifiedVariables(base_graph(), *ops_, *needed)) {
    if (frozen_.erase(key) > 0) thawed.push_back(key);
  }
  if (thawed.empty()) return absl::OkStatus();
  SS_LOG(INFO) << "un-freezing variables a run may modify: " << absl::StrJoin(thawed, ", ");
  ASSIGN_OR_RETURN(std::unique_ptr<ServingGraph> serving, BuildServingGraph());
  retired_.push_back(std::move(serving_));
  serving_ = std::move(serving);
  absl::MutexLock lock(&mu_);
  plans_.clear();
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const Plan>> SavedModelImpl::GetPlan(const PlanSpec& spec) const {
  const std::string key = PlanKey(spec);
  {
    absl::MutexLock lock(&mu_);
    auto it = plans_.find(key);
    if (it != plans_.end()) return it->second;
  }
  // Compiled without mu_: compiling may take long and instantiates functions.
  absl::MutexLock compiling(&compile_mu_);
  {
    absl::MutexLock lock(&mu_);
    auto it = plans_.find(key);
    if (it != plans_.end()) return it->second;
  }
  RETURN_IF_ERROR(ThawVariablesModifiedBy(spec));
  PlanOptions options;
  options.functions = functions_.get();
  options.kernel_cache = serving_->kernels.get();
  options.variant = variant_;
  options.creation_pool = pool_;
  ASSIGN_OR_RETURN(std::unique_ptr<Plan> plan, Plan::Compile(*serving_->graph, spec, options));
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = plans_.emplace(key, std::move(plan));
  return it->second;
}

absl::StatusOr<std::vector<Value>> SavedModelImpl::RunValues(const PlanSpec& spec,
                                                             std::vector<Value> feeds,
                                                             ExecStats* stats) const {
  ASSIGN_OR_RETURN(std::shared_ptr<const Plan> plan, GetPlan(spec));
  ExecContext context{pool_, resources_.get(), functions_.get()};
  ASSIGN_OR_RETURN(std::vector<Value> fetched, RunPlan(*plan, std::move(feeds), context, stats));
  RETURN_IF_ERROR(CheckVariablesIntact());
  return fetched;
}

absl::Status SavedModelImpl::CheckVariablesIntact() const {
  if (contents_.variables_prefix.empty()) return absl::OkStatus();
  for (const std::string& path : DamagedMappedFiles()) {
    if (absl::StartsWith(path, contents_.variables_prefix)) {
      return absl::DataLossError(absl::StrCat(
          "variables file ", path, " shrank while the model was loaded (overwritten in place?): "
          "weights read from it are gone; load the model again"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Tensor>> SavedModelImpl::Run(
    const std::vector<std::pair<std::string, Tensor>>& feeds,
    const std::vector<std::string>& fetches, const std::vector<std::string>& targets) const {
  PlanSpec spec;
  std::vector<Value> values;
  for (const auto& [name, tensor] : feeds) {
    spec.feeds.push_back(name);
    values.push_back(Value{tensor, nullptr});
  }
  spec.fetches = fetches;
  spec.targets = targets;
  ASSIGN_OR_RETURN(std::vector<Value> fetched, RunValues(spec, std::move(values)));
  std::vector<Tensor> out;
  for (const Value& v : fetched) {
    ASSIGN_OR_RETURN(Tensor t, ValueToTensor(v));
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace savedserve
