// TF Serving's REST API as one pure function from (method, target, body) to a response:
// no sockets, no threads; RestServer calls it once per HTTP request. JSON stops here: the
// handler converts bodies to the TF Serving request protos, calls the same
// PredictionServices / ServerCore methods as the gRPC frontend, and converts back.
//
// Routes (path matching ignores case; a query string is ignored):
//   POST /v1/models/<name>[/versions/<N>|/labels/<L>]:predict    {"instances"|"inputs": ...}
//   POST /v1/models/<name>[/versions/<N>|/labels/<L>]:classify   {"examples": [...]}
//   POST /v1/models/<name>[/versions/<N>|/labels/<L>]:regress    {"examples": [...]}
//   GET  /v1/models/<name>[/versions/<N>|/labels/<L>]            model status
//   GET  /v1/models/<name>[/versions/<N>|/labels/<L>]/metadata   model metadata
//   GET  <monitoring_path>   Prometheus text; only when RestHandlerOptions::monitoring_path
//                            is set (exact, case-sensitive match)
//   GET  /healthz            200 while the process is up (ours; TF Serving has none)
//   GET  /readyz             200 when ServerCore::AllModelsAvailable(), else 503 (ours)
//   OPTIONS <any>            CORS preflight: 204 with the CORS headers, when CORS is on
// Any other request under /v1/ fails with "Malformed request: <METHOD> <path>" (400);
// GET /v1/models without a name with "Missing model name in request." (400); paths
// outside /v1/ get 404. Every /v1/ response has Content-Type: application/json (plus the
// CORS headers when enabled), and failures have the body {"error": "<message>"}.
//
// Thread-safe: any number of threads may call HandleRestRequest at once.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "serving/metrics.h"
#include "serving/prediction_services.h"
#include "serving/server_core.h"

namespace savedserve {

struct RestHandlerOptions {
  // --rest_api_enable_cors_support: adds Access-Control-Allow-{Origin,Methods,Headers}.
  bool enable_cors = false;
  // The Prometheus path from the monitoring config (e.g. "/monitoring/prometheus/metrics");
  // empty: no metrics endpoint.
  std::string monitoring_path;
};

struct RestResponse {
  int http_status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// The borrowed serving objects a request needs; all must outlive the call.
struct RestBackends {
  const PredictionServices* services = nullptr;
  const ServerCore* core = nullptr;
  Metrics* metrics = nullptr;  // may be null; otherwise API requests are recorded ("rest")
};

// `target` is the request-target (path plus optional "?query").
RestResponse HandleRestRequest(absl::string_view method, absl::string_view target,
                               absl::string_view body, const RestBackends& backends,
                               const RestHandlerOptions& options);

// The one mapping from Status to HTTP status (TF Serving's, rest_api.md §6): OK 200,
// CANCELLED 499, INVALID_ARGUMENT / FAILED_PRECONDITION / OUT_OF_RANGE 400,
// DEADLINE_EXCEEDED 504, NOT_FOUND 404, ALREADY_EXISTS / ABORTED 409, PERMISSION_DENIED 403,
// RESOURCE_EXHAUSTED 429, UNIMPLEMENTED 501, UNAVAILABLE 503, UNAUTHENTICATED 401, else 500.
int HttpStatusFromStatus(const absl::Status& status);

}  // namespace savedserve
