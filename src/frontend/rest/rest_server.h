// RestServer: the HTTP/1.1 listener of the REST API (Boost.Beast). One acceptor; one session
// per connection that owns its own lifetime (keep-alive, pipelined requests answered in
// order); every request goes through HandleRestRequest (rest_handler.h) on one of
// `num_threads` threads running the I/O context. Reading a request (and idling on a
// keep-alive connection) and writing a response are each bounded by timeout_ms; a body
// larger than max_body_bytes gets 413, a header over 64 KiB 431, and a request that is not
// HTTP 400, each with a JSON error, after which the connection is closed;
// "Expect: 100-continue" is honoured. Shutdown() stops accepting, closes idle connections, lets
// requests already read finish and their responses be written, then returns.
//
// Thread-safety: Create/Start/Shutdown/port may be called from any thread that is not one of
// the server's own; the handler runs concurrently on the server's threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "frontend/rest/rest_handler.h"

namespace savedserve {

struct RestServerOptions {
  std::string address = "0.0.0.0";  // listen address ("127.0.0.1" for local only)
  int port = 0;                     // 0: any free port; see RestServer::port()
  // Threads running the I/O context and the handler; <= 0 means 4 x the number of CPUs
  // (TF Serving's --rest_api_num_threads default).
  int num_threads = 0;
  // --rest_api_timeout_in_ms: the longest a connection may take to deliver one request (or
  // stay idle between keep-alive requests), and to accept one response. Model execution
  // itself is not interrupted.
  int64_t timeout_ms = 30000;
  // Largest request body accepted; larger ones get 413. 256 MiB holds a batch of a few
  // hundred 224x224x3 images as JSON numbers.
  int64_t max_body_bytes = int64_t{256} << 20;
  bool enable_cors = false;     // --rest_api_enable_cors_support
  std::string monitoring_path;  // Prometheus path; empty: none
};

class RestServer {
 public:
  // Binds and listens (so port() is known and a busy port fails here) but does not accept
  // yet. `services` and `core` must outlive the server; `metrics` may be null.
  static absl::StatusOr<std::unique_ptr<RestServer>> Create(RestServerOptions options,
                                                            const PredictionServices* services,
                                                            const ServerCore* core,
                                                            Metrics* metrics);
  ~RestServer();  // Shutdown()
  RestServer(const RestServer&) = delete;
  RestServer& operator=(const RestServer&) = delete;

  // Starts the threads and accepting. REQUIRES: called once.
  absl::Status Start();
  // The bound port (the chosen one when options.port was 0).
  int port() const { return port_; }
  // Stops accepting, closes idle connections and waits for in-flight requests to be
  // answered; at `deadline` closes the remaining connections (a handler already running
  // still finishes first), then stops the threads. Idempotent (later calls return at once).
  // REQUIRES: not called from a server thread.
  void Shutdown(absl::Time deadline = absl::InfiniteFuture());

  class Impl;  // Beast/Asio state, kept out of this header

 private:
  explicit RestServer(std::unique_ptr<Impl> impl, int port);

  std::unique_ptr<Impl> impl_;
  int port_;
};

}  // namespace savedserve
