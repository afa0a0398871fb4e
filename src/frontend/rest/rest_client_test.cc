// RestClient (src/client) against a RestServer on 127.0.0.1 serving the fake half_plus_two
// core: every call, error mapping, keep-alive reuse and reconnection.
#include "client/rest_client.h"

#include "frontend/rest/json_test_util.h"
#include "frontend/rest/rest_server.h"
#include "frontend/rest/rest_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tensorflow/core/example/example.pb.h"

namespace savedserve {
namespace {

using ::testing::HasSubstr;
namespace tfs = tensorflow::serving;

tfs::ModelSpec Spec(const std::string& name, int64_t version = 0,
                    const std::string& signature = "") {
  tfs::ModelSpec spec;
  spec.set_name(name);
  if (version > 0) spec.mutable_version()->set_value(version);
  spec.set_signature_name(signature);
  return spec;
}

tfs::Input Examples(std::initializer_list<float> xs) {
  tfs::Input input;
  for (float x : xs) {
    (*input.mutable_example_list()->add_examples()->mutable_features()->mutable_feature())["x"]
        .mutable_float_list()
        ->add_value(x);
  }
  return input;
}

class RestClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RestServerOptions options;
    options.address = "127.0.0.1";
    options.num_threads = 2;
    options.timeout_ms = 2000;
    auto server =
        RestServer::Create(options, &serving_.services, &serving_.core, &serving_.metrics);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    ASSERT_TRUE(server_->Start().ok());
    auto client = RestClient::Create({.host = "127.0.0.1", .port = server_->port()});
    ASSERT_TRUE(client.ok());
    client_ = std::move(*client);
  }

  FakeServing serving_;
  std::unique_ptr<RestServer> server_;
  std::unique_ptr<RestClient> client_;
};

TEST_F(RestClientTest, PredictWithJsonAndTensors) {
  auto json = client_->PredictJson(Spec("half_plus_two", 123), R"({"instances": [1.0, 2.0]})");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_TRUE(JsonEquals(*json, R"({"predictions": [2.5, 3.0]})"));

  const std::map<std::string, Tensor> inputs = {{"x", MakeTensor<float>({1, 2, 5}, {3, 1})}};
  for (JsonPredictFormat format : {JsonPredictFormat::kRow, JsonPredictFormat::kColumnar}) {
    auto outputs = client_->Predict(Spec("half_plus_two", 123, "serving_default"), inputs, format,
                                    {{"y", tensorflow::DT_FLOAT}});
    ASSERT_TRUE(outputs.ok()) << outputs.status();
    EXPECT_TRUE(outputs->at("y").Identical(MakeTensor<float>({2.5, 3, 4.5}, {3, 1})));
  }
  auto unnamed = client_->Predict(Spec("half_plus_two", 124), inputs);
  ASSERT_TRUE(unnamed.ok()) << unnamed.status();
  EXPECT_TRUE(unnamed->at("").Identical(MakeTensor<float>({3.5, 5, 9.5}, {3, 1})));
}

TEST_F(RestClientTest, ClassifyRegressStatusMetadata) {
  auto classes = client_->Classify(Spec("half_plus_two", 123, "classify_x_to_y"), Examples({20}));
  ASSERT_TRUE(classes.ok()) << classes.status();
  EXPECT_EQ(classes->classifications(0).classes(0).score(), 12.0f);
  auto values = client_->Regress(Spec("half_plus_two", 123, "regress_x_to_y"), Examples({80, 2}));
  ASSERT_TRUE(values.ok()) << values.status();
  ASSERT_EQ(values->regressions_size(), 2);
  EXPECT_EQ(values->regressions(0).value(), 42.0f);
  EXPECT_EQ(values->regressions(1).value(), 3.0f);

  auto status = client_->GetModelStatus(Spec("half_plus_two"));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->model_version_status_size(), 2);
  EXPECT_EQ(status->model_version_status(0).state(), tfs::ModelVersionStatus::AVAILABLE);

  auto metadata = client_->GetModelMetadata(Spec("half_plus_two", 123));
  ASSERT_TRUE(metadata.ok()) << metadata.status();
  EXPECT_EQ(metadata->model_spec().version().value(), 123);
  tfs::SignatureDefMap defs;
  ASSERT_TRUE(metadata->metadata().at("signature_def").UnpackTo(&defs));
  EXPECT_TRUE(defs.signature_def().contains("serving_default"));
}

TEST_F(RestClientTest, ErrorsKeepTheirCodeAndMessage) {
  auto missing = client_->PredictJson(Spec("half"), R"({"instances": [1.0]})");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "Servable not found for request: Latest(half)");
  auto bad = client_->PredictJson(Spec("half_plus_two"), R"({"instances": ["x"]})");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("is not of expected type: float"));
  serving_.core.SetAvailable(false);
  EXPECT_EQ(client_->Call("GET", "/readyz").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(client_->Call("GET", "/healthz").ok());
}

TEST_F(RestClientTest, ReconnectsAfterTheServerClosedAnIdleConnection) {
  ASSERT_TRUE(client_->Call("GET", "/healthz").ok());
  absl::SleepFor(absl::Milliseconds(2500));  // past the server's 2 s idle timeout
  EXPECT_TRUE(client_->Call("GET", "/healthz").ok());
}

TEST(RestClientNoServerTest, UnavailableWhenNothingListens) {
  auto client = RestClient::Create({.host = "127.0.0.1", .port = 1, .timeout_ms = 2000});
  ASSERT_TRUE(client.ok());
  EXPECT_EQ((*client)->Call("GET", "/healthz").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(RestClient::ModelPath(Spec("a/b")), "/v1/models/a%2Fb");
  tfs::ModelSpec labelled = Spec("m");
  labelled.set_version_label("canary");
  EXPECT_EQ(RestClient::ModelPath(labelled), "/v1/models/m/labels/canary");
}

}  // namespace
}  // namespace savedserve
