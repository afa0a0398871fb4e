// ServerCore: the model-serving core behind every frontend. It keeps the set of served
// models equal to the ModelServerConfig: a file-system source polls each model's base path
// for numeric version directories, the version policy picks the versions to serve, and the
// manager loads and unloads them availability-first (a new version is loaded completely,
// warmup included, before an old one is unloaded). Requests resolve a ModelSpec to a
// ServableHandle. Background loops can be switched off (interval <= 0) and stepped with
// PollOnce(), so tests never sleep.
// Safe for concurrent use.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/env.h"
#include "runtime/loaded_model.h"
#include "serving/servable.h"
#include "serving/warmup.h"
#include "tensorflow_serving/apis/get_model_status.pb.h"
#include "tensorflow_serving/apis/model.pb.h"
#include "tensorflow_serving/config/model_server_config.pb.h"

namespace savedserve {

class Metrics;  // serving/metrics.h

// Takes a freshly loaded model (from the version directory `path`) and returns the model to
// serve in its place.
using ModelWrapper = std::function<absl::StatusOr<std::unique_ptr<LoadedModel>>(
    std::unique_ptr<LoadedModel>, const std::string& path)>;

struct ServerCoreOptions {
  tensorflow::serving::ModelServerConfig config;
  // Seconds between polls of the base paths; <= 0 means no polling thread (call PollOnce).
  // TF Serving's --file_system_poll_wait_seconds (default 1).
  double file_system_poll_wait_seconds = 1;
  int max_num_load_retries = 5;
  int64_t load_retry_interval_micros = 60'000'000;
  bool allow_version_labels_for_unavailable_models = false;
  bool enable_model_warmup = true;
  // Replays warmup requests for the default loader (PredictionServices provides it). When
  // empty, a model's warmup file is skipped with a warning.
  WarmupRunner warmup_runner;
  // Times each warmup record is replayed (TF Serving's --num_request_iterations_for_warmup;
  // <= 0 means once).
  int num_request_iterations_for_warmup = 0;
  LoadOptions load_options;    // tags, threads for LoadedModel::Load
  // Wraps each model the default loader loads, before its warmup (ModelServer's
  // --enable_batching: a BatchingModel). Empty: models are served as loaded.
  ModelWrapper model_wrapper;
  ServableLoader loader;       // empty: the real loader
  Metrics* metrics = nullptr;  // not owned; may be null
  Env* env = Env::Default();
};

class ServerCore {
 public:
  // Validates the config (ValidateModelServerConfig), runs the first poll/load step before
  // returning (models whose loads fail are reported by GetModelStatus, not by Create), then
  // resolves version labels: FailedPrecondition when a label names a version that is not
  // AVAILABLE (unless allow_version_labels_for_unavailable_models). Starts the polling
  // thread when file_system_poll_wait_seconds > 0.
  static absl::StatusOr<std::unique_ptr<ServerCore>> Create(ServerCoreOptions options);
  // Stops polling and drops the core's references without waiting: requests still holding
  // handles finish normally.
  virtual ~ServerCore() = default;

  // Resolves name + version / version_label / latest (TF Serving's semantics and messages):
  // NotFound "Servable not found for request: Latest(<name>)" / "Specific(<name>, <v>)",
  // InvalidArgument "Unrecognized servable version label: <label>" and
  // "ModelSpec has no name specified.". Never waits for a load.
  virtual absl::StatusOr<ServableHandle> GetServableHandle(
      const tensorflow::serving::ModelSpec& spec) const = 0;

  // TF Serving's GetModelStatus: every version seen, highest first, or one version; a failed
  // version is END with its error. NotFound "Could not find any versions of model <name>" /
  // "Could not find version <v> of model <name>"; InvalidArgument "Missing ModelSpec".
  // A version_label is resolved to its version (TF Serving ignores it and lists them all).
  virtual absl::Status GetModelStatus(
      const tensorflow::serving::GetModelStatusRequest& request,
      tensorflow::serving::GetModelStatusResponse* response) const = 0;

  // Replaces the model list (as HandleReloadConfigRequest): unlisted models are unloaded,
  // new ones loaded, labels re-resolved. Returns after one poll/load step; the new list is
  // served even when this fails with a label error (FailedPrecondition, old labels kept) or
  // because a new model's versions all failed to load (Unknown, "N model(s) did not become
  // available: ..."). An unset config changes nothing, as in TF Serving.
  virtual absl::Status ReloadConfig(const tensorflow::serving::ModelServerConfig& config) = 0;
  virtual tensorflow::serving::ModelServerConfig config() const = 0;

  // One step of every background loop: poll base paths, load/unload, retry failures.
  // Runs loads on the calling thread; concurrent calls run one at a time.
  virtual void PollOnce() = 0;
  // True when every configured model has at least one AVAILABLE version (for /readyz).
  virtual bool AllModelsAvailable() const = 0;
  // Stops polling and unloads everything, then waits until every servable has been
  // destroyed, i.e. in-flight requests have released their handles. Idempotent.
  virtual void Shutdown() = 0;
};

}  // namespace savedserve
