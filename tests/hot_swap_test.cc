// Hot swap under load: a ModelServer started in-process (real loader, file-system polling
// every 20 ms) serves half_plus_two SavedModels written by ExportHalfPlusTwo, while client
// threads send Predict requests without pause over gRPC and REST. The test adds a new version
// and removes the oldest 20 times, then adds corrupt versions (a truncated saved_model.pb; a
// flipped byte in the variables data), which must show as errors in GetModelStatus while the
// previous version keeps serving. Every request must succeed with y = 0.5 * x + 2.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/env.h"
#include "client/prediction_client.h"
#include "client/rest_client.h"
#include "export/demo_models.h"
#include "frontend/model_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tensor/tensor_proto.h"
#include "test_util/temp_dir.h"

namespace savedserve {
namespace {

namespace tfs = tensorflow::serving;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

constexpr char kModel[] = "half_plus_two";
constexpr auto kWaitLimit = std::chrono::seconds(30);

tfs::ModelSpec Spec() {
  tfs::ModelSpec spec;
  spec.set_name(kModel);
  return spec;
}

// Polls `condition` until it holds or kWaitLimit passes.
bool WaitFor(const std::function<bool()>& condition) {
  const auto deadline = Clock::now() + kWaitLimit;
  while (Clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return condition();
}

// Checks a response against y = 0.5 * x + 2; returns an empty string when it matches.
std::string CheckOutput(const std::vector<float>& x, const Tensor& y) {
  if (y.dtype() != tensorflow::DT_FLOAT || y.num_elements() != int64_t(x.size())) {
    return absl::StrCat("bad output: ", y.DebugString());
  }
  for (size_t i = 0; i < x.size(); ++i) {
    if (y.data<float>()[i] != 0.5f * x[i] + 2.0f) {
      return absl::StrCat("y[", i, "] = ", y.data<float>()[i], " for x = ", x[i]);
    }
  }
  return "";
}

class HotSwapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = JoinPath(dir_.path(), kModel);
    staging_ = JoinPath(dir_.path(), "staging");
    ASSERT_TRUE(ExportHalfPlusTwo(dir_.path(), kModel, 1).ok());
    ModelServerOptions options;
    options.grpc_address = "127.0.0.1";
    options.grpc_port = 0;
    options.rest_api_address = "127.0.0.1";
    options.rest_api_port = ModelServerOptions::kPickFreePort;
    options.model_name = kModel;
    options.model_base_path = base_;
    options.file_system_poll_wait_seconds = 0.02;
    options.max_num_load_retries = 0;  // a corrupt version ends at once
    auto server = ModelServer::Create(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    PredictionClientOptions client_options;
    client_options.target = absl::StrCat("127.0.0.1:", server_->grpc_port());
    client_options.deadline_ms = 30'000;
    auto client = PredictionClient::Create(client_options);
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *std::move(client);
  }

  void TearDown() override {
    stop_ = true;
    for (std::thread& t : threads_) t.join();
  }

  // Client threads, each sending requests one after another until TearDown.
  void StartClients(int grpc_threads, int rest_threads) {
    for (int t = 0; t < grpc_threads; ++t) {
      threads_.emplace_back([this, t] { GrpcClientLoop(t); });
    }
    for (int t = 0; t < rest_threads; ++t) {
      RestClientOptions options;
      options.host = "127.0.0.1";
      options.port = server_->rest_api_port();
      auto rest = RestClient::Create(options);
      ASSERT_TRUE(rest.ok()) << rest.status();
      threads_.emplace_back([this, t, rest = std::shared_ptr<RestClient>(*std::move(rest))] {
        RestClientLoop(t, *rest);
      });
    }
  }

  static std::vector<float> Inputs(int thread, int64_t i) {
    return {float(i % 1000), float(thread), -float(i % 7)};
  }
  static Tensor InputTensor(const std::vector<float>& x) {
    return Tensor::FromVector<float>(x, TensorShape({int64_t(x.size())}));
  }

  void GrpcClientLoop(int thread) {
    for (int64_t i = 0; !stop_; ++i) {
      const std::vector<float> x = Inputs(thread, i);
      tfs::PredictRequest request;
      *request.mutable_model_spec() = Spec();
      TensorToProto(InputTensor(x), &(*request.mutable_inputs())["x"]);
      auto response = client_->Predict(request);
      std::string error;
      if (!response.ok()) {
        error = response.status().ToString();
      } else {
        auto y = TensorFromProto(response->outputs().at("y"));
        error = y.ok() ? CheckOutput(x, *y) : y.status().ToString();
        int64_t version = response->model_spec().version().value();
        int64_t seen = max_version_seen_.load();
        while (version > seen && !max_version_seen_.compare_exchange_weak(seen, version)) {
        }
      }
      Record("grpc", error);
    }
  }

  void RestClientLoop(int thread, const RestClient& rest) {
    for (int64_t i = 0; !stop_; ++i) {
      const std::vector<float> x = Inputs(100 + thread, i);
      auto outputs = rest.Predict(Spec(), {{"x", InputTensor(x)}}, JsonPredictFormat::kColumnar,
                                  {{"y", tensorflow::DT_FLOAT}});
      std::string error;
      if (!outputs.ok()) {
        error = outputs.status().ToString();
      } else if (outputs->size() != 1) {
        error = absl::StrCat(outputs->size(), " outputs");
      } else {
        error = CheckOutput(x, outputs->begin()->second);
      }
      Record("rest", error);
    }
  }

  void Record(const char* via, const std::string& error) {
    requests_.fetch_add(1);
    if (error.empty()) return;
    failures_.fetch_add(1);
    absl::MutexLock lock(&mu_);
    if (failure_messages_.size() < 10) failure_messages_.push_back(absl::StrCat(via, ": ", error));
  }

  // Waits until the clients have completed `n` more requests.
  bool WaitForRequests(int64_t n) {
    const int64_t target = requests_.load() + n;
    return WaitFor([&] { return requests_.load() >= target; });
  }

  std::optional<tfs::ModelVersionStatus> VersionStatus(int64_t version) {
    tfs::GetModelStatusRequest request;
    *request.mutable_model_spec() = Spec();
    auto response = client_->GetModelStatus(request);
    if (!response.ok()) return std::nullopt;
    for (const auto& status : response->model_version_status()) {
      if (status.version() == version) return status;
    }
    return std::nullopt;
  }

  bool WaitForState(int64_t version, tfs::ModelVersionStatus::State state) {
    return WaitFor([&] {
      auto status = VersionStatus(version);
      return status && status->state() == state;
    });
  }

  // Exports a good version into a staging directory, lets `corrupt` damage it, then moves it
  // into the base path in one rename so the poller never sees it half written.
  void AddVersion(int64_t version, const std::function<void(const std::string& dir)>& corrupt) {
    auto exported = ExportHalfPlusTwo(staging_, kModel, version);
    ASSERT_TRUE(exported.ok()) << exported.status();
    if (corrupt) corrupt(exported->path);
    ASSERT_TRUE(Env::Default()
                    ->RenameNoReplace(exported->path, JoinPath(base_, absl::StrCat(version)))
                    .ok());
  }

  void RemoveVersion(int64_t version) {
    ASSERT_TRUE(Env::Default()->DeleteRecursively(JoinPath(base_, absl::StrCat(version))).ok());
  }

  void ExpectNoFailures() {
    absl::MutexLock lock(&mu_);
    std::printf("%lld requests, %lld failed\n", static_cast<long long>(requests_.load()),
                static_cast<long long>(failures_.load()));
    EXPECT_EQ(failures_.load(), 0)
        << "of " << requests_.load()
        << " requests; first: " << (failure_messages_.empty() ? "" : failure_messages_[0]);
    for (const std::string& message : failure_messages_) ADD_FAILURE() << message;
  }

  TempDir dir_;
  std::string base_, staging_;
  std::unique_ptr<ModelServer> server_;
  std::unique_ptr<PredictionClient> client_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> requests_{0}, failures_{0}, max_version_seen_{0};
  absl::Mutex mu_;
  std::vector<std::string> failure_messages_ ABSL_GUARDED_BY(mu_);
};

TEST_F(HotSwapTest, SwapsVersionsUnderLoadWithoutFailedRequests) {
  ASSERT_TRUE(WaitForState(1, tfs::ModelVersionStatus::AVAILABLE));
  StartClients(/*grpc_threads=*/3, /*rest_threads=*/3);
  ASSERT_TRUE(WaitForRequests(50));
  constexpr int kSwaps = 20;
  for (int64_t version = 2; version <= 1 + kSwaps; ++version) {
    AddVersion(version, nullptr);
    ASSERT_TRUE(WaitForState(version, tfs::ModelVersionStatus::AVAILABLE)) << version;
    // The previous version is unloaded once the new one serves (latest-version policy).
    ASSERT_TRUE(WaitForState(version - 1, tfs::ModelVersionStatus::END)) << version - 1;
    RemoveVersion(version - 1);
    ASSERT_TRUE(WaitForRequests(30)) << "clients stalled after version " << version;
  }
  ASSERT_TRUE(WaitFor([&] { return max_version_seen_.load() == 1 + kSwaps; }));
  ExpectNoFailures();
  EXPECT_GT(requests_.load(), 20 * 30);
}

TEST_F(HotSwapTest, CorruptVersionsReportErrorsWhileTheOldVersionServes) {
  ASSERT_TRUE(WaitForState(1, tfs::ModelVersionStatus::AVAILABLE));
  StartClients(/*grpc_threads=*/2, /*rest_threads=*/2);
  ASSERT_TRUE(WaitForRequests(50));

  // Version 2: saved_model.pb cut in half.
  AddVersion(2, [](const std::string& dir) {
    const std::string pb = JoinPath(dir, "saved_model.pb");
    auto contents = Env::Default()->ReadFile(pb);
    ASSERT_TRUE(contents.ok()) << contents.status();
    ASSERT_TRUE(Env::Default()->WriteFile(pb, contents->substr(0, contents->size() / 2)).ok());
  });
  ASSERT_TRUE(WaitForState(2, tfs::ModelVersionStatus::END));
  auto truncated = VersionStatus(2);
  ASSERT_TRUE(truncated.has_value());
  EXPECT_EQ(truncated->status().error_code(), tensorflow::error::DATA_LOSS)
      << truncated->status().error_message();
  EXPECT_THAT(truncated->status().error_message(), HasSubstr("saved_model.pb"));
  ASSERT_TRUE(WaitForRequests(50));
  EXPECT_EQ(VersionStatus(1)->state(), tfs::ModelVersionStatus::AVAILABLE);
  RemoveVersion(2);

  // Version 3: one byte of the variables' data flipped, caught by the tensor's CRC32C.
  AddVersion(3, [](const std::string& dir) {
    const std::string data = JoinPath(dir, "variables/variables.data-00000-of-00001");
    auto contents = Env::Default()->ReadFile(data);
    ASSERT_TRUE(contents.ok()) << contents.status();
    ASSERT_FALSE(contents->empty());
    (*contents)[0] ^= 0x40;
    ASSERT_TRUE(Env::Default()->WriteFile(data, *contents).ok());
  });
  ASSERT_TRUE(WaitForState(3, tfs::ModelVersionStatus::END));
  auto flipped = VersionStatus(3);
  ASSERT_TRUE(flipped.has_value());
  EXPECT_EQ(flipped->status().error_code(), tensorflow::error::DATA_LOSS)
      << flipped->status().error_message();
  EXPECT_THAT(flipped->status().error_message(), HasSubstr("checksum mismatch"));
  ASSERT_TRUE(WaitForRequests(50));
  EXPECT_EQ(VersionStatus(1)->state(), tfs::ModelVersionStatus::AVAILABLE);
  EXPECT_EQ(max_version_seen_.load(), 1);
  RemoveVersion(3);

  // A good version 4 still replaces version 1.
  AddVersion(4, nullptr);
  ASSERT_TRUE(WaitForState(4, tfs::ModelVersionStatus::AVAILABLE));
  ASSERT_TRUE(WaitFor([&] { return max_version_seen_.load() == 4; }));
  ExpectNoFailures();
}

}  // namespace
}  // namespace savedserve
