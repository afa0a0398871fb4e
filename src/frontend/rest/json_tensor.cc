// JSON predict request -> PredictRequest inputs. Output writing is in json_tensor_output.cc.
#include "frontend/rest/json_tensor.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status.h"
#include "frontend/rest/json_util.h"

namespace savedserve {
namespace {

using rapidjson::Value;
using tensorflow::TensorProto;
using tensorflow::TensorShapeProto;

constexpr char kInstancesKey[] = "instances";
constexpr char kInputsKey[] = "inputs";

absl::Status TypeError(const Value& value, DataType dtype) {
  return absl::InvalidArgumentError(absl::StrCat("JSON Value: ", JsonValueToString(value),
                                                 " Type: ", JsonTypeString(value),
                                                 " is not of expected type: ", TfTypeName(dtype)));
}

absl::Status LossyDecimalError(const Value& value, absl::string_view target) {
  return absl::InvalidArgumentError(
      absl::StrCat("Cannot convert JSON value: ", JsonValueToString(value), " to ", target,
                   " without loss of precision."));
}

// False when a JSON number cannot be held by T without losing precision: an integer beyond
// T's contiguous integer range, or a decimal beyond T's range. Non-finite values pass.
template <typename T>
bool IsLosslessDecimal(const Value& value) {
  if (!std::isfinite(value.GetDouble())) return true;
  constexpr int64_t kMaxInt = (int64_t{1} << std::numeric_limits<T>::digits) - 1;
  if (value.IsUint64()) return value.GetUint64() <= static_cast<uint64_t>(kMaxInt);
  if (value.IsInt64()) return value.GetInt64() >= -kMaxInt && value.GetInt64() <= kMaxInt;
  return value.GetDouble() <= std::numeric_limits<T>::max() &&
         value.GetDouble() >= std::numeric_limits<T>::lowest();
}

// Appends one JSON scalar to `tensor`'s typed values.
absl::Status AddValueToTensor(const Value& value, DataType dtype, TensorProto* tensor) {
  switch (dtype) {
    case tensorflow::DT_FLOAT:
      if (!value.IsNumber()) return TypeError(value, dtype);
      if (!IsLosslessDecimal<float>(value)) return LossyDecimalError(value, "float");
      tensor->add_float_val(value.GetFloat());
      return absl::OkStatus();
    case tensorflow::DT_DOUBLE:
      if (!value.IsNumber()) return TypeError(value, dtype);
      if (!IsLosslessDecimal<double>(value)) return LossyDecimalError(value, "double");
      tensor->add_double_val(value.GetDouble());
      return absl::OkStatus();
    case tensorflow::DT_INT32:
    case tensorflow::DT_INT16:
    case tensorflow::DT_INT8:
    case tensorflow::DT_UINT8:
    case tensorflow::DT_UINT16:
      if (!value.IsInt()) return TypeError(value, dtype);
      tensor->add_int_val(value.GetInt());
      return absl::OkStatus();
    case tensorflow::DT_STRING:
      if (!value.IsString()) return TypeError(value, dtype);
      tensor->add_string_val(value.GetString(), value.GetStringLength());
      return absl::OkStatus();
    case tensorflow::DT_INT64:
      if (!value.IsInt64()) return TypeError(value, dtype);
      tensor->add_int64_val(value.GetInt64());
      return absl::OkStatus();
    case tensorflow::DT_BOOL:
      if (!value.IsBool()) return TypeError(value, dtype);
      tensor->add_bool_val(value.GetBool());
      return absl::OkStatus();
    case tensorflow::DT_UINT32:
      if (!value.IsUint()) return TypeError(value, dtype);
      tensor->add_uint32_val(value.GetUint());
      return absl::OkStatus();
    case tensorflow::DT_UINT64:
      if (!value.IsUint64()) return TypeError(value, dtype);
      tensor->add_uint64_val(value.GetUint64());
      return absl::OkStatus();
    default:
      return absl::UnimplementedError(absl::StrCat(
          "Conversion of JSON Value: ", JsonValueToString(value), " to type: ", TfTypeName(dtype)));
  }
}

// The dense shape a JSON value implies, following the first element at every level.
TensorShapeProto DenseShapeOf(const Value& value) {
  TensorShapeProto shape;
  for (const Value* v = &value; v->IsArray(); v = &(*v)[0]) {
    shape.add_dim()->set_size(v->Size());
    if (v->Size() == 0) break;
  }
  return shape;
}

std::string ShapeString(const TensorShapeProto& shape) {
  if (shape.unknown_rank()) return "[?]";
  return absl::StrCat(
      "[",
      absl::StrJoin(shape.dim(), ",",
                    [](std::string* out, const auto& dim) { absl::StrAppend(out, dim.size()); }),
      "]");
}

bool SameShape(const TensorShapeProto& a, const TensorShapeProto& b) {
  if (a.unknown_rank() || b.unknown_rank() || a.dim_size() != b.dim_size()) return false;
  for (int i = 0; i < a.dim_size(); ++i) {
    if (a.dim(i).size() != b.dim(i).size()) return false;
  }
  return true;
}

// Makes room for `n` values of `dtype` in `tensor`, so that large bodies do not grow the
// repeated field by doubling. `n` comes from the body's own shape (already parsed, so it
// cannot exceed what the body holds).
void ReserveValues(DataType dtype, int64_t n, TensorProto* tensor) {
  const int size = static_cast<int>(std::min<int64_t>(n, std::numeric_limits<int>::max()));
  switch (dtype) {
    case tensorflow::DT_FLOAT:
      tensor->mutable_float_val()->Reserve(size);
      break;
    case tensorflow::DT_DOUBLE:
      tensor->mutable_double_val()->Reserve(size);
      break;
    case tensorflow::DT_INT32:
      tensor->mutable_int_val()->Reserve(size);
      break;
    default:
      break;
  }
}

// Appends the values of `value` (the part of a dense tensor at depth `level`) to `tensor`,
// whose shape is already set. Recursion is bounded by kMaxJsonDepth.
absl::Status FillTensorProto(const Value& value, int level, DataType dtype, int64_t* count,
                             TensorProto* tensor) {
  const int rank = tensor->tensor_shape().dim_size();
  if (!value.IsArray()) {
    // In a dense tensor every scalar sits at depth == rank.
    if (level != rank) {
      return absl::InvalidArgumentError(absl::StrCat(
          "JSON Value: ", JsonValueToString(value), " found at incorrect level: ", level + 1,
          " in the JSON DOM. Expected at level: ", rank));
    }
    absl::Status status;
    if (value.IsObject()) {
      status = dtype == tensorflow::DT_STRING ? DecodeBase64Object(value, tensor->add_string_val())
                                              : TypeError(value, dtype);
    } else {
      status = AddValueToTensor(value, dtype, tensor);
    }
    if (status.ok()) ++*count;
    return status;
  }
  if (level >= rank) {
    return absl::InvalidArgumentError(
        absl::StrCat("Encountered list at unexpected level: ", level, " expected < ", rank));
  }
  const int64_t expected = tensor->tensor_shape().dim(level).size();
  if (static_cast<int64_t>(value.Size()) != expected) {
    return absl::InvalidArgumentError(
        absl::StrCat("Encountered list at unexpected size: ", value.Size(), " at level: ", level,
                     " expected size: ", expected));
  }
  if (dtype == tensorflow::DT_FLOAT && level + 1 == rank) {
    // The innermost list of a float tensor (most of a large body) in one tight loop; anything
    // that is not a float-sized number takes the general path for its exact error.
    google::protobuf::RepeatedField<float>* values = tensor->mutable_float_val();
    for (const Value& element : value.GetArray()) {
      if (element.IsNumber() && IsLosslessDecimal<float>(element)) {
        values->Add(element.GetFloat());
        ++*count;
      } else {
        RETURN_IF_ERROR(FillTensorProto(element, level + 1, dtype, count, tensor));
      }
    }
    return absl::OkStatus();
  }
  for (const Value& element : value.GetArray()) {
    RETURN_IF_ERROR(FillTensorProto(element, level + 1, dtype, count, tensor));
  }
  return absl::OkStatus();
}

// Per-input size and shape of the first row, which every later row must match.
struct RowShapes {
  std::map<std::string, int64_t> sizes;
  std::map<std::string, TensorShapeProto> shapes;
};

// Appends one row's value for input `name` to its tensor.
absl::Status AddInstanceItem(const Value& item, const std::string& name, const TensorInfoMap& infos,
                             RowShapes* rows, TensorProtoMap* tensors) {
  const auto info = infos.find(name);
  if (info == infos.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON object: does not have named input: ", name));
  }
  TensorProto& tensor = (*tensors)[name];
  *tensor.mutable_tensor_shape() = DenseShapeOf(item);
  int64_t size = 0;
  RETURN_IF_ERROR(FillTensorProto(item, 0, info->second.dtype(), &size, &tensor));
  const auto known = rows->sizes.find(name);
  if (known == rows->sizes.end()) {
    rows->sizes[name] = size;
    rows->shapes[name] = tensor.tensor_shape();
  } else if (known->second != size) {
    return absl::InvalidArgumentError(
        absl::StrCat("Expecting tensor size: ", known->second, " but got: ", size));
  } else if (!SameShape(rows->shapes[name], tensor.tensor_shape())) {
    return absl::InvalidArgumentError(
        absl::StrCat("Expecting shape ", ShapeString(rows->shapes[name]),
                     " but got: ", ShapeString(tensor.tensor_shape())));
  }
  return absl::OkStatus();
}

bool IsRowObject(const Value& value) { return value.IsObject() && !IsBase64Object(value); }

absl::Status AddObjectRow(const Value& row, int64_t index, const TensorInfoMap& infos,
                          RowShapes* rows, TensorProtoMap* tensors) {
  std::set<std::string> keys;
  for (const auto& member : row.GetObject()) {
    const std::string name(member.name.GetString(), member.name.GetStringLength());
    keys.insert(name);
    const absl::Status status = AddInstanceItem(member.value, name, infos, rows, tensors);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Failed to process element: ", index, " key: ", name,
                       " of 'instances' list. Error: ", status.ToString()));
    }
  }
  std::set<std::string> names;
  for (const auto& [name, info] : infos) names.insert(name);
  if (keys != names) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Failed to process element: ", index, " of 'instances' list. JSON object: ",
        JsonValueToString(row), " keys must be equal to: ", absl::StrJoin(names, ",")));
  }
  return absl::OkStatus();
}

// Stacks the rows' tensors along a new dim 0.
void SetBatchedShapes(int64_t count, const TensorInfoMap& infos, const RowShapes& rows,
                      TensorProtoMap* tensors) {
  for (auto& [name, tensor] : *tensors) {
    tensor.set_dtype(infos.at(name).dtype());
    TensorShapeProto* shape = tensor.mutable_tensor_shape();
    shape->Clear();
    shape->add_dim()->set_size(count);
    for (const auto& dim : rows.shapes.at(name).dim()) shape->add_dim()->set_size(dim.size());
  }
}

absl::Status RowError(int64_t index, const absl::Status& status) {
  return absl::InvalidArgumentError(absl::StrCat(
      "Failed to process element: ", index, " of 'instances' list. Error: ", status.ToString()));
}

// Rows of the single input. Each row is filled against the first row's shape, which checks
// it is dense and of that shape in one pass (no per-row lookups: a batch may have a million
// scalar rows). A row that does not fit is re-run the TF Serving way for its exact message.
absl::Status FillFromPlainRows(const Value& instances, const TensorInfoMap& infos,
                               TensorProtoMap* tensors) {
  const auto& [name, info] = *infos.begin();
  RowShapes rows;
  TensorProto& tensor = (*tensors)[name];
  int64_t count = 0;
  for (const Value& row : instances.GetArray()) {
    if (IsRowObject(row)) {
      return absl::InvalidArgumentError(
          absl::StrCat("Expecting value/list but got object at item ", count, " of input list"));
    }
    if (count == 0) {
      const absl::Status status = AddInstanceItem(row, name, infos, &rows, tensors);
      if (!status.ok()) return RowError(count, status);
      ReserveValues(info.dtype(), rows.sizes.at(name) * instances.Size(), &tensor);
    } else {
      int64_t values = 0;
      const int64_t expected = rows.sizes.at(name);
      if (!FillTensorProto(row, 0, info.dtype(), &values, &tensor).ok() || values != expected) {
        TensorProtoMap scratch;
        absl::Status status = AddInstanceItem(row, name, infos, &rows, &scratch);
        if (status.ok()) status = absl::InvalidArgumentError("Row does not match row 0");
        return RowError(count, status);
      }
    }
    ++count;
  }
  SetBatchedShapes(count, infos, rows, tensors);
  return absl::OkStatus();
}

// Row format: each element of `instances` is one batch row (a value, or an object of named
// values when the signature has several inputs); rows are stacked along a new dim 0.
absl::Status FillFromInstances(const Value& instances, const TensorInfoMap& infos,
                               TensorProtoMap* tensors) {
  const bool objects = IsRowObject(instances[0]);
  if (!objects && infos.size() > 1) {
    return absl::InvalidArgumentError(
        "instances is a plain list, but expecting list of objects as multiple input tensors "
        "required as per tensorinfo_map");
  }
  tensors->clear();
  if (!objects) return FillFromPlainRows(instances, infos, tensors);
  RowShapes rows;
  int64_t count = 0;
  for (const Value& row : instances.GetArray()) {
    if (!IsRowObject(row)) {
      return absl::InvalidArgumentError(
          absl::StrCat("Expecting object but got list at item ", count, " of input list"));
    }
    RETURN_IF_ERROR(AddObjectRow(row, count, infos, &rows, tensors));
    ++count;
  }
  SetBatchedShapes(count, infos, rows, tensors);
  return absl::OkStatus();
}

// Columnar format: `inputs` is the single input's tensor, or an object naming every input.
absl::Status FillFromInputs(const Value& inputs, const TensorInfoMap& infos,
                            TensorProtoMap* tensors) {
  if (!inputs.IsObject() || IsBase64Object(inputs)) {
    if (infos.size() > 1) {
      return absl::InvalidArgumentError(
          "inputs is a plain value/list, but expecting an object as multiple input tensors "
          "required as per tensorinfo_map");
    }
    const auto& [name, info] = *infos.begin();
    return JsonValueToTensorProto(inputs, info.dtype(), &(*tensors)[name]);
  }
  for (const auto& [name, info] : infos) {
    const auto item =
        inputs.FindMember(rapidjson::Value(rapidjson::StringRef(name.data(), name.size())));
    if (item == inputs.MemberEnd()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Missing named input: ", name, " in 'inputs' object."));
    }
    RETURN_IF_ERROR(JsonValueToTensorProto(item->value, info.dtype(), &(*tensors)[name]));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status JsonValueToTensorProto(const rapidjson::Value& value, DataType dtype,
                                    TensorProto* tensor) {
  tensor->Clear();
  tensor->set_dtype(dtype);
  *tensor->mutable_tensor_shape() = DenseShapeOf(value);
  int64_t unused_count = 0;
  return FillTensorProto(value, 0, dtype, &unused_count, tensor);
}

absl::Status FillPredictRequestFromJson(absl::string_view json, const InputInfoLookup& lookup,
                                        tensorflow::serving::PredictRequest* request,
                                        JsonPredictFormat* format) {
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseJsonObject(json, &doc));
  RETURN_IF_ERROR(FillSignatureName(doc, request->mutable_model_spec()));
  const std::string& signature = request->model_spec().signature_name();
  ASSIGN_OR_RETURN(const TensorInfoMap infos, lookup(signature));
  if (infos.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("Failed to get input map for signature: ",
                                                   signature.empty() ? "DEFAULT" : signature));
  }
  const auto instances = doc.FindMember(kInstancesKey);
  const auto inputs = doc.FindMember(kInputsKey);
  if (instances != doc.MemberEnd() && inputs != doc.MemberEnd()) {
    return JsonFormatError(doc,
                           "Not formatted correctly expecting only one of 'inputs' or "
                           "'instances' keys to exist");
  }
  if (instances != doc.MemberEnd()) {
    if (!instances->value.IsArray()) {
      return JsonFormatError(doc, "Expecting 'instances' to be an list/array");
    }
    if (instances->value.Empty()) return JsonFormatError(doc, "No values in 'instances' array");
    *format = JsonPredictFormat::kRow;
    return FillFromInstances(instances->value, infos, request->mutable_inputs());
  }
  if (inputs != doc.MemberEnd()) {
    *format = JsonPredictFormat::kColumnar;
    return FillFromInputs(inputs->value, infos, request->mutable_inputs());
  }
  return absl::InvalidArgumentError("Missing 'inputs' or 'instances' key");
}

}  // namespace savedserve
