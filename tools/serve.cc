// `savedserve serve`: the model server, a drop-in for tensorflow_model_server. It takes
// tensorflow_model_server's flag names and defaults (both `--port 8500` and `--port=8500`),
// rejects unknown flags listing the valid ones, and on SIGTERM or SIGINT shuts down
// gracefully (in-flight requests finish) and exits 0.
#include <pthread.h>

#include <csignal>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/logging.h"
#include "frontend/model_server.h"
#include "kernels/cpu/conv2d_onednn.h"
#include "tools/commands.h"

namespace savedserve::tools {
namespace {

constexpr char kVersion[] = "0.1.0";

// tensorflow_model_server flags about TensorFlow's own machinery (file system caches,
// the profiler, load thread pools, trimming the MetaGraph): accepted so that existing
// command lines run, and without effect here.
struct NoOpFlags {
  bool flush_filesystem_caches = true;
  bool remove_unused_fields_from_bundle_metagraph = true;
  bool enable_profiler = true;
  bool enable_grpc_healthcheck_service = false;  // grpc.health.v1 is always served
  int num_load_threads = 0;
  int num_unload_threads = 0;
};

// tensorflow_model_server flags whose feature savedserve does not have: setting one is an
// error naming it, rather than a server that silently behaves otherwise.
struct UnsupportedFlags {
  std::string platform_config_file;
  std::string tensorflow_session_config_file;
  bool prefer_tflite_model = false;

  // The error for the first one set, or "".
  std::string Error() const {
    auto unsupported = [](const char* flag, const char* what) {
      return absl::StrCat(flag, " is not supported (", what, ")");
    };
    if (!platform_config_file.empty()) {
      return unsupported("--platform_config_file",
                         "TensorFlow session bundle configs; use the serve flags instead");
    }
    if (!tensorflow_session_config_file.empty()) {
      return unsupported("--tensorflow_session_config_file",
                         "TensorFlow ConfigProto; use --tensorflow_intra_op_parallelism");
    }
    if (prefer_tflite_model) return unsupported("--prefer_tflite_model", "no TF Lite runtime");
    return "";
  }
};

struct ServeFlags {
  ModelServerOptions server;
  bool version = false;
  std::string conv_winograd = "large";
  NoOpFlags no_op;
  UnsupportedFlags unsupported;
};

void AddServerFlags(CLI::App* cmd, ModelServerOptions* o) {
  cmd->add_option("--port", o->grpc_port, "Port for gRPC (0 picks a free port)")
      ->capture_default_str();
  cmd->add_option("--rest_api_port", o->rest_api_port, "Port for HTTP/REST; 0 disables REST")
      ->capture_default_str();
  cmd->add_option("--rest_api_num_threads", o->rest_api_num_threads,
                  "HTTP/REST worker threads (0: 4 per CPU)")
      ->capture_default_str();
  cmd->add_option("--rest_api_timeout_in_ms", o->rest_api_timeout_in_ms,
                  "Timeout of one HTTP/REST call")
      ->capture_default_str();
  cmd->add_flag("--rest_api_enable_cors_support", o->rest_api_enable_cors_support,
                "Add CORS headers to HTTP/REST responses");
  cmd->add_option("--model_name", o->model_name,
                  "Name of the model (ignored with --model_config_file)")
      ->capture_default_str();
  cmd->add_option("--model_base_path", o->model_base_path,
                  "Directory holding the model's numeric version directories (ignored with "
                  "--model_config_file, otherwise required)");
  cmd->add_option("--model_config_file", o->model_config_file,
                  "ModelServerConfig text file listing the models to serve");
  cmd->add_option("--model_config_file_poll_wait_seconds", o->model_config_file_poll_wait_seconds,
                  "Seconds between re-reads of --model_config_file (0: read it once)")
      ->capture_default_str();
  cmd->add_option("--file_system_poll_wait_seconds", o->file_system_poll_wait_seconds,
                  "Seconds between polls of the base paths for new versions (0: poll once)")
      ->capture_default_str();
  cmd->add_flag("--enable_batching", o->enable_batching,
                "Batch concurrent Predict/Classify/Regress calls (TF Serving's batching)");
  cmd->add_option("--batching_parameters_file", o->batching_parameters_file,
                  "BatchingParameters text file (needs --enable_batching; default: TF Serving's "
                  "defaults)");
  cmd->add_option("--monitoring_config_file", o->monitoring_config_file,
                  "MonitoringConfig text file; enables Prometheus metrics on the REST port");
  cmd->add_option("--tensorflow_intra_op_parallelism", o->tensorflow_intra_op_parallelism,
                  "Threads within one op (0: one per core)")
      ->capture_default_str();
  cmd->add_option("--tensorflow_inter_op_parallelism", o->tensorflow_inter_op_parallelism,
                  "Accepted for compatibility")
      ->capture_default_str();
  cmd->add_option("--tensorflow_session_parallelism", o->tensorflow_session_parallelism,
                  "Threads per model when --tensorflow_intra_op_parallelism is 0")
      ->capture_default_str();
  cmd->add_option("--grpc_max_threads", o->grpc_max_threads, "gRPC threads (0: 4 per CPU)")
      ->capture_default_str();
  cmd->add_option("--grpc_max_message_size_bytes", o->grpc_max_message_size_bytes,
                  "Largest gRPC request or response")
      ->capture_default_str();
  cmd->add_flag("--enable_model_warmup", o->enable_model_warmup,
                "Replay assets.extra/tf_serving_warmup_requests before serving a version")
      ->capture_default_str();
  cmd->add_option("--num_request_iterations_for_warmup", o->num_request_iterations_for_warmup,
                  "Times each warmup request is replayed (0: once)")
      ->capture_default_str();
  cmd->add_flag("--allow_version_labels_for_unavailable_models",
                o->allow_version_labels_for_unavailable_models,
                "Let a version label point at a version that is not loaded yet");
  cmd->add_option("--max_num_load_retries", o->max_num_load_retries,
                  "Retries of a failed model load")
      ->capture_default_str();
  cmd->add_option("--load_retry_interval_micros", o->load_retry_interval_micros,
                  "Wait between load retries")
      ->capture_default_str();
  cmd->add_option("--saved_model_tags", o->saved_model_tags,
                  "Comma-separated tags of the MetaGraph to load")
      ->capture_default_str();
  cmd->add_flag("--enable_per_model_batching_parameters",
                o->enable_per_model_batching_parameters,
                "With --enable_batching: a version's batching_params.pbtxt sets its batching "
                "(a model without one is not batched)");
  cmd->add_flag("--enable_signature_method_name_check", o->enable_signature_method_name_check,
                "Predict, Classify and Regress only on signatures of their method_name");
  cmd->add_option("--ssl_config_file", o->ssl_config_file,
                  "SSLConfig text file: gRPC over TLS (PEM key, certificate, optional client CA)");
  cmd->add_option("--grpc_socket_path", o->grpc_socket_path,
                  "Also serve gRPC on this UNIX socket");
  cmd->add_option("--grpc_channel_arguments", o->grpc_channel_arguments,
                  "gRPC server channel arguments: name=value,... (integers as integers)");
}

void AddNoOpFlags(CLI::App* cmd, NoOpFlags* f) {
  const char* kNoEffect = "Accepted for tensorflow_model_server command lines; no effect";
  cmd->add_flag("--flush_filesystem_caches", f->flush_filesystem_caches, kNoEffect);
  cmd->add_flag("--remove_unused_fields_from_bundle_metagraph",
                f->remove_unused_fields_from_bundle_metagraph, kNoEffect);
  cmd->add_flag("--enable_profiler", f->enable_profiler, kNoEffect);
  cmd->add_flag("--enable_grpc_healthcheck_service", f->enable_grpc_healthcheck_service,
                "Accepted; grpc.health.v1 is always served");
  cmd->add_option("--num_load_threads", f->num_load_threads, kNoEffect);
  cmd->add_option("--num_unload_threads", f->num_unload_threads, kNoEffect);
}

void AddUnsupportedFlags(CLI::App* cmd, UnsupportedFlags* f) {
  const char* kUnsupported = "tensorflow_model_server's; not supported (an error when set)";
  cmd->add_option("--platform_config_file", f->platform_config_file, kUnsupported);
  cmd->add_option("--tensorflow_session_config_file", f->tensorflow_session_config_file,
                  kUnsupported);
  cmd->add_flag("--prefer_tflite_model", f->prefer_tflite_model, kUnsupported);
}

// The valid flags, for the message about an unknown one.
std::string FlagList(const CLI::App& cmd) {
  std::vector<std::string> names;
  for (const CLI::Option* option : cmd.get_options()) {
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
  }
  return absl::StrJoin(names, " ");
}

// Runs until SIGTERM or SIGINT. The signals are blocked before any server thread starts, so
// every thread inherits the mask and only sigwait() here receives them.
int RunServe(const ServeFlags& flags) {
  if (flags.version) {
    std::cout << "savedserve ModelServer: " << kVersion << " (TensorFlow Serving API)\n";
    return 0;
  }
  SetWinogradPolicy(*ParseWinogradPolicy(flags.conv_winograd));  // checked by the flag
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<std::unique_ptr<ModelServer>> server = ModelServer::Create(flags.server);
  if (!server.ok()) {
    std::cerr << "savedserve serve: " << server.status() << "\n";
    return 1;
  }
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  SS_LOG(INFO) << "Received " << strsignal(signal_number) << "; shutting down";
  (*server)->Shutdown();
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Serve SavedModels over TF Serving's gRPC and REST APIs (tensorflow_model_server)");
  AddServerFlags(cmd, &flags->server);
  AddNoOpFlags(cmd, &flags->no_op);
  AddUnsupportedFlags(cmd, &flags->unsupported);
  cmd->add_flag("--version", flags->version, "Print the version and exit");
  cmd->add_option("--conv_winograd", flags->conv_winograd, kConvWinogradHelp)
      ->check(CLI::IsMember(kConvWinogradValues))
      ->capture_default_str();
  // Unknown arguments are collected instead of failing inside CLI11, so the error can list
  // the flags that do exist.
  cmd->allow_extras();
  cmd->callback([cmd, flags, exit_code] {
    if (!cmd->remaining().empty()) {
      std::cerr << "savedserve serve: unknown flag or argument: "
                << absl::StrJoin(cmd->remaining(), " ") << "\nValid flags: " << FlagList(*cmd)
                << "\n";
      *exit_code = 2;
      return;
    }
    if (const std::string error = flags->unsupported.Error(); !error.empty()) {
      std::cerr << "savedserve serve: " << error << "\n";
      *exit_code = 2;
      return;
    }
    *exit_code = RunServe(*flags);
  });
}

}  // namespace savedserve::tools
