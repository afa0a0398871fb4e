#include "serving/model_config.h"

#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace savedserve {
namespace {

using tensorflow::serving::ModelConfig;
using tensorflow::serving::ModelServerConfig;

// Collects the text-format parser's complaints with 1-based positions.
class ErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  explicit ErrorCollector(absl::string_view source) : source_(source) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    errors_.push_back(absl::StrCat(source_, ":", line + 1, ":", column + 1, ": ", message));
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::string source_;
  std::vector<std::string> errors_;
};

// model_type is deprecated, and still honoured as TF Serving does.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
absl::Status CheckPlatform(const ModelConfig& model) {
  if (model.model_type() != tensorflow::serving::MODEL_TYPE_UNSPECIFIED) {
    if (!model.model_platform().empty()) {
      return absl::InvalidArgumentError(
          "Illegal setting both ModelServerConfig::model_type (deprecated) and "
          "ModelServerConfig::model_platform.");
    }
    if (model.model_type() != tensorflow::serving::TENSORFLOW) {
      return absl::InvalidArgumentError(absl::StrCat("ModelServerConfig::model_type choice ",
                                                     model.model_type(), " not supported."));
    }
    return absl::OkStatus();
  }
  if (!model.model_platform().empty() && model.model_platform() != kTensorFlowModelPlatform) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Model ", model.name(), " requests unsupported platform ", model.model_platform()));
  }
  return absl::OkStatus();
}
#pragma GCC diagnostic pop

}  // namespace

absl::Status ParseTextProto(absl::string_view text, absl::string_view source_name,
                            google::protobuf::Message* message) {
  ErrorCollector errors(source_name);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), message)) {
    if (errors.errors().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source_name, ": cannot parse as text-format ", message->GetTypeName()));
    }
    return absl::InvalidArgumentError(absl::StrJoin(errors.errors(), "; "));
  }
  return absl::OkStatus();
}

absl::Status ReadTextProtoFile(const std::string& path, google::protobuf::Message* message,
                               Env* env) {
  auto text = env->ReadFile(path);
  if (!text.ok()) return Annotate(text.status(), absl::StrCat("reading ", path));
  return ParseTextProto(*text, path, message);
}

absl::StatusOr<ModelServerConfig> ReadModelServerConfigFile(const std::string& path, Env* env) {
  ModelServerConfig config;
  RETURN_IF_ERROR(ReadTextProtoFile(path, &config, env));
  absl::Status valid = ValidateModelServerConfig(config);
  if (!valid.ok()) return Annotate(valid, path);
  return config;
}

ModelServerConfig SingleModelConfig(const std::string& name, const std::string& base_path) {
  ModelServerConfig config;
  ModelConfig* model = config.mutable_model_config_list()->add_config();
  model->set_name(name);
  model->set_base_path(base_path);
  model->set_model_platform(kTensorFlowModelPlatform);
  return config;
}

absl::Status ValidateModelServerConfig(const ModelServerConfig& config) {
  if (config.config_case() == ModelServerConfig::kCustomModelConfig) {
    return absl::UnimplementedError(
        "custom_model_config is not supported; list the models in model_config_list");
  }
  std::set<std::string> names;
  for (const ModelConfig& model : config.model_config_list().config()) {
    if (model.name().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("A model with base_path '", model.base_path(), "' has no name"));
    }
    if (!names.insert(model.name()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("Illegal to list model ", model.name(), " multiple times in config list"));
    }
    if (model.base_path().empty()) {
      return absl::InvalidArgumentError(absl::StrCat("Model ", model.name(), " has no base_path"));
    }
    RETURN_IF_ERROR(CheckPlatform(model));
    for (const auto& [label, version] : model.version_labels()) {
      if (label.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("Model ", model.name(), " has an empty version label"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace savedserve
