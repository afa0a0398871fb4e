// Exported series (histograms in microseconds, TF Serving's buckets 10 * 1.8^i, i < 33):
//   :tensorflow:serving:request_count{model_name,status}           counter (TF Serving)
//   :tensorflow:serving:request_latency{model_name,API,entrypoint} histogram (TF Serving)
//   :tensorflow:serving:runtime_latency{model_name,API,runtime}    histogram (TF Serving;
//                                                                 runtime "savedserve")
//   :tensorflow:serving:batching_session:queuing_latency{thread_pool_name}  histogram (TF
//                                       Serving's BatchingSession; its buckets 100 * 1.2^i, i < 52)
//   :tensorflow:serving:batching_session:wrapped_run_count              counter (TF Serving)
//   :savedserve:request_count{model_name,version,API,entrypoint,status}  counter
//   :savedserve:load_attempt_count{model_name,version,status}      counter (status OK/ERROR)
//   :savedserve:load_latency{model_name}                           histogram, successful loads
//   :savedserve:loaded_versions{model_name}                        gauge
#include "serving/metrics.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace savedserve {
namespace {

// TF Serving's exponential buckets: scale * growth^i for i < count, then +Inf.
std::vector<double>* ExponentialBounds(double scale, double growth, int count) {
  auto* bounds = new std::vector<double>;
  for (int i = 0; i < count; ++i) bounds->push_back(scale * std::pow(growth, i));
  return bounds;
}

// Request, runtime and load latencies.
const std::vector<double>& BucketBounds() {
  static const std::vector<double>* bounds = ExponentialBounds(10, 1.8, 33);
  return *bounds;
}

// BatchingSession's queuing latency (up to about a second).
const std::vector<double>& QueuingBounds() {
  static const std::vector<double>* bounds = ExponentialBounds(100, 1.2, 52);
  return *bounds;
}

// TF Serving's label values: API "Predict", entrypoint "GRPC".
std::string ApiLabel(const std::string& api) {
  if (api == "predict") return "Predict";
  if (api == "classify") return "Classify";
  if (api == "regress") return "Regress";
  if (api == "multi_inference") return "MultiInference";
  if (api == "metadata") return "GetModelMetadata";
  if (api == "status") return "GetModelStatus";
  return api;
}

std::string EntrypointLabel(const std::string& frontend) {
  if (frontend == "grpc") return "GRPC";
  if (frontend == "rest") return "REST";
  return frontend;
}

std::string Escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

using Labels = std::vector<std::pair<const char*, std::string>>;

std::string LabelText(const Labels& labels) {
  std::string text = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    absl::StrAppend(&text, i ? "," : "", labels[i].first, "=\"", Escape(labels[i].second), "\"");
  }
  return text + "}";
}

void Header(const char* name, const char* type, const char* help, std::string* out) {
  absl::StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

template <typename H>
void HistogramLines(const char* name, Labels labels, const H& h, std::string* out,
                    const std::vector<double>& bounds = BucketBounds()) {
  const std::string text = LabelText(labels);
  const std::string base = text.substr(0, text.size() - 1);  // without the closing brace
  const char* sep = labels.empty() ? "" : ",";
  const int num_bounds = static_cast<int>(bounds.size());
  int64_t cumulative = 0;
  for (int i = 0; i <= num_bounds; ++i) {
    cumulative += i < static_cast<int>(h.bucket_counts.size()) ? h.bucket_counts[i] : 0;
    const std::string le = i < num_bounds ? absl::StrCat(bounds[i]) : "+Inf";
    absl::StrAppend(out, name, "_bucket", base, sep, "le=\"", le, "\"} ", cumulative, "\n");
  }
  absl::StrAppend(out, name, "_sum", text, " ", h.sum_us, "\n");
  absl::StrAppend(out, name, "_count", text, " ", h.count, "\n");
}

}  // namespace

void Metrics::Observe(Histogram& h, int64_t latency_us, const std::vector<double>* buckets) {
  const std::vector<double>& bounds = buckets != nullptr ? *buckets : BucketBounds();
  if (h.bucket_counts.empty()) h.bucket_counts.assign(bounds.size() + 1, 0);
  const size_t bucket =
      std::lower_bound(bounds.begin(), bounds.end(), static_cast<double>(latency_us)) -
      bounds.begin();
  ++h.bucket_counts[bucket];
  ++h.count;
  h.sum_us += static_cast<double>(latency_us);
}

void Metrics::RecordRequest(const std::string& model, int64_t version, const std::string& api,
                            const std::string& frontend, absl::StatusCode code,
                            int64_t latency_us) {
  absl::MutexLock lock(&mu_);
  auto key = std::tie(model, version, api, frontend, code);
  auto it = requests_.find(key);
  if (it == requests_.end()) it = requests_.emplace(key, 0).first;
  ++it->second;
  if (code != absl::StatusCode::kOk) return;  // TF Serving times successful requests only
  auto latency_key = std::tie(model, api, frontend);
  auto h = request_latency_.find(latency_key);
  if (h == request_latency_.end()) h = request_latency_.emplace(latency_key, Histogram{}).first;
  Observe(h->second, latency_us);
}

void Metrics::RecordRuntime(const std::string& model, const std::string& api,
                            int64_t latency_us) {
  absl::MutexLock lock(&mu_);
  auto key = std::tie(model, api);
  auto h = runtime_latency_.find(key);
  if (h == runtime_latency_.end()) h = runtime_latency_.emplace(key, Histogram{}).first;
  Observe(h->second, latency_us);
}

void Metrics::RecordBatchQueuing(const std::string& thread_pool_name, int64_t latency_us) {
  absl::MutexLock lock(&mu_);
  auto h = batch_queuing_.find(thread_pool_name);
  if (h == batch_queuing_.end()) h = batch_queuing_.emplace(thread_pool_name, Histogram{}).first;
  Observe(h->second, latency_us, &QueuingBounds());
}

void Metrics::RecordWrappedRun() {
  absl::MutexLock lock(&mu_);
  ++wrapped_runs_;
}

void Metrics::RecordLoad(const std::string& model, int64_t version, bool ok, int64_t latency_us) {
  absl::MutexLock lock(&mu_);
  ++loads_[std::make_tuple(model, version, ok)];
  if (ok) Observe(load_latency_[model], latency_us);
}

void Metrics::SetLoadedVersions(const std::string& model, int count) {
  absl::MutexLock lock(&mu_);
  loaded_versions_[model] = count;
}

std::string Metrics::PrometheusText() const {
  absl::MutexLock lock(&mu_);
  std::string out;
  std::map<std::pair<std::string, std::string>, int64_t> by_status;
  for (const auto& [key, count] : requests_) {
    by_status[{std::get<0>(key), absl::StatusCodeToString(std::get<4>(key))}] += count;
  }
  Header(":tensorflow:serving:request_count", "counter", "The total number of requests.", &out);
  for (const auto& [key, count] : by_status) {
    absl::StrAppend(&out, ":tensorflow:serving:request_count",
                    LabelText({{"model_name", key.first}, {"status", key.second}}), " ", count,
                    "\n");
  }
  Header(":tensorflow:serving:request_latency", "histogram",
         "Distribution of wall time (in microseconds) for Tensorflow Serving request.", &out);
  for (const auto& [key, h] : request_latency_) {
    HistogramLines(":tensorflow:serving:request_latency",
                   {{"model_name", std::get<0>(key)},
                    {"API", ApiLabel(std::get<1>(key))},
                    {"entrypoint", EntrypointLabel(std::get<2>(key))}},
                   h, &out);
  }
  Header(":tensorflow:serving:runtime_latency", "histogram",
         "Distribution of wall time (in microseconds) for Tensorflow runtime.", &out);
  for (const auto& [key, h] : runtime_latency_) {
    HistogramLines(":tensorflow:serving:runtime_latency",
                   {{"model_name", std::get<0>(key)},
                    {"API", ApiLabel(std::get<1>(key))},
                    {"runtime", "savedserve"}},
                   h, &out);
  }
  if (!batch_queuing_.empty() || wrapped_runs_ > 0) {  // only with server-side batching
    Header(":tensorflow:serving:batching_session:queuing_latency", "histogram",
           "Distribution of wall time spent (in microseconds) in queuing", &out);
    for (const auto& [pool, h] : batch_queuing_) {
      HistogramLines(":tensorflow:serving:batching_session:queuing_latency",
                     {{"thread_pool_name", pool}}, h, &out, QueuingBounds());
    }
    Header(":tensorflow:serving:batching_session:wrapped_run_count", "counter",
           "Total count of run calls on the wrapped session", &out);
    absl::StrAppend(&out, ":tensorflow:serving:batching_session:wrapped_run_count ",
                    wrapped_runs_, "\n");
  }
  Header(":savedserve:request_count", "counter",
         "Requests by model, version, API, frontend and status.", &out);
  for (const auto& [key, count] : requests_) {
    const auto& [model, version, api, frontend, code] = key;
    absl::StrAppend(&out, ":savedserve:request_count",
                    LabelText({{"model_name", model},
                               {"version", absl::StrCat(version)},
                               {"API", ApiLabel(api)},
                               {"entrypoint", EntrypointLabel(frontend)},
                               {"status", absl::StatusCodeToString(code)}}),
                    " ", count, "\n");
  }
  Header(":savedserve:load_attempt_count", "counter",
         "Load attempts (warmup included) by model, version and outcome.", &out);
  for (const auto& [key, count] : loads_) {
    const auto& [model, version, ok] = key;
    absl::StrAppend(&out, ":savedserve:load_attempt_count",
                    LabelText({{"model_name", model},
                               {"version", absl::StrCat(version)},
                               {"status", ok ? "OK" : "ERROR"}}),
                    " ", count, "\n");
  }
  Header(":savedserve:load_latency", "histogram",
         "Distribution of wall time (in microseconds) of successful loads, warmup included.", &out);
  for (const auto& [model, h] : load_latency_) {
    HistogramLines(":savedserve:load_latency", {{"model_name", model}}, h, &out);
  }
  Header(":savedserve:loaded_versions", "gauge", "Versions of the model currently available.",
         &out);
  for (const auto& [model, count] : loaded_versions_) {
    absl::StrAppend(&out, ":savedserve:loaded_versions", LabelText({{"model_name", model}}), " ",
                    count, "\n");
  }
  return out;
}

}  // namespace savedserve
