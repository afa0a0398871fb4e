// AspiredVersionsManager: keeps the loaded versions of each model equal to its aspired
// versions (what the source and version policy want served), availability first, as TF
// Serving's AspiredVersionsManager with its AvailabilityPreservingPolicy:
//  * new aspired versions are loaded (highest first) before unaspired ones are unloaded, and
//    while no aspired version is available the newest unaspired one keeps serving, so a
//    failed or slow load never leaves a model without a version;
//  * a failed load is retried `max_num_load_retries` times, each once
//    `load_retry_interval_micros` has passed on the Env clock (later ManageOnce calls; with
//    an interval <= 0 at once), then the version ends with the error;
//  * unloading drops the manager's reference; requests holding a ServableHandle finish on
//    their version, which is destroyed when the last handle goes.
// It tracks every version it has seen in TF Serving's states (START, LOADING, AVAILABLE,
// UNLOADING, END with the error that ended it) for GetModelStatus.
//
// Threading: SetAspiredVersions, GetServableHandle and the queries are safe for concurrent
// use and never wait for a load. ManageOnce runs loads on the calling thread with no lock
// held that requests take; concurrent ManageOnce calls run one at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/env.h"
#include "serving/servable.h"
#include "serving/storage_path_source.h"

namespace savedserve {

class Metrics;

// TF Serving's ServableState::ManagerState.
enum class ManagerState { kStart, kLoading, kAvailable, kUnloading, kEnd };

struct VersionState {
  ManagerState state = ManagerState::kStart;
  absl::Status status;  // why the version ended, when it failed; OK otherwise
};

// Highest version first, as TF Serving's ServableStateMonitor orders them.
using VersionStates = std::map<int64_t, VersionState, std::greater<int64_t>>;

class AspiredVersionsManager {
 public:
  struct Options {
    ServableLoader loader;  // required
    // Retries after a failed load before the version ends with the error.
    int max_num_load_retries = 5;
    int64_t load_retry_interval_micros = 60'000'000;
    Metrics* metrics = nullptr;  // not owned; may be null
    Env* env = Env::Default();
  };

  explicit AspiredVersionsManager(Options options);
  // Drops the manager's references without waiting for requests to release theirs.
  ~AspiredVersionsManager();
  AspiredVersionsManager(const AspiredVersionsManager&) = delete;
  AspiredVersionsManager& operator=(const AspiredVersionsManager&) = delete;

  // Sets the versions of `model` to serve; versions left out are unloaded (or their pending
  // loads cancelled) by the next ManageOnce. An empty list unloads the whole model. A version
  // that ended (unloaded or failed) and is aspired again after having been left out is
  // loaded afresh; one that failed and stayed aspired is not retried again.
  void SetAspiredVersions(const std::string& model, const std::vector<AspiredVersion>& versions);

  // One management step: loads every aspired version waiting to load (and every retry that
  // is due), then unloads what the availability-preserving policy allows.
  void ManageOnce();

  // The servable for `version`, or the highest AVAILABLE version when nullopt. NotFound with
  // TF Serving's message, "Servable not found for request: Latest(m)" / "Specific(m, 3)".
  absl::StatusOr<ServableHandle> GetServableHandle(const std::string& model,
                                                   std::optional<int64_t> version) const;

  // Every version of `model` the manager has seen (empty when none).
  VersionStates GetVersionStates(const std::string& model) const;
  std::optional<VersionState> GetVersionState(const std::string& model, int64_t version) const;
  std::vector<int64_t> AvailableVersions(const std::string& model) const;  // ascending

  // Servables loaded and not yet destroyed: held by the manager or by requests.
  int NumLiveServables() const;
  // Blocks until NumLiveServables() is 0. REQUIRES: nothing will be loaded meanwhile.
  void WaitUntilAllServablesDestroyed() const;

 private:
  struct Version {
    std::string path;
    ManagerState state = ManagerState::kStart;
    absl::Status status;      // the error that ended the version
    absl::Status last_error;  // the latest failed attempt, while retrying
    bool aspired = true;
    int failed_attempts = 0;
    uint64_t next_attempt_micros = 0;
    ServableHandle servable;  // the manager's reference while AVAILABLE
  };
  using Versions = std::map<int64_t, Version>;
  struct LoadTask {
    ServableId id;
    std::string path;
  };
  struct LiveCount;

  std::vector<LoadTask> TakeLoadTasks();
  void Load(const LoadTask& task);
  // Records the outcome of one attempt; true when the load should be retried at once.
  bool FinishAttempt(const LoadTask& task, absl::StatusOr<ServableHandle> result,
                     uint64_t elapsed_micros);
  void UnloadAsPolicyAllows();
  std::vector<int64_t> VersionsToUnload(const Versions& versions) const;
  ServableHandle Track(ServableHandle servable);
  void UpdateLoadedVersionsMetric(const std::string& model, const Versions& versions) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  const Options options_;
  const std::shared_ptr<LiveCount> live_;
  absl::Mutex manage_mu_;  // serializes ManageOnce; never taken by requests
  mutable absl::Mutex mu_;
  std::map<std::string, Versions> models_ ABSL_GUARDED_BY(mu_);
};

}  // namespace savedserve
