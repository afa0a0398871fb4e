// Model server configuration: reading TF Serving's text-format ModelServerConfig
// (--model_config_file) and other text-format protos (monitoring, batching), building the
// one-model config from --model_name/--model_base_path, and validating a config before it
// is served. Pure functions over an Env; safe for concurrent use.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/env.h"
#include "google/protobuf/message.h"
#include "tensorflow_serving/config/model_server_config.pb.h"

namespace savedserve {

inline constexpr char kTensorFlowModelPlatform[] = "tensorflow";

// Parses protobuf text format into `message`. A syntax error is InvalidArgument naming the
// place as "<source_name>:<line>:<column>: <what>" (1-based), the way compilers do.
absl::Status ParseTextProto(absl::string_view text, absl::string_view source_name,
                            google::protobuf::Message* message);
// Reads and parses a text-format file; errors name the file (and line, for syntax errors).
absl::Status ReadTextProtoFile(const std::string& path, google::protobuf::Message* message,
                               Env* env = Env::Default());

// Reads a text-format ModelServerConfig and validates it.
absl::StatusOr<tensorflow::serving::ModelServerConfig> ReadModelServerConfigFile(
    const std::string& path, Env* env = Env::Default());

// The config TF Serving builds from --model_name and --model_base_path: one model, platform
// "tensorflow", default version policy (latest 1).
tensorflow::serving::ModelServerConfig SingleModelConfig(const std::string& name,
                                                         const std::string& base_path);

// Checks what TF Serving checks before serving a config, with its messages: a
// model_config_list (custom_model_config is not supported), unique non-empty names, a
// base_path per model, and platform "tensorflow" (or empty, or the deprecated
// model_type TENSORFLOW). An unset config is valid and serves nothing.
absl::Status ValidateModelServerConfig(const tensorflow::serving::ModelServerConfig& config);

}  // namespace savedserve
