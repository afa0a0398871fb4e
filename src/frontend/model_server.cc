#include "frontend/model_server.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/logging.h"
#include "base/status.h"
#include "frontend/grpc/health_service_impl.h"
#include "frontend/grpc/model_service_impl.h"
#include "frontend/grpc/prediction_service_impl.h"
#include "frontend/rest/rest_server.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/resource_quota.h"
#include "serving/batching_model.h"
#include "serving/metrics.h"
#include "serving/prediction_services.h"
#include "serving/server_core.h"
#include "tensorflow_serving/config/monitoring_config.pb.h"
#include "tensorflow_serving/config/ssl_config.pb.h"
#include "tensorflow_serving/servables/tensorflow/batching_parameters.pb.h"

namespace savedserve {
namespace {

namespace tfs = tensorflow::serving;

class ParseErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (text.empty()) text = absl::StrCat(line + 1, ":", column + 1, ": ", message);
  }
  std::string text;
};

absl::Status ParseTextProto(const std::string& text, const std::string& path,
                            google::protobuf::Message* proto) {
  google::protobuf::TextFormat::Parser parser;
  ParseErrors errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, proto)) {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid protobuf file: '", path, "': ", errors.text));
  }
  return absl::OkStatus();
}

absl::Status ReadTextProto(Env* env, const std::string& path, google::protobuf::Message* proto) {
  ASSIGN_OR_RETURN(std::string text, env->ReadFile(path));
  return ParseTextProto(text, path, proto);
}

std::set<std::string> SplitTags(const std::string& tags) {
  std::set<std::string> out;
  for (absl::string_view tag : absl::StrSplit(tags, ',')) {
    tag = absl::StripAsciiWhitespace(tag);
    if (!tag.empty()) out.emplace(tag);
  }
  return out;
}

// TF Serving's default for its gRPC and HTTP thread counts: 4 per schedulable CPU.
int ThreadsOrDefault(int threads) {
  if (threads > 0) return threads;
  return 4 * std::max(1u, std::thread::hardware_concurrency());
}

// The batching configuration when --enable_batching is set (TF Serving's defaults without a
// --batching_parameters_file), checked as TF Serving checks it.
absl::StatusOr<std::optional<BatchingConfig>> ReadBatchingConfig(
    const ModelServerOptions& options) {
  if (!options.enable_batching) {
    if (!options.batching_parameters_file.empty()) {
      return absl::InvalidArgumentError(
          "--batching_parameters_file is set without setting --enable_batching to true.");
    }
    if (options.enable_per_model_batching_parameters) {
      SS_LOG(WARNING) << "--enable_per_model_batching_parameters has no effect without "
                         "--enable_batching";
    }
    return std::nullopt;
  }
  tfs::BatchingParameters parameters;
  if (!options.batching_parameters_file.empty()) {
    RETURN_IF_ERROR(ReadTextProto(options.env, options.batching_parameters_file, &parameters));
  }
  absl::StatusOr<BatchingConfig> config = BatchingConfigFromParameters(parameters);
  if (!config.ok()) {
    return Annotate(config.status(), options.batching_parameters_file.empty()
                                         ? "batching parameters"
                                         : options.batching_parameters_file);
  }
  const BatchQueueOptions& queue = config->batching.queue;
  SS_LOG(INFO) << "Batching: max_batch_size " << queue.max_batch_size << ", batch_timeout_micros "
               << queue.batch_timeout_micros << ", max_enqueued_batches "
               << queue.max_enqueued_batches << ", num_batch_threads "
               << config->scheduler.num_batch_threads;
  return *std::move(config);
}

// Adds TF Serving's --grpc_channel_arguments ("name=value,..."; integer values as integers).
absl::Status AddChannelArguments(const std::string& text, grpc::ServerBuilder* builder) {
  if (text.empty()) return absl::OkStatus();
  for (absl::string_view argument : absl::StrSplit(text, ',')) {
    const size_t equals = argument.find('=');
    if (equals == absl::string_view::npos || equals == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--grpc_channel_arguments: '", argument, "' is not name=value (in '", text, "')"));
    }
    const std::string name(argument.substr(0, equals));
    const std::string value(argument.substr(equals + 1));
    int number = 0;
    if (absl::SimpleAtoi(value, &number)) {
      builder->AddChannelArgument(name, number);
    } else {
      builder->AddChannelArgument(name, value);
    }
  }
  return absl::OkStatus();
}

// The gRPC server credentials: plaintext, or TLS from TF Serving's SSLConfig text file.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(
    const ModelServerOptions& options) {
  if (options.ssl_config_file.empty()) return grpc::InsecureServerCredentials();
  tfs::SSLConfig ssl;
  RETURN_IF_ERROR(ReadTextProto(options.env, options.ssl_config_file, &ssl));
  if (ssl.server_key().empty() || ssl.server_cert().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        options.ssl_config_file, ": server_key and server_cert (PEM contents) are required"));
  }
  if (ssl.client_verify() && ssl.custom_ca().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        options.ssl_config_file, ": client_verify needs custom_ca to verify clients with"));
  }
  grpc::SslServerCredentialsOptions tls(
      ssl.client_verify() ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                          : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  tls.pem_key_cert_pairs.push_back({ssl.server_key(), ssl.server_cert()});
  tls.pem_root_certs = ssl.custom_ca();
  return grpc::SslServerCredentials(tls);
}

// A version directory's own BatchingParameters (--enable_per_model_batching_parameters).
constexpr char kPerModelBatchingFile[] = "batching_params.pbtxt";

// Puts every loaded model behind `scheduler`: with `batching`, or, when per_model, with the
// parameters of the version's batching_params.pbtxt (no file: not batched), as TF Serving.
ModelWrapper BatchingWrapper(std::shared_ptr<SharedBatchScheduler> scheduler,
                             const BatchingOptions& batching, bool per_model, Env* env) {
  return [scheduler, batching, per_model, env](
             std::unique_ptr<LoadedModel> model,
             const std::string& path) -> absl::StatusOr<std::unique_ptr<LoadedModel>> {
    BatchingOptions options = batching;
    if (per_model) {
      const std::string file = JoinPath(path, kPerModelBatchingFile);
      if (!env->FileExists(file)) return model;
      tfs::BatchingParameters parameters;
      RETURN_IF_ERROR(ReadTextProto(env, file, &parameters));
      absl::StatusOr<BatchingConfig> config = BatchingConfigFromParameters(parameters);
      if (!config.ok()) return Annotate(config.status(), file);
      options = config->batching;
      options.metrics = batching.metrics;
    }
    ASSIGN_OR_RETURN(std::unique_ptr<BatchingModel> batched,
                     BatchingModel::Create(std::move(model), scheduler, options));
    return std::unique_ptr<LoadedModel>(std::move(batched));
  };
}

ServerCoreOptions MakeCoreOptions(const ModelServerOptions& options, tfs::ModelServerConfig config,
                                  Metrics* metrics) {
  ServerCoreOptions core;
  core.config = std::move(config);
  core.file_system_poll_wait_seconds = options.file_system_poll_wait_seconds;
  core.max_num_load_retries = options.max_num_load_retries;
  core.load_retry_interval_micros = options.load_retry_interval_micros;
  core.allow_version_labels_for_unavailable_models =
      options.allow_version_labels_for_unavailable_models;
  core.enable_model_warmup = options.enable_model_warmup;
  core.warmup_runner = RunWarmupRecord;
  core.num_request_iterations_for_warmup = options.num_request_iterations_for_warmup;
  core.load_options.tags = SplitTags(options.saved_model_tags);
  core.load_options.intra_op_threads = options.tensorflow_intra_op_parallelism > 0
                                           ? options.tensorflow_intra_op_parallelism
                                           : options.tensorflow_session_parallelism;
  core.load_options.env = options.env;
  core.loader = options.loader;
  core.metrics = metrics;
  core.env = options.env;
  return core;
}

}  // namespace

absl::StatusOr<tfs::ModelServerConfig> BuildModelServerConfig(const ModelServerOptions& options) {
  tfs::ModelServerConfig config;
  if (!options.model_config_file.empty()) {
    RETURN_IF_ERROR(ReadTextProto(options.env, options.model_config_file, &config));
    return config;
  }
  if (options.model_base_path.empty()) {
    return absl::InvalidArgumentError(
        "Both --model_base_path and --model_config_file are empty: give a model's base path "
        "(the directory holding its numeric version directories) or a config file");
  }
  tfs::ModelConfig* model = config.mutable_model_config_list()->add_config();
  model->set_name(options.model_name);
  model->set_base_path(options.model_base_path);
  model->set_model_platform("tensorflow");
  return config;
}

ModelServer::ModelServer(ModelServerOptions options) : options_(std::move(options)) {}

ModelServer::~ModelServer() { Shutdown(); }

absl::StatusOr<std::unique_ptr<ModelServer>> ModelServer::Create(ModelServerOptions options) {
  std::unique_ptr<ModelServer> server(new ModelServer(std::move(options)));
  RETURN_IF_ERROR(server->Start());
  return server;
}

absl::Status ModelServer::Start() {
  ASSIGN_OR_RETURN(std::optional<BatchingConfig> batching, ReadBatchingConfig(options_));
  if (!options_.model_config_file.empty()) {
    absl::MutexLock lock(&config_mu_);
    ASSIGN_OR_RETURN(applied_config_, options_.env->ReadFile(options_.model_config_file));
  }
  ASSIGN_OR_RETURN(tfs::ModelServerConfig config, BuildModelServerConfig(options_));
  SetSignatureMethodNameCheck(options_.enable_signature_method_name_check);
  metrics_ = std::make_unique<Metrics>();
  ServerCoreOptions core_options = MakeCoreOptions(options_, std::move(config), metrics_.get());
  if (batching) {
    batching->scheduler.env = options_.env;
    ASSIGN_OR_RETURN(batch_scheduler_, SharedBatchScheduler::Create(batching->scheduler));
    batching->batching.metrics = metrics_.get();
    core_options.model_wrapper =
        BatchingWrapper(batch_scheduler_, batching->batching,
                        options_.enable_per_model_batching_parameters, options_.env);
  }
  ASSIGN_OR_RETURN(core_, ServerCore::Create(std::move(core_options)));
  services_ = std::make_unique<PredictionServices>(core_.get(), metrics_.get());
  RETURN_IF_ERROR(StartGrpc());
  RETURN_IF_ERROR(StartRest());
  if (!options_.model_config_file.empty() && options_.model_config_file_poll_wait_seconds > 0) {
    config_poll_thread_ = std::thread([this] { ConfigPollLoop(); });
  }
  return absl::OkStatus();
}

absl::Status ModelServer::StartGrpc() {
  prediction_service_ = std::make_unique<PredictionServiceImpl>(services_.get(), metrics_.get());
  model_service_ = std::make_unique<ModelServiceImpl>(core_.get(), metrics_.get());
  health_service_ = std::make_unique<HealthServiceImpl>();

  const std::string address = absl::StrCat(options_.grpc_address, ":", options_.grpc_port);
  grpc::ServerBuilder builder;
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                   ServerCredentials(options_));
  builder.AddListeningPort(address, credentials, &grpc_port_);
  if (!options_.grpc_socket_path.empty()) {
    builder.AddListeningPort("unix:" + options_.grpc_socket_path, credentials);
  }
  RETURN_IF_ERROR(AddChannelArguments(options_.grpc_channel_arguments, &builder));
  builder.RegisterService(prediction_service_.get());
  builder.RegisterService(model_service_.get());
  builder.RegisterService(health_service_.get());
  builder.SetMaxReceiveMessageSize(options_.grpc_max_message_size_bytes);
  builder.SetMaxSendMessageSize(options_.grpc_max_message_size_bytes);
  // A port another process holds must be an error, not a silently shared port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  grpc::ResourceQuota quota("savedserve_grpc");
  quota.SetMaxThreads(ThreadsOrDefault(options_.grpc_max_threads));
  builder.SetResourceQuota(quota);
  grpc_server_ = builder.BuildAndStart();
  if (grpc_server_ == nullptr || grpc_port_ == 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen for gRPC on ", address,
        options_.grpc_socket_path.empty() ? "" : " and unix:" + options_.grpc_socket_path,
        " (is the port in use, or the socket's directory missing?)"));
  }
  SS_LOG(INFO) << "Running gRPC ModelServer at " << options_.grpc_address << ":" << grpc_port_
               << " ...";
  return absl::OkStatus();
}

absl::Status ModelServer::StartRest() {
  if (options_.rest_api_port == 0) return absl::OkStatus();
  if (options_.rest_api_port == grpc_port_) {
    // TF Serving's behaviour: gRPC keeps the port and REST is skipped.
    SS_LOG(ERROR) << "--rest_api_port cannot be same as --port. Please use a different port "
                     "for HTTP/REST API. Skipped exporting HTTP/REST API.";
    return absl::OkStatus();
  }
  RestServerOptions rest;
  rest.address = options_.rest_api_address;
  rest.port =
      options_.rest_api_port == ModelServerOptions::kPickFreePort ? 0 : options_.rest_api_port;
  rest.num_threads = ThreadsOrDefault(options_.rest_api_num_threads);
  rest.timeout_ms = options_.rest_api_timeout_in_ms;
  rest.max_body_bytes = options_.rest_api_max_body_bytes;
  rest.enable_cors = options_.rest_api_enable_cors_support;
  if (!options_.monitoring_config_file.empty()) {
    tfs::MonitoringConfig monitoring;
    RETURN_IF_ERROR(ReadTextProto(options_.env, options_.monitoring_config_file, &monitoring));
    if (monitoring.prometheus_config().enable()) {
      rest.monitoring_path = monitoring.prometheus_config().path().empty()
                                 ? "/monitoring/prometheus/metrics"
                                 : monitoring.prometheus_config().path();
    }
  }
  const std::string address = rest.address;
  ASSIGN_OR_RETURN(
      rest_, RestServer::Create(std::move(rest), services_.get(), core_.get(), metrics_.get()));
  RETURN_IF_ERROR(rest_->Start());
  SS_LOG(INFO) << "Exporting HTTP/REST API at:" << address << ":" << rest_->port() << " ...";
  return absl::OkStatus();
}

int ModelServer::rest_api_port() const { return rest_ ? rest_->port() : 0; }

void ModelServer::ConfigPollLoop() {
  const absl::Duration interval = absl::Seconds(options_.model_config_file_poll_wait_seconds);
  mu_.Lock();
  while (!shutdown_started_) {
    mu_.AwaitWithTimeout(absl::Condition(&shutdown_started_), interval);
    if (shutdown_started_) break;
    mu_.Unlock();
    const absl::Status status = PollConfigFileOnce();
    if (!status.ok()) SS_LOG(ERROR) << "Reloading " << options_.model_config_file << ": " << status;
    mu_.Lock();
  }
  mu_.Unlock();
}

absl::Status ModelServer::PollConfigFileOnce() {
  if (options_.model_config_file.empty()) return absl::OkStatus();
  absl::MutexLock lock(&config_mu_);
  ASSIGN_OR_RETURN(std::string text, options_.env->ReadFile(options_.model_config_file));
  if (text == applied_config_) return absl::OkStatus();
  tfs::ModelServerConfig config;
  RETURN_IF_ERROR(ParseTextProto(text, options_.model_config_file, &config));
  // Remembered even when the reload reports an error: ServerCore serves the new list anyway
  // and retries failed loads itself, so the same file is not applied again on every poll.
  applied_config_ = std::move(text);
  SS_LOG(INFO) << "Model config file " << options_.model_config_file << " changed; reloading";
  return core_->ReloadConfig(config);
}

void ModelServer::Wait() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(&shutdown_done_));
}

void ModelServer::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (shutdown_started_) {
      mu_.Await(absl::Condition(&shutdown_done_));
      return;
    }
    shutdown_started_ = true;
  }
  if (health_service_) health_service_->SetNotServing();
  // Queued requests run at once instead of waiting for their batch to fill up.
  if (batch_scheduler_) batch_scheduler_->Flush();
  if (config_poll_thread_.joinable()) config_poll_thread_.join();
  const absl::Time deadline = absl::Now() + absl::Milliseconds(options_.shutdown_grace_period_ms);
  if (rest_) rest_->Shutdown(deadline);
  if (grpc_server_) {
    grpc_server_->Shutdown(absl::ToChronoTime(deadline));
    grpc_server_->Wait();
  }
  if (core_) {
    core_->Shutdown();
    SS_LOG(INFO) << "ModelServer stopped";
  }
  absl::MutexLock lock(&mu_);
  shutdown_done_ = true;
}

}  // namespace savedserve
