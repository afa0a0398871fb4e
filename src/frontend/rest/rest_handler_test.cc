// HandleRestRequest over the real PredictionServices and a fake ServerCore whose models
// compute half_plus_two in C++ (rest_test_util.h): routes, errors, bodies, headers.
#include "frontend/rest/rest_handler.h"

#include "frontend/rest/json_test_util.h"
#include "frontend/rest/rest_routes.h"
#include "frontend/rest/rest_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace savedserve {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;

class RestHandlerTest : public ::testing::Test {
 protected:
  RestResponse Call(absl::string_view method, absl::string_view target,
                    absl::string_view body = "") {
    return HandleRestRequest(method, target, body, serving_.backends(), options_);
  }
  // The "error" message of a failed call, checking the status code and headers on the way.
  std::string Error(absl::string_view method, absl::string_view target, absl::string_view body,
                    int http_status) {
    const RestResponse r = Call(method, target, body);
    EXPECT_EQ(r.http_status, http_status) << method << " " << target << ": " << r.body;
    EXPECT_THAT(r.headers, Contains(Pair("Content-Type", "application/json")));
    rapidjson::Document doc;
    doc.Parse(r.body.c_str());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("error")) {
      ADD_FAILURE() << "not an error body: " << r.body;
      return "";
    }
    return doc["error"].GetString();
  }
  void ExpectOk(absl::string_view method, absl::string_view target, absl::string_view body,
                absl::string_view expected_json) {
    const RestResponse r = Call(method, target, body);
    EXPECT_EQ(r.http_status, 200) << target << ": " << r.body;
    EXPECT_EQ(
        r.headers,
        (std::vector<std::pair<std::string, std::string>>{{"Content-Type", "application/json"}}));
    EXPECT_TRUE(JsonEquals(r.body, expected_json)) << target;
  }

  FakeServing serving_;
  RestHandlerOptions options_;
};

TEST_F(RestHandlerTest, MalformedRequests) {
  for (const auto& [method, path] : std::vector<std::pair<const char*, const char*>>{
           {"GET", "/v1/foo"},
           {"POST", "/v1/foo"},
           {"POST", "/v1/models"},
           {"GET", "/v1/models/debug/model_name"},
           {"GET", "/v1/models/foo:predict"},
           {"GET", "/v1/models/foo/version/50:predict"},
           {"POST", "/v1/models/foo/version/50:regress"},
           {"POST", "/v1/models/foo/versions/HELLO:regress"},
           {"POST", "/v1/models/foo/label/x:regress"},
           {"POST", "/v1/models/foo/versions/50/labels/x:regress"},
           {"POST", "/v1/models/foo/metadata"},
           {"POST", "/v1/models/foo:explain"},
           {"PUT", "/v1/models/foo:predict"},
           {"GET", "/v1/models/foo/versions/50/labels/x"},
       }) {
    EXPECT_THAT(Error(method, path, "", 400), HasSubstr("Malformed request")) << path;
  }
  EXPECT_EQ(Error("GET", "/v1/foo", "", 400), "Malformed request: GET /v1/foo");
}

TEST_F(RestHandlerTest, MissingNameAndBadVersion) {
  EXPECT_THAT(Error("GET", "/v1/models", "", 400), HasSubstr("Missing model name"));
  EXPECT_THAT(Error("GET", "/v1/models/versions/3", "", 400), HasSubstr("Missing model name"));
  EXPECT_THAT(Error("POST", "/v1/models/foo/versions/18446744073709551615:regress", "", 400),
              HasSubstr("Failed to convert version"));
  EXPECT_THAT(Error("GET", "/v1/models/foo/versions/18446744073709551615", "", 400),
              HasSubstr("Failed to convert version"));
}

TEST_F(RestHandlerTest, Predict) {
  ExpectOk("POST", "/v1/models/half_plus_two:predict", R"({"instances": [[1.0, 2.0], [3.0, 4.0]]})",
           R"({ "predictions": [[3.5, 5.0], [6.5, 8.0]] })");  // latest: version 124, a = 1.5
  ExpectOk("POST", "/v1/models/half_plus_two/versions/123:predict", R"({"instances": [1.0, 2.0]})",
           R"({ "predictions": [2.5, 3.0] })");
  ExpectOk("POST", "/v1/models/half_plus_two/versions/123:predict",
           R"({"signature_name": "serving_default", "instances": [3.0, 4.0]})",
           R"({ "predictions": [3.5, 4.0] })");
  ExpectOk("POST", "/v1/models/half_plus_two/versions/123:predict",
           R"({"signature_name": "serving_default", "inputs": [3.0, 4.0]})",
           R"({ "outputs": [3.5, 4.0] })");
  ExpectOk("POST", "/v1/models/half_plus_two/labels/stable:predict",
           R"({"instances": [1.0, 2.0, 5.0]})", R"({ "predictions": [2.5, 3.0, 4.5] })");
  // Case-insensitive paths; query strings are ignored; %-escapes in names are decoded.
  ExpectOk("POST", "/V1/Models/half_plus_two/VERSIONS/123:PREDICT?x=1", R"({"instances": [1.0]})",
           R"({ "predictions": [2.5] })");
  ExpectOk("POST", "/v1/models/half%5Fplus%5Ftwo/versions/123:predict", R"({"instances": [1.0]})",
           R"({ "predictions": [2.5] })");
}

TEST_F(RestHandlerTest, PredictErrors) {
  EXPECT_EQ(Error("POST", "/v1/models/half:predict", R"({"instances": [1.0]})", 404),
            "Servable not found for request: Latest(half)");
  EXPECT_EQ(
      Error("POST", "/v1/models/half_plus_two/versions/99:predict", R"({"instances": [1.0]})", 404),
      "Servable not found for request: Specific(half_plus_two, 99)");
  EXPECT_EQ(Error("POST", "/v1/models/half_plus_two/labels/canary:predict",
                  R"({"instances": [1.0]})", 400),
            "Unrecognized servable version label: canary");
  EXPECT_EQ(Error("POST", "/v1/models/half_plus_two:predict",
                  R"({"signature_name": "nope", "instances": [1.0]})", 400),
            "Serving signature name: \"nope\" not found in signature def");
  const std::string path = "/v1/models/half_plus_two:predict";
  EXPECT_EQ(Error("POST", path, "", 400), "JSON Parse error: The document is empty");
  EXPECT_THAT(Error("POST", path, "instances = [1, 2]", 400),
              HasSubstr("JSON Parse error: Invalid value"));
  EXPECT_THAT(Error("POST", path, R"({ "instances": ["a"] })", 400),
              HasSubstr("not of expected type: float"));
  EXPECT_THAT(Error("POST", path, R"({ "instances": [1.0], "inputs": [1.0] })", 400),
              HasSubstr("expecting only one of 'inputs' or 'instances'"));
}

TEST_F(RestHandlerTest, ClassifyAndRegress) {
  const std::string model = "/v1/models/half_plus_two/versions/123";
  ExpectOk("POST", model + ":regress",
           R"({"signature_name": "regress_x_to_y", "examples": [ { "x": 80.0 } ] })",
           R"({ "results": [42] })");
  ExpectOk("POST", model + ":classify",
           R"({"signature_name": "classify_x_to_y", "examples": [ { "x": 20.0 } ] })",
           R"({ "results": [[["", 12]]] })");
  ExpectOk("POST", model + ":classify",
           R"({"signature_name": "classify_x_to_y", "examples": [ { "x": 10.0 } ] })",
           R"({ "results": [[["", 7]]] })");
  ExpectOk("POST", model + ":regress",
           R"({"signature_name": "regress_x_to_y", "examples": [{"x": 1.0}, {"x": 2.0}]})",
           R"({ "results": [2.5, 3.0] })");
  EXPECT_THAT(Error("POST", model + ":regress", R"({"signature_name": "regress_x_to_y"})", 400),
              HasSubstr("key 'examples' is expected and was not found"));
}

TEST_F(RestHandlerTest, ModelStatus) {
  ExpectOk("GET", "/v1/models/half_plus_two/versions/123", "", R"({
     "model_version_status": [
      { "version": "123", "state": "AVAILABLE",
        "status": { "error_code": "OK", "error_message": "" } } ] })");
  const RestResponse all = Call("GET", "/v1/models/half_plus_two");
  EXPECT_EQ(all.http_status, 200);
  EXPECT_THAT(all.body, HasSubstr("\"124\""));
  EXPECT_EQ(Error("GET", "/v1/models/nope", "", 404), "Could not find any versions of model nope");
  EXPECT_EQ(Error("GET", "/v1/models/half_plus_two/versions/7", "", 404),
            "Could not find version 7 of model half_plus_two");
}

TEST_F(RestHandlerTest, ModelMetadata) {
  const RestResponse r = Call("GET", "/v1/models/half_plus_two/versions/123/metadata");
  ASSERT_EQ(r.http_status, 200) << r.body;
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(r.body.c_str()).HasParseError()) << r.body;
  const auto& spec = doc["model_spec"];
  EXPECT_STREQ(spec["name"].GetString(), "half_plus_two");
  EXPECT_STREQ(spec["signature_name"].GetString(), "");
  EXPECT_STREQ(spec["version"].GetString(), "123");
  const auto& defs = doc["metadata"]["signature_def"]["signature_def"];
  EXPECT_TRUE(defs.HasMember("serving_default"));
  EXPECT_TRUE(defs.HasMember("classify_x_to_y"));
  EXPECT_STREQ(defs["serving_default"]["inputs"]["x"]["name"].GetString(), "x:0");
  EXPECT_EQ(Error("GET", "/v1/models/nope/metadata", "", 404),
            "Servable not found for request: Latest(nope)");
}

TEST_F(RestHandlerTest, HealthReadinessAndUnknownPaths) {
  EXPECT_EQ(Call("GET", "/healthz").http_status, 200);
  EXPECT_EQ(Call("GET", "/readyz").http_status, 200);
  serving_.core.SetAvailable(false);
  EXPECT_EQ(Call("GET", "/readyz").http_status, 503);
  EXPECT_EQ(Call("GET", "/healthz").http_status, 200);
  EXPECT_EQ(Call("GET", "/index.html").http_status, 404);
  EXPECT_EQ(Call("GET", "/monitoring/prometheus/metrics").http_status, 404);  // not configured
}

TEST_F(RestHandlerTest, MonitoringAndMetrics) {
  options_.monitoring_path = "/monitoring/prometheus/metrics";
  ASSERT_EQ(Call("POST", "/v1/models/half_plus_two:predict", R"({"instances": [1.0]})").http_status,
            200);
  Call("POST", "/v1/models/nope:predict", R"({"instances": [1.0]})");
  const RestResponse r = Call("GET", "/monitoring/prometheus/metrics");
  EXPECT_EQ(r.http_status, 200);
  EXPECT_THAT(r.headers[0].second, HasSubstr("text/plain"));
  EXPECT_THAT(r.body, HasSubstr("# TYPE"));
  EXPECT_THAT(r.body, HasSubstr("half_plus_two"));
  EXPECT_THAT(r.body, HasSubstr("REST"));
  EXPECT_THAT(r.body, HasSubstr("nope"));
  // The model run inside the successful Predict, as TF Serving's runtime_latency.
  EXPECT_THAT(r.body, HasSubstr(":tensorflow:serving:runtime_latency_count{model_name="
                                "\"half_plus_two\",API=\"Predict\",runtime=\"savedserve\"} 1\n"));
}

TEST_F(RestHandlerTest, Cors) {
  options_.enable_cors = true;
  const RestResponse r =
      Call("POST", "/v1/models/half_plus_two:predict", R"({"instances": [1.0]})");
  EXPECT_EQ(r.http_status, 200);
  EXPECT_THAT(r.headers, Contains(Pair("Access-Control-Allow-Origin", "*")));
  EXPECT_THAT(r.headers, Contains(Pair("Access-Control-Allow-Methods", "POST, GET")));
  EXPECT_THAT(r.headers, Contains(Pair("Access-Control-Allow-Headers", "Content-Type")));
  const RestResponse preflight = Call("OPTIONS", "/v1/models/half_plus_two:predict");
  EXPECT_EQ(preflight.http_status, 204);
  EXPECT_THAT(preflight.headers, Contains(Pair("Access-Control-Allow-Origin", "*")));
  EXPECT_THAT(Call("GET", "/v1/foo").headers, Contains(Pair("Access-Control-Allow-Origin", "*")));
}

TEST(HttpStatusTest, TheDocumentedTable) {
  EXPECT_EQ(HttpStatusFromStatus(absl::OkStatus()), 200);
  EXPECT_EQ(HttpStatusFromStatus(absl::CancelledError()), 499);
  EXPECT_EQ(HttpStatusFromStatus(absl::UnknownError("")), 500);
  EXPECT_EQ(HttpStatusFromStatus(absl::InternalError("")), 500);
  EXPECT_EQ(HttpStatusFromStatus(absl::DataLossError("")), 500);
  EXPECT_EQ(HttpStatusFromStatus(absl::InvalidArgumentError("")), 400);
  EXPECT_EQ(HttpStatusFromStatus(absl::FailedPreconditionError("")), 400);
  EXPECT_EQ(HttpStatusFromStatus(absl::OutOfRangeError("")), 400);
  EXPECT_EQ(HttpStatusFromStatus(absl::DeadlineExceededError("")), 504);
  EXPECT_EQ(HttpStatusFromStatus(absl::NotFoundError("")), 404);
  EXPECT_EQ(HttpStatusFromStatus(absl::AlreadyExistsError("")), 409);
  EXPECT_EQ(HttpStatusFromStatus(absl::AbortedError("")), 409);
  EXPECT_EQ(HttpStatusFromStatus(absl::PermissionDeniedError("")), 403);
  EXPECT_EQ(HttpStatusFromStatus(absl::ResourceExhaustedError("")), 429);
  EXPECT_EQ(HttpStatusFromStatus(absl::UnimplementedError("")), 501);
  EXPECT_EQ(HttpStatusFromStatus(absl::UnavailableError("")), 503);
  EXPECT_EQ(HttpStatusFromStatus(absl::UnauthenticatedError("")), 401);
}

TEST(RestRoutesTest, Grammar) {
  auto route = ParsePredictionPath("/v1/models/m/labels/canary:classify");
  ASSERT_TRUE(route.ok() && route->has_value());
  EXPECT_EQ((*route)->model_name, "m");
  EXPECT_EQ((*route)->label, "canary");
  EXPECT_EQ((*route)->verb, "classify");
  route = ParseModelPath("/v1/models/m/versions/00000123/metadata");
  ASSERT_TRUE(route.ok() && route->has_value());
  EXPECT_EQ((*route)->version, 123);
  EXPECT_EQ((*route)->verb, "metadata");
  route = ParseModelPath("/v1/models/metadata");  // a model named "metadata"
  ASSERT_TRUE(route.ok() && route->has_value());
  EXPECT_EQ((*route)->model_name, "metadata");
  EXPECT_EQ((*route)->verb, "");
  EXPECT_FALSE(ParseModelPath("/v1/models/").value().has_value());
  EXPECT_FALSE(ParseModelPath("/v1/modelsx").value().has_value());
  EXPECT_FALSE(ParsePredictionPath("/v1/models/:predict").value().has_value());
  EXPECT_EQ(PercentDecode("a%2Fb%zz%4"), "a/b%zz%4");
}

}  // namespace
}  // namespace savedserve
