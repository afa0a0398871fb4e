#include "frontend/rest/json_proto.h"

#include <fstream>
#include <sstream>

#include "frontend/rest/json_test_util.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

using tensorflow::serving::GetModelMetadataResponse;
using tensorflow::serving::GetModelStatusResponse;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(JsonProtoTest, ModelStatusMatchesTheDocumentedBody) {
  GetModelStatusResponse response;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(R"pb(model_version_status {
                                                                   version: 123
                                                                   state: AVAILABLE
                                                                   status { error_code: OK }
                                                                 })pb",
                                                            &response));
  auto json = ModelStatusToJson(response);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_TRUE(JsonEquals(*json, R"({
     "model_version_status": [
      {
       "version": "123",
       "state": "AVAILABLE",
       "status": {
        "error_code": "OK",
        "error_message": ""
       }
      }
     ]
    })"));
  auto back = ModelStatusFromJson(*json);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->SerializeAsString(), response.SerializeAsString());
}

TEST(JsonProtoTest, ModelStatusErrorCodesPrintByName) {
  GetModelStatusResponse response;
  auto* status = response.add_model_version_status();
  status->set_version(2);
  status->set_state(tensorflow::serving::ModelVersionStatus::END);
  status->mutable_status()->set_error_code(tensorflow::error::NOT_FOUND);
  status->mutable_status()->set_error_message("gone");
  EXPECT_TRUE(JsonEquals(*ModelStatusToJson(response), R"({"model_version_status": [
      {"version": "2", "state": "END",
       "status": {"error_code": "NOT_FOUND", "error_message": "gone"}}]})"));
}

// The metadata printer must reproduce TF Serving's bodies exactly (ignoring member order):
// read each expected body, rebuild the response proto from it, print it again.
TEST(JsonProtoTest, MetadataRoundTripsTheTestdataBodies) {
  SS_REQUIRE_TESTDATA();
  for (const char* name : {"saved_model_half_plus_two_2_versions_metadata.json",
                           "half_plus_two_model_metadata.json"}) {
    const std::string expected = ReadFile(testdata + "/serving/" + name);
    ASSERT_FALSE(expected.empty()) << name;
    auto response = ModelMetadataFromJson(expected);
    ASSERT_TRUE(response.ok()) << name << ": " << response.status();
    EXPECT_FALSE(response->model_spec().name().empty());
    auto json = ModelMetadataToJson(*response);
    ASSERT_TRUE(json.ok()) << json.status();
    EXPECT_TRUE(JsonEquals(*json, expected)) << name;
  }
}

// The TF2 body lists __saved_model_init_op without the "defaults" member that protobuf's
// printer (always_print_primitive_fields) gives every SignatureDef, so it can only match
// with "defaults" left out.
TEST(JsonProtoTest, MetadataRoundTripsTheTf2BodyApartFromDefaults) {
  SS_REQUIRE_TESTDATA();
  const std::string expected =
      ReadFile(testdata + "/serving/saved_model_half_plus_two_tf2_2_versions_metadata.json");
  auto response = ModelMetadataFromJson(expected);
  ASSERT_TRUE(response.ok()) << response.status();
  auto json = ModelMetadataToJson(*response);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_TRUE(JsonEquals(WithoutMembers(*json, "defaults"), WithoutMembers(expected, "defaults")));
}

TEST(JsonProtoTest, MetadataWithoutSignatureDefIsAnInternalError) {
  GetModelMetadataResponse response;
  response.mutable_model_spec()->set_name("m");
  EXPECT_EQ(ModelMetadataToJson(response).status().code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace savedserve
