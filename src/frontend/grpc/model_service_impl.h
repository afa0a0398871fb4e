// tensorflow.serving.ModelService over gRPC: GetModelStatus and HandleReloadConfigRequest,
// both answered by ServerCore (the same calls the REST status route makes). Thin; safe for
// concurrent use.
#pragma once

#include "serving/metrics.h"
#include "serving/server_core.h"
#include "tensorflow_serving/apis/model_service.grpc.pb.h"

namespace savedserve {

class ModelServiceImpl final : public tensorflow::serving::ModelService::Service {
 public:
  // Neither is owned; both must outlive the service. `metrics` may be null.
  ModelServiceImpl(ServerCore* core, Metrics* metrics) : core_(core), metrics_(metrics) {}

  grpc::Status GetModelStatus(grpc::ServerContext* context,
                              const tensorflow::serving::GetModelStatusRequest* request,
                              tensorflow::serving::GetModelStatusResponse* response) override;

  // Only a model_config_list is accepted, as in TF Serving. The outcome is both the RPC
  // status and response.status.
  grpc::Status HandleReloadConfigRequest(
      grpc::ServerContext* context, const tensorflow::serving::ReloadConfigRequest* request,
      tensorflow::serving::ReloadConfigResponse* response) override;

 private:
  ServerCore* core_;
  Metrics* metrics_;
};

}  // namespace savedserve
