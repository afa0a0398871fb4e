#include "frontend/grpc/model_service_impl.h"

#include <string>

#include "base/logging.h"
#include "frontend/grpc/request_metrics.h"
#include "frontend/grpc/status_util.h"

namespace savedserve {

namespace tfs = tensorflow::serving;

grpc::Status ModelServiceImpl::GetModelStatus(grpc::ServerContext* context,
                                              const tfs::GetModelStatusRequest* request,
                                              tfs::GetModelStatusResponse* response) {
  GrpcRequestRecorder recorder(metrics_, "status", request->model_spec());
  return ToGrpcStatus(recorder.Done(core_->GetModelStatus(*request, response), nullptr));
}

grpc::Status ModelServiceImpl::HandleReloadConfigRequest(grpc::ServerContext* context,
                                                         const tfs::ReloadConfigRequest* request,
                                                         tfs::ReloadConfigResponse* response) {
  absl::Status status;
  if (request->config().has_model_config_list()) {
    for (const tfs::ModelConfig& model : request->config().model_config_list().config()) {
      SS_LOG(INFO) << "ReloadConfig: model " << model.name() << " at " << model.base_path();
    }
    status = core_->ReloadConfig(request->config());
  } else {
    status = absl::InvalidArgumentError(
        "ServerModelConfig type not supported by HandleReloadConfigRequest. Only "
        "ModelConfigList is currently supported");
  }
  if (!status.ok()) SS_LOG(ERROR) << "ReloadConfig failed: " << status.message();
  response->mutable_status()->set_error_code(static_cast<tensorflow::error::Code>(status.code()));
  response->mutable_status()->set_error_message(std::string(status.message()));
  return ToGrpcStatus(status);
}

}  // namespace savedserve
