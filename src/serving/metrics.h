// Process metrics in Prometheus' text exposition format: request counts and latencies by
// model, version and API; load latencies and outcomes; versions loaded per model.
// Request metrics use TF Serving's names and labels (":tensorflow:serving:request_count"
// {model_name, status}, ":tensorflow:serving:request_latency"{model_name, API, entrypoint},
// microseconds, successful requests only; ":tensorflow:serving:runtime_latency"{model_name,
// API, runtime}, the model run inside a request; with server-side batching, as its
// BatchingSession, ":tensorflow:serving:batching_session:queuing_latency"{thread_pool_name} and
// ":tensorflow:serving:batching_session:wrapped_run_count"); the rest are ":savedserve:..."
// (see metrics.cc).
// Safe for concurrent use; recording is cheap (one mutex, no allocation on the hot path
// once a label set has been seen).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace savedserve {

class Metrics {
 public:
  // api: "predict", "classify", "regress", "multi_inference", "metadata", "status".
  // frontend: "grpc" or "rest".
  void RecordRequest(const std::string& model, int64_t version, const std::string& api,
                     const std::string& frontend, absl::StatusCode code, int64_t latency_us);
  // The wall time of the model run inside one successful request (TF Serving's
  // runtime_latency; the difference to request_latency is the serving overhead).
  void RecordRuntime(const std::string& model, const std::string& api, int64_t latency_us);
  // Server-side batching: one call's wait in its queue, from enqueueing to its batch's start.
  void RecordBatchQueuing(const std::string& thread_pool_name, int64_t latency_us);
  // Server-side batching: one run of the wrapped model (one batch, or a retried call).
  void RecordWrappedRun();
  void RecordLoad(const std::string& model, int64_t version, bool ok, int64_t latency_us);
  void SetLoadedVersions(const std::string& model, int count);
  // The whole registry, with `# HELP` and `# TYPE` lines.
  std::string PrometheusText() const;

 private:
  struct Histogram {
    std::vector<int64_t> bucket_counts;  // per bucket, the last being +Inf; cumulated when rendered
    int64_t count = 0;
    double sum_us = 0;
  };
  // Into `bounds`' buckets (plus +Inf): TF Serving's request buckets unless given.
  static void Observe(Histogram& h, int64_t latency_us, const std::vector<double>* bounds = nullptr);

  // std::less<> lets the hot path look keys up by reference, without building strings.
  mutable absl::Mutex mu_;
  // (model, version, api, frontend, code) -> count
  std::map<std::tuple<std::string, int64_t, std::string, std::string, absl::StatusCode>, int64_t,
           std::less<>>
      requests_ ABSL_GUARDED_BY(mu_);
  // (model, api, frontend) -> latency of successful requests, as TF Serving's request_latency
  std::map<std::tuple<std::string, std::string, std::string>, Histogram, std::less<>>
      request_latency_ ABSL_GUARDED_BY(mu_);
  // (model, api) -> model run time in successful requests, as TF Serving's runtime_latency
  std::map<std::tuple<std::string, std::string>, Histogram, std::less<>> runtime_latency_
      ABSL_GUARDED_BY(mu_);
  // (model, version, ok) -> load attempts
  std::map<std::tuple<std::string, int64_t, bool>, int64_t, std::less<>> loads_
      ABSL_GUARDED_BY(mu_);
  std::map<std::string, Histogram, std::less<>> load_latency_ ABSL_GUARDED_BY(mu_);
  // thread_pool_name -> queuing latency of batched calls (BatchingSession's buckets)
  std::map<std::string, Histogram, std::less<>> batch_queuing_ ABSL_GUARDED_BY(mu_);
  int64_t wrapped_runs_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, int, std::less<>> loaded_versions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace savedserve
