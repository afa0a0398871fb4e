// The client codec must produce what the server codec accepts, and read what it writes.
#include "frontend/rest/json_client_codec.h"

#include "frontend/rest/json_example.h"
#include "frontend/rest/json_test_util.h"
#include "frontend/rest/json_util.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tensorflow/core/example/example.pb.h"

namespace savedserve {
namespace {

using ::testing::HasSubstr;

TensorInfoMap InfosOf(const std::map<std::string, Tensor>& tensors) {
  TensorInfoMap infos;
  for (const auto& [name, t] : tensors) infos[name].set_dtype(t.dtype());
  return infos;
}

// Client body -> server parser -> the same tensors.
void ExpectRequestRoundTrip(const std::map<std::string, Tensor>& inputs, JsonPredictFormat format) {
  auto json = MakeJsonPredictRequest(inputs, format, "sig");
  ASSERT_TRUE(json.ok()) << json.status();
  tensorflow::serving::PredictRequest request;
  JsonPredictFormat parsed_format;
  const TensorInfoMap infos = InfosOf(inputs);
  const absl::Status status = FillPredictRequestFromJson(
      *json, [&](const std::string&) -> absl::StatusOr<TensorInfoMap> { return infos; }, &request,
      &parsed_format);
  ASSERT_TRUE(status.ok()) << status << "\n" << *json;
  EXPECT_EQ(parsed_format, format);
  EXPECT_EQ(request.model_spec().signature_name(), "sig");
  for (const auto& [name, tensor] : inputs) {
    auto parsed = TensorFromProto(request.inputs().at(name.empty() ? infos.begin()->first : name));
    ASSERT_TRUE(parsed.ok());
    EXPECT_TRUE(parsed->Identical(tensor))
        << name << ": " << parsed->DebugString() << " vs " << tensor.DebugString() << "\n"
        << *json;
  }
}

std::map<std::string, Tensor> SampleInputs() {
  return {{"f", MakeTensor<float>({0.1f, -2.5f, 1e-7f, 3}, {2, 2})},
          {"i", MakeTensor<int64_t>({1, -(int64_t{1} << 60)}, {2})},
          {"s", MakeTensor<std::string>({"text", std::string("\0\xff\x01", 3)}, {2, 1})},
          {"b", MakeTensor<bool>({true, false}, {2})}};
}

TEST(JsonClientCodecTest, PredictRequestsRoundTrip) {
  ExpectRequestRoundTrip(SampleInputs(), JsonPredictFormat::kColumnar);
  ExpectRequestRoundTrip(SampleInputs(), JsonPredictFormat::kRow);
  ExpectRequestRoundTrip({{"x", MakeTensor<float>({1, 2, 5}, {3})}}, JsonPredictFormat::kRow);
  ExpectRequestRoundTrip({{"x", MakeTensor<double>({1.0 / 3}, {1, 1})}},
                         JsonPredictFormat::kColumnar);
}

TEST(JsonClientCodecTest, PredictRequestShapes) {
  EXPECT_TRUE(JsonEquals(
      *MakeJsonPredictRequest({{"x", MakeTensor<float>({1, 2, 5}, {3})}}, JsonPredictFormat::kRow),
      R"({"instances": [1.0, 2.0, 5.0]})"));
  EXPECT_TRUE(JsonEquals(
      *MakeJsonPredictRequest({{"", MakeTensor<float>({2, 3}, {2})}}, JsonPredictFormat::kColumnar),
      R"({"inputs": [2.0, 3.0]})"));
  EXPECT_THAT(MakeJsonPredictRequest(
                  {{"a", MakeTensor<float>({1, 2}, {2})}, {"b", MakeTensor<float>({1}, {1})}},
                  JsonPredictFormat::kRow)
                  .status()
                  .message(),
              HasSubstr("same first dimension"));
}

TEST(JsonClientCodecTest, PredictResponsesParse) {
  auto single =
      ParseJsonPredictResponse(R"({"predictions": [[2.5], [3.0]]})", {{"y", tensorflow::DT_FLOAT}});
  ASSERT_TRUE(single.ok()) << single.status();
  EXPECT_TRUE(single->at("y").Identical(MakeTensor<float>({2.5, 3}, {2, 1})));

  auto unnamed = ParseJsonPredictResponse(R"({"outputs": [1, 2, 3]})");
  ASSERT_TRUE(unnamed.ok());
  EXPECT_TRUE(unnamed->at("").Identical(MakeTensor<int64_t>({1, 2, 3}, {3})));

  auto rows = ParseJsonPredictResponse(R"({"predictions": [
      {"scores": [0.5, 0.25], "label": "cat", "raw_bytes": {"b64": "AAE="}, "ok": true},
      {"scores": [1.0, NaN], "label": "dog", "raw_bytes": {"b64": "Ag=="}, "ok": false}]})");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->at("scores").shape(), (TensorShape{2, 2}));
  EXPECT_EQ(rows->at("scores").dtype(), tensorflow::DT_FLOAT);
  EXPECT_TRUE(rows->at("label").Identical(MakeTensor<std::string>({"cat", "dog"}, {2})));
  EXPECT_TRUE(rows->at("raw_bytes")
                  .Identical(MakeTensor<std::string>({std::string("\0\1", 2), "\2"}, {2})));
  EXPECT_TRUE(rows->at("ok").Identical(MakeTensor<bool>({true, false}, {2})));

  EXPECT_THAT(ParseJsonPredictResponse(R"({"nothing": 1})").status().message(),
              HasSubstr("neither"));
  EXPECT_THAT(ParseJsonPredictResponse(R"({"outputs": ["a", 1]})").status().message(),
              HasSubstr("is not of expected type: string"));
}

// Server writer -> client parser -> the same tensors.
TEST(JsonClientCodecTest, ServerResponsesRoundTrip) {
  TensorProtoMap outputs;
  std::map<std::string, DataType> dtypes;
  for (const auto& [name, t] : SampleInputs()) {
    outputs[name] = MakeProto(t);
    dtypes[name] = t.dtype();
  }
  for (JsonPredictFormat format : {JsonPredictFormat::kRow, JsonPredictFormat::kColumnar}) {
    auto json = MakeJsonFromTensors(outputs, format);
    ASSERT_TRUE(json.ok()) << json.status();
    auto parsed = ParseJsonPredictResponse(*json, dtypes);
    ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << *json;
    for (const auto& [name, t] : SampleInputs()) {
      // Strings that are not UTF-8 only survive as "*_bytes" outputs: compare text ones.
      if (name == "s") continue;
      EXPECT_TRUE(parsed->at(name).Identical(t)) << name << "\n" << *json;
    }
  }
}

TEST(JsonClientCodecTest, ClassifyRequestsRoundTrip) {
  tensorflow::serving::Input input;
  auto* list = input.mutable_example_list_with_context();
  auto& context = *list->mutable_context()->mutable_features()->mutable_feature();
  context["lang"].mutable_bytes_list()->add_value("fr");
  auto& f = *list->add_examples()->mutable_features()->mutable_feature();
  f["x"].mutable_float_list()->add_value(2);
  f["x"].mutable_float_list()->add_value(0.1f);
  f["n"].mutable_int64_list()->add_value(-7);
  f["img"].mutable_bytes_list()->add_value(std::string("\x89PNG\0", 5));
  auto json = MakeJsonClassifyRegressRequest(input, "classify_x_to_y");
  ASSERT_TRUE(json.ok());
  tensorflow::serving::ClassificationRequest request;
  ASSERT_TRUE(FillClassificationRequestFromJson(*json, &request).ok()) << *json;
  EXPECT_EQ(request.model_spec().signature_name(), "classify_x_to_y");
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(request.input(), input))
      << request.input().DebugString() << "\n"
      << *json;
}

TEST(JsonClientCodecTest, ResultsAndErrorsParse) {
  auto classes =
      ParseJsonClassificationResult(R"({"results": [[["", 3.0]], [["a", 0.5], ["b", 1]]]})");
  ASSERT_TRUE(classes.ok()) << classes.status();
  ASSERT_EQ(classes->classifications_size(), 2);
  EXPECT_EQ(classes->classifications(1).classes(0).label(), "a");
  EXPECT_EQ(classes->classifications(1).classes(1).score(), 1.0f);

  auto values = ParseJsonRegressionResult(R"({"results": [0.2, Infinity, 3]})");
  ASSERT_TRUE(values.ok()) << values.status();
  ASSERT_EQ(values->regressions_size(), 3);
  EXPECT_EQ(values->regressions(1).value(), std::numeric_limits<float>::infinity());

  EXPECT_EQ(ParseJsonErrorMessage(MakeJsonFromStatus(absl::NotFoundError("a \"b\""))), "a \"b\"");
  EXPECT_EQ(ParseJsonErrorMessage("{}"), std::nullopt);
  EXPECT_EQ(ParseJsonErrorMessage("<html>"), std::nullopt);
}

}  // namespace
}  // namespace savedserve
