#include "export/signature.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status.h"

namespace savedserve {
namespace {

using tensorflow::DT_FLOAT;
using tensorflow::DT_STRING;

// Keys of `map` as "{a, b}" for messages.
template <typename Map>
std::string KeyList(const Map& map) {
  std::string out = "{";
  for (const auto& [key, unused] : map) absl::StrAppend(&out, out.size() > 1 ? ", " : "", key);
  return out + "}";
}

absl::Status Invalid(const std::string& key, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("signature '", key, "' is not valid: ", why));
}

absl::Status CheckOnlyKey(const std::string& key, absl::string_view what,
                          const google::protobuf::Map<std::string, tensorflow::TensorInfo>& map,
                          const std::string& alias, DataType dtype) {
  if (map.size() != 1 || !map.contains(alias)) {
    return Invalid(key, absl::StrCat(what, " must be exactly {", alias, "}, got ", KeyList(map)));
  }
  if (map.at(alias).dtype() != dtype) {
    return Invalid(key, absl::StrCat(what, " '", alias, "' must be ", DataTypeName(dtype)));
  }
  return absl::OkStatus();
}

absl::Status ValidateClassify(const std::string& key, const tensorflow::SignatureDef& sig) {
  RETURN_IF_ERROR(CheckOnlyKey(key, "inputs", sig.inputs(), kClassifyInputs, DT_STRING));
  if (sig.outputs().empty()) return Invalid(key, "it has no outputs");
  for (const auto& [alias, info] : sig.outputs()) {
    if (alias == kClassifyOutputClasses && info.dtype() != DT_STRING) {
      return Invalid(key, "output 'classes' must be DT_STRING");
    }
    if (alias == kClassifyOutputScores && info.dtype() != DT_FLOAT) {
      return Invalid(key, "output 'scores' must be DT_FLOAT");
    }
    if (alias != kClassifyOutputClasses && alias != kClassifyOutputScores) {
      return Invalid(key, absl::StrCat("classify outputs may only be 'classes' and 'scores', got '",
                                       alias, "'"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

tensorflow::TensorInfo BuildTensorInfo(const std::string& tensor_name, DataType dtype,
                                       const PartialShape& shape) {
  tensorflow::TensorInfo info;
  info.set_name(absl::StrContains(tensor_name, ':') ? tensor_name
                                                    : absl::StrCat(tensor_name, ":0"));
  info.set_dtype(dtype);
  shape.ToProto(info.mutable_tensor_shape());
  return info;
}

absl::StatusOr<tensorflow::SignatureDef> PredictSignatureDef(const TensorInfoMap& inputs,
                                                             const TensorInfoMap& outputs) {
  if (inputs.empty()) return absl::InvalidArgumentError("predict signature needs inputs");
  if (outputs.empty()) return absl::InvalidArgumentError("predict signature needs outputs");
  tensorflow::SignatureDef sig;
  sig.set_method_name(kPredictMethodName);
  for (const auto& [alias, info] : inputs) (*sig.mutable_inputs())[alias] = info;
  for (const auto& [alias, info] : outputs) (*sig.mutable_outputs())[alias] = info;
  return sig;
}

absl::StatusOr<tensorflow::SignatureDef> ClassificationSignatureDef(
    const tensorflow::TensorInfo& examples, const tensorflow::TensorInfo* classes,
    const tensorflow::TensorInfo* scores) {
  tensorflow::SignatureDef sig;
  sig.set_method_name(kClassifyMethodName);
  (*sig.mutable_inputs())[kClassifyInputs] = examples;
  if (classes != nullptr) (*sig.mutable_outputs())[kClassifyOutputClasses] = *classes;
  if (scores != nullptr) (*sig.mutable_outputs())[kClassifyOutputScores] = *scores;
  RETURN_IF_ERROR(ValidateSignature("classification", sig));
  return sig;
}

absl::StatusOr<tensorflow::SignatureDef> RegressionSignatureDef(
    const tensorflow::TensorInfo& examples, const tensorflow::TensorInfo& predictions) {
  tensorflow::SignatureDef sig;
  sig.set_method_name(kRegressMethodName);
  (*sig.mutable_inputs())[kRegressInputs] = examples;
  (*sig.mutable_outputs())[kRegressOutputs] = predictions;
  RETURN_IF_ERROR(ValidateSignature("regression", sig));
  return sig;
}

absl::Status ValidateSignature(const std::string& key, const tensorflow::SignatureDef& sig) {
  const std::string& method = sig.method_name();
  if (method == kPredictMethodName) {
    if (sig.inputs().empty()) return Invalid(key, "a predict signature needs inputs");
    if (sig.outputs().empty()) return Invalid(key, "a predict signature needs outputs");
    return absl::OkStatus();
  }
  if (method == kClassifyMethodName) return ValidateClassify(key, sig);
  if (method == kRegressMethodName) {
    RETURN_IF_ERROR(CheckOnlyKey(key, "inputs", sig.inputs(), kRegressInputs, DT_STRING));
    return CheckOnlyKey(key, "outputs", sig.outputs(), kRegressOutputs, DT_FLOAT);
  }
  return Invalid(key, absl::StrCat("unknown method name '", method, "'"));
}

bool IsValidSignature(const tensorflow::SignatureDef& signature) {
  return ValidateSignature("", signature).ok();
}

absl::StatusOr<std::string> ParseMethodName(const std::string& name) {
  if (name == "predict" || name == kPredictMethodName) return std::string(kPredictMethodName);
  if (name == "classify" || name == kClassifyMethodName) return std::string(kClassifyMethodName);
  if (name == "regress" || name == kRegressMethodName) return std::string(kRegressMethodName);
  return absl::InvalidArgumentError(
      absl::StrCat("unknown method '", name, "'; expected predict, classify or regress"));
}

}  // namespace savedserve
