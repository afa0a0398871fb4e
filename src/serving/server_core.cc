// ServerCoreImpl wires the pipeline: config -> file-system source (PollModelVersions, with
// the version policy) -> AspiredVersionsManager (loader, retries, availability-first
// unloading) -> handles. Polls and config changes are serialized by poll_mu_, which request
// paths never take; requests only take the manager's and mu_'s reader locks briefly.
#include "serving/server_core.h"

#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/logging.h"
#include "base/status.h"
#include "serving/manager.h"
#include "serving/model_config.h"
#include "serving/storage_path_source.h"
#include "serving/version_policy.h"
#include "tensorflow_serving/apis/status.pb.h"

namespace savedserve {
namespace {

using tensorflow::serving::GetModelStatusRequest;
using tensorflow::serving::GetModelStatusResponse;
using tensorflow::serving::ModelConfig;
using tensorflow::serving::ModelServerConfig;
using tensorflow::serving::ModelSpec;
using tensorflow::serving::ModelVersionStatus;

using LabelMap = std::map<std::string, std::map<std::string, int64_t>>;

ModelVersionStatus::State ToProtoState(ManagerState state) {
  switch (state) {
    case ManagerState::kStart:
      return ModelVersionStatus::START;
    case ManagerState::kLoading:
      return ModelVersionStatus::LOADING;
    case ManagerState::kAvailable:
      return ModelVersionStatus::AVAILABLE;
    case ManagerState::kUnloading:
      return ModelVersionStatus::UNLOADING;
    case ManagerState::kEnd:
      return ModelVersionStatus::END;
  }
  return ModelVersionStatus::UNKNOWN;
}

void AddVersionStatus(int64_t version, const VersionState& state,
                      GetModelStatusResponse* response) {
  ModelVersionStatus* status = response->add_model_version_status();
  status->set_version(version);
  status->set_state(ToProtoState(state.state));
  status->mutable_status()->set_error_code(
      static_cast<tensorflow::error::Code>(state.status.code()));
  status->mutable_status()->set_error_message(std::string(state.status.message()));
}

std::set<std::string> ModelNames(const ModelServerConfig& config) {
  std::set<std::string> names;
  for (const ModelConfig& model : config.model_config_list().config()) names.insert(model.name());
  return names;
}

// LoadedModel::Load (and the model wrapper), then the warmup requests.
ServableLoader MakeDefaultLoader(const ServerCoreOptions& options) {
  return [load_options = options.load_options, warmup = options.enable_model_warmup,
          runner = options.warmup_runner, iterations = options.num_request_iterations_for_warmup,
          wrapper = options.model_wrapper](
             const ServableId& id, const std::string& path) -> absl::StatusOr<ServableHandle> {
    ASSIGN_OR_RETURN(std::unique_ptr<LoadedModel> model, LoadedModel::Load(path, load_options));
    if (wrapper) {
      ASSIGN_OR_RETURN(model, wrapper(std::move(model), path));
    }
    auto servable = std::make_shared<const Servable>(id, path, std::move(model));
    if (warmup && !runner && load_options.env->FileExists(WarmupFilePath(path))) {
      SS_LOG(WARNING) << "warmup: no warmup runner set; skipping " << WarmupFilePath(path);
    } else if (warmup) {
      absl::StatusOr<int> ran =
          RunSavedModelWarmup(*servable, path, runner, load_options.env, iterations);
      if (!ran.ok()) return ran.status();
    }
    return ServableHandle(std::move(servable));
  };
}

AspiredVersionsManager::Options ManagerOptions(const ServerCoreOptions& options) {
  AspiredVersionsManager::Options manager;
  manager.loader = options.loader ? options.loader : MakeDefaultLoader(options);
  manager.max_num_load_retries = options.max_num_load_retries;
  manager.load_retry_interval_micros = options.load_retry_interval_micros;
  manager.metrics = options.metrics;
  manager.env = options.env;
  return manager;
}

class ServerCoreImpl final : public ServerCore {
 public:
  explicit ServerCoreImpl(ServerCoreOptions options)
      : options_(std::move(options)), manager_(ManagerOptions(options_)) {}
  ~ServerCoreImpl() override { StopAndUnload(); }

  absl::Status Start();

  absl::StatusOr<ServableHandle> GetServableHandle(const ModelSpec& spec) const override;
  absl::Status GetModelStatus(const GetModelStatusRequest& request,
                              GetModelStatusResponse* response) const override;
  absl::Status ReloadConfig(const ModelServerConfig& config) override;
  ModelServerConfig config() const override {
    absl::ReaderMutexLock lock(&mu_);
    return config_;
  }
  void PollOnce() override {
    absl::MutexLock lock(&poll_mu_);
    if (!stopped_) PollLocked();
  }
  bool AllModelsAvailable() const override;
  void Shutdown() override {
    StopAndUnload();
    manager_.WaitUntilAllServablesDestroyed();
  }

 private:
  void PollLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(poll_mu_);
  absl::Status UpdateLabels(const ModelServerConfig& config)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(poll_mu_);
  absl::Status CheckAvailable(const std::set<std::string>& models) const;
  absl::StatusOr<int64_t> VersionForLabel(const std::string& model, const std::string& label) const;
  void PollLoop();
  void StopAndUnload();

  const ServerCoreOptions options_;
  AspiredVersionsManager manager_;

  absl::Mutex poll_mu_;  // serializes polls, config changes and shutdown
  bool stopped_ ABSL_GUARDED_BY(poll_mu_) = false;
  std::map<std::string, std::string> poll_problems_ ABSL_GUARDED_BY(poll_mu_);  // logged once

  mutable absl::Mutex mu_;
  ModelServerConfig config_ ABSL_GUARDED_BY(mu_);
  LabelMap labels_ ABSL_GUARDED_BY(mu_);

  absl::Mutex thread_mu_;
  bool stopping_ ABSL_GUARDED_BY(thread_mu_) = false;
  std::thread poll_thread_;
};

absl::Status ServerCoreImpl::Start() {
  {
    absl::MutexLock lock(&poll_mu_);
    {
      absl::MutexLock config_lock(&mu_);
      config_ = options_.config;
    }
    PollLocked();
    RETURN_IF_ERROR(UpdateLabels(options_.config));
  }
  if (options_.file_system_poll_wait_seconds > 0) {
    poll_thread_ = std::thread([this] { PollLoop(); });
  }
  return absl::OkStatus();
}

void ServerCoreImpl::PollLoop() {
  const absl::Duration interval = absl::Seconds(options_.file_system_poll_wait_seconds);
  for (;;) {
    {
      absl::MutexLock lock(&thread_mu_);
      if (thread_mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval)) return;
    }
    PollOnce();
  }
}

void ServerCoreImpl::PollLocked() {
  const ModelServerConfig config = this->config();
  for (const ModelConfig& model : config.model_config_list().config()) {
    absl::StatusOr<std::vector<AspiredVersion>> versions = PollModelVersions(model, options_.env);
    std::string problem;
    if (!versions.ok()) {
      problem = versions.status().ToString();
    } else if (versions->empty()) {
      problem = absl::StrCat("No versions of servable ", model.name(), " found under base path ",
                             model.base_path());
    }
    std::string& last = poll_problems_[model.name()];
    if (problem != last && !problem.empty()) {
      SS_LOG(WARNING) << "event=poll_problem model=" << model.name() << " problem=\"" << problem
                      << "\"";
    }
    last = problem;
    // A base path that cannot be read keeps what is served; an empty one unloads it.
    if (versions.ok()) manager_.SetAspiredVersions(model.name(), *versions);
  }
  manager_.ManageOnce();
}

absl::Status ServerCoreImpl::UpdateLabels(const ModelServerConfig& config) {
  LabelMap previous;
  {
    absl::ReaderMutexLock lock(&mu_);
    previous = labels_;
  }
  LabelMap resolved;
  for (const ModelConfig& model : config.model_config_list().config()) {
    if (model.version_labels().empty()) continue;
    const std::vector<int64_t> available = manager_.AvailableVersions(model.name());
    ASSIGN_OR_RETURN(
        resolved[model.name()],
        ResolveVersionLabels(model, {available.begin(), available.end()}, previous[model.name()],
                             options_.allow_version_labels_for_unavailable_models));
  }
  absl::MutexLock lock(&mu_);
  labels_ = std::move(resolved);
  return absl::OkStatus();
}

absl::Status ServerCoreImpl::CheckAvailable(const std::set<std::string>& models) const {
  int num_failed = 0;
  std::string failures;
  for (const std::string& model : models) {
    if (!manager_.AvailableVersions(model).empty()) continue;
    for (const auto& [version, state] : manager_.GetVersionStates(model)) {
      if (state.state != ManagerState::kEnd || state.status.ok()) continue;
      ++num_failed;
      absl::StrAppend(&failures, "{", ServableId{model, version}.DebugString(),
                      " due to error: ", state.status.ToString(), "}, ");
      break;
    }
  }
  if (num_failed == 0) return absl::OkStatus();
  return absl::UnknownError(
      absl::StrCat(num_failed, " model(s) did not become available: {", failures, "}"));
}

absl::Status ServerCoreImpl::ReloadConfig(const ModelServerConfig& config) {
  RETURN_IF_ERROR(ValidateModelServerConfig(config));
  absl::MutexLock lock(&poll_mu_);
  if (stopped_) return absl::FailedPreconditionError("the server is shutting down");
  if (config.config_case() == ModelServerConfig::CONFIG_NOT_SET) {
    SS_LOG(INFO) << "Taking no action for empty config.";
    return absl::OkStatus();
  }
  const std::set<std::string> old_names = ModelNames(this->config());
  const std::set<std::string> new_names = ModelNames(config);
  {
    absl::MutexLock config_lock(&mu_);
    config_ = config;
  }
  std::set<std::string> added;
  for (const std::string& name : new_names) {
    if (!old_names.contains(name)) added.insert(name);
  }
  for (const std::string& name : old_names) {
    if (!new_names.contains(name)) manager_.SetAspiredVersions(name, {});
  }
  SS_LOG(INFO) << "event=reload_config models=" << new_names.size() << " added=" << added.size()
               << " removed=" << old_names.size() + added.size() - new_names.size();
  PollLocked();
  absl::Status labels = UpdateLabels(config);
  absl::Status available = CheckAvailable(added);
  return labels.ok() ? available : labels;
}

absl::StatusOr<int64_t> ServerCoreImpl::VersionForLabel(const std::string& model,
                                                        const std::string& label) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = labels_.find(model);
  if (it != labels_.end()) {
    auto version = it->second.find(label);
    if (version != it->second.end()) return version->second;
  }
  return absl::InvalidArgumentError(absl::StrCat("Unrecognized servable version label: ", label));
}

absl::StatusOr<ServableHandle> ServerCoreImpl::GetServableHandle(const ModelSpec& spec) const {
  if (spec.name().empty()) {
    return absl::InvalidArgumentError("ModelSpec has no name specified.");
  }
  switch (spec.version_choice_case()) {
    case ModelSpec::kVersion:
      return manager_.GetServableHandle(spec.name(), spec.version().value());
    case ModelSpec::kVersionLabel: {
      ASSIGN_OR_RETURN(int64_t version, VersionForLabel(spec.name(), spec.version_label()));
      return manager_.GetServableHandle(spec.name(), version);
    }
    case ModelSpec::VERSION_CHOICE_NOT_SET:
      break;
  }
  return manager_.GetServableHandle(spec.name(), std::nullopt);
}

absl::Status ServerCoreImpl::GetModelStatus(const GetModelStatusRequest& request,
                                            GetModelStatusResponse* response) const {
  if (!request.has_model_spec()) return absl::InvalidArgumentError("Missing ModelSpec");
  const ModelSpec& spec = request.model_spec();
  std::optional<int64_t> version;
  if (spec.version_choice_case() == ModelSpec::kVersion) version = spec.version().value();
  if (spec.version_choice_case() == ModelSpec::kVersionLabel) {
    ASSIGN_OR_RETURN(version, VersionForLabel(spec.name(), spec.version_label()));
  }
  if (version) {
    std::optional<VersionState> state = manager_.GetVersionState(spec.name(), *version);
    if (!state) {
      return absl::NotFoundError(
          absl::StrCat("Could not find version ", *version, " of model ", spec.name()));
    }
    AddVersionStatus(*version, *state, response);
    return absl::OkStatus();
  }
  const VersionStates states = manager_.GetVersionStates(spec.name());
  if (states.empty()) {
    return absl::NotFoundError(absl::StrCat("Could not find any versions of model ", spec.name()));
  }
  for (const auto& [number, state] : states) AddVersionStatus(number, state, response);
  return absl::OkStatus();
}

bool ServerCoreImpl::AllModelsAvailable() const {
  for (const std::string& name : ModelNames(config())) {
    if (manager_.AvailableVersions(name).empty()) return false;
  }
  return true;
}

void ServerCoreImpl::StopAndUnload() {
  {
    absl::MutexLock lock(&thread_mu_);
    stopping_ = true;
  }
  if (poll_thread_.joinable()) poll_thread_.join();
  absl::MutexLock lock(&poll_mu_);
  if (stopped_) return;
  stopped_ = true;
  for (const std::string& name : ModelNames(config())) manager_.SetAspiredVersions(name, {});
  manager_.ManageOnce();
  SS_LOG(INFO) << "event=shutdown live_servables=" << manager_.NumLiveServables();
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServerCore>> ServerCore::Create(ServerCoreOptions options) {
  RETURN_IF_ERROR(ValidateModelServerConfig(options.config));
  auto core = std::make_unique<ServerCoreImpl>(std::move(options));
  RETURN_IF_ERROR(core->Start());
  return std::unique_ptr<ServerCore>(std::move(core));
}

}  // namespace savedserve
