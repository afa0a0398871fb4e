#include "frontend/rest/rest_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <exception>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/logging.h"
#include "frontend/rest/json_util.h"

namespace savedserve {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr uint32_t kHeaderLimitBytes = 64 << 10;
// How long a connection that sent too large a body is drained before being closed, so that
// the client reads the 413 instead of a reset.
constexpr std::chrono::milliseconds kMaxDrain{5000};

absl::string_view ToAbsl(beast::string_view s) { return absl::string_view(s.data(), s.size()); }

http::response<http::string_body> ToBeast(RestResponse response, unsigned version,
                                          bool keep_alive) {
  http::response<http::string_body> res;
  res.version(version);
  res.result(response.http_status);
  if (response.http_status == 499) res.reason("Client Closed Request");
  for (auto& [name, value] : response.headers) res.set(name, value);
  res.body() = std::move(response.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

class Session;

}  // namespace

class RestServer::Impl {
 public:
  Impl(RestServerOptions options, const RestBackends& backends)
      : options_(std::move(options)),
        backends_(backends),
        handler_options_{options_.enable_cors, options_.monitoring_path},
        num_threads_(options_.num_threads > 0
                         ? options_.num_threads
                         : 4 * std::max(1u, std::thread::hardware_concurrency())),
        ioc_(num_threads_),
        acceptor_(net::make_strand(ioc_)) {}

  absl::StatusOr<int> Listen();
  void Start();
  void Shutdown(absl::Time deadline);

  // For sessions.
  std::chrono::milliseconds timeout() const {
    return std::chrono::milliseconds(std::max<int64_t>(1, options_.timeout_ms));
  }
  uint64_t max_body_bytes() const { return static_cast<uint64_t>(options_.max_body_bytes); }
  // Shutdown() has begun: responses say "Connection: close".
  bool shutting_down() const { return shutting_down_.load(); }
  // Shutdown's deadline passed: responses not yet written are dropped.
  bool force_closed() const { return force_closed_.load(); }
  RestResponse Handle(absl::string_view method, absl::string_view target,
                      absl::string_view body) const;
  void Unregister(Session* session) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void DoAccept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void StopSessions(bool force) ABSL_LOCKS_EXCLUDED(mu_);

  const RestServerOptions options_;
  const RestBackends backends_;
  const RestHandlerOptions handler_options_;
  const int num_threads_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;  // used on its strand only
  // Keeps the threads in run() until Shutdown() is done: otherwise they could run out of
  // work (and the context stop) while Shutdown still has Stop()s to post.
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  bool started_ = false;  // Start/Shutdown callers only

  std::atomic<bool> shutting_down_{false};
  std::atomic<bool> force_closed_{false};
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::map<Session*, std::weak_ptr<Session>> sessions_ ABSL_GUARDED_BY(mu_);
};

namespace {

// One connection. Owns itself through shared_ptrs held by its pending operations; all its
// work runs on its strand, so no member needs a lock.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, RestServer::Impl* server)
      : stream_(std::move(socket)), server_(server) {}
  ~Session() { server_->Unregister(this); }

  void Run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::DoReadHeader, shared_from_this()));
  }

  // Closes the connection now if it is between requests (or `force`); otherwise after the
  // response being prepared or written.
  void Stop(bool force) {
    net::post(stream_.get_executor(), [self = shared_from_this(), force] {
      self->stop_requested_ = true;
      if (force || !self->busy_) self->CloseNow();
    });
  }

 private:
  void DoReadHeader() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimitBytes);
    parser_->body_limit(server_->max_body_bytes());
    stream_.expires_after(server_->timeout());
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnReadHeader, shared_from_this()));
  }

  void OnReadHeader(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    const auto& request = parser_->get();
    if (!beast::iequals(request[http::field::expect], "100-continue")) return DoReadBody();
    auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                      request.version());
    stream_.expires_after(server_->timeout());
    http::async_write(stream_, *interim,
                      [self = shared_from_this(), interim](beast::error_code ec, size_t) {
                        if (ec) return self->CloseNow();
                        self->DoReadBody();
                      });
  }

  void DoReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  // A request that cannot be read: refused with a JSON error when the client is still there
  // to read one (too large, or not HTTP), else the connection just closes.
  void OnReadError(beast::error_code ec) {
    int http_status = 400;
    std::string message;
    if (ec == http::error::body_limit) {
      http_status = 413;
      message =
          absl::StrCat("Request body exceeds the limit of ", server_->max_body_bytes(), " bytes");
    } else if (ec == http::error::header_limit) {
      http_status = 431;
      message = absl::StrCat("Request header exceeds the limit of ", kHeaderLimitBytes, " bytes");
    } else if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
               ec != http::error::end_of_stream && ec != http::error::partial_message) {
      message = absl::StrCat("Malformed HTTP request: ", ec.message());
    } else {
      return CloseNow();  // end of stream, timeout, reset, or Stop()
    }
    const unsigned version = parser_->is_header_done() ? parser_->get().version() : 11;
    RestResponse response{http_status,
                          {{"Content-Type", "application/json"}},
                          MakeJsonFromStatus(absl::InvalidArgumentError(message))};
    Write(ToBeast(std::move(response), version, /*keep_alive=*/false), /*drain=*/true);
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    http::request<http::string_body> request = parser_->release();
    busy_ = true;
    RestResponse response =
        server_->Handle(ToAbsl(request.method_string()), ToAbsl(request.target()), request.body());
    if (server_->force_closed()) return CloseNow();
    const bool keep_alive = request.keep_alive() && !stop_requested_ && !server_->shutting_down();
    Write(ToBeast(std::move(response), request.version(), keep_alive), /*drain=*/false);
  }

  void Write(http::response<http::string_body>&& response, bool drain) {
    busy_ = true;
    response_ = std::move(response);
    stream_.expires_after(server_->timeout());
    http::async_write(stream_, *response_,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this(), drain));
  }

  void OnWrite(bool drain, beast::error_code ec, size_t) {
    busy_ = false;
    const bool keep_alive = response_->keep_alive();
    response_.reset();
    if (ec) return CloseNow();
    if (drain) return DrainAndClose();
    if (!keep_alive || stop_requested_) return CloseGracefully();
    DoReadHeader();
  }

  // Reads and discards what the client still sends (the rest of a refused body), for at
  // most kMaxDrain, then closes.
  void DrainAndClose() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (drain_buffer_.empty()) {
      drain_buffer_.resize(16 << 10);
      stream_.expires_after(std::min<std::chrono::milliseconds>(kMaxDrain, server_->timeout()));
    }
    stream_.async_read_some(net::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->CloseNow();
                              self->DrainAndClose();
                            });
  }

  void CloseGracefully() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  void CloseNow() {
    beast::error_code ignored;
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  RestServer::Impl* const server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;  // alive while being written
  bool busy_ = false;                                          // a request is being answered
  bool stop_requested_ = false;     // Shutdown(): close after the current response
  std::vector<char> drain_buffer_;  // allocated when draining
};

}  // namespace

absl::StatusOr<int> RestServer::Impl::Listen() {
  beast::error_code ec;
  const auto address = net::ip::make_address(options_.address, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("Bad REST listen address '", options_.address, "': ", ec.message()));
  }
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(options_.port));
  auto fail = [&](absl::string_view what) {
    return absl::UnavailableError(absl::StrCat("REST server: cannot ", what, " ", options_.address,
                                               ":", options_.port, ": ", ec.message()));
  };
  if (acceptor_.open(endpoint.protocol(), ec); ec) return fail("open");
  if (acceptor_.set_option(net::socket_base::reuse_address(true), ec); ec) return fail("set up");
  if (acceptor_.bind(endpoint, ec); ec) return fail("bind");
  if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec) return fail("listen");
  return acceptor_.local_endpoint().port();
}

void RestServer::Impl::Start() {
  started_ = true;
  work_.emplace(ioc_.get_executor());
  DoAccept();
  threads_.reserve(num_threads_);
  for (int i = 0; i < num_threads_; ++i) {
    threads_.emplace_back([this] {
      for (;;) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {
          SS_LOG(ERROR) << "REST server thread: " << e.what();
        }
      }
    });
  }
}

void RestServer::Impl::DoAccept() {
  acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(&Impl::OnAccept, this));
}

void RestServer::Impl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted) return;  // acceptor closed by Shutdown()
  if (ec) {
    SS_LOG(WARNING) << "REST server: accept failed: " << ec.message();
  } else {
    std::shared_ptr<Session> session;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;  // `socket` closes as it goes out of scope
      session = std::make_shared<Session>(std::move(socket), this);
      sessions_[session.get()] = session;
    }
    // Outside the lock: `session` may be the last reference when it goes (the connection
    // may already have failed on another thread), and ~Session takes mu_.
    session->Run();
  }
  DoAccept();
}

RestResponse RestServer::Impl::Handle(absl::string_view method, absl::string_view target,
                                      absl::string_view body) const {
  try {
    return HandleRestRequest(method, target, body, backends_, handler_options_);
  } catch (const std::exception& e) {  // e.g. std::bad_alloc: keep serving others
    const absl::Status status = absl::InternalError(absl::StrCat("REST handler: ", e.what()));
    return RestResponse{HttpStatusFromStatus(status),
                        {{"Content-Type", "application/json"}},
                        MakeJsonFromStatus(status)};
  }
}

void RestServer::Impl::Unregister(Session* session) {
  absl::MutexLock lock(&mu_);
  sessions_.erase(session);
}

void RestServer::Impl::StopSessions(bool force) {
  std::vector<std::shared_ptr<Session>> live;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [raw, weak] : sessions_) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  for (auto& session : live) session->Stop(force);
  // `live` goes here: these references must not keep sessions alive.
}

void RestServer::Impl::Shutdown(absl::Time deadline) {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;  // from here on OnAccept drops new connections
  }
  shutting_down_ = true;
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  if (started_) {
    StopSessions(/*force=*/false);
    const absl::Condition no_sessions(
        +[](std::map<Session*, std::weak_ptr<Session>>* s) { return s->empty(); }, &sessions_);
    mu_.Lock();
    if (!mu_.AwaitWithDeadline(no_sessions, deadline)) {
      mu_.Unlock();
      force_closed_ = true;
      StopSessions(/*force=*/true);
      mu_.Lock();
      mu_.Await(no_sessions);
    }
    mu_.Unlock();
  }
  work_.reset();
  ioc_.stop();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

RestServer::RestServer(std::unique_ptr<Impl> impl, int port)
    : impl_(std::move(impl)), port_(port) {}

RestServer::~RestServer() { Shutdown(); }

void RestServer::Shutdown(absl::Time deadline) { impl_->Shutdown(deadline); }

absl::StatusOr<std::unique_ptr<RestServer>> RestServer::Create(RestServerOptions options,
                                                               const PredictionServices* services,
                                                               const ServerCore* core,
                                                               Metrics* metrics) {
  if (services == nullptr || core == nullptr) {
    return absl::InvalidArgumentError("RestServer needs PredictionServices and ServerCore");
  }
  auto impl = std::make_unique<Impl>(std::move(options), RestBackends{services, core, metrics});
  const absl::StatusOr<int> port = impl->Listen();
  if (!port.ok()) return port.status();
  return std::unique_ptr<RestServer>(new RestServer(std::move(impl), *port));
}

absl::Status RestServer::Start() {
  impl_->Start();
  return absl::OkStatus();
}

}  // namespace savedserve
