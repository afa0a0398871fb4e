// grpc_loadgen: closed-loop gRPC load against a running `savedserve serve` (or
// tensorflow_model_server). Each of --threads threads sends one call after another for
// --seconds, first grpc.health.v1.Health/Check (the cheapest call the server answers: the
// reference), then PredictionService/Predict on --model with x = [1, 2, 5]. Prints
// successful requests/s, p50 and p99 latency of each, errors and Predict's throughput as a ratio of
// Check's. Used by bench/serving_bench.sh.
//
//   grpc_loadgen --target 127.0.0.1:8500 [--model half_plus_two] [--threads 4] [--seconds 5]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "client/prediction_client.h"
#include "tensor/tensor_proto.h"

namespace savedserve {
namespace {

using Clock = std::chrono::steady_clock;

struct Result {
  double requests_per_second = 0;
  double p50_us = 0, p99_us = 0;
  int64_t errors = 0;
  std::string first_error;
};

// Runs `call` in `threads` threads for `seconds` (after a short warm-up) and measures it.
Result Measure(int threads, double seconds, const std::function<absl::Status(int)>& call) {
  for (int t = 0; t < threads; ++t) (void)call(t);  // connect
  std::atomic<bool> stop{false};
  std::vector<std::vector<int64_t>> latencies(threads);
  std::vector<int64_t> errors(threads, 0);
  std::vector<std::string> first_error(threads);
  std::vector<std::thread> workers;
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      while (!stop.load(std::memory_order_relaxed)) {
        const auto begin = Clock::now();
        absl::Status status = call(t);
        const auto end = Clock::now();
        if (!status.ok()) {
          if (errors[t]++ == 0) first_error[t] = status.ToString();
          continue;
        }
        latencies[t].push_back(
            std::chrono::duration_cast<std::chrono::microseconds>(end - begin).count());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (std::thread& w : workers) w.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<int64_t> all;
  Result result;
  for (int t = 0; t < threads; ++t) {
    all.insert(all.end(), latencies[t].begin(), latencies[t].end());
    result.errors += errors[t];
    if (result.first_error.empty()) result.first_error = first_error[t];
  }
  if (all.empty()) return result;
  std::sort(all.begin(), all.end());
  result.requests_per_second = all.size() / elapsed;
  result.p50_us = all[all.size() / 2];
  result.p99_us = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  return result;
}

void Print(const char* name, const Result& r) {
  std::printf("%-28s %10.0f req/s   p50 %7.0f us   p99 %7.0f us   errors %lld%s%s\n", name,
              r.requests_per_second, r.p50_us, r.p99_us, static_cast<long long>(r.errors),
              r.errors ? "  first: " : "", r.first_error.c_str());
}

int Main(int argc, char** argv) {
  std::string target = "127.0.0.1:8500", model = "half_plus_two";
  int threads = 4;
  double seconds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--target") {
      target = value;
    } else if (flag == "--model") {
      model = value;
    } else if (flag == "--threads") {
      threads = std::max(1, std::atoi(value.c_str()));
    } else if (flag == "--seconds") {
      seconds = std::atof(value.c_str());
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  std::vector<std::unique_ptr<PredictionClient>> clients;
  for (int t = 0; t < threads; ++t) {
    PredictionClientOptions options;
    options.target = target;
    options.deadline_ms = 10'000;
    auto client = PredictionClient::Create(options);
    if (!client.ok()) {
      std::fprintf(stderr, "%s\n", client.status().ToString().c_str());
      return 1;
    }
    clients.push_back(*std::move(client));
  }
  tensorflow::serving::PredictRequest request;
  request.mutable_model_spec()->set_name(model);
  const std::vector<float> x = {1.0f, 2.0f, 5.0f};
  TensorToProto(Tensor::FromVector<float>(x, TensorShape({3})), &(*request.mutable_inputs())["x"]);

  const Result health =
      Measure(threads, seconds, [&](int t) { return clients[t]->HealthCheck().status(); });
  const Result predict =
      Measure(threads, seconds, [&](int t) { return clients[t]->Predict(request).status(); });
  std::printf("gRPC, %d client threads, %.1f s each, target %s\n", threads, seconds,
              target.c_str());
  Print("grpc.health.v1 Check", health);
  Print("Predict half_plus_two", predict);
  if (health.requests_per_second > 0) {
    std::printf("Predict / Check throughput ratio: %.2f\n",
                predict.requests_per_second / health.requests_per_second);
  }
  return health.errors + predict.errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace savedserve

int main(int argc, char** argv) { return savedserve::Main(argc, argv); }
