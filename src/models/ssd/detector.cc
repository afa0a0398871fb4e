#include "models/ssd/detector.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/status.h"
#include "client/prediction_client.h"
#include "client/rest_client.h"

namespace savedserve::ssd {
namespace {

namespace tfs = tensorflow::serving;

class GrpcTransport : public DetectionTransport {
 public:
  GrpcTransport(std::unique_ptr<PredictionClient> client, std::string target)
      : client_(std::move(client)), target_(std::move(target)) {}
  absl::StatusOr<tfs::SignatureDefMap> GetSignatureDefs(const tfs::ModelSpec& spec) const override {
    return client_->GetSignatureDefs(spec);
  }
  absl::StatusOr<std::map<std::string, Tensor>> Predict(
      const tfs::ModelSpec& spec, const std::map<std::string, Tensor>& inputs,
      const std::map<std::string, DataType>& output_dtypes) const override {
    std::vector<std::string> filter;
    for (const auto& [alias, dtype] : output_dtypes) filter.push_back(alias);
    return client_->Predict(spec, inputs, filter);
  }
  std::string description() const override { return "gRPC " + target_; }

 private:
  const std::unique_ptr<PredictionClient> client_;
  const std::string target_;
};

class RestTransport : public DetectionTransport {
 public:
  RestTransport(std::unique_ptr<RestClient> client, std::string url)
      : client_(std::move(client)), url_(std::move(url)) {}
  absl::StatusOr<tfs::SignatureDefMap> GetSignatureDefs(const tfs::ModelSpec& spec) const override {
    return client_->GetSignatureDefs(spec);
  }
  absl::StatusOr<std::map<std::string, Tensor>> Predict(
      const tfs::ModelSpec& spec, const std::map<std::string, Tensor>& inputs,
      const std::map<std::string, DataType>& output_dtypes) const override {
    return client_->Predict(spec, inputs, JsonPredictFormat::kColumnar, output_dtypes);
  }
  std::string description() const override { return "REST " + url_; }

 private:
  const std::unique_ptr<RestClient> client_;
  const std::string url_;
};

// "http://host:port[/]" (scheme optional, port 8501 when absent) -> host, port.
absl::StatusOr<RestClientOptions> ParseRestUrl(const std::string& url) {
  absl::string_view rest = url;
  if (absl::StartsWith(rest, "https://")) {
    return absl::InvalidArgumentError(absl::StrCat("REST URL ", url, ": https is not supported"));
  }
  absl::ConsumePrefix(&rest, "http://");
  absl::ConsumeSuffix(&rest, "/");
  RestClientOptions options;
  const size_t colon = rest.rfind(':');
  options.host = std::string(rest.substr(0, colon));
  if (colon != absl::string_view::npos &&
      !absl::SimpleAtoi(rest.substr(colon + 1), &options.port)) {
    options.port = -1;
  }
  if (options.host.empty() || rest.find('/') != absl::string_view::npos || options.port <= 0 ||
      options.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("REST URL ", url, ": expected http://HOST:PORT, e.g. http://localhost:8501"));
  }
  return options;
}

std::string SignatureList(const tfs::SignatureDefMap& map) {
  std::string out;
  for (const auto& [key, def] : map.signature_def()) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", key);
  }
  return out.empty() ? "none" : out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<DetectionTransport>> CreateDetectionTransport(
    const TransportOptions& options) {
  if (!options.rest_url.empty()) {
    ASSIGN_OR_RETURN(RestClientOptions rest, ParseRestUrl(options.rest_url));
    rest.timeout_ms = options.timeout_ms;
    ASSIGN_OR_RETURN(std::unique_ptr<RestClient> client, RestClient::Create(rest));
    return std::make_unique<RestTransport>(std::move(client), options.rest_url);
  }
  PredictionClientOptions grpc;
  grpc.target = options.grpc_target;
  grpc.deadline_ms = options.timeout_ms;
  ASSIGN_OR_RETURN(std::unique_ptr<PredictionClient> client, PredictionClient::Create(grpc));
  return std::make_unique<GrpcTransport>(std::move(client), options.grpc_target);
}

absl::StatusOr<std::unique_ptr<Detector>> Detector::Create(
    std::unique_ptr<DetectionTransport> transport, DetectorOptions options) {
  std::unique_ptr<Detector> detector(new Detector(std::move(transport), std::move(options)));
  RETURN_IF_ERROR(detector->Init());
  return detector;
}

absl::Status Detector::Init() {
  spec_.set_name(options_.model_name);
  if (options_.version) spec_.mutable_version()->set_value(*options_.version);
  const std::string model =
      absl::StrCat("model '", options_.model_name, "'",
                   options_.version ? absl::StrCat(" version ", *options_.version) : "");
  absl::StatusOr<tfs::SignatureDefMap> map = transport_->GetSignatureDefs(spec_);
  if (!map.ok()) {
    const absl::Status status = Annotate(
        map.status(),
        absl::StrCat("cannot get the metadata of ", model, " from ", transport_->description()));
    if (!absl::IsUnavailable(status)) return status;
    return absl::UnavailableError(
        absl::StrCat(status.message(), " (is a model server running there?)"));
  }
  auto it = map->signature_def().find(options_.signature_name);
  if (it == map->signature_def().end() && options_.signature_name == kDetectionSignature) {
    // Models imported with their own signature (BlazeFace from TF.js) have only this one.
    it = map->signature_def().find("serving_default");
  }
  if (it == map->signature_def().end()) {
    return absl::NotFoundError(absl::StrCat(model, " has no signature '", options_.signature_name,
                                            "' (it has: ", SignatureList(*map), ")"));
  }
  signature_ = it->second;
  spec_.set_signature_name(it->first);
  const std::string where = absl::StrCat(model, " signature '", it->first, "'");
  std::string alias = options_.input_alias;
  if (!signature_.inputs().contains(alias) && signature_.inputs().size() == 1) {
    alias = signature_.inputs().begin()->first;
  }
  absl::StatusOr<DetectionInput> input = ParseDetectionInput(signature_, alias);
  if (!input.ok()) return Annotate(input.status(), where);
  input_ = *input;
  absl::StatusOr<std::unique_ptr<DetectionDecoder>> decoder = CreateDetectionDecoder(signature_);
  if (!decoder.ok()) return Annotate(decoder.status(), where);
  decoder_ = std::move(*decoder);
  for (const std::string& alias : decoder_->output_aliases()) {
    output_dtypes_[alias] = signature_.outputs().at(alias).dtype();
  }
  return absl::OkStatus();
}

Tensor Detector::MakeInput(std::span<const SourceImage> images) const {
  if (input_.dtype == tensorflow::DT_STRING) return MakeEncodedBatch(images);
  Tensor batch = MakeFloatBatch(images, input_.height, input_.width, decoder_->resize_mode());
  const InputScaling scaling = decoder_->input_scaling();
  if (scaling.scale != 1.0f || scaling.offset != 0.0f) {
    for (float& v : batch.flat<float>()) v = v * scaling.scale + scaling.offset;
  }
  return batch;
}

absl::StatusOr<std::vector<std::vector<PixelDetection>>> Detector::Detect(
    std::span<const SourceImage> images, const SelectionOptions& selection) const {
  const size_t batch = input_.batch > 0 ? static_cast<size_t>(input_.batch) : images.size();
  if (images.size() <= batch) return DetectBatch(images, selection);
  if (images.size() % batch != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("model '", options_.model_name, "' takes batches of exactly ", batch,
                     " images; ", images.size(), " is not a multiple"));
  }
  std::vector<std::vector<PixelDetection>> result;
  for (size_t first = 0; first < images.size(); first += batch) {
    ASSIGN_OR_RETURN(auto found, DetectBatch(images.subspan(first, batch), selection));
    for (auto& one : found) result.push_back(std::move(one));
  }
  return result;
}

absl::StatusOr<std::vector<std::vector<PixelDetection>>> Detector::DetectBatch(
    std::span<const SourceImage> images, const SelectionOptions& selection) const {
  std::map<std::string, Tensor> inputs;
  inputs.emplace(input_.alias, MakeInput(images));
  absl::StatusOr<std::map<std::string, Tensor>> outputs =
      transport_->Predict(spec_, inputs, output_dtypes_);
  if (!outputs.ok()) {
    return Annotate(outputs.status(), absl::StrCat("Predict on model '", options_.model_name, "' (",
                                                   transport_->description(), ")"));
  }
  ASSIGN_OR_RETURN(const int64_t batch, decoder_->BatchSize(*outputs));
  if (batch != static_cast<int64_t>(images.size())) {
    return absl::InvalidArgumentError(absl::StrCat("model '", options_.model_name, "' answered ",
                                                   batch, " results for ", images.size(),
                                                   " images"));
  }
  std::vector<std::vector<PixelDetection>> result(images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    ASSIGN_OR_RETURN(std::vector<Detection> found,
                     decoder_->Decode(*outputs, static_cast<int64_t>(i), selection));
    for (const Detection& d : found) {
      result[i].push_back(
          {d.class_id, d.score,
           ToPixels(d.box, images[i].rgb.width, images[i].rgb.height, decoder_->resize_mode())});
    }
  }
  return result;
}

}  // namespace savedserve::ssd
