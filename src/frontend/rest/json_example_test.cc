#include "frontend/rest/json_example.h"

#include <cmath>
#include <limits>

#include "frontend/rest/json_test_util.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tensorflow/core/example/example.pb.h"

namespace savedserve {
namespace {

using tensorflow::serving::ClassificationRequest;
using tensorflow::serving::RegressionRequest;
using ::testing::HasSubstr;

template <typename Message>
Message FromText(const std::string& text) {
  Message m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

::testing::AssertionResult ProtoEquals(const google::protobuf::Message& actual,
                                       const google::protobuf::Message& expected) {
  if (google::protobuf::util::MessageDifferencer::Equals(actual, expected)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "actual:\n"
                                       << actual.DebugString() << "expected:\n"
                                       << expected.DebugString();
}

absl::Status ClassifyError(absl::string_view json) {
  ClassificationRequest request;
  return FillClassificationRequestFromJson(json, &request);
}

TEST(JsonExampleTest, ExamplesBecomeExampleList) {
  ClassificationRequest request;
  ASSERT_TRUE(FillClassificationRequestFromJson(R"({
      "signature_name": "classify_x_to_y",
      "examples": [ { "x": 20.0, "n": 3, "flag": true, "s": "seaside",
                      "list": [1.5, 2.0], "ints": [1, 2, false] } ] })",
                                                &request)
                  .ok());
  EXPECT_EQ(request.model_spec().signature_name(), "classify_x_to_y");
  EXPECT_TRUE(ProtoEquals(request.input(), FromText<tensorflow::serving::Input>(R"pb(
                            example_list {
                              examples {
                                features {
                                  feature {
                                    key: "x"
                                    value { float_list { value: 20 } }
                                  }
                                  feature {
                                    key: "n"
                                    value { int64_list { value: 3 } }
                                  }
                                  feature {
                                    key: "flag"
                                    value { int64_list { value: 1 } }
                                  }
                                  feature {
                                    key: "s"
                                    value { bytes_list { value: "seaside" } }
                                  }
                                  feature {
                                    key: "list"
                                    value { float_list { value: [ 1.5, 2 ] } }
                                  }
                                  feature {
                                    key: "ints"
                                    value { int64_list { value: [ 1, 2, 0 ] } }
                                  }
                                }
                              }
                            })pb")));
}

TEST(JsonExampleTest, ContextGivesExampleListWithContext) {
  RegressionRequest request;
  ASSERT_TRUE(FillRegressionRequestFromJson(R"({
      "context": { "country": "FR" },
      "examples": [ { "x": 1.0 }, { "x": 2.0 } ] })",
                                            &request)
                  .ok());
  EXPECT_TRUE(ProtoEquals(request.input(), FromText<tensorflow::serving::Input>(R"pb(
                            example_list_with_context {
                              context {
                                features {
                                  feature {
                                    key: "country"
                                    value { bytes_list { value: "FR" } }
                                  }
                                }
                              }
                              examples {
                                features {
                                  feature {
                                    key: "x"
                                    value { float_list { value: 1 } }
                                  }
                                }
                              }
                              examples {
                                features {
                                  feature {
                                    key: "x"
                                    value { float_list { value: 2 } }
                                  }
                                }
                              }
                            })pb")));
}

TEST(JsonExampleTest, Base64FeaturesFromTheGuide) {
  ClassificationRequest request;
  ASSERT_TRUE(FillClassificationRequestFromJson(R"({ "signature_name": "classify_objects",
      "examples": [ { "image": { "b64": "aW1hZ2UgYnl0ZXM=" }, "caption": "seaside" },
                    { "image": { "b64": "YXdlc29tZSBpbWFnZSBieXRlcw==" }, "caption": "mountains" } ] })",
                                                &request)
                  .ok());
  const auto& examples = request.input().example_list().examples();
  ASSERT_EQ(examples.size(), 2);
  EXPECT_EQ(examples[0].features().feature().at("image").bytes_list().value(0), "image bytes");
  EXPECT_EQ(examples[1].features().feature().at("image").bytes_list().value(0),
            "awesome image bytes");
  EXPECT_EQ(examples[1].features().feature().at("caption").bytes_list().value(0), "mountains");
}

TEST(JsonExampleTest, RejectedValues) {
  EXPECT_THAT(ClassifyError(R"({"examples": [{"names": [1, "a"]}]})").message(),
              HasSubstr("Unexpected element type in feature: names expecting type: int64"));
  EXPECT_THAT(ClassifyError(R"({"examples": [{"names": ["a", 1.5]}]})").message(),
              HasSubstr("expecting type: bytes"));
  EXPECT_THAT(ClassifyError(R"({"examples": [{"f": null}]})").message(),
              HasSubstr("Feature: f has element with unexpected JSON type: Null"));
  EXPECT_THAT(ClassifyError(R"({"examples": [{"f": [[1]]}]})").message(),
              HasSubstr("has element with unexpected JSON type: Array"));
  EXPECT_THAT(ClassifyError(R"({"examples": [{"f": {"a": 1}}]})").message(),
              HasSubstr("has element with unexpected JSON type: Object"));
  EXPECT_THAT(ClassifyError(R"({"examples": [{"f": 18446744073709551615}]})").message(),
              HasSubstr("Only int64_t is supported"));
  EXPECT_THAT(ClassifyError(R"({"examples": [{"f": {"b64": "%%"}}]})").message(),
              HasSubstr("Unable to base64 decode"));
}

TEST(JsonExampleTest, RequestErrors) {
  EXPECT_THAT(ClassifyError(R"({"signature_name": "x"})").message(),
              HasSubstr("When method is classify, key 'examples' is expected and was not found"));
  RegressionRequest regress;
  EXPECT_THAT(FillRegressionRequestFromJson(R"({})", &regress).message(),
              HasSubstr("When method is classify, key 'examples' is expected"));
  EXPECT_THAT(ClassifyError(R"({"examples": 1})").message(),
              HasSubstr("Expecting 'examples' value to be an list/array"));
  EXPECT_THAT(ClassifyError(R"({"examples": []})").message(),
              HasSubstr("'examples' value is an empty array"));
  EXPECT_THAT(ClassifyError(R"({"examples": [[1]]})").message(),
              HasSubstr("Example must be JSON object but got JSON Array"));
  EXPECT_THAT(ClassifyError(R"({"context": 3, "examples": [{}]})").message(),
              HasSubstr("Example must be JSON object but got JSON Number"));
  EXPECT_THAT(ClassifyError(R"({"signature_name": [], "examples": [{}]})").message(),
              HasSubstr("'signature_name' key must be a string value."));
  EXPECT_EQ(ClassifyError("").message(), "JSON Parse error: The document is empty");
}

TEST(JsonExampleTest, ClassificationResults) {
  auto result = FromText<tensorflow::serving::ClassificationResult>(
      R"pb(classifications { classes { label: "" score: 12 } })pb");
  auto json = MakeJsonFromClassificationResult(result);
  ASSERT_TRUE(json.ok());
  EXPECT_TRUE(JsonEquals(*json, R"({ "results": [[["", 12]]] })"));
  EXPECT_THAT(*json, HasSubstr("[[\"\", 12.0]]"));

  result = FromText<tensorflow::serving::ClassificationResult>(R"pb(
    classifications {
      classes { label: "cat" score: 0.75 }
      classes { label: "dog" score: 0.25 }
    }
    classifications {
      classes { label: "cat" score: 0.5 }
      classes { label: "dog" score: 0.5 }
    }
  )pb");
  EXPECT_TRUE(JsonEquals(*MakeJsonFromClassificationResult(result),
                         R"({"results": [[["cat", 0.75], ["dog", 0.25]],
                                         [["cat", 0.5], ["dog", 0.5]]]})"));
  EXPECT_THAT(MakeJsonFromClassificationResult({}).status().message(),
              HasSubstr("Cannot convert empty ClassificationResults to JSON"));
}

TEST(JsonExampleTest, RegressionResults) {
  tensorflow::serving::RegressionResult result;
  for (float v : {3.5f, 4.0f}) result.add_regressions()->set_value(v);
  EXPECT_TRUE(JsonEquals(*MakeJsonFromRegressionResult(result), R"({ "results": [3.5, 4.0] })"));

  result.Clear();
  const float inf = std::numeric_limits<float>::infinity();
  for (float v : {0.2f, inf, 1.0f, -inf, std::nanf("")}) result.add_regressions()->set_value(v);
  auto json = MakeJsonFromRegressionResult(result);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, "{\n    \"results\": [0.2, Infinity, 1.0, -Infinity, NaN]\n}");
  EXPECT_THAT(MakeJsonFromRegressionResult({}).status().message(),
              HasSubstr("Cannot convert empty RegressionResults to JSON"));
}

}  // namespace
}  // namespace savedserve
