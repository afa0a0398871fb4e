#include "client/rest_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/status.h"
#include "client/model_metadata.h"
#include "frontend/rest/json_client_codec.h"
#include "frontend/rest/json_proto.h"

namespace savedserve {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
namespace tfs = tensorflow::serving;

// The status code an HTTP status stands for (the inverse of the server's mapping).
absl::StatusCode CodeFromHttpStatus(unsigned http_status) {
  switch (http_status) {
    case 400:
    case 413:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 409:
      return absl::StatusCode::kAborted;
    case 429:
      return absl::StatusCode::kResourceExhausted;
    case 499:
      return absl::StatusCode::kCancelled;
    case 501:
      return absl::StatusCode::kUnimplemented;
    case 503:
      return absl::StatusCode::kUnavailable;
    case 504:
      return absl::StatusCode::kDeadlineExceeded;
    default:
      return http_status >= 500 ? absl::StatusCode::kInternal : absl::StatusCode::kUnknown;
  }
}

std::string PercentEncode(absl::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

class RestClient::Impl {
 public:
  explicit Impl(RestClientOptions options) : options_(std::move(options)) {}

  absl::StatusOr<std::string> Call(absl::string_view method, absl::string_view path,
                                   absl::string_view body) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Runs the async operation `start` (which reports into *ec) to completion on ioc_, bounded
  // by the call's deadline through the stream's timer.
  template <typename Start>
  beast::error_code Run(Start start) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    beast::error_code ec = net::error::would_block;
    start(&ec);
    ioc_.restart();
    ioc_.run();
    return ec;
  }
  absl::Status Connect() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Exchange(const http::request<http::string_body>& request,
                        http::response<http::string_body>* response, bool* got_nothing)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status TransportError(absl::string_view what, beast::error_code ec) const {
    const std::string message =
        absl::StrCat("REST ", what, " ", options_.host, ":", options_.port, ": ", ec.message());
    return ec == beast::error::timeout ? absl::DeadlineExceededError(message)
                                       : absl::UnavailableError(message);
  }
  void SetDeadline() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (options_.timeout_ms > 0) {
      stream_->expires_at(deadline_);
    } else {
      stream_->expires_never();
    }
  }

  const RestClientOptions options_;
  absl::Mutex mu_;
  net::io_context ioc_ ABSL_GUARDED_BY(mu_);
  std::optional<beast::tcp_stream> stream_ ABSL_GUARDED_BY(mu_);  // open connection, if any
  beast::flat_buffer buffer_ ABSL_GUARDED_BY(mu_);
  std::chrono::steady_clock::time_point deadline_ ABSL_GUARDED_BY(mu_);
};

absl::Status RestClient::Impl::Connect() {
  tcp::resolver resolver(ioc_);
  beast::error_code ec;
  const auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port), ec);
  if (ec) return TransportError("resolving", ec);
  stream_.emplace(ioc_);
  buffer_.clear();
  SetDeadline();
  ec = Run([&](beast::error_code* out) {
    stream_->async_connect(endpoints,
                           [out](beast::error_code e, const tcp::endpoint&) { *out = e; });
  });
  if (ec) {
    stream_.reset();
    return TransportError("connecting to", ec);
  }
  return absl::OkStatus();
}

absl::Status RestClient::Impl::Exchange(const http::request<http::string_body>& request,
                                        http::response<http::string_body>* response,
                                        bool* got_nothing) {
  SetDeadline();
  beast::error_code ec = Run([&](beast::error_code* out) {
    http::async_write(*stream_, request, [out](beast::error_code e, size_t) { *out = e; });
  });
  if (ec) return TransportError("sending to", ec);
  http::response_parser<http::string_body> parser;
  parser.body_limit(static_cast<uint64_t>(options_.max_response_bytes));
  ec = Run([&](beast::error_code* out) {
    http::async_read(*stream_, buffer_, parser, [out](beast::error_code e, size_t) { *out = e; });
  });
  if (ec) {
    *got_nothing = !parser.got_some();
    return TransportError("reading from", ec);
  }
  *response = parser.release();
  return absl::OkStatus();
}

absl::StatusOr<std::string> RestClient::Impl::Call(absl::string_view method, absl::string_view path,
                                                   absl::string_view body) {
  http::request<http::string_body> request;
  request.method_string(beast::string_view(method.data(), method.size()));
  request.target(beast::string_view(path.data(), path.size()));
  request.version(11);
  request.set(http::field::host, absl::StrCat(options_.host, ":", options_.port));
  request.set(http::field::content_type, "application/json");
  request.keep_alive(true);
  request.body().assign(body.data(), body.size());
  request.prepare_payload();

  absl::MutexLock lock(&mu_);
  deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.timeout_ms);
  http::response<http::string_body> response;
  for (int attempt = 0;; ++attempt) {
    const bool reused = stream_.has_value();
    if (!reused) RETURN_IF_ERROR(Connect());
    bool got_nothing = false;
    const absl::Status status = Exchange(request, &response, &got_nothing);
    if (status.ok()) break;
    stream_.reset();
    // A kept-alive connection the server had already closed: retry once on a new one.
    if (!(reused && got_nothing && attempt == 0 && !absl::IsDeadlineExceeded(status))) {
      return status;
    }
  }
  if (!response.keep_alive()) stream_.reset();

  std::string& text = response.body();
  if (response.result_int() / 100 == 2) return std::move(text);
  std::optional<std::string> message = ParseJsonErrorMessage(text);
  return absl::Status(
      CodeFromHttpStatus(response.result_int()),
      message ? *message
              : absl::StrCat("HTTP ", response.result_int(), ": ", text.substr(0, 1000)));
}

RestClient::RestClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RestClient::~RestClient() = default;

absl::StatusOr<std::unique_ptr<RestClient>> RestClient::Create(RestClientOptions options) {
  if (options.host.empty() || options.port <= 0 || options.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("Bad REST server address ", options.host, ":", options.port));
  }
  return std::unique_ptr<RestClient>(new RestClient(std::make_unique<Impl>(std::move(options))));
}

absl::StatusOr<std::string> RestClient::Call(absl::string_view method, absl::string_view path,
                                             absl::string_view body) const {
  return impl_->Call(method, path, body);
}

std::string RestClient::ModelPath(const tfs::ModelSpec& spec) {
  std::string path = absl::StrCat("/v1/models/", PercentEncode(spec.name()));
  if (spec.has_version()) {
    absl::StrAppend(&path, "/versions/", spec.version().value());
  } else if (!spec.version_label().empty()) {
    absl::StrAppend(&path, "/labels/", PercentEncode(spec.version_label()));
  }
  return path;
}

absl::StatusOr<std::string> RestClient::PredictJson(const tfs::ModelSpec& spec,
                                                    absl::string_view body) const {
  return Call("POST", ModelPath(spec) + ":predict", body);
}

absl::StatusOr<std::map<std::string, Tensor>> RestClient::Predict(
    const tfs::ModelSpec& spec, const std::map<std::string, Tensor>& inputs,
    JsonPredictFormat format, const std::map<std::string, DataType>& output_dtypes) const {
  ASSIGN_OR_RETURN(const std::string body,
                   MakeJsonPredictRequest(inputs, format, spec.signature_name()));
  ASSIGN_OR_RETURN(const std::string response, PredictJson(spec, body));
  return ParseJsonPredictResponse(response, output_dtypes);
}

absl::StatusOr<tfs::ClassificationResult> RestClient::Classify(const tfs::ModelSpec& spec,
                                                               const tfs::Input& input) const {
  ASSIGN_OR_RETURN(const std::string body,
                   MakeJsonClassifyRegressRequest(input, spec.signature_name()));
  ASSIGN_OR_RETURN(const std::string response, Call("POST", ModelPath(spec) + ":classify", body));
  return ParseJsonClassificationResult(response);
}

absl::StatusOr<tfs::RegressionResult> RestClient::Regress(const tfs::ModelSpec& spec,
                                                          const tfs::Input& input) const {
  ASSIGN_OR_RETURN(const std::string body,
                   MakeJsonClassifyRegressRequest(input, spec.signature_name()));
  ASSIGN_OR_RETURN(const std::string response, Call("POST", ModelPath(spec) + ":regress", body));
  return ParseJsonRegressionResult(response);
}

absl::StatusOr<tfs::GetModelMetadataResponse> RestClient::GetModelMetadata(
    const tfs::ModelSpec& spec) const {
  ASSIGN_OR_RETURN(const std::string response, Call("GET", ModelPath(spec) + "/metadata"));
  return ModelMetadataFromJson(response);
}

absl::StatusOr<tfs::SignatureDefMap> RestClient::GetSignatureDefs(const tfs::ModelSpec& spec) const {
  ASSIGN_OR_RETURN(const tfs::GetModelMetadataResponse response, GetModelMetadata(spec));
  return UnpackSignatureDefs(response);
}

absl::StatusOr<tfs::GetModelStatusResponse> RestClient::GetModelStatus(
    const tfs::ModelSpec& spec) const {
  ASSIGN_OR_RETURN(const std::string response, Call("GET", ModelPath(spec)));
  return ModelStatusFromJson(response);
}

}  // namespace savedserve
