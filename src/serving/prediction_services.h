// TF Serving's request handlers at the protobuf level, shared by the gRPC and REST
// frontends (REST converts JSON to these requests first). Each resolves the ModelSpec
// through ServerCore, picks the signature (default "serving_default"), checks the signature's
// method where TF Serving does, runs the model and fills the response, including the
// response's model_spec (name, resolved version, signature_name). Errors are absl::Status
// with TF Serving's codes and messages. Safe for concurrent use.
#pragma once

#include "absl/status/status.h"
#include "serving/metrics.h"
#include "serving/servable.h"
#include "serving/server_core.h"
#include "tensorflow_serving/apis/classification.pb.h"
#include "tensorflow_serving/apis/get_model_metadata.pb.h"
#include "tensorflow_serving/apis/inference.pb.h"
#include "tensorflow_serving/apis/predict.pb.h"
#include "tensorflow_serving/apis/prediction_log.pb.h"
#include "tensorflow_serving/apis/regression.pb.h"

namespace savedserve {

// TF Serving's --enable_signature_method_name_check, process-wide as there (off by default):
// when on, Predict takes only signatures whose method_name is predict, classify or regress,
// Classify only classify ones and Regress only regress ones. Thread-safe.
void SetSignatureMethodNameCheck(bool enabled);
bool SignatureMethodNameCheck();
// The API a signature is called through.
enum class SignatureApi { kPredict, kClassify, kRegress };
// With the check on, the error for a signature of `method_name` called through `api`, with
// TF Serving's code and message; else OK.
absl::Status CheckSignatureMethod(SignatureApi api, const std::string& method_name);

class PredictionServices {
 public:
  // `metrics` (may be null) gets the model run time of each successful Predict.
  explicit PredictionServices(const ServerCore* core, Metrics* metrics = nullptr)
      : core_(core), metrics_(metrics) {}

  absl::Status Predict(const tensorflow::serving::PredictRequest& request,
                       tensorflow::serving::PredictResponse* response) const;
  absl::Status Classify(const tensorflow::serving::ClassificationRequest& request,
                        tensorflow::serving::ClassificationResponse* response) const;
  absl::Status Regress(const tensorflow::serving::RegressionRequest& request,
                       tensorflow::serving::RegressionResponse* response) const;
  absl::Status MultiInference(const tensorflow::serving::MultiInferenceRequest& request,
                              tensorflow::serving::MultiInferenceResponse* response) const;
  // Only the "signature_def" metadata field is supported, as in TF Serving.
  absl::Status GetModelMetadata(const tensorflow::serving::GetModelMetadataRequest& request,
                                tensorflow::serving::GetModelMetadataResponse* response) const;

  // The same handlers run on one given servable, skipping ModelSpec resolution (the
  // request's model_spec still names the model and signature). The methods above call these
  // after resolving the handle; warmup and tests call them directly. `runtime_us`, when
  // given, receives the wall time of the model run alone.
  static absl::Status PredictOn(const Servable& servable,
                                const tensorflow::serving::PredictRequest& request,
                                tensorflow::serving::PredictResponse* response,
                                int64_t* runtime_us = nullptr);
  static absl::Status ClassifyOn(const Servable& servable,
                                 const tensorflow::serving::ClassificationRequest& request,
                                 tensorflow::serving::ClassificationResponse* response);
  static absl::Status RegressOn(const Servable& servable,
                                const tensorflow::serving::RegressionRequest& request,
                                tensorflow::serving::RegressionResponse* response);
  static absl::Status MultiInferenceOn(const Servable& servable,
                                       const tensorflow::serving::MultiInferenceRequest& request,
                                       tensorflow::serving::MultiInferenceResponse* response);
  static absl::Status GetModelMetadataOn(
      const Servable& servable, const tensorflow::serving::GetModelMetadataRequest& request,
      tensorflow::serving::GetModelMetadataResponse* response);

 private:
  const ServerCore* core_;  // not owned
  Metrics* metrics_;        // not owned; may be null
};

// Replays one record of assets.extra/tf_serving_warmup_requests against `servable`, as TF
// Serving's warmup does: predict, classify, regress and multi-inference logs run their
// request (the response is discarded), every request of a predict_streamed log runs as a
// Predict, a session_run log is Unimplemented, and a record with no log is a no-op.
// Has the shape of ServerCoreOptions' WarmupRunner.
absl::Status RunWarmupRecord(const Servable& servable,
                             const tensorflow::serving::PredictionLog& record);

}  // namespace savedserve
