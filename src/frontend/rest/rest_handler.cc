#include "frontend/rest/rest_handler.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/status.h"
#include "frontend/rest/json_example.h"
#include "frontend/rest/json_proto.h"
#include "frontend/rest/json_tensor.h"
#include "frontend/rest/json_util.h"
#include "frontend/rest/rest_routes.h"

namespace savedserve {
namespace {

namespace tfs = tensorflow::serving;

constexpr char kJsonContentType[] = "application/json";
constexpr char kDefaultSignature[] = "serving_default";

// What one API call did, for the response and the metrics.
struct ApiResult {
  absl::Status status;
  std::string body;
  std::string api;  // metrics label; empty: not an API call
  std::string model;
  int64_t version = 0;  // resolved version when known, else the requested one
};

void FillModelSpec(const ModelRoute& route, tfs::ModelSpec* spec) {
  spec->set_name(route.model_name);
  if (route.version) spec->mutable_version()->set_value(*route.version);
  if (route.label) spec->set_version_label(*route.label);
}

// The input TensorInfos of `signature` in the servable `spec` resolves to (TF Serving's
// GetInfoMap, with its message for an unknown signature).
absl::StatusOr<TensorInfoMap> InputInfos(const ServerCore& core, const tfs::ModelSpec& spec,
                                         const std::string& signature) {
  ASSIGN_OR_RETURN(const ServableHandle handle, core.GetServableHandle(spec));
  const std::string key = signature.empty() ? kDefaultSignature : signature;
  const auto& signatures = handle->model().signatures();
  const auto it = signatures.find(key);
  if (it == signatures.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Serving signature name: \"", key, "\" not found in signature def"));
  }
  return it->second.inputs();
}

absl::Status Predict(const ModelRoute& route, absl::string_view body, const RestBackends& b,
                     ApiResult* result) {
  tfs::PredictRequest request;
  FillModelSpec(route, request.mutable_model_spec());
  JsonPredictFormat format;
  RETURN_IF_ERROR(FillPredictRequestFromJson(
      body,
      [&](const std::string& signature) {
        return InputInfos(*b.core, request.model_spec(), signature);
      },
      &request, &format));
  tfs::PredictResponse response;
  RETURN_IF_ERROR(b.services->Predict(request, &response));
  result->version = response.model_spec().version().value();
  ASSIGN_OR_RETURN(result->body, MakeJsonFromTensors(response.outputs(), format));
  return absl::OkStatus();
}

absl::Status Classify(const ModelRoute& route, absl::string_view body, const RestBackends& b,
                      ApiResult* result) {
  tfs::ClassificationRequest request;
  FillModelSpec(route, request.mutable_model_spec());
  RETURN_IF_ERROR(FillClassificationRequestFromJson(body, &request));
  tfs::ClassificationResponse response;
  RETURN_IF_ERROR(b.services->Classify(request, &response));
  result->version = response.model_spec().version().value();
  ASSIGN_OR_RETURN(result->body, MakeJsonFromClassificationResult(response.result()));
  return absl::OkStatus();
}

absl::Status Regress(const ModelRoute& route, absl::string_view body, const RestBackends& b,
                     ApiResult* result) {
  tfs::RegressionRequest request;
  FillModelSpec(route, request.mutable_model_spec());
  RETURN_IF_ERROR(FillRegressionRequestFromJson(body, &request));
  tfs::RegressionResponse response;
  RETURN_IF_ERROR(b.services->Regress(request, &response));
  result->version = response.model_spec().version().value();
  ASSIGN_OR_RETURN(result->body, MakeJsonFromRegressionResult(response.result()));
  return absl::OkStatus();
}

absl::Status ModelStatus(const ModelRoute& route, const RestBackends& b, ApiResult* result) {
  tfs::GetModelStatusRequest request;
  FillModelSpec(route, request.mutable_model_spec());
  tfs::GetModelStatusResponse response;
  RETURN_IF_ERROR(b.core->GetModelStatus(request, &response));
  ASSIGN_OR_RETURN(result->body, ModelStatusToJson(response));
  return absl::OkStatus();
}

absl::Status ModelMetadata(const ModelRoute& route, const RestBackends& b, ApiResult* result) {
  tfs::GetModelMetadataRequest request;
  FillModelSpec(route, request.mutable_model_spec());
  request.add_metadata_field(kSignatureDefField);
  tfs::GetModelMetadataResponse response;
  RETURN_IF_ERROR(b.services->GetModelMetadata(request, &response));
  result->version = response.model_spec().version().value();
  ASSIGN_OR_RETURN(result->body, ModelMetadataToJson(response));
  return absl::OkStatus();
}

// Runs the /v1/ API call that `method` and `path` name, as TF Serving's ProcessRequest.
absl::Status DispatchApi(absl::string_view method, absl::string_view path, absl::string_view body,
                         const RestBackends& b, ApiResult* result) {
  const absl::Status malformed =
      absl::InvalidArgumentError(absl::StrCat("Malformed request: ", method, " ", path));
  std::optional<ModelRoute> route;
  if (method == "POST") {
    ASSIGN_OR_RETURN(route, ParsePredictionPath(path));
  } else if (method == "GET") {
    ASSIGN_OR_RETURN(route, ParseModelPath(path));
  }
  if (!route) return malformed;
  result->model = route->model_name;
  result->version = route->version.value_or(0);
  if (method == "GET" && route->model_name.empty()) {
    return absl::InvalidArgumentError("Missing model name in request.");
  }
  result->api = route->verb.empty() ? "status" : route->verb;
  if (route->verb == "predict") return Predict(*route, body, b, result);
  if (route->verb == "classify") return Classify(*route, body, b, result);
  if (route->verb == "regress") return Regress(*route, body, b, result);
  if (route->verb == "metadata") return ModelMetadata(*route, b, result);
  return ModelStatus(*route, b, result);
}

void AddCorsHeaders(RestResponse* response) {
  response->headers.emplace_back("Access-Control-Allow-Origin", "*");
  response->headers.emplace_back("Access-Control-Allow-Methods", "POST, GET");
  response->headers.emplace_back("Access-Control-Allow-Headers", "Content-Type");
}

RestResponse JsonResponse(const absl::Status& status, std::string body) {
  RestResponse response;
  response.http_status = HttpStatusFromStatus(status);
  response.headers.emplace_back("Content-Type", kJsonContentType);
  response.body = status.ok() ? std::move(body) : MakeJsonFromStatus(status);
  return response;
}

RestResponse HandleApi(absl::string_view method, absl::string_view path, absl::string_view body,
                       const RestBackends& backends) {
  const absl::Time start = absl::Now();
  ApiResult result;
  result.status = DispatchApi(method, path, body, backends, &result);
  if (backends.metrics != nullptr && !result.api.empty()) {
    backends.metrics->RecordRequest(result.model, result.version, result.api, "rest",
                                    result.status.code(),
                                    absl::ToInt64Microseconds(absl::Now() - start));
  }
  return JsonResponse(result.status, std::move(result.body));
}

// Our own endpoints, outside TF Serving's /v1/ namespace; nullopt when `path` is none.
std::optional<RestResponse> HandleOwnEndpoint(absl::string_view method, absl::string_view path,
                                              const RestBackends& backends,
                                              const RestHandlerOptions& options) {
  if (!options.monitoring_path.empty() && path == options.monitoring_path) {
    RestResponse response;
    response.headers.emplace_back("Content-Type", "text/plain; version=0.0.4");
    response.body = backends.metrics != nullptr ? backends.metrics->PrometheusText() : "";
    return response;
  }
  if (method != "GET") return std::nullopt;
  if (absl::EqualsIgnoreCase(path, "/healthz")) {
    return JsonResponse(absl::OkStatus(), "{\"status\": \"ok\"}\n");
  }
  if (absl::EqualsIgnoreCase(path, "/readyz")) {
    if (backends.core->AllModelsAvailable()) {
      return JsonResponse(absl::OkStatus(), "{\"status\": \"ready\"}\n");
    }
    return JsonResponse(absl::UnavailableError("Not every configured model has an available "
                                               "version yet"),
                        "");
  }
  return std::nullopt;
}

}  // namespace

RestResponse HandleRestRequest(absl::string_view method, absl::string_view target,
                               absl::string_view body, const RestBackends& backends,
                               const RestHandlerOptions& options) {
  const absl::string_view path = target.substr(0, target.find('?'));
  RestResponse response;
  if (options.enable_cors && method == "OPTIONS") {
    response.http_status = 204;
  } else if (auto own = HandleOwnEndpoint(method, path, backends, options)) {
    response = std::move(*own);
  } else if (absl::StartsWithIgnoreCase(path, "/v1/")) {
    response = HandleApi(method, path, body, backends);
  } else {
    response = JsonResponse(absl::NotFoundError(absl::StrCat("Not found: ", path)), "");
  }
  if (options.enable_cors) AddCorsHeaders(&response);
  return response;
}

int HttpStatusFromStatus(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    default:
      return 500;
  }
}

}  // namespace savedserve
