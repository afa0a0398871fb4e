#include "frontend/grpc/prediction_service_impl.h"

#include "frontend/grpc/request_metrics.h"
#include "frontend/grpc/status_util.h"

namespace savedserve {

namespace tfs = tensorflow::serving;

grpc::Status PredictionServiceImpl::Predict(grpc::ServerContext* context,
                                            const tfs::PredictRequest* request,
                                            tfs::PredictResponse* response) {
  GrpcRequestRecorder recorder(metrics_, "predict", request->model_spec());
  return ToGrpcStatus(
      recorder.Done(services_->Predict(*request, response), &response->model_spec()));
}

grpc::Status PredictionServiceImpl::Classify(grpc::ServerContext* context,
                                             const tfs::ClassificationRequest* request,
                                             tfs::ClassificationResponse* response) {
  GrpcRequestRecorder recorder(metrics_, "classify", request->model_spec());
  return ToGrpcStatus(
      recorder.Done(services_->Classify(*request, response), &response->model_spec()));
}

grpc::Status PredictionServiceImpl::Regress(grpc::ServerContext* context,
                                            const tfs::RegressionRequest* request,
                                            tfs::RegressionResponse* response) {
  GrpcRequestRecorder recorder(metrics_, "regress", request->model_spec());
  return ToGrpcStatus(
      recorder.Done(services_->Regress(*request, response), &response->model_spec()));
}

grpc::Status PredictionServiceImpl::MultiInference(grpc::ServerContext* context,
                                                   const tfs::MultiInferenceRequest* request,
                                                   tfs::MultiInferenceResponse* response) {
  const tfs::ModelSpec& spec = request->tasks_size() > 0 ? request->tasks(0).model_spec()
                                                         : tfs::ModelSpec::default_instance();
  GrpcRequestRecorder recorder(metrics_, "multi_inference", spec);
  const absl::Status status = services_->MultiInference(*request, response);
  return ToGrpcStatus(recorder.Done(
      status, response->results_size() > 0 ? &response->results(0).model_spec() : nullptr));
}

grpc::Status PredictionServiceImpl::GetModelMetadata(grpc::ServerContext* context,
                                                     const tfs::GetModelMetadataRequest* request,
                                                     tfs::GetModelMetadataResponse* response) {
  GrpcRequestRecorder recorder(metrics_, "metadata", request->model_spec());
  return ToGrpcStatus(
      recorder.Done(services_->GetModelMetadata(*request, response), &response->model_spec()));
}

}  // namespace savedserve
