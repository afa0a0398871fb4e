// Exported series (histograms in microseconds, TF Serving's buckets 10 * 1.8^i, i < 33):
//   :tensorflow:serving:request_count{model_name,status}           counter (TF Serving)
//   :tensorflow:serving:request_latency{model_name,API,entrypoint} histogram (TF Serving)
//   :tensorflow:serving:runtime_latency{model_name,API,runtime}    histogram (TF Serving;
//                                                                 runtime "savedserve")
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

constexpr int kNumBounds = 33;

const std::vector<double>& BucketBounds() {
  static const std::vector<double>* bounds = [] {
    auto* b = new std::vector<double>;
    for (int i = 0; i < kNumBounds; ++i) b->push_back(10.0 * std::pow(1.8, i));
    return b;
  }();
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
void HistogramLines(const char* name, Labels labels, const H& h, std::string* out) {
  const std::string text = LabelText(labels);
  const std::string base = text.substr(0, text.size() - 1);  // without the closing brace
  const char* sep = labels.empty() ? "" : ",";
  int64_t cumulative = 0;
  for (int i = 0; i <= kNumBounds; ++i) {
    cumulative += i < static_cast<int>(h.bucket_counts.size()) ? h.bucket_counts[i] : 0;
    const std::string le = i < kNumBounds ? absl::StrCat(BucketBounds()[i]) : "+Inf";
    absl::StrAppend(out, name, "_bucket", base, sep, "le=\"", le, "\"} ", cumulative, "\n");
  }
  absl::StrAppend(out, name, "_sum", text, " ", h.sum_us, "\n");
  absl::StrAppend(out, name, "_count", text, " ", h.count, "\n");
}

}  // namespace

void Metrics::Observe(Histogram& h, int64_t latency_us) {
  if (h.bucket_counts.empty()) h.bucket_counts.assign(kNumBounds + 1, 0);
  const auto& bounds = BucketBounds();
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
