// grpc_loadgen: closed-loop gRPC load against a running `savedserve serve` (or
// tensorflow_model_server). Each of --concurrency client threads sends one call after another
// for --seconds, first grpc.health.v1.Health/Check (the cheapest call the server answers: the
// reference; skipped with --predict_only), then PredictionService/Predict on --model with
// input --input (default x = [1, 2, 5]; with --shape, a tensor of that shape filled with
// fixed pseudo-random floats in [0, 1)). Prints successful requests/s, p50 and p99 latency of
// each, errors and Predict's throughput as a ratio of Check's, and machine-readable lines
//   result label=<label> rps=<req/s> p50_us=<us> p99_us=<us> errors=<n>
// (label "check" for Check, --label for Predict) for scripts comparing runs
// (bench/batching_bench.sh). With --server_pid (a server on this machine) the lines also
// give the CPU time the server and this client spent per successful call,
//   ... server_cpu_us=<us> client_cpu_us=<us>
// which says where a closed loop's time goes when both share the machine's cores.
//
//   grpc_loadgen --target 127.0.0.1:8500 [--model half_plus_two] [--signature KEY]
//                [--input x] [--shape 1,300,300,3] [--concurrency 4] [--seconds 5]
//                [--predict_only] [--label NAME] [--server_pid PID]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
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
  double server_cpu_us = -1, client_cpu_us = -1;  // per successful call; -1: unknown
};

// User + system CPU seconds of process `pid` (from /proc), or -1.
double ProcessCpuSeconds(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return -1;
  // Fields after the command (which may hold spaces) start after the last ')'.
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return -1;
  std::vector<std::string> fields;
  size_t at = close + 2;
  while (at < line.size()) {
    const size_t space = std::min(line.find(' ', at), line.size());
    fields.push_back(line.substr(at, space - at));
    at = space + 1;
  }
  if (fields.size() < 13) return -1;  // utime and stime are fields 14 and 15 (11, 12 here)
  return (std::atof(fields[11].c_str()) + std::atof(fields[12].c_str())) / sysconf(_SC_CLK_TCK);
}

// User + system CPU seconds of this process.
double OwnCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Runs `call` in `threads` threads for `seconds` (after a short warm-up) and measures it;
// with server_pid > 0, also the server's CPU time.
Result Measure(int threads, double seconds, int server_pid,
               const std::function<absl::Status(int)>& call) {
  for (int t = 0; t < threads; ++t) (void)call(t);  // connect
  const double server_cpu = server_pid > 0 ? ProcessCpuSeconds(server_pid) : -1;
  const double client_cpu = OwnCpuSeconds();
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
  const double server_cpu_end = server_pid > 0 ? ProcessCpuSeconds(server_pid) : -1;
  const double client_cpu_end = OwnCpuSeconds();
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
  if (server_cpu >= 0 && server_cpu_end >= 0) {
    result.server_cpu_us = (server_cpu_end - server_cpu) * 1e6 / all.size();
  }
  result.client_cpu_us = (client_cpu_end - client_cpu) * 1e6 / all.size();
  result.p50_us = all[all.size() / 2];
  result.p99_us = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  return result;
}

void Print(const char* name, const Result& r) {
  std::printf("%-28s %10.0f req/s   p50 %7.0f us   p99 %7.0f us   errors %lld%s%s\n", name,
              r.requests_per_second, r.p50_us, r.p99_us, static_cast<long long>(r.errors),
              r.errors ? "  first: " : "", r.first_error.c_str());
  if (r.server_cpu_us >= 0) {
    std::printf("%-28s CPU per call: server %.1f us, client %.1f us\n", "", r.server_cpu_us,
                r.client_cpu_us);
  }
}

// The machine-readable line for scripts.
void PrintResult(const std::string& label, const Result& r) {
  std::printf("result label=%s rps=%.1f p50_us=%.0f p99_us=%.0f errors=%lld", label.c_str(),
              r.requests_per_second, r.p50_us, r.p99_us, static_cast<long long>(r.errors));
  if (r.server_cpu_us >= 0) {
    std::printf(" server_cpu_us=%.1f client_cpu_us=%.1f", r.server_cpu_us, r.client_cpu_us);
  }
  std::printf("\n");
}

struct Flags {
  std::string target = "127.0.0.1:8500", model = "half_plus_two", signature, input = "x";
  std::vector<int64_t> shape;  // empty: x = [1, 2, 5]
  int concurrency = 4;
  double seconds = 5;
  bool predict_only = false;
  std::string label = "predict";
  int server_pid = 0;  // > 0: also measure that process's CPU time
};

std::vector<int64_t> ParseShape(const std::string& text) {
  std::vector<int64_t> dims;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    dims.push_back(std::atoll(text.substr(start, comma - start).c_str()));
    start = comma + 1;
  }
  return dims;
}

// False (after saying why) for an unknown flag or a flag without its value.
bool ParseFlags(int argc, char** argv, Flags* f) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--predict_only") {
      f->predict_only = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "flag %s needs a value\n", flag.c_str());
      return false;
    }
    const std::string value = argv[++i];
    if (flag == "--target") {
      f->target = value;
    } else if (flag == "--model") {
      f->model = value;
    } else if (flag == "--signature") {
      f->signature = value;
    } else if (flag == "--input") {
      f->input = value;
    } else if (flag == "--shape") {
      f->shape = ParseShape(value);
    } else if (flag == "--concurrency" || flag == "--threads") {
      f->concurrency = std::max(1, std::atoi(value.c_str()));
    } else if (flag == "--seconds") {
      f->seconds = std::atof(value.c_str());
    } else if (flag == "--label") {
      f->label = value;
    } else if (flag == "--server_pid") {
      f->server_pid = std::atoi(value.c_str());
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return false;
    }
  }
  return true;
}

tensorflow::serving::PredictRequest MakeRequest(const Flags& flags) {
  tensorflow::serving::PredictRequest request;
  request.mutable_model_spec()->set_name(flags.model);
  request.mutable_model_spec()->set_signature_name(flags.signature);
  Tensor x;
  if (flags.shape.empty()) {
    const std::vector<float> values = {1.0f, 2.0f, 5.0f};
    x = Tensor::FromVector<float>(values, TensorShape({3}));
  } else {
    x = Tensor(tensorflow::DT_FLOAT, TensorShape(flags.shape));
    uint32_t state = 12345;
    for (float& v : x.flat<float>()) {
      state = state * 1664525u + 1013904223u;
      v = static_cast<float>(state >> 8) / static_cast<float>(1 << 24);
    }
  }
  TensorToProto(x, &(*request.mutable_inputs())[flags.input]);
  return request;
}

int Main(int argc, char** argv) {
  Flags flags;
  if (!ParseFlags(argc, argv, &flags)) return 2;
  std::vector<std::unique_ptr<PredictionClient>> clients;
  for (int t = 0; t < flags.concurrency; ++t) {
    PredictionClientOptions options;
    options.target = flags.target;
    options.deadline_ms = 60'000;
    auto client = PredictionClient::Create(options);
    if (!client.ok()) {
      std::fprintf(stderr, "%s\n", client.status().ToString().c_str());
      return 1;
    }
    clients.push_back(*std::move(client));
  }
  const tensorflow::serving::PredictRequest request = MakeRequest(flags);
  std::printf("gRPC, %d client threads, %.1f s each, target %s\n", flags.concurrency, flags.seconds,
              flags.target.c_str());
  Result health;
  if (!flags.predict_only) {
    health = Measure(flags.concurrency, flags.seconds, flags.server_pid,
                     [&](int t) { return clients[t]->HealthCheck().status(); });
    Print("grpc.health.v1 Check", health);
    PrintResult("check", health);
  }
  const Result predict = Measure(flags.concurrency, flags.seconds, flags.server_pid,
                                 [&](int t) { return clients[t]->Predict(request).status(); });
  Print(("Predict " + flags.model).c_str(), predict);
  if (health.requests_per_second > 0) {
    std::printf("Predict / Check throughput ratio: %.2f\n",
                predict.requests_per_second / health.requests_per_second);
  }
  PrintResult(flags.label, predict);
  return health.errors + predict.errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace savedserve

int main(int argc, char** argv) { return savedserve::Main(argc, argv); }
