// RestClient: a small blocking client for TF Serving's REST API (`savedserve serve` and
// tensorflow_model_server alike): predict (JSON text or tensors), classify, regress, model
// metadata and status. One keep-alive HTTP/1.1 connection, reopened when the server has
// closed it. A failed call returns the server's {"error": ...} message with the status code
// its HTTP status stands for (404 NotFound, 400 InvalidArgument, 503 Unavailable, ...);
// transport failures are Unavailable (DeadlineExceeded on timeout).
// Safe for concurrent use (calls are serialized on the one connection).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "frontend/rest/json_tensor.h"
#include "tensor/tensor.h"
#include "tensorflow_serving/apis/classification.pb.h"
#include "tensorflow_serving/apis/get_model_metadata.pb.h"
#include "tensorflow_serving/apis/get_model_status.pb.h"
#include "tensorflow_serving/apis/input.pb.h"
#include "tensorflow_serving/apis/model.pb.h"
#include "tensorflow_serving/apis/regression.pb.h"

namespace savedserve {

struct RestClientOptions {
  std::string host = "localhost";
  int port = 8501;
  int64_t timeout_ms = 30000;                     // per call, connecting included; <= 0: none
  int64_t max_response_bytes = int64_t{1} << 30;  // larger responses fail
};

class RestClient {
 public:
  // Connects lazily: a server that is down shows as Unavailable on the first call.
  static absl::StatusOr<std::unique_ptr<RestClient>> Create(RestClientOptions options);
  ~RestClient();
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  // One request ("GET"/"POST", a path such as "/v1/models/m:predict", a JSON body): the
  // response body on HTTP 2xx, else the error described above.
  absl::StatusOr<std::string> Call(absl::string_view method, absl::string_view path,
                                   absl::string_view body = "") const;

  // The model's :predict with a JSON body as given, returning the JSON response.
  absl::StatusOr<std::string> PredictJson(const tensorflow::serving::ModelSpec& spec,
                                          absl::string_view body) const;
  // Predict with tensors (see json_client_codec.h for the encoding). `spec.signature_name`
  // goes into the body. `output_dtypes` (e.g. from GetModelMetadata) types the outputs;
  // without it dtypes are inferred, and a single output is keyed "".
  absl::StatusOr<std::map<std::string, Tensor>> Predict(
      const tensorflow::serving::ModelSpec& spec, const std::map<std::string, Tensor>& inputs,
      JsonPredictFormat format = JsonPredictFormat::kColumnar,
      const std::map<std::string, DataType>& output_dtypes = {}) const;
  absl::StatusOr<tensorflow::serving::ClassificationResult> Classify(
      const tensorflow::serving::ModelSpec& spec, const tensorflow::serving::Input& input) const;
  absl::StatusOr<tensorflow::serving::RegressionResult> Regress(
      const tensorflow::serving::ModelSpec& spec, const tensorflow::serving::Input& input) const;
  // The metadata response with metadata["signature_def"] packed, as gRPC returns it.
  absl::StatusOr<tensorflow::serving::GetModelMetadataResponse> GetModelMetadata(
      const tensorflow::serving::ModelSpec& spec) const;
  // The metadata's SignatureDefMap, unpacked (as PredictionClient::GetSignatureDefs).
  absl::StatusOr<tensorflow::serving::SignatureDefMap> GetSignatureDefs(
      const tensorflow::serving::ModelSpec& spec) const;
  absl::StatusOr<tensorflow::serving::GetModelStatusResponse> GetModelStatus(
      const tensorflow::serving::ModelSpec& spec) const;

  // "/v1/models/<name>[/versions/<N>|/labels/<L>]", name and label %-escaped.
  static std::string ModelPath(const tensorflow::serving::ModelSpec& spec);

  class Impl;  // the connection, kept out of this header

 private:
  explicit RestClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace savedserve
