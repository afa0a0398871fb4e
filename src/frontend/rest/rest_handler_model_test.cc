// HandleRestRequest over a real ServerCore loading TF Serving's half_plus_two test models
// from ../shared/testdata: the documented bodies of rest_api.md, and metadata equal to
// testdata/serving/*_metadata.json (ignoring member order).
#include <fstream>
#include <sstream>

#include "frontend/rest/json_test_util.h"
#include "frontend/rest/rest_handler.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct RealServing {
  // `models`: (name, directory under savedmodels/, version policy text or "").
  static std::unique_ptr<RealServing> Create(
      const std::string& testdata,
      const std::vector<std::tuple<std::string, std::string, std::string>>& models) {
    ServerCoreOptions options;
    for (const auto& [name, dir, policy] : models) {
      auto* config = options.config.mutable_model_config_list()->add_config();
      config->set_name(name);
      config->set_base_path(testdata + "/savedmodels/" + dir);
      config->set_model_platform("tensorflow");
      if (!policy.empty()) {
        EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
            policy, config->mutable_model_version_policy()));
      }
    }
    options.file_system_poll_wait_seconds = 0;
    options.max_num_load_retries = 0;
    auto serving = std::make_unique<RealServing>();
    options.metrics = &serving->metrics;
    auto core = ServerCore::Create(std::move(options));
    EXPECT_TRUE(core.ok()) << core.status();
    if (!core.ok()) return nullptr;
    serving->core = std::move(*core);
    serving->services = std::make_unique<PredictionServices>(serving->core.get());
    return serving;
  }

  RestResponse Call(absl::string_view method, absl::string_view target,
                    absl::string_view body = "") {
    return HandleRestRequest(method, target, body,
                             RestBackends{services.get(), core.get(), &metrics}, {});
  }
  void ExpectOk(absl::string_view method, absl::string_view target, absl::string_view body,
                absl::string_view expected) {
    const RestResponse r = Call(method, target, body);
    EXPECT_EQ(r.http_status, 200) << target << " " << body << ": " << r.body;
    EXPECT_TRUE(JsonEquals(r.body, expected)) << target << " " << body;
  }

  Metrics metrics;
  std::unique_ptr<ServerCore> core;
  std::unique_ptr<PredictionServices> services;
};

constexpr char kTwoVersions[] = "saved_model_half_plus_two_2_versions";

TEST(RestHandlerModelTest, TfServingHandlerTestBodies) {
  SS_REQUIRE_TESTDATA();
  auto serving =
      RealServing::Create(testdata, {{kTwoVersions, kTwoVersions, "specific { versions: 123 }"}});
  ASSERT_NE(serving, nullptr);
  ASSERT_TRUE(serving->core->AllModelsAvailable());
  const std::string model = absl::StrCat("/v1/models/", kTwoVersions);
  serving->ExpectOk("POST", model + ":predict", R"({"instances": [[1.0, 2.0], [3.0, 4.0]]})",
                    R"({ "predictions": [[2.5, 3.0], [3.5, 4.0]] })");
  serving->ExpectOk("POST", model + "/versions/123:predict", R"({"instances": [1.0, 2.0]})",
                    R"({ "predictions": [2.5, 3.0] })");
  serving->ExpectOk("POST", model + "/versions/123:predict",
                    R"({"signature_name": "serving_default", "inputs": [3.0, 4.0]})",
                    R"({ "outputs": [3.5, 4.0] })");
  serving->ExpectOk("POST", model + ":regress",
                    R"({"signature_name": "regress_x_to_y", "examples": [ { "x": 80.0 } ] })",
                    R"({ "results": [42] })");
  serving->ExpectOk("POST", model + ":classify",
                    R"({"signature_name": "classify_x_to_y", "examples": [ { "x": 20.0 } ] })",
                    R"({ "results": [[["", 12]]] })");
  serving->ExpectOk("POST", model + "/versions/123:classify",
                    R"({"signature_name": "classify_x_to_y", "examples": [ { "x": 10.0 } ] })",
                    R"({ "results": [[["", 7]]] })");
  serving->ExpectOk("GET", model, "", R"({"model_version_status": [
      {"version": "123", "state": "AVAILABLE",
       "status": {"error_code": "OK", "error_message": ""}}]})");
  serving->ExpectOk("GET", model + "/versions/123/metadata", "",
                    ReadFile(testdata + "/serving/" + kTwoVersions + "_metadata.json"));
  serving->ExpectOk("GET", model + "/metadata", "",
                    ReadFile(testdata + "/serving/" + kTwoVersions + "_metadata.json"));

  const RestResponse wrong =
      serving->Call("POST", model + ":predict", R"({"instances": ["a", "b"]})");
  EXPECT_EQ(wrong.http_status, 400);
  EXPECT_THAT(wrong.body, HasSubstr("not of expected type: float"));
  EXPECT_EQ(
      serving->Call("POST", model + "/versions/99:predict", R"({"instances": [1.0]})").http_status,
      404);
}

TEST(RestHandlerModelTest, DefaultModelBodies) {
  SS_REQUIRE_TESTDATA();
  auto serving = RealServing::Create(testdata, {{"default", "saved_model_half_plus_two_cpu", ""}});
  ASSERT_NE(serving, nullptr);
  serving->ExpectOk("POST", "/v1/models/default:predict", R"({"instances": [2.0, 3.0, 4.0]})",
                    R"({"predictions": [3.0, 3.5, 4.0]})");
  serving->ExpectOk("POST", "/v1/models/default:predict", R"({"inputs": [2.0, 3.0, 4.0]})",
                    R"({"outputs": [3.0, 3.5, 4.0]})");
  serving->ExpectOk("POST", "/v1/models/default:classify",
                    R"({"signature_name": "classify_x_to_y", "examples": [{"x": 2.0}]})",
                    R"({"results": [[["", 3.0]]]})");
  serving->ExpectOk("POST", "/v1/models/default:regress",
                    R"({"signature_name": "regress_x_to_y", "examples": [{"x": 2.0}]})",
                    R"({"results": [3.0]})");
  serving->ExpectOk("GET", "/v1/models/default/metadata", "",
                    ReadFile(testdata + "/serving/half_plus_two_model_metadata.json"));
}

TEST(RestHandlerModelTest, Tf2ModelMetadata) {
  SS_REQUIRE_TESTDATA();
  auto serving =
      RealServing::Create(testdata, {{kTwoVersions, "saved_model_half_plus_two_tf2_cpu", ""}});
  ASSERT_NE(serving, nullptr);
  // The expected body predates SignatureDef.defaults in this model (TF 2.14 records a default
  // for serving_default's x, and the body lists the init op without "defaults"): compare
  // without "defaults".
  const RestResponse r =
      serving->Call("GET", absl::StrCat("/v1/models/", kTwoVersions, "/metadata"));
  EXPECT_EQ(r.http_status, 200) << r.body;
  const std::string expected =
      ReadFile(testdata + "/serving/saved_model_half_plus_two_tf2_2_versions_metadata.json");
  EXPECT_TRUE(JsonEquals(WithoutMembers(r.body, "defaults"), WithoutMembers(expected, "defaults")));
  serving->ExpectOk("POST", absl::StrCat("/v1/models/", kTwoVersions, ":predict"),
                    R"({"instances": [1.0, 2.0, 5.0]})", R"({ "predictions": [2.5, 3.0, 4.5] })");
}

}  // namespace
}  // namespace savedserve
