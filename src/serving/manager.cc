#include "serving/manager.h"

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "serving/metrics.h"

namespace savedserve {

// Counts servables alive anywhere (manager or requests); shared with the handles' deleters
// so that a handle outliving the manager stays safe.
struct AspiredVersionsManager::LiveCount {
  mutable absl::Mutex mu;
  int count ABSL_GUARDED_BY(mu) = 0;
};

namespace {

absl::StatusOr<ServableHandle> CallLoader(const ServableLoader& loader, const ServableId& id,
                                          const std::string& path) {
  try {
    absl::StatusOr<ServableHandle> result = loader(id, path);
    if (result.ok() && *result == nullptr) {
      return absl::InternalError("the loader returned no servable");
    }
    return result;
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("loading threw: ", e.what()));
  }
}

}  // namespace

AspiredVersionsManager::AspiredVersionsManager(Options options)
    : options_(std::move(options)), live_(std::make_shared<LiveCount>()) {}

AspiredVersionsManager::~AspiredVersionsManager() = default;

void AspiredVersionsManager::SetAspiredVersions(const std::string& model,
                                                const std::vector<AspiredVersion>& versions) {
  std::map<int64_t, const AspiredVersion*> wanted;
  for (const AspiredVersion& v : versions) wanted[v.version] = &v;
  absl::MutexLock lock(&mu_);
  Versions& known = models_[model];
  for (auto& [number, version] : known) {
    const bool was_aspired = version.aspired;
    auto it = wanted.find(number);
    version.aspired = it != wanted.end();
    // An ended version comes back as a fresh load, except one that failed and has stayed
    // aspired ever since (TF Serving does not retry it either).
    if (version.aspired && version.state == ManagerState::kEnd &&
        (!was_aspired || version.status.ok())) {
      version = Version{.path = it->second->path};
    }
  }
  for (const auto& [number, v] : wanted) known.try_emplace(number, Version{.path = v->path});
}

void AspiredVersionsManager::ManageOnce() {
  absl::MutexLock manage_lock(&manage_mu_);
  for (const LoadTask& task : TakeLoadTasks()) Load(task);
  UnloadAsPolicyAllows();
}

std::vector<AspiredVersionsManager::LoadTask> AspiredVersionsManager::TakeLoadTasks() {
  std::vector<LoadTask> tasks;
  absl::MutexLock lock(&mu_);
  const uint64_t now = options_.env->NowMicros();
  for (auto& [model, versions] : models_) {
    for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
      Version& version = it->second;
      const bool waiting =
          version.state == ManagerState::kStart || version.state == ManagerState::kLoading;
      if (!waiting) continue;
      if (!version.aspired) {  // left out before its load finished
        version.state = ManagerState::kEnd;
        version.status = version.last_error;
        SS_LOG(INFO) << "event=load_cancelled model=" << model << " version=" << it->first;
        continue;
      }
      if (version.state == ManagerState::kLoading && now < version.next_attempt_micros) continue;
      version.state = ManagerState::kLoading;
      tasks.push_back({{model, it->first}, version.path});
    }
  }
  return tasks;
}

void AspiredVersionsManager::Load(const LoadTask& task) {
  bool retry_now = true;
  while (retry_now) {
    const uint64_t start = options_.env->NowMicros();
    absl::StatusOr<ServableHandle> result = CallLoader(options_.loader, task.id, task.path);
    const uint64_t end = options_.env->NowMicros();
    retry_now = FinishAttempt(task, std::move(result), end > start ? end - start : 0);
  }
}

bool AspiredVersionsManager::FinishAttempt(const LoadTask& task,
                                           absl::StatusOr<ServableHandle> result,
                                           uint64_t elapsed_micros) {
  const std::string& model = task.id.name;
  const int64_t number = task.id.version;
  if (options_.metrics != nullptr) {
    options_.metrics->RecordLoad(model, number, result.ok(), elapsed_micros);
  }
  ServableHandle tracked = result.ok() ? Track(*std::move(result)) : nullptr;
  absl::MutexLock lock(&mu_);
  Versions& versions = models_[model];
  Version& version = versions[number];
  if (tracked != nullptr) {
    version.state = ManagerState::kAvailable;
    version.status = absl::OkStatus();
    version.servable = std::move(tracked);
    SS_LOG(INFO) << "event=load model=" << model << " version=" << number
                 << " ms=" << elapsed_micros / 1000;
    UpdateLoadedVersionsMetric(model, versions);
    return false;
  }
  version.last_error = result.status();
  ++version.failed_attempts;
  const bool retry = version.aspired && version.failed_attempts <= options_.max_num_load_retries;
  SS_LOG(WARNING) << "event=load_failed model=" << model << " version=" << number
                  << " attempt=" << version.failed_attempts << " ms=" << elapsed_micros / 1000
                  << " retry=" << (retry ? "yes" : "no") << " error=\""
                  << result.status().ToString() << "\"";
  if (!retry) {
    version.state = ManagerState::kEnd;
    version.status = result.status();
    return false;
  }
  if (options_.load_retry_interval_micros <= 0) return true;
  version.next_attempt_micros =
      options_.env->NowMicros() + static_cast<uint64_t>(options_.load_retry_interval_micros);
  return false;
}

std::vector<int64_t> AspiredVersionsManager::VersionsToUnload(const Versions& versions) const {
  bool has_aspired = false;
  bool has_aspired_available = false;
  std::vector<int64_t> unaspired_available;  // ascending
  for (const auto& [number, version] : versions) {
    if (version.aspired) {
      has_aspired = true;
      has_aspired_available |= version.state == ManagerState::kAvailable;
    } else if (version.state == ManagerState::kAvailable) {
      unaspired_available.push_back(number);
    }
  }
  // While no aspired version serves (loading, retrying or failed), the newest unaspired
  // one keeps serving.
  if (has_aspired && !has_aspired_available && !unaspired_available.empty()) {
    unaspired_available.pop_back();
  }
  return unaspired_available;
}

void AspiredVersionsManager::UnloadAsPolicyAllows() {
  std::vector<std::pair<ServableId, ServableHandle>> unloading;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [model, versions] : models_) {
      for (int64_t number : VersionsToUnload(versions)) {
        Version& version = versions[number];
        version.state = ManagerState::kUnloading;
        unloading.emplace_back(ServableId{model, number}, std::move(version.servable));
        version.servable = nullptr;
      }
    }
  }
  for (auto& [id, servable] : unloading) {
    const uint64_t start = options_.env->NowMicros();
    const long in_flight = servable.use_count() - 1;
    servable.reset();  // destroys the model now unless requests still hold it
    SS_LOG(INFO) << "event=unload model=" << id.name << " version=" << id.version
                 << " ms=" << (options_.env->NowMicros() - start) / 1000
                 << " in_flight_handles=" << in_flight;
    absl::MutexLock lock(&mu_);
    Versions& versions = models_[id.name];
    versions[id.version].state = ManagerState::kEnd;
    UpdateLoadedVersionsMetric(id.name, versions);
  }
}

ServableHandle AspiredVersionsManager::Track(ServableHandle servable) {
  {
    absl::MutexLock lock(&live_->mu);
    ++live_->count;
  }
  const Servable* raw = servable.get();
  return ServableHandle(raw, [inner = std::move(servable), live = live_](const Servable*) mutable {
    inner.reset();
    absl::MutexLock lock(&live->mu);
    --live->count;
  });
}

void AspiredVersionsManager::UpdateLoadedVersionsMetric(const std::string& model,
                                                        const Versions& versions) const {
  if (options_.metrics == nullptr) return;
  int available = 0;
  for (const auto& [number, version] : versions) {
    available += version.state == ManagerState::kAvailable;
  }
  options_.metrics->SetLoadedVersions(model, available);
}

absl::StatusOr<ServableHandle> AspiredVersionsManager::GetServableHandle(
    const std::string& model, std::optional<int64_t> version) const {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = models_.find(model);
    if (it != models_.end()) {
      const Versions& versions = it->second;
      if (version) {
        auto v = versions.find(*version);
        if (v != versions.end() && v->second.state == ManagerState::kAvailable) {
          return v->second.servable;
        }
      } else {
        for (auto v = versions.rbegin(); v != versions.rend(); ++v) {
          if (v->second.state == ManagerState::kAvailable) return v->second.servable;
        }
      }
    }
  }
  const std::string request = version ? absl::StrCat("Specific(", model, ", ", *version, ")")
                                      : absl::StrCat("Latest(", model, ")");
  return absl::NotFoundError(absl::StrCat("Servable not found for request: ", request));
}

VersionStates AspiredVersionsManager::GetVersionStates(const std::string& model) const {
  VersionStates states;
  absl::ReaderMutexLock lock(&mu_);
  auto it = models_.find(model);
  if (it == models_.end()) return states;
  for (const auto& [number, version] : it->second) {
    states[number] = {version.state, version.status};
  }
  return states;
}

std::optional<VersionState> AspiredVersionsManager::GetVersionState(const std::string& model,
                                                                    int64_t version) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = models_.find(model);
  if (it == models_.end()) return std::nullopt;
  auto v = it->second.find(version);
  if (v == it->second.end()) return std::nullopt;
  return VersionState{v->second.state, v->second.status};
}

std::vector<int64_t> AspiredVersionsManager::AvailableVersions(const std::string& model) const {
  std::vector<int64_t> available;
  absl::ReaderMutexLock lock(&mu_);
  auto it = models_.find(model);
  if (it == models_.end()) return available;
  for (const auto& [number, version] : it->second) {
    if (version.state == ManagerState::kAvailable) available.push_back(number);
  }
  return available;
}

int AspiredVersionsManager::NumLiveServables() const {
  absl::MutexLock lock(&live_->mu);
  return live_->count;
}

void AspiredVersionsManager::WaitUntilAllServablesDestroyed() const {
  absl::MutexLock lock(&live_->mu);
  const LiveCount* live = live_.get();
  live_->mu.Await(absl::Condition(
      +[](const LiveCount* l) ABSL_NO_THREAD_SAFETY_ANALYSIS { return l->count == 0; }, live));
}

}  // namespace savedserve
