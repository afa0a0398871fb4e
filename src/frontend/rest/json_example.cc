#include "frontend/rest/json_example.h"

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "frontend/rest/json_util.h"
#include "tensorflow/core/example/example.pb.h"
#include "tensorflow_serving/apis/input.pb.h"

namespace savedserve {
namespace {

using rapidjson::Value;
using tensorflow::Example;
using tensorflow::Feature;

constexpr char kContextKey[] = "context";
constexpr char kExamplesKey[] = "examples";
constexpr char kResultsKey[] = "results";

// A feature takes the kind of its first value; later values must match it.
bool IsFeatureOfKind(const Feature& feature, Feature::KindCase kind) {
  return feature.kind_case() == Feature::KIND_NOT_SET || feature.kind_case() == kind;
}

absl::Status IncompatibleKindError(const std::string& name, const Feature& feature) {
  const char* kind = "UNKNOWN";
  switch (feature.kind_case()) {
    case Feature::kBytesList:
      kind = "bytes";
      break;
    case Feature::kFloatList:
      kind = "float";
      break;
    case Feature::kInt64List:
      kind = "int64";
      break;
    default:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("Unexpected element type in feature: ", name, " expecting type: ", kind));
}

absl::Status UnexpectedTypeError(const std::string& name, const Value& value) {
  return absl::InvalidArgumentError(absl::StrCat(
      "Feature: ", name, " has element with unexpected JSON type: ", JsonTypeString(value)));
}

absl::Status AddNumberToFeature(const Value& value, const std::string& name, Feature* feature) {
  if (value.IsDouble()) {
    if (!IsFeatureOfKind(*feature, Feature::kFloatList)) {
      return IncompatibleKindError(name, *feature);
    }
    const double d = value.GetDouble();
    if (std::isfinite(d) &&
        (d > std::numeric_limits<float>::max() || d < std::numeric_limits<float>::lowest())) {
      return absl::InvalidArgumentError(
          absl::StrCat("Cannot convert JSON value: ", JsonValueToString(value),
                       " to float without loss of precision."));
    }
    feature->mutable_float_list()->add_value(value.GetFloat());
    return absl::OkStatus();
  }
  if (!IsFeatureOfKind(*feature, Feature::kInt64List)) {
    return IncompatibleKindError(name, *feature);
  }
  if (!value.IsInt64()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Feature: ", name, " has uint64 element. Only int64_t is supported."));
  }
  feature->mutable_int64_list()->add_value(value.GetInt64());
  return absl::OkStatus();
}

absl::Status AddValueToFeature(const Value& value, const std::string& name, Feature* feature) {
  switch (value.GetType()) {
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      if (!IsFeatureOfKind(*feature, Feature::kInt64List)) {
        return IncompatibleKindError(name, *feature);
      }
      feature->mutable_int64_list()->add_value(value.GetBool() ? 1 : 0);
      return absl::OkStatus();
    case rapidjson::kObjectType:
      if (!IsBase64Object(value)) return UnexpectedTypeError(name, value);
      if (!IsFeatureOfKind(*feature, Feature::kBytesList)) {
        return IncompatibleKindError(name, *feature);
      }
      return DecodeBase64Object(value, feature->mutable_bytes_list()->add_value());
    case rapidjson::kStringType:
      if (!IsFeatureOfKind(*feature, Feature::kBytesList)) {
        return IncompatibleKindError(name, *feature);
      }
      feature->mutable_bytes_list()->add_value(value.GetString(), value.GetStringLength());
      return absl::OkStatus();
    case rapidjson::kNumberType:
      return AddNumberToFeature(value, name, feature);
    case rapidjson::kNullType:
    case rapidjson::kArrayType:
      break;
  }
  return UnexpectedTypeError(name, value);
}

absl::Status MakeExampleFromJsonObject(const Value& value, Example* example) {
  if (!value.IsObject()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Example must be JSON object but got JSON ", JsonTypeString(value)));
  }
  auto& features = *example->mutable_features()->mutable_feature();
  for (const auto& member : value.GetObject()) {
    const std::string name(member.name.GetString(), member.name.GetStringLength());
    Feature feature;
    if (member.value.IsArray()) {
      for (const Value& element : member.value.GetArray()) {
        RETURN_IF_ERROR(AddValueToFeature(element, name, &feature));
      }
    } else {
      RETURN_IF_ERROR(AddValueToFeature(member.value, name, &feature));
    }
    features[name] = std::move(feature);
  }
  return absl::OkStatus();
}

template <typename Request>
absl::Status FillClassifyRegressRequestFromJson(absl::string_view json, Request* request) {
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseJsonObject(json, &doc));
  RETURN_IF_ERROR(FillSignatureName(doc, request->mutable_model_spec()));
  tensorflow::serving::Input* input = request->mutable_input();
  input->Clear();
  const auto context = doc.FindMember(kContextKey);
  const bool has_context = context != doc.MemberEnd();
  if (has_context) {
    RETURN_IF_ERROR(MakeExampleFromJsonObject(
        context->value, input->mutable_example_list_with_context()->mutable_context()));
  }
  const auto examples = doc.FindMember(kExamplesKey);
  if (examples == doc.MemberEnd()) {
    // TF Serving says "classify" for regress requests too.
    return JsonFormatError(doc,
                           "When method is classify, key 'examples' is expected and was not found");
  }
  if (!examples->value.IsArray()) {
    return JsonFormatError(doc, "Expecting 'examples' value to be an list/array");
  }
  if (examples->value.Empty()) return JsonFormatError(doc, "'examples' value is an empty array");
  for (const Value& example : examples->value.GetArray()) {
    RETURN_IF_ERROR(MakeExampleFromJsonObject(
        example, has_context ? input->mutable_example_list_with_context()->add_examples()
                             : input->mutable_example_list()->add_examples()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status FillClassificationRequestFromJson(
    absl::string_view json, tensorflow::serving::ClassificationRequest* request) {
  return FillClassifyRegressRequestFromJson(json, request);
}

absl::Status FillRegressionRequestFromJson(absl::string_view json,
                                           tensorflow::serving::RegressionRequest* request) {
  return FillClassifyRegressRequestFromJson(json, request);
}

absl::StatusOr<std::string> MakeJsonFromClassificationResult(
    const tensorflow::serving::ClassificationResult& result) {
  if (result.classifications_size() == 0) {
    return absl::InvalidArgumentError("Cannot convert empty ClassificationResults to JSON");
  }
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key(kResultsKey);
  writer.StartArray();
  for (const auto& classifications : result.classifications()) {
    writer.SetFormatOptions(rapidjson::kFormatSingleLineArray);
    writer.StartArray();
    for (const auto& cls : classifications.classes()) {
      writer.StartArray();
      writer.String(cls.label().data(), cls.label().size());
      WriteFloat(&writer, cls.score());
      writer.EndArray();
    }
    writer.EndArray();
    writer.SetFormatOptions(rapidjson::kFormatDefault);
  }
  writer.EndArray();
  writer.EndObject();
  return TakeJson(buffer);
}

absl::StatusOr<std::string> MakeJsonFromRegressionResult(
    const tensorflow::serving::RegressionResult& result) {
  if (result.regressions_size() == 0) {
    return absl::InvalidArgumentError("Cannot convert empty RegressionResults to JSON");
  }
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key(kResultsKey);
  writer.SetFormatOptions(rapidjson::kFormatSingleLineArray);
  writer.StartArray();
  for (const auto& regression : result.regressions()) WriteFloat(&writer, regression.value());
  writer.EndArray();
  writer.EndObject();
  return TakeJson(buffer);
}

}  // namespace savedserve
