#include "client/prediction_client.h"

#include <chrono>
#include <utility>

#include "base/status.h"
#include "client/model_metadata.h"
#include "grpcpp/grpcpp.h"
#include "tensor/tensor_proto.h"

namespace savedserve {
namespace {

namespace tfs = tensorflow::serving;

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

// One unary call through `method` of `stub`, returning the response or the call's error.
template <typename Response, typename Stub, typename Request, typename Method>
absl::StatusOr<Response> Call(Stub* stub, Method method, grpc::ClientContext* context,
                              const Request& request) {
  Response response;
  RETURN_IF_ERROR(FromGrpcStatus((stub->*method)(context, request, &response)));
  return response;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PredictionClient>> PredictionClient::Create(
    PredictionClientOptions options) {
  if (options.target.empty()) return absl::InvalidArgumentError("PredictionClient: empty target");
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(options.max_message_size_bytes);
  args.SetMaxSendMessageSize(options.max_message_size_bytes);
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!options.tls_root_certs_pem.empty()) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = options.tls_root_certs_pem;
    tls.pem_cert_chain = options.tls_client_cert_pem;
    tls.pem_private_key = options.tls_client_key_pem;
    credentials = grpc::SslCredentials(tls);
  }
  auto channel = grpc::CreateCustomChannel(options.target, credentials, args);
  if (channel == nullptr) {
    return absl::InvalidArgumentError("PredictionClient: cannot create a channel to " +
                                      options.target);
  }
  return std::unique_ptr<PredictionClient>(new PredictionClient(std::move(options), channel));
}

PredictionClient::PredictionClient(PredictionClientOptions options,
                                   std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      prediction_(tfs::PredictionService::NewStub(channel_)),
      model_(tfs::ModelService::NewStub(channel_)),
      health_(grpc::health::v1::Health::NewStub(channel_)) {}

std::unique_ptr<grpc::ClientContext> PredictionClient::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (options_.deadline_ms > 0) {
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::milliseconds(options_.deadline_ms));
  }
  return context;
}

absl::StatusOr<tfs::PredictResponse> PredictionClient::Predict(
    const tfs::PredictRequest& request) const {
  return Call<tfs::PredictResponse>(prediction_.get(), &tfs::PredictionService::Stub::Predict,
                                    NewContext().get(), request);
}

absl::StatusOr<tfs::ClassificationResponse> PredictionClient::Classify(
    const tfs::ClassificationRequest& request) const {
  return Call<tfs::ClassificationResponse>(
      prediction_.get(), &tfs::PredictionService::Stub::Classify, NewContext().get(), request);
}

absl::StatusOr<tfs::RegressionResponse> PredictionClient::Regress(
    const tfs::RegressionRequest& request) const {
  return Call<tfs::RegressionResponse>(prediction_.get(), &tfs::PredictionService::Stub::Regress,
                                       NewContext().get(), request);
}

absl::StatusOr<tfs::MultiInferenceResponse> PredictionClient::MultiInference(
    const tfs::MultiInferenceRequest& request) const {
  return Call<tfs::MultiInferenceResponse>(prediction_.get(),
                                           &tfs::PredictionService::Stub::MultiInference,
                                           NewContext().get(), request);
}

absl::StatusOr<tfs::GetModelMetadataResponse> PredictionClient::GetModelMetadata(
    const tfs::GetModelMetadataRequest& request) const {
  return Call<tfs::GetModelMetadataResponse>(prediction_.get(),
                                             &tfs::PredictionService::Stub::GetModelMetadata,
                                             NewContext().get(), request);
}

absl::StatusOr<tfs::GetModelStatusResponse> PredictionClient::GetModelStatus(
    const tfs::GetModelStatusRequest& request) const {
  return Call<tfs::GetModelStatusResponse>(model_.get(), &tfs::ModelService::Stub::GetModelStatus,
                                           NewContext().get(), request);
}

absl::StatusOr<tfs::ReloadConfigResponse> PredictionClient::ReloadConfig(
    const tfs::ReloadConfigRequest& request) const {
  return Call<tfs::ReloadConfigResponse>(model_.get(),
                                         &tfs::ModelService::Stub::HandleReloadConfigRequest,
                                         NewContext().get(), request);
}

absl::StatusOr<grpc::health::v1::HealthCheckResponse::ServingStatus> PredictionClient::HealthCheck(
    const std::string& service) const {
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  ASSIGN_OR_RETURN(auto response, Call<grpc::health::v1::HealthCheckResponse>(
                                      health_.get(), &grpc::health::v1::Health::Stub::Check,
                                      NewContext().get(), request));
  return response.status();
}

absl::StatusOr<std::map<std::string, Tensor>> PredictionClient::Predict(
    const tfs::ModelSpec& spec, const std::map<std::string, Tensor>& inputs,
    const std::vector<std::string>& output_filter) const {
  tfs::PredictRequest request;
  *request.mutable_model_spec() = spec;
  for (const auto& [alias, tensor] : inputs) {
    TensorToProto(tensor, &(*request.mutable_inputs())[alias]);
  }
  for (const std::string& alias : output_filter) request.add_output_filter(alias);
  ASSIGN_OR_RETURN(tfs::PredictResponse response, Predict(request));
  std::map<std::string, Tensor> outputs;
  for (const auto& [alias, proto] : response.outputs()) {
    ASSIGN_OR_RETURN(Tensor tensor, TensorFromProto(proto));
    outputs.emplace(alias, std::move(tensor));
  }
  return outputs;
}

absl::StatusOr<tfs::SignatureDefMap> PredictionClient::GetSignatureDefs(
    const tfs::ModelSpec& spec) const {
  tfs::GetModelMetadataRequest request;
  *request.mutable_model_spec() = spec;
  request.add_metadata_field("signature_def");
  ASSIGN_OR_RETURN(tfs::GetModelMetadataResponse response, GetModelMetadata(request));
  return UnpackSignatureDefs(response);
}

}  // namespace savedserve
