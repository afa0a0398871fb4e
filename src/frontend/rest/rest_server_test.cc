// RestServer over real sockets on 127.0.0.1 (a free port), with the fake half_plus_two core
// of rest_test_util.h: keep-alive, errors that leave the server serving, body limit, deep
// nesting, timeouts, 100-continue, pipelining, concurrency and graceful shutdown.
#include "frontend/rest/rest_server.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <future>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "frontend/rest/json_client_codec.h"
#include "frontend/rest/json_test_util.h"
#include "frontend/rest/rest_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace savedserve {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using ::testing::HasSubstr;

constexpr char kPredict[] = "/v1/models/half_plus_two/versions/123:predict";

std::string ErrorOf(const std::string& body) {
  return ParseJsonErrorMessage(body).value_or("<not an error body> " + body);
}

// A blocking HTTP/1.1 connection to the server under test.
class Connection {
 public:
  explicit Connection(int port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }
  http::response<http::string_body> Send(http::verb verb, const std::string& target,
                                         const std::string& body = "", bool keep_alive = true) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/json");
    req.keep_alive(keep_alive);
    req.body() = body;
    req.prepare_payload();
    http::write(socket_, req);
    return Read();
  }
  http::response<http::string_body> Read() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(1 << 30);
    http::read(socket_, buffer_, parser);
    return parser.release();
  }
  void WriteRaw(absl::string_view bytes) {
    net::write(socket_, net::buffer(bytes.data(), bytes.size()));
  }
  // True when the server has closed the connection (EOF or reset) within `wait`.
  bool ClosedByServer() {
    char c;
    beast::error_code ec;
    socket_.read_some(net::buffer(&c, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }
  tcp::socket& socket() { return socket_; }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

class RestServerTest : public ::testing::Test {
 protected:
  void StartServer(RestServerOptions options = {}) {
    options.address = "127.0.0.1";
    options.port = 0;
    if (options.num_threads <= 0) options.num_threads = 4;
    auto server =
        RestServer::Create(options, &serving_.services, &serving_.core, &serving_.metrics);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_GT(server_->port(), 0);
  }
  void ExpectServing() {
    Connection c(server_->port());
    const auto res = c.Send(http::verb::post, kPredict, R"({"instances": [1.0, 2.0]})");
    EXPECT_EQ(res.result_int(), 200) << res.body();
    EXPECT_TRUE(JsonEquals(res.body(), R"({"predictions": [2.5, 3.0]})"));
  }

  FakeServing serving_;
  std::unique_ptr<RestServer> server_;
};

TEST_F(RestServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  StartServer();
  Connection c(server_->port());
  for (int i = 0; i < 3; ++i) {
    const auto res = c.Send(http::verb::post, kPredict, R"({"instances": [1.0, 2.0, 5.0]})");
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res[http::field::content_type], "application/json");
    EXPECT_TRUE(res.keep_alive());
    EXPECT_TRUE(JsonEquals(res.body(), R"({"predictions": [2.5, 3.0, 4.5]})"));
  }
  const auto status = c.Send(http::verb::get, "/v1/models/half_plus_two");
  EXPECT_EQ(status.result_int(), 200);
  EXPECT_THAT(status.body(), HasSubstr("AVAILABLE"));
  // Connection: close is honoured.
  const auto last = c.Send(http::verb::get, "/healthz", "", /*keep_alive=*/false);
  EXPECT_EQ(last.result_int(), 200);
  EXPECT_FALSE(last.keep_alive());
  EXPECT_TRUE(c.ClosedByServer());
}

TEST_F(RestServerTest, ErrorsAreJsonAndTheConnectionStaysUsable) {
  StartServer();
  Connection c(server_->port());
  struct Case {
    http::verb verb;
    std::string target, body;
    unsigned status;
    std::string message;
  };
  const std::vector<Case> cases = {
      {http::verb::post, kPredict, "{not json", 400, "JSON Parse error"},
      {http::verb::post, kPredict, R"({"instances": ["a"]})", 400, "is not of expected type"},
      {http::verb::post, "/v1/models/nope:predict", R"({"instances": [1.0]})", 404,
       "Servable not found for request: Latest(nope)"},
      {http::verb::post, "/v1/models/half_plus_two/versions/9:predict", R"({"instances": [1.0]})",
       404, "Specific(half_plus_two, 9)"},
      {http::verb::post, "/v1/models/half_plus_two/labels/canary:predict",
       R"({"instances": [1.0]})", 400, "Unrecognized servable version label: canary"},
      {http::verb::post, kPredict, R"({"signature_name": "nope", "instances": [1.0]})", 400,
       "Serving signature name: \"nope\" not found in signature def"},
      {http::verb::get, "/v1/models/half_plus_two:predict", "", 400, "Malformed request"},
      {http::verb::get, "/nothing/here", "", 404, "Not found"},
  };
  for (const Case& t : cases) {
    const auto res = c.Send(t.verb, t.target, t.body);
    EXPECT_EQ(res.result_int(), t.status) << t.target << " " << t.body;
    EXPECT_EQ(res[http::field::content_type], "application/json");
    EXPECT_THAT(ErrorOf(res.body()), HasSubstr(t.message)) << res.body();
  }
  const auto ok = c.Send(http::verb::post, kPredict, R"({"instances": [1.0]})");
  EXPECT_EQ(ok.result_int(), 200);
}

TEST_F(RestServerTest, BodyOverTheLimitGets413AndTheServerKeepsServing) {
  RestServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  {
    Connection c(server_->port());
    const std::string big = absl::StrCat(R"({"instances": [)", std::string(4000, ' '), "1.0]}");
    const auto res = c.Send(http::verb::post, kPredict, big);
    EXPECT_EQ(res.result_int(), 413);
    EXPECT_EQ(res[http::field::content_type], "application/json");
    EXPECT_THAT(ErrorOf(res.body()), HasSubstr("exceeds the limit of 1024 bytes"));
    EXPECT_FALSE(res.keep_alive());
  }
  {
    // A chunked body is limited too, while it arrives.
    Connection c(server_->port());
    c.WriteRaw(absl::StrCat("POST ", kPredict,
                            " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "800\r\n",
                            std::string(0x800, ' '), "\r\n0\r\n\r\n"));
    EXPECT_EQ(c.Read().result_int(), 413);
  }
  ExpectServing();
}

TEST_F(RestServerTest, MalformedHttpGets400AndHugeHeaders431) {
  StartServer();
  {
    Connection c(server_->port());
    c.WriteRaw("GET /healthz HTTP/1.1\r\nHost x\r\n\r\n");  // no colon
    const auto res = c.Read();
    EXPECT_EQ(res.result_int(), 400);
    EXPECT_THAT(ErrorOf(res.body()), HasSubstr("Malformed HTTP request"));
  }
  {
    Connection c(server_->port());
    c.WriteRaw(absl::StrCat(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ", std::string(100 << 10, 'a'), "\r\n\r\n"));
    EXPECT_EQ(c.Read().result_int(), 431);
  }
  ExpectServing();
}

TEST_F(RestServerTest, DeeplyNestedArraysGet400AndTheServerKeepsServing) {
  StartServer();
  Connection c(server_->port());
  const int depth = 100000;
  const std::string body = absl::StrCat(R"({"instances": )", std::string(depth, '['), "1.0",
                                        std::string(depth, ']'), "}");
  const auto res = c.Send(http::verb::post, kPredict, body);
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_THAT(ErrorOf(res.body()), HasSubstr("nesting deeper than"));
  const auto objects = c.Send(http::verb::post, kPredict,
                              absl::StrCat(std::string(depth, '{'), std::string(depth, '}')));
  EXPECT_EQ(objects.result_int(), 400);
  ExpectServing();
}

TEST_F(RestServerTest, SlowOrIdleClientsAreDisconnectedAfterTheTimeout) {
  RestServerOptions options;
  options.timeout_ms = 300;
  StartServer(options);
  Connection partial(server_->port());
  partial.WriteRaw(
      absl::StrCat("POST ", kPredict, " HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"));
  Connection idle(server_->port());
  ASSERT_EQ(idle.Send(http::verb::get, "/healthz").result_int(), 200);
  const absl::Time start = absl::Now();
  EXPECT_TRUE(partial.ClosedByServer());
  EXPECT_TRUE(idle.ClosedByServer());
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  ExpectServing();
}

TEST_F(RestServerTest, ExpectContinueAndPipelining) {
  StartServer();
  Connection c(server_->port());
  const std::string body = R"({"instances": [1.0]})";
  c.WriteRaw(absl::StrCat("POST ", kPredict, " HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n",
                          "Content-Length: ", body.size(), "\r\n\r\n"));
  http::response_parser<http::empty_body> interim;
  beast::flat_buffer buffer;
  http::read_header(c.socket(), buffer, interim);
  EXPECT_EQ(interim.get().result(), http::status::continue_);
  c.WriteRaw(body);
  // Two more requests written back to back before reading anything.
  c.WriteRaw(absl::StrCat("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "POST ", kPredict,
                          " HTTP/1.1\r\nHost: x\r\nContent-Length: ", body.size(), "\r\n\r\n",
                          body));
  http::response<http::string_body> first, second, third;
  http::read(c.socket(), buffer, first);
  http::read(c.socket(), buffer, second);
  http::read(c.socket(), buffer, third);
  EXPECT_TRUE(JsonEquals(first.body(), R"({"predictions": [2.5]})"));
  EXPECT_THAT(second.body(), HasSubstr("ok"));
  EXPECT_TRUE(JsonEquals(third.body(), R"({"predictions": [2.5]})"));
}

TEST_F(RestServerTest, ConcurrentClients) {
  StartServer();
  std::vector<std::future<int>> results;
  for (int t = 0; t < 8; ++t) {
    results.push_back(std::async(std::launch::async, [port = server_->port()] {
      Connection c(port);
      int ok = 0;
      for (int i = 0; i < 20; ++i) {
        const auto res = c.Send(http::verb::post, kPredict, R"({"instances": [1.0]})");
        ok += res.result_int() == 200;
      }
      return ok;
    }));
  }
  for (auto& r : results) EXPECT_EQ(r.get(), 20);
  EXPECT_THAT(serving_.metrics.PrometheusText(), HasSubstr("REST"));
}

TEST_F(RestServerTest, ShutdownFinishesInFlightRequestsAndStopsAccepting) {
  StartServer();
  serving_.core.SetLookupDelay(absl::Milliseconds(300));
  const int port = server_->port();
  Connection idle(port);  // connected, no request: closed by Shutdown
  Connection busy(port);
  const int before = serving_.core.lookups();
  auto in_flight = std::async(std::launch::async, [&busy] {
    return busy.Send(http::verb::post, kPredict, R"({"instances": [1.0]})");
  });
  serving_.core.AwaitLookupAfter(before);  // the request is being handled
  server_->Shutdown();
  const auto res = in_flight.get();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(busy.ClosedByServer());
  EXPECT_TRUE(idle.ClosedByServer());
  net::io_context ioc;
  tcp::socket s(ioc);
  beast::error_code ec;
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  EXPECT_TRUE(ec) << "still accepting after Shutdown";
  server_->Shutdown();  // idempotent
}

TEST_F(RestServerTest, ShutdownDeadlineClosesSlowResponses) {
  StartServer();
  serving_.core.SetLookupDelay(absl::Milliseconds(500));
  Connection busy(server_->port());
  const int before = serving_.core.lookups();
  auto in_flight = std::async(std::launch::async, [&busy] {
    beast::error_code ec;
    try {
      busy.Send(http::verb::post, kPredict, R"({"instances": [1.0]})");
    } catch (const beast::system_error& e) {
      ec = e.code();
    }
    return ec;
  });
  serving_.core.AwaitLookupAfter(before);
  const absl::Time start = absl::Now();
  server_->Shutdown(absl::Now() + absl::Milliseconds(50));
  // The handler already running still completes (it cannot be interrupted) but its
  // connection is closed, so the client sees an error, not a response.
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_TRUE(in_flight.get());
}

TEST_F(RestServerTest, BusyPortFailsAtCreate) {
  StartServer();
  RestServerOptions options;
  options.address = "127.0.0.1";
  options.port = server_->port();
  auto second = RestServer::Create(options, &serving_.services, &serving_.core, &serving_.metrics);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable) << second.status();
}

}  // namespace
}  // namespace savedserve
