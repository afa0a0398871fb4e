// ModelServer: everything `savedserve serve` runs, in one object, so tests can start a whole
// server in-process. Create() builds the ServerCore for the configured models (a
// ModelServerConfig file, or one model from name + base path), the PredictionServices shared
// by both frontends, Metrics, the gRPC server (tensorflow.serving.PredictionService,
// tensorflow.serving.ModelService, grpc.health.v1.Health) and the REST server, and returns
// once the first poll/load step has run and both ports listen. Shutdown() stops accepting,
// lets in-flight requests finish and unloads the models.
// Safe for concurrent use; Shutdown() may be called from any thread, e.g. a signal thread.
#pragma once

#include <climits>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/env.h"
#include "serving/servable.h"
#include "tensorflow_serving/config/model_server_config.pb.h"

namespace grpc {
class Server;
}  // namespace grpc

namespace savedserve {

class HealthServiceImpl;
class Metrics;
class ModelServiceImpl;
class PredictionServiceImpl;
class PredictionServices;
class RestServer;
class ServerCore;
class SharedBatchScheduler;

// Field names follow tensorflow_model_server's flags; defaults are its defaults unless noted.
struct ModelServerOptions {
  // gRPC. Port 0 binds a free port (read it back with grpc_port()).
  int grpc_port = 8500;
  std::string grpc_address = "0.0.0.0";
  int grpc_max_threads = 0;  // <= 0: 4 per core
  // Largest request or response message, both ways. TF Serving's is INT_MAX (2 GiB - 1).
  int grpc_max_message_size_bytes = INT_MAX;
  // TF Serving's --ssl_config_file: an SSLConfig text file (PEM server key and certificate,
  // optional CA and client_verify); gRPC then takes only TLS connections. Empty: plaintext.
  std::string ssl_config_file;
  // Also serve gRPC on this UNIX socket (TF Serving's --grpc_socket_path); empty: no.
  std::string grpc_socket_path;
  // gRPC server channel arguments, as TF Serving's --grpc_channel_arguments:
  // "name=value,name=value"; values that are integers are passed as integers.
  std::string grpc_channel_arguments;

  // REST. Port 0 turns REST off, as in TF Serving; kPickFreePort binds a free port.
  static constexpr int kPickFreePort = -1;
  int rest_api_port = 8501;  // TF Serving's default is 0; ours matches its Docker image
  std::string rest_api_address = "0.0.0.0";
  int rest_api_num_threads = 0;  // <= 0: 4 per core
  int rest_api_timeout_in_ms = 30000;
  bool rest_api_enable_cors_support = false;
  int64_t rest_api_max_body_bytes = int64_t{256} << 20;  // larger bodies get 413

  // Models: either a ModelServerConfig text file, or one model.
  std::string model_config_file;
  double model_config_file_poll_wait_seconds = 0;  // <= 0: read the file once
  std::string model_name = "default";
  std::string model_base_path;
  double file_system_poll_wait_seconds = 1;  // <= 0: poll once, at start
  std::string saved_model_tags = "serve";    // comma-separated
  int max_num_load_retries = 5;
  int64_t load_retry_interval_micros = 60'000'000;
  bool allow_version_labels_for_unavailable_models = false;
  // TF Serving's --enable_signature_method_name_check (serving/prediction_services.h);
  // process-wide, as there.
  bool enable_signature_method_name_check = false;
  bool enable_model_warmup = true;
  int num_request_iterations_for_warmup = 0;  // <= 0: once
  int tensorflow_intra_op_parallelism = 0;    // <= 0: one thread per core
  int tensorflow_inter_op_parallelism = 0;    // accepted; graphs run one op at a time
  int tensorflow_session_parallelism = 0;     // sets intra-op when that is not set

  // Server-side batching (serving/batching_model.h): Predict, Classify and Regress calls of
  // one kind on one version are batched together. The file holds BatchingParameters (text);
  // without it TF Serving's defaults apply.
  bool enable_batching = false;
  std::string batching_parameters_file;
  // TF Serving's --enable_per_model_batching_parameters (with enable_batching): a version
  // directory's batching_params.pbtxt sets that model's batching (queue parameters; the
  // batch threads stay the global ones), and a model without the file is not batched.
  bool enable_per_model_batching_parameters = false;
  // MonitoringConfig text file; with prometheus_config.enable, the REST port serves metrics.
  std::string monitoring_config_file;

  // How long Shutdown() lets in-flight requests run before cancelling them.
  int64_t shutdown_grace_period_ms = 10'000;

  // Test seams: a loader replacing LoadedModel::Load (empty: the real one), and the Env
  // used to read config files and poll base paths.
  ServableLoader loader;
  Env* env = Env::Default();
};

class ModelServer {
 public:
  static absl::StatusOr<std::unique_ptr<ModelServer>> Create(ModelServerOptions options);
  ~ModelServer();  // Shutdown()
  ModelServer(const ModelServer&) = delete;
  ModelServer& operator=(const ModelServer&) = delete;

  int grpc_port() const { return grpc_port_; }
  int rest_api_port() const;  // 0 when REST is off
  ServerCore* core() { return core_.get(); }
  const PredictionServices& services() const { return *services_; }
  Metrics* metrics() { return metrics_.get(); }
  // The batch scheduler shared by every served model; null unless enable_batching.
  SharedBatchScheduler* batch_scheduler() { return batch_scheduler_.get(); }

  // Blocks until Shutdown() has finished.
  void Wait();
  // Health checks turn NOT_SERVING, both frontends stop accepting and get up to
  // shutdown_grace_period_ms to finish what is in flight, then the models are unloaded.
  // Idempotent; concurrent callers all return once it is done.
  void Shutdown();

  // Re-reads model_config_file and applies it through ServerCore::ReloadConfig when it
  // changed: the config poll thread's step, public so tests can step it.
  absl::Status PollConfigFileOnce();

 private:
  explicit ModelServer(ModelServerOptions options);
  absl::Status Start();
  absl::Status StartGrpc();
  absl::Status StartRest();
  void ConfigPollLoop();

  const ModelServerOptions options_;
  // Declaration order is destruction order reversed: frontends go before what they use.
  std::shared_ptr<SharedBatchScheduler> batch_scheduler_;  // null without batching
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<ServerCore> core_;
  std::unique_ptr<PredictionServices> services_;
  std::unique_ptr<PredictionServiceImpl> prediction_service_;
  std::unique_ptr<ModelServiceImpl> model_service_;
  std::unique_ptr<HealthServiceImpl> health_service_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<RestServer> rest_;
  int grpc_port_ = 0;

  absl::Mutex config_mu_;                                   // serializes PollConfigFileOnce
  std::string applied_config_ ABSL_GUARDED_BY(config_mu_);  // serialized, last applied

  absl::Mutex mu_;
  bool shutdown_started_ ABSL_GUARDED_BY(mu_) = false;
  bool shutdown_done_ ABSL_GUARDED_BY(mu_) = false;
  std::thread config_poll_thread_;
};

// Reads a ModelServerConfig from `config_file` (text format) or, when it is empty, builds
// the one-model config from `model_name` and `model_base_path` (platform "tensorflow").
absl::StatusOr<tensorflow::serving::ModelServerConfig> BuildModelServerConfig(
    const ModelServerOptions& options);

}  // namespace savedserve
