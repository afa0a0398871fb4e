// Server-side batching end to end: ModelServers started in-process with --enable_batching,
// called through the gRPC and REST client libraries by concurrent clients.
//  * The real half_plus_two (../shared/testdata) answers Predict over gRPC and REST, Classify
//    and Regress exactly as an unbatched server does, and requests did share batches.
//  * Version swaps under load (half_plus_two written by ExportHalfPlusTwo): no request fails,
//    and the queues of unloaded versions go away.
//  * Shutdown (SIGTERM's path) answers requests still waiting for their batch to fill.
#include <atomic>
#include <chrono>
#include <memory>
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
#include "serving/batching_scheduler.h"
#include "serving/metrics.h"
#include "serving/server_core.h"
#include "tensor/tensor_proto.h"
#include "test_util/temp_dir.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

namespace tfs = tensorflow::serving;
constexpr char kModel[] = "half_plus_two";

ModelServerOptions LocalOptions(const std::string& base_path) {
  ModelServerOptions options;
  options.grpc_address = "127.0.0.1";
  options.grpc_port = 0;
  options.rest_api_address = "127.0.0.1";
  options.rest_api_port = 0;
  options.model_name = kModel;
  options.model_base_path = base_path;
  options.file_system_poll_wait_seconds = 0;  // one poll at start; tests call PollOnce
  // Calls waiting for their batch hold a gRPC thread: more than the default 4 per core.
  options.grpc_max_threads = 64;
  return options;
}

// `options` with batching on, its parameters written to a file in `dir`.
ModelServerOptions WithBatching(ModelServerOptions options, const TempDir& dir,
                                const std::string& parameters) {
  options.enable_batching = true;
  options.batching_parameters_file = JoinPath(dir.path(), "batching.txt");
  EXPECT_TRUE(Env::Default()->WriteFile(options.batching_parameters_file, parameters).ok());
  return options;
}

std::unique_ptr<ModelServer> Start(const ModelServerOptions& options) {
  auto server = ModelServer::Create(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

// A server with batching for half_plus_two version 1, written by ExportHalfPlusTwo in `dir`.
std::unique_ptr<ModelServer> StartExported(const TempDir& dir, const std::string& parameters) {
  EXPECT_TRUE(ExportHalfPlusTwo(dir.path(), kModel, 1).ok());
  return Start(WithBatching(LocalOptions(JoinPath(dir.path(), kModel)), dir, parameters));
}

std::unique_ptr<PredictionClient> Client(const ModelServer& server) {
  PredictionClientOptions options;
  options.target = absl::StrCat("127.0.0.1:", server.grpc_port());
  options.deadline_ms = 30'000;
  return *PredictionClient::Create(options);
}

tfs::ModelSpec Spec(const std::string& signature = "") {
  tfs::ModelSpec spec;
  spec.set_name(kModel);
  spec.set_signature_name(signature);
  return spec;
}

tfs::PredictRequest PredictRequest(const Tensor& x) {
  tfs::PredictRequest request;
  *request.mutable_model_spec() = Spec();
  TensorToProto(x, &(*request.mutable_inputs())["x"]);
  return request;
}

// Client t's request i: 1 to 3 rows.
Tensor Input(int t, int i) {
  std::vector<float> x;
  for (int r = 0; r <= (t + i) % 3; ++r) x.push_back(float(t * 1000 + i * 10 + r));
  return Tensor::FromVector<float>(x, TensorShape({int64_t(x.size())}));
}

// Failures seen by client threads, and requests completed.
class Tally {
 public:
  void Record(const std::string& error) {
    absl::MutexLock lock(&mu_);
    ++requests_;
    if (!error.empty() && errors_.size() < 10) errors_.push_back(error);
  }
  void WaitForRequests(int64_t n) {
    absl::MutexLock lock(&mu_);
    const int64_t target = requests_ + n;
    auto reached = [this, target]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return requests_ >= target; };
    mu_.Await(absl::Condition(&reached));
  }
  int64_t requests() const {
    absl::MutexLock lock(&mu_);
    return requests_;
  }
  std::vector<std::string> errors() const {
    absl::MutexLock lock(&mu_);
    return errors_;
  }

 private:
  mutable absl::Mutex mu_;
  int64_t requests_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> errors_ ABSL_GUARDED_BY(mu_);
};

std::string Compare(const Tensor& got, const Tensor& want) {
  return got.Identical(want) ? "" : absl::StrCat(got.DebugString(), " != ", want.DebugString());
}

TEST(BatchingServerTest, RealModelAnswersAsUnbatched) {
  SS_REQUIRE_TESTDATA();
  TempDir dir;
  ModelServerOptions plain = LocalOptions(testdata + "/savedmodels/saved_model_half_plus_two_cpu");
  auto unbatched = Start(plain);
  plain.rest_api_port = ModelServerOptions::kPickFreePort;
  auto batched =
      Start(WithBatching(plain, dir,
                         "max_batch_size { value: 8 } batch_timeout_micros { value: 2000 "
                         "} num_batch_threads { value: 2 } allowed_batch_sizes: 2 "
                         "allowed_batch_sizes: 4 allowed_batch_sizes: 8"));
  ASSERT_TRUE(unbatched && batched);
  auto reference = Client(*unbatched);
  const int64_t batches_before = batched->batch_scheduler()->NumBatchesProcessed();
  constexpr int kClients = 8, kRequests = 40;
  Tally tally;
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&, t] {
      auto grpc = Client(*batched);
      auto rest = *RestClient::Create({.host = "127.0.0.1", .port = batched->rest_api_port()});
      for (int i = 0; i < kRequests; ++i) {
        const Tensor x = Input(t, i);
        auto want = reference->Predict(PredictRequest(x));
        if (!want.ok()) return tally.Record(want.status().ToString());
        const Tensor y = *TensorFromProto(want->outputs().at("y"));
        if (i % 4 == 3) {
          auto got = rest->Predict(Spec(), {{"x", x}}, JsonPredictFormat::kColumnar,
                                   {{"y", tensorflow::DT_FLOAT}});
          tally.Record(got.ok() ? Compare(got->at("y"), y) : got.status().ToString());
        } else {
          auto got = grpc->Predict(PredictRequest(x));
          tally.Record(got.ok() ? Compare(*TensorFromProto(got->outputs().at("y")), y)
                                : got.status().ToString());
        }
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_THAT(tally.errors(), ::testing::IsEmpty());
  EXPECT_EQ(tally.requests(), kClients * kRequests);
  // Requests shared batches: fewer batches than requests.
  EXPECT_LT(batched->batch_scheduler()->NumBatchesProcessed() - batches_before,
            kClients * kRequests);
}

// Classify and Regress feed serialized tf.Examples through the same batching.
TEST(BatchingServerTest, ClassifyAndRegressAnswerAsUnbatched) {
  SS_REQUIRE_TESTDATA();
  TempDir dir;
  ModelServerOptions plain = LocalOptions(testdata + "/savedmodels/saved_model_half_plus_two_cpu");
  auto unbatched = Start(plain);
  auto batched = Start(WithBatching(plain, dir, "batch_timeout_micros { value: 100 }"));
  ASSERT_TRUE(unbatched && batched);
  auto want = Client(*unbatched), got = Client(*batched);
  tfs::Input input;
  for (float x : {1.0f, 20.0f, 80.0f}) {
    auto& feature =
        (*input.mutable_example_list()->add_examples()->mutable_features()->mutable_feature())["x"];
    feature.mutable_float_list()->add_value(x);
  }
  tfs::ClassificationRequest classify;
  *classify.mutable_model_spec() = Spec("classify_x_to_y");
  *classify.mutable_input() = input;
  auto classified = got->Classify(classify);
  ASSERT_TRUE(classified.ok()) << classified.status();
  EXPECT_EQ(classified->result().SerializeAsString(),
            want->Classify(classify)->result().SerializeAsString());
  tfs::RegressionRequest regress;
  *regress.mutable_model_spec() = Spec("regress_x_to_y");
  *regress.mutable_input() = input;
  auto regressed = got->Regress(regress);
  ASSERT_TRUE(regressed.ok()) << regressed.status();
  EXPECT_EQ(regressed->result().SerializeAsString(),
            want->Regress(regress)->result().SerializeAsString());
}

// Clients keep sending while new versions replace old ones: every request is answered
// (y = 0.5 x + 2), and once the clients stop only the newest version's queue is left.
TEST(BatchingServerTest, VersionSwapsUnderLoad) {
  TempDir dir;
  auto server = StartExported(dir,
                              "max_batch_size { value: 8 } batch_timeout_micros { value: 500 } "
                              "num_batch_threads { value: 2 }");
  ASSERT_TRUE(server);
  Tally tally;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> newest_seen{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      auto client = Client(*server);
      for (int i = 0; !stop; ++i) {
        const Tensor x = Input(t, i);
        auto response = client->Predict(PredictRequest(x));
        if (!response.ok()) {
          tally.Record(response.status().ToString());
          continue;
        }
        Tensor want(tensorflow::DT_FLOAT, x.shape());
        for (int64_t k = 0; k < x.num_elements(); ++k) {
          want.data<float>()[k] = 0.5f * x.data<float>()[k] + 2.0f;
        }
        tally.Record(Compare(*TensorFromProto(response->outputs().at("y")), want));
        newest_seen = std::max<int64_t>(newest_seen, response->model_spec().version().value());
      }
    });
  }
  for (int64_t version = 2; version <= 6; ++version) {
    tally.WaitForRequests(50);
    ASSERT_TRUE(ExportHalfPlusTwo(dir.path(), kModel, version).ok());
    server->core()->PollOnce();  // loads `version`, unloads the one before
  }
  tally.WaitForRequests(50);
  stop = true;
  for (std::thread& t : clients) t.join();
  EXPECT_THAT(tally.errors(), ::testing::IsEmpty());
  EXPECT_EQ(newest_seen.load(), 6);
  EXPECT_EQ(server->batch_scheduler()->NumQueues(), 1);
}

// Shutdown (what SIGTERM runs) answers requests still waiting for their batch to fill: with
// a one-minute batch timeout they would otherwise wait a minute.
TEST(BatchingServerTest, ShutdownAnswersQueuedRequests) {
  TempDir dir;
  auto server = StartExported(dir,
                              "max_batch_size { value: 64 } batch_timeout_micros { value: "
                              "60000000 } num_batch_threads { value: 1 }");
  ASSERT_TRUE(server);
  std::vector<absl::StatusOr<tfs::PredictResponse>> responses(3, absl::UnknownError("not sent"));
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back(
        [&, t] { responses[t] = Client(*server)->Predict(PredictRequest(Input(t, 0))); });
  }
  server->batch_scheduler()->WaitForEnqueuedTasks(3);
  const auto start = std::chrono::steady_clock::now();
  server->Shutdown();
  for (std::thread& t : clients) t.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  for (int t = 0; t < 3; ++t) {
    ASSERT_TRUE(responses[t].ok()) << responses[t].status();
    EXPECT_EQ(TensorFromProto(responses[t]->outputs().at("y"))->num_elements(),
              Input(t, 0).num_elements());
  }
}

// --enable_per_model_batching_parameters, as TF Serving: a version's batching_params.pbtxt
// batches that model with its own parameters; without the file the model is not batched;
// a bad file fails the load.
TEST(BatchingServerTest, PerModelBatchingParameters) {
  const std::string wrapped = ":tensorflow:serving:batching_session:wrapped_run_count 1\n";
  for (const std::string file : {"max_batch_size { value: 4 } batch_timeout_micros { value: 0 }",
                                 "", "max_batch_size { value: -1 }"}) {
    SCOPED_TRACE(file);
    TempDir dir;
    ASSERT_TRUE(ExportHalfPlusTwo(dir.path(), kModel, 1).ok());
    const std::string version = JoinPath(dir.path(), std::string(kModel) + "/1");
    if (!file.empty()) {
      ASSERT_TRUE(Env::Default()->WriteFile(JoinPath(version, "batching_params.pbtxt"), file).ok());
    }
    ModelServerOptions options = WithBatching(LocalOptions(JoinPath(dir.path(), kModel)), dir,
                                              "max_batch_size { value: 100 }");
    options.enable_per_model_batching_parameters = true;
    options.max_num_load_retries = 0;
    std::unique_ptr<ModelServer> server = Start(options);
    ASSERT_NE(server, nullptr);
    auto y = Client(*server)->Predict(PredictRequest(Input(0, 0)));
    if (file.find("-1") != std::string::npos) {
      EXPECT_FALSE(y.ok());  // the version did not load
      continue;
    }
    ASSERT_TRUE(y.ok()) << y.status();
    const std::string metrics = server->metrics()->PrometheusText();
    EXPECT_EQ(metrics.find(wrapped) != std::string::npos, !file.empty()) << metrics;
  }
}

}  // namespace
}  // namespace savedserve
