// End to end over gRPC: a ModelServer started in-process on 127.0.0.1 with a free port,
// called through the client library. Fake-model tests need nothing on disk but empty version
// directories; the testdata tests serve the real half_plus_two SavedModels.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "base/env.h"
#include "client/prediction_client.h"
#include "frontend/model_server.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "serving/metrics.h"
#include "tensor/tensor_proto.h"
#include "test_util/fake_half_plus_two.h"
#include "test_util/temp_dir.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

namespace tfs = tensorflow::serving;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using HealthStatus = grpc::health::v1::HealthCheckResponse;

// Blocks every run until released, to hold a request in flight.
class GatedModel : public testing::FakeHalfPlusTwo {
 public:
  GatedModel(absl::Notification* entered, absl::Notification* release)
      : entered_(entered), release_(release) {}
  absl::StatusOr<std::vector<Tensor>> Run(const std::vector<std::pair<std::string, Tensor>>& feeds,
                                          const std::vector<std::string>& fetches,
                                          const std::vector<std::string>& targets) const override {
    if (!entered_->HasBeenNotified()) entered_->Notify();
    release_->WaitForNotification();
    return FakeHalfPlusTwo::Run(feeds, fetches, targets);
  }

 private:
  absl::Notification* entered_;
  absl::Notification* release_;
};

ModelServerOptions LocalOptions() {
  ModelServerOptions options;
  options.grpc_address = "127.0.0.1";
  options.grpc_port = 0;
  options.rest_api_port = 0;
  options.file_system_poll_wait_seconds = 0;  // one poll, at Create
  options.enable_model_warmup = false;
  return options;
}

// Loads every version as the fake half_plus_two.
ServableLoader FakeLoader() {
  return [](const ServableId& id, const std::string& path) -> absl::StatusOr<ServableHandle> {
    return std::make_shared<const Servable>(id, path, std::make_unique<testing::FakeHalfPlusTwo>());
  };
}

std::unique_ptr<PredictionClient> ClientFor(const ModelServer& server) {
  PredictionClientOptions options;
  options.target = absl::StrCat("127.0.0.1:", server.grpc_port());
  options.deadline_ms = 30'000;
  auto client = PredictionClient::Create(options);
  EXPECT_TRUE(client.ok()) << client.status();
  return *std::move(client);
}

tfs::ModelSpec Spec(const std::string& name) {
  tfs::ModelSpec spec;
  spec.set_name(name);
  return spec;
}

std::vector<float> Floats(const Tensor& t) {
  return {t.flat<float>().begin(), t.flat<float>().end()};
}

Tensor Vector(std::vector<float> values) {
  return Tensor::FromVector<float>(values, TensorShape({int64_t(values.size())}));
}

// Serves "half_plus_two" versions 1 and 2 with fake models (version v computes v/2 * x + 2).
class FakeModelServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = JoinPath(dir_.path(), "half_plus_two");
    ASSERT_TRUE(Env::Default()->CreateDirs(JoinPath(base_, "1")).ok());
    ASSERT_TRUE(Env::Default()->CreateDirs(JoinPath(base_, "2")).ok());
    // Both versions are served: the default policy would serve only the latest.
    const std::string config = JoinPath(dir_.path(), "models.config");
    ASSERT_TRUE(
        Env::Default()
            ->WriteFile(config, absl::StrCat("model_config_list { config { name: "
                                             "'half_plus_two' base_path: '",
                                             base_, "' model_version_policy { all {} } } }"))
            .ok());
    ModelServerOptions options = LocalOptions();
    options.model_config_file = config;
    options.loader = [this](const ServableId& id,
                            const std::string& path) -> absl::StatusOr<ServableHandle> {
      std::unique_ptr<LoadedModel> model;
      if (gate_entered_ != nullptr) {
        model = std::make_unique<GatedModel>(gate_entered_, gate_release_);
      } else {
        model = std::make_unique<testing::FakeHalfPlusTwo>(0.5f * id.version);
      }
      return std::make_shared<const Servable>(id, path, std::move(model));
    };
    auto server = ModelServer::Create(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ = ClientFor(*server_);
  }

  TempDir dir_;
  std::string base_;
  absl::Notification* gate_entered_ = nullptr;
  absl::Notification* gate_release_ = nullptr;
  std::unique_ptr<ModelServer> server_;
  std::unique_ptr<PredictionClient> client_;
};

TEST_F(FakeModelServerTest, PredictLatestAndSpecificVersion) {
  EXPECT_GT(server_->grpc_port(), 0);
  auto latest = client_->Predict(Spec("half_plus_two"), {{"x", Vector({1, 2, 5})}});
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_THAT(Floats(latest->at("y")), ElementsAre(3.0f, 4.0f, 7.0f));  // version 2: a = 1

  tfs::PredictRequest request;
  *request.mutable_model_spec() = Spec("half_plus_two");
  request.mutable_model_spec()->mutable_version()->set_value(1);
  TensorToProto(Vector({1, 2, 5}), &(*request.mutable_inputs())["x"]);
  auto response = client_->Predict(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->model_spec().version().value(), 1);
  EXPECT_EQ(response->model_spec().signature_name(), "serving_default");
}

TEST_F(FakeModelServerTest, ErrorsKeepTfServingCodesAndMessages) {
  auto unknown_model = client_->Predict(Spec("nope"), {{"x", Vector({1})}});
  EXPECT_EQ(unknown_model.status(),
            absl::NotFoundError("Servable not found for request: Latest(nope)"));

  tfs::ModelSpec version = Spec("half_plus_two");
  version.mutable_version()->set_value(7);
  EXPECT_EQ(client_->Predict(version, {{"x", Vector({1})}}).status(),
            absl::NotFoundError("Servable not found for request: Specific(half_plus_two, 7)"));

  tfs::ModelSpec label = Spec("half_plus_two");
  label.set_version_label("canary");
  EXPECT_EQ(client_->Predict(label, {{"x", Vector({1})}}).status(),
            absl::InvalidArgumentError("Unrecognized servable version label: canary"));

  tfs::ModelSpec signature = Spec("half_plus_two");
  signature.set_signature_name("nope");
  EXPECT_EQ(client_->Predict(signature, {{"x", Vector({1})}}).status(),
            absl::FailedPreconditionError("Serving signature key \"nope\" not found."));

  auto bad_alias = client_->Predict(Spec("half_plus_two"), {{"z", Vector({1})}});
  EXPECT_EQ(bad_alias.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_alias.status().message(), HasSubstr("input tensor alias not found"));

  tfs::GetModelStatusRequest status_request;
  *status_request.mutable_model_spec() = Spec("nope");
  EXPECT_EQ(client_->GetModelStatus(status_request).status(),
            absl::NotFoundError("Could not find any versions of model nope"));
}

TEST_F(FakeModelServerTest, StatusMetadataClassifyRegress) {
  tfs::GetModelStatusRequest status_request;
  *status_request.mutable_model_spec() = Spec("half_plus_two");
  auto status = client_->GetModelStatus(status_request);
  ASSERT_TRUE(status.ok()) << status.status();
  ASSERT_GE(status->model_version_status_size(), 1);
  EXPECT_EQ(status->model_version_status(0).version(), 2);
  EXPECT_EQ(status->model_version_status(0).state(), tfs::ModelVersionStatus::AVAILABLE);

  auto signatures = client_->GetSignatureDefs(Spec("half_plus_two"));
  ASSERT_TRUE(signatures.ok()) << signatures.status();
  EXPECT_TRUE(signatures->signature_def().contains("__saved_model_init_op"));
  EXPECT_EQ(signatures->signature_def().at("serving_default").inputs().at("x").name(), "x:0");

  tfs::ClassificationRequest classify;
  *classify.mutable_model_spec() = Spec("half_plus_two");
  classify.mutable_model_spec()->mutable_version()->set_value(1);
  classify.mutable_model_spec()->set_signature_name("classify_x_to_y");
  auto* example = classify.mutable_input()->mutable_example_list()->add_examples();
  (*example->mutable_features()->mutable_feature())["x"].mutable_float_list()->add_value(20);
  auto classified = client_->Classify(classify);
  ASSERT_TRUE(classified.ok()) << classified.status();
  EXPECT_FLOAT_EQ(classified->result().classifications(0).classes(0).score(), 12);

  tfs::RegressionRequest regress;
  *regress.mutable_model_spec() = classify.model_spec();
  regress.mutable_model_spec()->set_signature_name("regress_x_to_y");
  *regress.mutable_input() = classify.input();
  auto regressed = client_->Regress(regress);
  ASSERT_TRUE(regressed.ok()) << regressed.status();
  EXPECT_FLOAT_EQ(regressed->result().regressions(0).value(), 12);
}

// gRPC's default receive limit is 4 MiB; both ends here allow 2 GiB.
TEST_F(FakeModelServerTest, MessagesLargerThanFourMegabytes) {
  std::vector<float> x(3'000'000, 2.0f);  // 12 MB each way
  auto y = client_->Predict(Spec("half_plus_two"), {{"x", Vector(x)}});
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(y->at("y").num_elements(), 3'000'000);
  EXPECT_EQ(y->at("y").flat<float>()[2'999'999], 4.0f);
}

TEST_F(FakeModelServerTest, HealthCheckAndWatch) {
  EXPECT_EQ(client_->HealthCheck("").value(), HealthStatus::SERVING);
  EXPECT_EQ(client_->HealthCheck("tensorflow.serving.PredictionService").value(),
            HealthStatus::SERVING);
  EXPECT_EQ(client_->HealthCheck("no.such.Service").status().code(), absl::StatusCode::kNotFound);

  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->grpc_port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  auto reader = stub->Watch(&context, request);
  HealthStatus response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthStatus::SERVING);
  std::thread shutdown([this] { server_->Shutdown(); });
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthStatus::NOT_SERVING);
  EXPECT_FALSE(reader->Read(&response));
  EXPECT_TRUE(reader->Finish().ok());
  shutdown.join();
}

TEST_F(FakeModelServerTest, ReloadConfigAddsAndRemovesModels) {
  tfs::ReloadConfigRequest reload;
  auto* list = reload.mutable_config()->mutable_model_config_list();
  auto* other = list->add_config();
  other->set_name("other");
  other->set_base_path(base_);
  other->set_model_platform("tensorflow");
  auto response = client_->ReloadConfig(reload);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status().error_code(), tensorflow::error::OK);
  EXPECT_TRUE(client_->Predict(Spec("other"), {{"x", Vector({1})}}).ok());
  EXPECT_EQ(client_->Predict(Spec("half_plus_two"), {{"x", Vector({1})}}).status().code(),
            absl::StatusCode::kNotFound);

  tfs::ReloadConfigRequest unsupported;
  unsupported.mutable_config()->mutable_custom_model_config();
  EXPECT_EQ(client_->ReloadConfig(unsupported).status().code(), absl::StatusCode::kInvalidArgument);
}

class GatedServerTest : public FakeModelServerTest {
 protected:
  void SetUp() override {
    gate_entered_ = &entered_;
    gate_release_ = &release_;
    FakeModelServerTest::SetUp();
  }
  absl::Notification entered_, release_;
};

// A request in flight when shutdown starts still gets its answer.
TEST_F(GatedServerTest, ShutdownDrainsInFlightRequests) {
  absl::StatusOr<std::map<std::string, Tensor>> result;
  std::thread request([&] {
    result = client_->Predict(Spec("half_plus_two"), {{"x", Vector({2})}});
  });
  entered_.WaitForNotification();
  std::thread shutdown([this] { server_->Shutdown(); });
  // Shutdown has begun once health checks stop answering SERVING; only then is the request
  // let go.
  while (client_->HealthCheck("").value_or(HealthStatus::NOT_SERVING) == HealthStatus::SERVING) {
  }
  release_.Notify();
  request.join();
  shutdown.join();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(Floats(result->at("y")), ElementsAre(3.0f));
  EXPECT_EQ(client_->Predict(Spec("half_plus_two"), {{"x", Vector({2})}}).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST(ModelServerOptionsTest, RestAndGrpcShareOneCoreAndMetrics) {
  TempDir dir;
  ASSERT_TRUE(Env::Default()->CreateDirs(JoinPath(dir.path(), "1")).ok());
  ModelServerOptions options = LocalOptions();
  options.model_base_path = dir.path();
  options.rest_api_address = "127.0.0.1";
  options.rest_api_port = ModelServerOptions::kPickFreePort;
  options.loader = FakeLoader();
  auto server = ModelServer::Create(options);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_GT((*server)->rest_api_port(), 0);
  EXPECT_NE((*server)->rest_api_port(), (*server)->grpc_port());
  ASSERT_TRUE(ClientFor(**server)->Predict(Spec("default"), {{"x", Vector({1})}}).ok());
  EXPECT_THAT((*server)->metrics()->PrometheusText(), HasSubstr("model_name=\"default\""));
}

TEST(ModelServerOptionsTest, ConfigFileChangesAreApplied) {
  TempDir dir;
  ASSERT_TRUE(Env::Default()->CreateDirs(JoinPath(dir.path(), "m/1")).ok());
  const std::string config = JoinPath(dir.path(), "models.config");
  auto write_config = [&](const std::string& name) {
    return Env::Default()->WriteFile(
        config, absl::StrCat("model_config_list { config { name: '", name, "' base_path: '",
                             JoinPath(dir.path(), "m"), "' model_platform: 'tensorflow' } }"));
  };
  ASSERT_TRUE(write_config("first").ok());
  ModelServerOptions options = LocalOptions();
  options.model_config_file = config;
  options.loader = FakeLoader();
  auto server = ModelServer::Create(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto client = ClientFor(**server);
  EXPECT_TRUE(client->Predict(Spec("first"), {{"x", Vector({1})}}).ok());

  EXPECT_TRUE((*server)->PollConfigFileOnce().ok());  // unchanged: nothing to do
  ASSERT_TRUE(write_config("second").ok());
  ASSERT_TRUE((*server)->PollConfigFileOnce().ok());
  EXPECT_TRUE(client->Predict(Spec("second"), {{"x", Vector({1})}}).ok());
  EXPECT_EQ(client->Predict(Spec("first"), {{"x", Vector({1})}}).status().code(),
            absl::StatusCode::kNotFound);

  ASSERT_TRUE(Env::Default()->WriteFile(config, "improperly formatted file").ok());
  EXPECT_EQ((*server)->PollConfigFileOnce().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(client->Predict(Spec("second"), {{"x", Vector({1})}}).ok());
}

TEST(ModelServerOptionsTest, UnixSocketAndChannelArguments) {
  TempDir dir;
  ASSERT_TRUE(Env::Default()->CreateDirs(JoinPath(dir.path(), "1")).ok());
  ModelServerOptions options = LocalOptions();
  options.model_base_path = dir.path();
  options.grpc_socket_path = JoinPath(dir.path(), "grpc.sock");
  options.grpc_channel_arguments = "grpc.max_concurrent_streams=100,grpc.primary_user_agent=t";
  options.loader = FakeLoader();
  auto server = ModelServer::Create(options);
  ASSERT_TRUE(server.ok()) << server.status();
  PredictionClientOptions client_options;
  client_options.target = "unix:" + options.grpc_socket_path;
  auto client = PredictionClient::Create(client_options);
  ASSERT_TRUE(client.ok()) << client.status();
  auto y = (*client)->Predict(Spec("default"), {{"x", Vector({2})}});
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_THAT(Floats(y->at("y")), ElementsAre(3.0f));

  options.grpc_socket_path.clear();
  options.grpc_channel_arguments = "grpc.max_concurrent_streams";
  EXPECT_THAT(ModelServer::Create(options).status().message(),
              HasSubstr("'grpc.max_concurrent_streams' is not name=value"));
}

// --ssl_config_file: a self-signed certificate for localhost, made here with openssl.
TEST(ModelServerOptionsTest, TlsFromSslConfigFile) {
  TempDir dir;
  const std::string key = JoinPath(dir.path(), "key.pem"), cert = JoinPath(dir.path(), "cert.pem");
  const CommandResult made = RunCommand(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
      "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout '" + key + "' -out '" + cert +
      "' 2>&1");
  if (made.exit_code != 0) GTEST_SKIP() << "openssl could not make a certificate: " << made.output;
  const std::string key_pem = *Env::Default()->ReadFile(key);
  const std::string cert_pem = *Env::Default()->ReadFile(cert);
  ASSERT_TRUE(Env::Default()->CreateDirs(JoinPath(dir.path(), "m/1")).ok());
  ModelServerOptions options = LocalOptions();
  options.model_base_path = JoinPath(dir.path(), "m");
  options.ssl_config_file = JoinPath(dir.path(), "ssl.config");
  ASSERT_TRUE(Env::Default()
                  ->WriteFile(options.ssl_config_file,
                              absl::StrCat("server_key: \"", absl::CEscape(key_pem),
                                           "\"\nserver_cert: \"", absl::CEscape(cert_pem), "\"\n"))
                  .ok());
  options.loader = FakeLoader();
  auto server = ModelServer::Create(options);
  ASSERT_TRUE(server.ok()) << server.status();
  PredictionClientOptions tls;
  tls.target = absl::StrCat("localhost:", (*server)->grpc_port());
  tls.deadline_ms = 30'000;
  tls.tls_root_certs_pem = cert_pem;
  auto y = (*PredictionClient::Create(tls))->Predict(Spec("default"), {{"x", Vector({2})}});
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_THAT(Floats(y->at("y")), ElementsAre(3.0f));
  // Plaintext is refused.
  PredictionClientOptions plain = tls;
  plain.tls_root_certs_pem.clear();
  plain.deadline_ms = 5'000;
  EXPECT_FALSE(
      (*PredictionClient::Create(plain))->Predict(Spec("default"), {{"x", Vector({2})}}).ok());

  // Client verification needs a CA to verify with.
  ASSERT_TRUE(Env::Default()
                  ->WriteFile(options.ssl_config_file,
                              absl::StrCat("server_key: \"", absl::CEscape(key_pem),
                                           "\"\nserver_cert: \"", absl::CEscape(cert_pem),
                                           "\"\nclient_verify: true\n"))
                  .ok());
  EXPECT_THAT(ModelServer::Create(options).status().message(), HasSubstr("custom_ca"));
}

TEST(ModelServerOptionsTest, RejectsBadConfigurations) {
  ModelServerOptions none = LocalOptions();
  EXPECT_EQ(ModelServer::Create(none).status().code(), absl::StatusCode::kInvalidArgument);

  ModelServerOptions batching = LocalOptions();
  batching.model_base_path = "/nonexistent";
  batching.batching_parameters_file = "/nonexistent/batching.txt";
  EXPECT_THAT(ModelServer::Create(batching).status().message(),
              HasSubstr("without setting --enable_batching"));
}

// The real SavedModels, through the graph runtime.
TEST(RealModelServerTest, HalfPlusTwoOverGrpc) {
  SS_REQUIRE_TESTDATA();
  ModelServerOptions options = LocalOptions();
  options.model_name = "half_plus_two";
  options.model_base_path = JoinPath(testdata, "savedmodels/saved_model_half_plus_two_cpu");
  auto server = ModelServer::Create(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto client = ClientFor(**server);

  auto y = client->Predict(Spec("half_plus_two"), {{"x", Vector({1, 2, 5})}});
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_THAT(Floats(y->at("y")), ElementsAre(2.5f, 3.0f, 4.5f));

  tfs::RegressionRequest regress;
  *regress.mutable_model_spec() = Spec("half_plus_two");
  regress.mutable_model_spec()->set_signature_name("regress_x_to_y");
  auto* example = regress.mutable_input()->mutable_example_list()->add_examples();
  (*example->mutable_features()->mutable_feature())["x"].mutable_float_list()->add_value(80);
  auto regressed = client->Regress(regress);
  ASSERT_TRUE(regressed.ok()) << regressed.status();
  EXPECT_FLOAT_EQ(regressed->result().regressions(0).value(), 42);

  tfs::ClassificationRequest classify;
  *classify.mutable_model_spec() = regress.model_spec();
  classify.mutable_model_spec()->set_signature_name("classify_x_to_y");
  (*example->mutable_features()->mutable_feature())["x"].mutable_float_list()->set_value(0, 20);
  *classify.mutable_input() = regress.input();
  auto classified = client->Classify(classify);
  ASSERT_TRUE(classified.ok()) << classified.status();
  EXPECT_FLOAT_EQ(classified->result().classifications(0).classes(0).score(), 12);
  EXPECT_EQ(classified->model_spec().version().value(), 123);
}

TEST(RealModelServerTest, Tf2MetadataListsInitOp) {
  SS_REQUIRE_TESTDATA();
  ModelServerOptions options = LocalOptions();
  options.model_base_path = JoinPath(testdata, "savedmodels/saved_model_half_plus_two_tf2_cpu");
  auto server = ModelServer::Create(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto client = ClientFor(**server);
  auto signatures = client->GetSignatureDefs(Spec("default"));
  ASSERT_TRUE(signatures.ok()) << signatures.status();
  EXPECT_TRUE(signatures->signature_def().contains("__saved_model_init_op"));
  EXPECT_EQ(signatures->signature_def_size(), 7);
  auto y = client->Predict(Spec("default"), {{"x", Vector({2})}});
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_THAT(Floats(y->at("y")), ElementsAre(3.0f));
}

}  // namespace
}  // namespace savedserve
