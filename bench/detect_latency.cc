// detect_latency: what serving costs a detection on top of running the model, for
// bench/detect_bench.sh. In one process, interleaved (alternating which goes first, with a
// short pause before each so neither starts while the other process's worker threads still
// spin) so both see the same machine state:
//  (a) runtime only: LoadedModel::RunSignature on --model_dir with the exact input tensor
//      detect sends (the image decoded and resized once, outside the timing);
//  (b) end to end: read + decode the image, resize, Predict over gRPC to a running
//      `savedserve serve` (--target) and decode the boxes (ssd::Detector, what
//      `savedserve detect` does per call, without process start-up and metadata); its
//      client-side image preparation is also timed on its own.
// Prints the median and p90 of each over --runs and the serving overhead (b - a) / a in
// percent, plus a machine-readable line
//   result model=<name> runtime_ms=<median> detect_ms=<median> overhead_pct=<pct>
//
//   detect_latency --model_dir DIR/faces/1 --target 127.0.0.1:8500 --model faces
//                  --image faces-sample1.jpg [--runs 20] [--warmup 3] [--pause_ms 10]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "base/status.h"
#include "models/ssd/detector.h"
#include "runtime/loaded_model.h"

namespace savedserve {
namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
  std::string model_dir, target = "127.0.0.1:8500", model, image, signature = "detected_model";
  int runs = 20, warmup = 3;
  int pause_ms = 10;  // before each timed call, so the other process's threads are idle
};

double Ms(Clock::time_point from) {
  return std::chrono::duration<double, std::milli>(Clock::now() - from).count();
}

double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))];
}

absl::Status Run(const Flags& flags, LoadedModel* model) {
  ASSIGN_OR_RETURN(auto transport, ssd::CreateDetectionTransport({.grpc_target = flags.target}));
  ASSIGN_OR_RETURN(auto detector, ssd::Detector::Create(std::move(transport),
                                                        {.model_name = flags.model,
                                                         .signature_name = flags.signature}));
  ASSIGN_OR_RETURN(ssd::SourceImage image, ssd::ReadSourceImage(flags.image));
  const std::map<std::string, Tensor> inputs = {
      {detector->input().alias, detector->MakeInput({&image, 1})}};
  const ssd::SelectionOptions selection = detector->decoder().default_selection();

  std::vector<double> runtime_ms, detect_ms, prepare_ms;
  size_t detections = 0;
  for (int i = 0; i < flags.warmup + flags.runs; ++i) {
    double runtime = 0, detect = 0;
    for (int half = 0; half < 2; ++half) {  // alternating which goes first
      std::this_thread::sleep_for(std::chrono::milliseconds(flags.pause_ms));
      const auto start = Clock::now();
      if ((half + i) % 2 == 0) {
        RETURN_IF_ERROR(model->RunSignature(flags.signature, inputs).status());
        runtime = Ms(start);
      } else {
        ASSIGN_OR_RETURN(ssd::SourceImage fresh, ssd::ReadSourceImage(flags.image));
        ASSIGN_OR_RETURN(auto found, detector->Detect({&fresh, 1}, selection));
        detect = Ms(start);
        detections = found[0].size();
      }
    }
    const auto start = Clock::now();  // the client's share of (b): read, decode, resize
    ASSIGN_OR_RETURN(ssd::SourceImage fresh, ssd::ReadSourceImage(flags.image));
    const Tensor batch = detector->MakeInput({&fresh, 1});
    const double prepare = Ms(start);
    if (i < flags.warmup) continue;
    runtime_ms.push_back(runtime);
    detect_ms.push_back(detect);
    prepare_ms.push_back(prepare);
  }
  const double a = Quantile(runtime_ms, 0.5), b = Quantile(detect_ms, 0.5);
  std::printf("%s (%s input, %s family), %zu detections, %d runs:\n", flags.model.c_str(),
              detector->input().dtype == tensorflow::DT_STRING ? "encoded" : "float",
              std::string(detector->decoder().family()).c_str(), detections, flags.runs);
  std::printf("  runtime only (LoadedModel::RunSignature): median %8.2f ms  p90 %8.2f ms\n", a,
              Quantile(runtime_ms, 0.9));
  std::printf("  detect over gRPC (decode..boxes):         median %8.2f ms  p90 %8.2f ms\n", b,
              Quantile(detect_ms, 0.9));
  std::printf("    of which image read + decode + resize:  median %8.2f ms\n",
              Quantile(prepare_ms, 0.5));
  std::printf("  serving overhead: %+.1f%% (%.2f ms)\n", 100 * (b - a) / a, b - a);
  std::printf("result model=%s runtime_ms=%.3f detect_ms=%.3f overhead_pct=%.2f\n",
              flags.model.c_str(), a, b, 100 * (b - a) / a);
  return absl::OkStatus();
}

}  // namespace
}  // namespace savedserve

int main(int argc, char** argv) {
  savedserve::Flags flags;
  const std::map<std::string, std::string*> text = {{"--model_dir", &flags.model_dir},
                                                    {"--target", &flags.target},
                                                    {"--model", &flags.model},
                                                    {"--image", &flags.image},
                                                    {"--signature", &flags.signature}};
  const std::map<std::string, int*> numbers = {
      {"--runs", &flags.runs}, {"--warmup", &flags.warmup}, {"--pause_ms", &flags.pause_ms}};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (auto t = text.find(name); t != text.end()) {
      *t->second = value;
    } else if (auto n = numbers.find(name); n != numbers.end()) {
      *n->second = std::max(0, std::atoi(value.c_str()));
    } else {
      std::fprintf(stderr, "detect_latency: unknown flag %s\n", name.c_str());
      return 2;
    }
  }
  flags.runs = std::max(1, flags.runs);
  if (flags.model_dir.empty() || flags.model.empty() || flags.image.empty()) {
    std::fprintf(stderr,
                 "usage: detect_latency --model_dir DIR --target HOST:PORT --model NAME "
                 "--image FILE [--runs N] [--warmup N] [--pause_ms N]\n");
    return 2;
  }
  // Loaded here, measured on another thread, as the server does (manager thread loads,
  // request threads run). Run on the thread that called Load, RunSignature measured slower:
  // faces ~15% on an idle machine, about 3x with the cores oversubscribed (OpenMP state of
  // the loading thread?), which is not what serving sees.
  auto model = savedserve::LoadedModel::Load(flags.model_dir);
  absl::Status status = model.status();
  if (status.ok()) std::thread([&] { status = savedserve::Run(flags, model->get()); }).join();
  if (!status.ok()) {
    std::fprintf(stderr, "detect_latency: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
