#include "frontend/rest/json_client_codec.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "frontend/rest/json_util.h"
#include "tensor/tensor_proto.h"
#include "tensorflow/core/example/example.pb.h"

namespace savedserve {
namespace {

using rapidjson::Value;

StringEncoding InputStrings(const std::string& name) {
  return absl::EndsWith(name, "_bytes") ? StringEncoding::kBase64 : StringEncoding::kBase64IfBinary;
}

void WriteSignatureName(absl::string_view signature_name, JsonWriter* writer) {
  if (signature_name.empty()) return;
  writer->Key("signature_name");
  writer->String(signature_name.data(), signature_name.size());
}

absl::Status WriteRows(const std::map<std::string, Tensor>& inputs, JsonWriter* writer) {
  int64_t batch = -1;
  for (const auto& [name, tensor] : inputs) {
    if (tensor.shape().rank() == 0 || (batch >= 0 && tensor.shape().dim(0) != batch)) {
      return absl::InvalidArgumentError(
          absl::StrCat("Row format needs every input to have the same first dimension; input '",
                       name, "' has shape ", tensor.shape().DebugString()));
    }
    batch = tensor.shape().dim(0);
  }
  writer->Key("instances");
  if (inputs.size() == 1) {
    int64_t offset = 0;
    const auto& [name, tensor] = *inputs.begin();
    return WriteTensorValues(tensor, InputStrings(name), 0, &offset, writer);
  }
  std::vector<int64_t> offsets(inputs.size(), 0);
  writer->StartArray();
  for (int64_t row = 0; row < batch; ++row) {
    writer->StartObject();
    size_t k = 0;
    for (const auto& [name, tensor] : inputs) {
      writer->Key(name.data(), name.size());
      RETURN_IF_ERROR(WriteTensorValues(tensor, InputStrings(name), 1, &offsets[k++], writer));
    }
    writer->EndObject();
  }
  writer->EndArray();
  return absl::OkStatus();
}

absl::Status WriteColumns(const std::map<std::string, Tensor>& inputs, JsonWriter* writer) {
  writer->Key("inputs");
  if (inputs.size() == 1 && inputs.begin()->first.empty()) {
    int64_t offset = 0;
    return WriteTensorValues(inputs.begin()->second, StringEncoding::kBase64IfBinary, 0, &offset,
                             writer);
  }
  writer->StartObject();
  for (const auto& [name, tensor] : inputs) {
    writer->Key(name.data(), name.size());
    int64_t offset = 0;
    RETURN_IF_ERROR(WriteTensorValues(tensor, InputStrings(name), 0, &offset, writer));
  }
  writer->EndObject();
  return absl::OkStatus();
}

// The dtype a response value most likely had (see ParseJsonPredictResponse).
DataType InferDtype(const Value& value) {
  std::vector<const Value*> pending = {&value};
  bool saw_integer = false;
  while (!pending.empty()) {
    const Value* v = pending.back();
    pending.pop_back();
    if (v->IsArray()) {
      for (const Value& element : v->GetArray()) pending.push_back(&element);
    } else if (v->IsString() || v->IsObject()) {
      return tensorflow::DT_STRING;
    } else if (v->IsBool()) {
      return tensorflow::DT_BOOL;
    } else if (v->IsDouble()) {
      return tensorflow::DT_FLOAT;
    } else if (v->IsNumber()) {
      saw_integer = true;
    }
  }
  return saw_integer ? tensorflow::DT_INT64 : tensorflow::DT_FLOAT;
}

absl::StatusOr<Tensor> TensorFromJson(const Value& value, const std::string& name,
                                      const std::map<std::string, DataType>& dtypes) {
  const auto hint = dtypes.find(name);
  DataType dtype = hint != dtypes.end() ? hint->second : InferDtype(value);
  // JSON carries 16-bit floats as plain numbers.
  if (dtype == tensorflow::DT_HALF || dtype == tensorflow::DT_BFLOAT16) {
    dtype = tensorflow::DT_FLOAT;
  }
  tensorflow::TensorProto proto;
  const absl::Status status = JsonValueToTensorProto(value, dtype, &proto);
  if (!status.ok()) return Annotate(status, absl::StrCat("output '", name, "'"));
  return TensorFromProto(proto);
}

bool IsNamedObject(const Value& value) { return value.IsObject() && !IsBase64Object(value); }

std::string SingleName(const std::map<std::string, DataType>& dtypes) {
  return dtypes.size() == 1 ? dtypes.begin()->first : "";
}

// {"predictions": [row, ...]}: rows are objects of named outputs when there are several.
absl::StatusOr<std::map<std::string, Tensor>> TensorsFromRows(
    Value& rows, rapidjson::Document::AllocatorType& allocator,
    const std::map<std::string, DataType>& dtypes) {
  std::map<std::string, Tensor> tensors;
  if (!rows.IsArray()) return absl::InvalidArgumentError("'predictions' is not a list");
  if (rows.Empty()) return tensors;
  if (!IsNamedObject(rows[0])) {
    const std::string name = SingleName(dtypes);
    ASSIGN_OR_RETURN(tensors[name], TensorFromJson(rows, name, dtypes));
    return tensors;
  }
  for (const auto& member : rows[0].GetObject()) {
    const std::string name(member.name.GetString(), member.name.GetStringLength());
    Value column(rapidjson::kArrayType);
    for (const Value& row : rows.GetArray()) {
      const auto it = row.IsObject() ? row.FindMember(member.name) : row.MemberEnd();
      if (!row.IsObject() || it == row.MemberEnd()) {
        return absl::InvalidArgumentError(
            absl::StrCat("A row of 'predictions' lacks output '", name, "'"));
      }
      column.PushBack(Value(it->value, allocator), allocator);
    }
    ASSIGN_OR_RETURN(tensors[name], TensorFromJson(column, name, dtypes));
  }
  return tensors;
}

absl::StatusOr<std::map<std::string, Tensor>> TensorsFromColumns(
    const Value& outputs, const std::map<std::string, DataType>& dtypes) {
  std::map<std::string, Tensor> tensors;
  if (!IsNamedObject(outputs)) {
    const std::string name = SingleName(dtypes);
    ASSIGN_OR_RETURN(tensors[name], TensorFromJson(outputs, name, dtypes));
    return tensors;
  }
  for (const auto& member : outputs.GetObject()) {
    const std::string name(member.name.GetString(), member.name.GetStringLength());
    ASSIGN_OR_RETURN(tensors[name], TensorFromJson(member.value, name, dtypes));
  }
  return tensors;
}

void WriteFeature(const tensorflow::Feature& feature, JsonWriter* writer) {
  writer->StartArray();
  for (const std::string& bytes : feature.bytes_list().value()) {
    WriteJsonString(bytes, StringEncoding::kBase64IfBinary, writer);
  }
  for (float f : feature.float_list().value()) WriteFloat(writer, f);
  for (int64_t i : feature.int64_list().value()) writer->Int64(i);
  writer->EndArray();
}

void WriteExample(const tensorflow::Example& example, JsonWriter* writer) {
  // Sorted, so that the body does not depend on map order.
  std::map<std::string, const tensorflow::Feature*> sorted;
  for (const auto& [name, feature] : example.features().feature()) sorted[name] = &feature;
  writer->StartObject();
  for (const auto& [name, feature] : sorted) {
    writer->Key(name.data(), name.size());
    WriteFeature(*feature, writer);
  }
  writer->EndObject();
}

absl::StatusOr<const Value*> ResultsMember(const rapidjson::Document& doc) {
  const auto it = doc.FindMember("results");
  if (it == doc.MemberEnd() || !it->value.IsArray()) {
    return absl::InvalidArgumentError("Response has no 'results' list");
  }
  return &it->value;
}

}  // namespace

absl::StatusOr<std::string> MakeJsonPredictRequest(const std::map<std::string, Tensor>& inputs,
                                                   JsonPredictFormat format,
                                                   absl::string_view signature_name) {
  if (inputs.empty()) return absl::InvalidArgumentError("A predict request needs inputs");
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.SetFormatOptions(rapidjson::kFormatSingleLineArray);
  writer.StartObject();
  WriteSignatureName(signature_name, &writer);
  RETURN_IF_ERROR(format == JsonPredictFormat::kRow ? WriteRows(inputs, &writer)
                                                    : WriteColumns(inputs, &writer));
  writer.EndObject();
  return TakeJson(buffer);
}

absl::StatusOr<std::map<std::string, Tensor>> ParseJsonPredictResponse(
    absl::string_view json, const std::map<std::string, DataType>& output_dtypes) {
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseJsonObject(json, &doc));
  const auto predictions = doc.FindMember("predictions");
  if (predictions != doc.MemberEnd()) {
    return TensorsFromRows(predictions->value, doc.GetAllocator(), output_dtypes);
  }
  const auto outputs = doc.FindMember("outputs");
  if (outputs != doc.MemberEnd()) return TensorsFromColumns(outputs->value, output_dtypes);
  return absl::InvalidArgumentError("Response has neither 'predictions' nor 'outputs'");
}

absl::StatusOr<std::string> MakeJsonClassifyRegressRequest(const tensorflow::serving::Input& input,
                                                           absl::string_view signature_name) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.SetFormatOptions(rapidjson::kFormatSingleLineArray);
  writer.StartObject();
  WriteSignatureName(signature_name, &writer);
  const google::protobuf::RepeatedPtrField<tensorflow::Example>* examples = nullptr;
  if (input.has_example_list_with_context()) {
    writer.Key("context");
    WriteExample(input.example_list_with_context().context(), &writer);
    examples = &input.example_list_with_context().examples();
  } else {
    examples = &input.example_list().examples();
  }
  writer.Key("examples");
  writer.StartArray();
  for (const tensorflow::Example& example : *examples) WriteExample(example, &writer);
  writer.EndArray();
  writer.EndObject();
  return TakeJson(buffer);
}

absl::StatusOr<tensorflow::serving::ClassificationResult> ParseJsonClassificationResult(
    absl::string_view json) {
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseJsonObject(json, &doc));
  ASSIGN_OR_RETURN(const Value* results, ResultsMember(doc));
  tensorflow::serving::ClassificationResult result;
  for (const Value& example : results->GetArray()) {
    if (!example.IsArray()) return absl::InvalidArgumentError("A result is not a list");
    auto* classifications = result.add_classifications();
    for (const Value& pair : example.GetArray()) {
      if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsString() || !pair[1].IsNumber()) {
        return absl::InvalidArgumentError("A class is not a [label, score] pair");
      }
      auto* cls = classifications->add_classes();
      cls->set_label(pair[0].GetString(), pair[0].GetStringLength());
      cls->set_score(pair[1].GetFloat());
    }
  }
  return result;
}

absl::StatusOr<tensorflow::serving::RegressionResult> ParseJsonRegressionResult(
    absl::string_view json) {
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseJsonObject(json, &doc));
  ASSIGN_OR_RETURN(const Value* results, ResultsMember(doc));
  tensorflow::serving::RegressionResult result;
  for (const Value& value : results->GetArray()) {
    if (!value.IsNumber()) return absl::InvalidArgumentError("A result is not a number");
    result.add_regressions()->set_value(value.GetFloat());
  }
  return result;
}

std::optional<std::string> ParseJsonErrorMessage(absl::string_view json) {
  rapidjson::Document doc;
  if (!ParseJsonObject(json, &doc).ok()) return std::nullopt;
  const auto it = doc.FindMember("error");
  if (it == doc.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace savedserve
