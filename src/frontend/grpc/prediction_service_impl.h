// tensorflow.serving.PredictionService over gRPC. Thin: each RPC calls the shared
// PredictionServices handler (the same one REST uses), records the request in Metrics and
// converts the Status with ToGrpcStatus. Safe for concurrent use.
#pragma once

#include "serving/metrics.h"
#include "serving/prediction_services.h"
#include "tensorflow_serving/apis/prediction_service.grpc.pb.h"

namespace savedserve {

class PredictionServiceImpl final : public tensorflow::serving::PredictionService::Service {
 public:
  // Neither is owned; both must outlive the service. `metrics` may be null.
  PredictionServiceImpl(const PredictionServices* services, Metrics* metrics)
      : services_(services), metrics_(metrics) {}

  grpc::Status Predict(grpc::ServerContext* context,
                       const tensorflow::serving::PredictRequest* request,
                       tensorflow::serving::PredictResponse* response) override;
  grpc::Status Classify(grpc::ServerContext* context,
                        const tensorflow::serving::ClassificationRequest* request,
                        tensorflow::serving::ClassificationResponse* response) override;
  grpc::Status Regress(grpc::ServerContext* context,
                       const tensorflow::serving::RegressionRequest* request,
                       tensorflow::serving::RegressionResponse* response) override;
  grpc::Status MultiInference(grpc::ServerContext* context,
                              const tensorflow::serving::MultiInferenceRequest* request,
                              tensorflow::serving::MultiInferenceResponse* response) override;
  grpc::Status GetModelMetadata(grpc::ServerContext* context,
                                const tensorflow::serving::GetModelMetadataRequest* request,
                                tensorflow::serving::GetModelMetadataResponse* response) override;

 private:
  const PredictionServices* services_;
  Metrics* metrics_;
};

}  // namespace savedserve
