#include "frontend/rest/json_proto.h"

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "frontend/rest/json_util.h"
#include "google/protobuf/util/json_util.h"
#include "rapidjson/writer.h"

namespace savedserve {
namespace {

using google::protobuf::util::JsonParseOptions;
using google::protobuf::util::JsonPrintOptions;
using tensorflow::serving::SignatureDefMap;

JsonPrintOptions PrintOptions(bool preserve_proto_field_names) {
  JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = preserve_proto_field_names;
  return options;
}

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message,
                                   bool preserve_proto_field_names) {
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(
      message, &json, PrintOptions(preserve_proto_field_names));
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("Failed to convert proto to json. Error: ", status.ToString()));
  }
  return json;
}

absl::Status FromJson(absl::string_view json, google::protobuf::Message* message) {
  JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), message, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Failed to parse JSON into ", message->GetTypeName(), ": ", status.ToString()));
  }
  return absl::OkStatus();
}

// Compact JSON text of one member of a parsed document.
std::string MemberText(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return TakeJson(buffer);
}

}  // namespace

absl::StatusOr<std::string> ModelStatusToJson(
    const tensorflow::serving::GetModelStatusResponse& response) {
  return ToJson(response, /*preserve_proto_field_names=*/false);
}

absl::StatusOr<std::string> ModelMetadataToJson(
    const tensorflow::serving::GetModelMetadataResponse& response) {
  ASSIGN_OR_RETURN(const std::string model_spec, ToJson(response.model_spec(), true));
  const auto it = response.metadata().find(kSignatureDefField);
  if (it == response.metadata().end()) {
    return absl::InternalError(
        "Failed to find 'signature_def' key in the GetModelMetadataResponse metadata map.");
  }
  SignatureDefMap signatures;
  if (!it->second.UnpackTo(&signatures)) {
    return absl::InternalError("Failed to unpack 'Any' object to 'SignatureDefMap'.");
  }
  ASSIGN_OR_RETURN(const std::string signature_defs, ToJson(signatures, true));
  return absl::StrCat("{\n\"model_spec\": ", model_spec,
                      ",\n\"metadata\": {\"signature_def\": ", signature_defs, "}\n}\n");
}

absl::StatusOr<tensorflow::serving::GetModelStatusResponse> ModelStatusFromJson(
    absl::string_view json) {
  tensorflow::serving::GetModelStatusResponse response;
  RETURN_IF_ERROR(FromJson(json, &response));
  return response;
}

absl::StatusOr<tensorflow::serving::GetModelMetadataResponse> ModelMetadataFromJson(
    absl::string_view json) {
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseJsonObject(json, &doc));
  tensorflow::serving::GetModelMetadataResponse response;
  const auto spec = doc.FindMember("model_spec");
  if (spec != doc.MemberEnd()) {
    RETURN_IF_ERROR(FromJson(MemberText(spec->value), response.mutable_model_spec()));
  }
  const auto metadata = doc.FindMember("metadata");
  if (metadata == doc.MemberEnd() || !metadata->value.IsObject()) {
    return absl::InvalidArgumentError("Metadata response has no 'metadata' object");
  }
  const auto defs = metadata->value.FindMember(kSignatureDefField);
  if (defs == metadata->value.MemberEnd()) {
    return absl::InvalidArgumentError("Metadata response has no 'signature_def' member");
  }
  SignatureDefMap signatures;
  RETURN_IF_ERROR(FromJson(MemberText(defs->value), &signatures));
  (*response.mutable_metadata())[kSignatureDefField].PackFrom(signatures);
  return response;
}

}  // namespace savedserve
