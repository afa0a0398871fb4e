#include "serving/metrics.h"

#include <regex>
#include <sstream>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace savedserve {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Metrics, RequestCountsUseTfServingNamesAndLabels) {
  Metrics metrics;
  metrics.RecordRequest("half", 1, "predict", "rest", absl::StatusCode::kOk, 150);
  metrics.RecordRequest("half", 1, "predict", "grpc", absl::StatusCode::kOk, 20);
  metrics.RecordRequest("half", 0, "predict", "rest", absl::StatusCode::kNotFound, 5);
  const std::string text = metrics.PrometheusText();
  EXPECT_THAT(text, HasSubstr("# TYPE :tensorflow:serving:request_count counter\n"));
  EXPECT_THAT(text, HasSubstr("# HELP :tensorflow:serving:request_count "));
  EXPECT_THAT(text, HasSubstr(":tensorflow:serving:request_count{model_name=\"half\","
                              "status=\"OK\"} 2\n"));
  EXPECT_THAT(text, HasSubstr(":tensorflow:serving:request_count{model_name=\"half\","
                              "status=\"NOT_FOUND\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE :tensorflow:serving:request_latency histogram\n"));
  // Only successful requests are timed, as in TF Serving; 150 us falls in le=188.957.
  EXPECT_THAT(text, HasSubstr(":tensorflow:serving:request_latency_count{model_name=\"half\","
                              "API=\"Predict\",entrypoint=\"REST\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(":tensorflow:serving:request_latency_bucket{model_name=\"half\","
                              "API=\"Predict\",entrypoint=\"REST\",le=\"104.976\"} 0\n"));
  EXPECT_THAT(text, HasSubstr(":tensorflow:serving:request_latency_bucket{model_name=\"half\","
                              "API=\"Predict\",entrypoint=\"REST\",le=\"188.957\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(":tensorflow:serving:request_latency_bucket{model_name=\"half\","
                              "API=\"Predict\",entrypoint=\"GRPC\",le=\"+Inf\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(":tensorflow:serving:request_latency_sum{model_name=\"half\","
                              "API=\"Predict\",entrypoint=\"REST\"} 150\n"));
  EXPECT_THAT(text, HasSubstr(":savedserve:request_count{model_name=\"half\",version=\"1\","
                              "API=\"Predict\",entrypoint=\"GRPC\",status=\"OK\"} 1\n"));
}

TEST(Metrics, RuntimeLatencyAsTfServing) {
  Metrics metrics;
  metrics.RecordRuntime("half", "predict", 150);
  metrics.RecordRuntime("half", "predict", 50);
  const std::string text = metrics.PrometheusText();
  EXPECT_THAT(text, HasSubstr("# TYPE :tensorflow:serving:runtime_latency histogram\n"));
  EXPECT_THAT(text, HasSubstr(":tensorflow:serving:runtime_latency_count{model_name=\"half\","
                              "API=\"Predict\",runtime=\"savedserve\"} 2\n"));
  EXPECT_THAT(text, HasSubstr(":tensorflow:serving:runtime_latency_sum{model_name=\"half\","
                              "API=\"Predict\",runtime=\"savedserve\"} 200\n"));
}

TEST(Metrics, LoadsAndLoadedVersions) {
  Metrics metrics;
  metrics.RecordLoad("m", 2, false, 10);
  metrics.RecordLoad("m", 2, true, 2'000'000);
  metrics.SetLoadedVersions("m", 1);
  metrics.SetLoadedVersions("m", 2);
  const std::string text = metrics.PrometheusText();
  EXPECT_THAT(text, HasSubstr(":savedserve:load_attempt_count{model_name=\"m\",version=\"2\","
                              "status=\"ERROR\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(":savedserve:load_attempt_count{model_name=\"m\",version=\"2\","
                              "status=\"OK\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(":savedserve:load_latency_count{model_name=\"m\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE :savedserve:loaded_versions gauge\n"));
  EXPECT_THAT(text, HasSubstr(":savedserve:loaded_versions{model_name=\"m\"} 2\n"));
}

TEST(Metrics, EveryLineIsValidExpositionFormat) {
  Metrics metrics;
  metrics.RecordRequest("we\"ird\\name\n", 3, "classify", "grpc", absl::StatusCode::kOk, 1);
  metrics.RecordLoad("m", 1, true, 1);
  metrics.SetLoadedVersions("m", 1);
  const std::string text = metrics.PrometheusText();
  EXPECT_THAT(text, HasSubstr("model_name=\"we\\\"ird\\\\name\\n\""));
  const std::regex sample(
      R"re([a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? [-+0-9.eInf]+)re");
  const std::regex comment(R"re(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+)re");
  std::istringstream lines(text);
  std::string line;
  int samples = 0;
  while (std::getline(lines, line)) {
    if (line.starts_with("#")) {
      EXPECT_TRUE(std::regex_match(line, comment)) << line;
    } else {
      EXPECT_TRUE(std::regex_match(line, sample)) << line;
      ++samples;
    }
  }
  EXPECT_GT(samples, 0);
  EXPECT_THAT(text, Not(HasSubstr("\n\n")));
}

TEST(Metrics, ConcurrentRecordingLosesNothing) {
  Metrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        metrics.RecordRequest("m", 1, "predict", "grpc", absl::StatusCode::kOk, i);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_THAT(
      metrics.PrometheusText(),
      HasSubstr(":tensorflow:serving:request_count{model_name=\"m\",status=\"OK\"} 4000\n"));
}

}  // namespace
}  // namespace savedserve
