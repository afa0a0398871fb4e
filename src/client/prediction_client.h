// PredictionClient: a C++ client for TF Serving's gRPC API, served by `savedserve serve` and
// by tensorflow_model_server alike: tensorflow.serving.PredictionService and ModelService,
// plus grpc.health.v1.Health. gRPC errors come back as absl::Status with the same code and
// message. The channel accepts messages up to 2 GiB both ways by default (gRPC's own receive
// limit of 4 MiB is the usual stumbling block with large tensors).
// Safe for concurrent use.
#pragma once

#include <climits>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tensor/tensor.h"
#include "tensorflow_serving/apis/model_service.grpc.pb.h"
#include "tensorflow_serving/apis/prediction_service.grpc.pb.h"

namespace savedserve {

struct PredictionClientOptions {
  std::string target = "localhost:8500";  // host:port or any gRPC target URI
  int64_t deadline_ms = 0;                // per call; <= 0: no deadline
  int max_message_size_bytes = INT_MAX;   // send and receive limit
  // TLS: the PEM root certificates to trust (the server's CA, or its self-signed
  // certificate); empty: plaintext. With tls_client_cert_pem/key_pem, the client presents
  // that certificate (servers with SSLConfig.client_verify ask for one).
  std::string tls_root_certs_pem;
  std::string tls_client_cert_pem;
  std::string tls_client_key_pem;
};

class PredictionClient {
 public:
  // Connects lazily: a server that is down shows as Unavailable on the first call.
  static absl::StatusOr<std::unique_ptr<PredictionClient>> Create(PredictionClientOptions options);

  absl::StatusOr<tensorflow::serving::PredictResponse> Predict(
      const tensorflow::serving::PredictRequest& request) const;
  absl::StatusOr<tensorflow::serving::ClassificationResponse> Classify(
      const tensorflow::serving::ClassificationRequest& request) const;
  absl::StatusOr<tensorflow::serving::RegressionResponse> Regress(
      const tensorflow::serving::RegressionRequest& request) const;
  absl::StatusOr<tensorflow::serving::MultiInferenceResponse> MultiInference(
      const tensorflow::serving::MultiInferenceRequest& request) const;
  absl::StatusOr<tensorflow::serving::GetModelMetadataResponse> GetModelMetadata(
      const tensorflow::serving::GetModelMetadataRequest& request) const;
  absl::StatusOr<tensorflow::serving::GetModelStatusResponse> GetModelStatus(
      const tensorflow::serving::GetModelStatusRequest& request) const;
  absl::StatusOr<tensorflow::serving::ReloadConfigResponse> ReloadConfig(
      const tensorflow::serving::ReloadConfigRequest& request) const;
  // grpc.health.v1.Health/Check for `service` ("" is the whole server).
  absl::StatusOr<grpc::health::v1::HealthCheckResponse::ServingStatus> HealthCheck(
      const std::string& service = "") const;

  // Predict with tensors: `inputs` by alias in, every output (or `output_filter`) by alias
  // out. `spec` names the model and optionally version / label / signature.
  absl::StatusOr<std::map<std::string, Tensor>> Predict(
      const tensorflow::serving::ModelSpec& spec, const std::map<std::string, Tensor>& inputs,
      const std::vector<std::string>& output_filter = {}) const;
  // Metadata with the SignatureDefMap unpacked.
  absl::StatusOr<tensorflow::serving::SignatureDefMap> GetSignatureDefs(
      const tensorflow::serving::ModelSpec& spec) const;

 private:
  PredictionClient(PredictionClientOptions options, std::shared_ptr<grpc::Channel> channel);
  // A context carrying the configured deadline.
  std::unique_ptr<grpc::ClientContext> NewContext() const;

  const PredictionClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<tensorflow::serving::PredictionService::Stub> prediction_;
  std::unique_ptr<tensorflow::serving::ModelService::Stub> model_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

}  // namespace savedserve
