// Predict, GetModelMetadata, ModelSpec resolution and warmup. Classify, Regress and
// MultiInference are in prediction_services_examples.cc.
#include "serving/prediction_services.h"

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "base/status.h"
#include "serving/prediction_services_internal.h"
#include "tensor/tensor.h"
#include "tensor/tensor_proto.h"

namespace savedserve {
namespace {

namespace tfs = tensorflow::serving;
using internal::FillModelSpec;
using internal::SignatureKey;
using internal::kClassifyMethodName;
using internal::kPredictMethodName;
using internal::kRegressMethodName;
using tensorflow::SignatureDef;

constexpr char kSignatureDefMetadataField[] = "signature_def";

// Keys of a proto map, sorted and joined by "," as TF Serving prints them in errors.
template <typename ProtoMap>
std::set<std::string> Keys(const ProtoMap& map) {
  std::set<std::string> keys;
  for (const auto& entry : map) keys.insert(entry.first);
  return keys;
}

std::set<std::string> Difference(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::set<std::string> out;
  for (const std::string& key : a) {
    if (!b.contains(key)) out.insert(key);
  }
  return out;
}

// TF Serving's checks, in its order and with its messages: the input count, then aliases the
// signature does not have, then signature inputs that are missing and have no default.
absl::Status ValidatePredictInputs(const SignatureDef& signature,
                                   const tfs::PredictRequest& request) {
  const std::set<std::string> sent = Keys(request.inputs());
  const std::set<std::string> expected = Keys(signature.inputs());
  if (sent.size() > expected.size() ||
      (sent.size() < expected.size() && signature.defaults().empty())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "input size does not match signature: ", sent.size(), "!=", expected.size(), " len({",
        absl::StrJoin(sent, ","), "}) != len({", absl::StrJoin(expected, ","), "}). Sent extra: {",
        absl::StrJoin(Difference(sent, expected), ","), "}. Missing but required: {",
        absl::StrJoin(Difference(expected, sent), ","), "}."));
  }
  const std::set<std::string> extra = Difference(sent, expected);
  if (!extra.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("input tensor alias not found in signature: ", *extra.begin(),
                     ". Inputs expected to be in the set {", absl::StrJoin(expected, ","), "}."));
  }
  for (const std::string& alias : Difference(expected, sent)) {
    if (signature.defaults().contains(alias)) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        "Signature input alias: ", alias, "(feed name: ", signature.inputs().at(alias).name(),
        ") not found in request and no default value provided. Inputs expected to be in the "
        "request {",
        absl::StrJoin(sent, ","),
        "}, or default input alias set: ", absl::StrJoin(Keys(signature.defaults()), ",")));
  }
  return absl::OkStatus();
}

// The aliases to fetch: the output_filter, checked, or every output of the signature.
absl::StatusOr<std::vector<std::string>> OutputAliases(const SignatureDef& signature,
                                                       const tfs::PredictRequest& request) {
  std::vector<std::string> aliases;
  std::set<std::string> seen;
  for (const std::string& alias : request.output_filter()) {
    if (!signature.outputs().contains(alias)) {
      return absl::InvalidArgumentError(
          absl::StrCat("output tensor alias not found in signature: ", alias,
                       " Outputs expected to be in the set {",
                       absl::StrJoin(Keys(signature.outputs()), ","), "}."));
    }
    if (!seen.insert(alias).second) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate output tensor alias: ", alias));
    }
    aliases.push_back(alias);
  }
  if (aliases.empty()) {
    for (const std::string& alias : Keys(signature.outputs())) aliases.push_back(alias);
  }
  return aliases;
}

absl::StatusOr<std::map<std::string, Tensor>> DecodeInputs(const tfs::PredictRequest& request) {
  std::map<std::string, Tensor> inputs;
  for (const auto& [alias, proto] : request.inputs()) {
    absl::StatusOr<Tensor> tensor = TensorFromProto(proto);
    if (!tensor.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("tensor parsing error: ", alias, ": ", tensor.status().message()));
    }
    inputs.emplace(alias, *std::move(tensor));
  }
  return inputs;
}

absl::Status CheckMetadataRequest(const tfs::GetModelMetadataRequest& request) {
  if (request.metadata_field_size() == 0) {
    return absl::InvalidArgumentError(
        "GetModelMetadataRequest must specify at least one metadata_field");
  }
  for (const std::string& field : request.metadata_field()) {
    if (field != kSignatureDefMetadataField) {
      return absl::InvalidArgumentError(
          absl::StrCat("Metadata field ", field, " is not supported"));
    }
  }
  return absl::OkStatus();
}

absl::Status MissingModelSpec() { return absl::InvalidArgumentError("Missing ModelSpec"); }

std::atomic<bool> method_name_check{false};

}  // namespace

void SetSignatureMethodNameCheck(bool enabled) { method_name_check.store(enabled); }
bool SignatureMethodNameCheck() { return method_name_check.load(); }

absl::Status CheckSignatureMethod(SignatureApi api, const std::string& method_name) {
  if (!SignatureMethodNameCheck()) return absl::OkStatus();
  if (api == SignatureApi::kPredict) {
    if (method_name == kPredictMethodName || method_name == kClassifyMethodName ||
        method_name == kRegressMethodName) {
      return absl::OkStatus();
    }
    return absl::InternalError(absl::StrCat(
        "Expected prediction signature method_name to be one of {", kPredictMethodName, ", ",
        kClassifyMethodName, ", ", kRegressMethodName, "}. Was: ", method_name));
  }
  const bool classify = api == SignatureApi::kClassify;
  const char* want = classify ? kClassifyMethodName : kRegressMethodName;
  if (method_name == want) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("Expected ",
                                                 classify ? "classification" : "regression",
                                                 " signature method_name to be ", want,
                                                 ". Was: ", method_name));
}

absl::Status PredictionServices::PredictOn(const Servable& servable,
                                           const tfs::PredictRequest& request,
                                           tfs::PredictResponse* response, int64_t* runtime_us) {
  const std::string key = SignatureKey(request.model_spec());
  const auto& signatures = servable.model().signatures();
  auto it = signatures.find(key);
  if (it == signatures.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("Serving signature key \"", key, "\" not found."));
  }
  const SignatureDef& signature = it->second;
  RETURN_IF_ERROR(CheckSignatureMethod(SignatureApi::kPredict, signature.method_name()));
  FillModelSpec(request.model_spec(), servable, response->mutable_model_spec());

  RETURN_IF_ERROR(ValidatePredictInputs(signature, request));
  ASSIGN_OR_RETURN(std::vector<std::string> aliases, OutputAliases(signature, request));
  ASSIGN_OR_RETURN(auto inputs, DecodeInputs(request));
  const std::vector<std::string> filter(request.output_filter().begin(),
                                        request.output_filter().end());
  const absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(auto outputs, servable.model().RunSignature(key, std::move(inputs), filter));
  if (runtime_us != nullptr) *runtime_us = absl::ToInt64Microseconds(absl::Now() - start);
  for (const std::string& alias : aliases) {
    auto out = outputs.find(alias);
    if (out == outputs.end()) return absl::UnknownError("Predict internal error");
    TensorToProto(out->second, &(*response->mutable_outputs())[alias],
                  ProtoEncoding::kTensorContent);
  }
  return absl::OkStatus();
}

// The map includes every signature of the MetaGraphDef, "__saved_model_init_op" too, as TF
// Serving returns it; the response's model_spec has the name and version, no signature.
absl::Status PredictionServices::GetModelMetadataOn(const Servable& servable,
                                                    const tfs::GetModelMetadataRequest& request,
                                                    tfs::GetModelMetadataResponse* response) {
  RETURN_IF_ERROR(CheckMetadataRequest(request));
  tfs::SignatureDefMap signature_def_map;
  for (const auto& [key, signature] : servable.model().meta_graph().signature_def()) {
    (*signature_def_map.mutable_signature_def())[key] = signature;
  }
  tfs::ModelSpec* spec = response->mutable_model_spec();
  spec->set_name(servable.id().name);
  spec->mutable_version()->set_value(servable.id().version);
  (*response->mutable_metadata())[kSignatureDefMetadataField].PackFrom(signature_def_map);
  return absl::OkStatus();
}

// ---- Resolving the ModelSpec first --------------------------------------------------------

absl::Status PredictionServices::Predict(const tfs::PredictRequest& request,
                                         tfs::PredictResponse* response) const {
  if (!request.has_model_spec()) return MissingModelSpec();
  ASSIGN_OR_RETURN(ServableHandle servable, core_->GetServableHandle(request.model_spec()));
  int64_t runtime_us = 0;
  RETURN_IF_ERROR(PredictOn(*servable, request, response, &runtime_us));
  if (metrics_ != nullptr) metrics_->RecordRuntime(servable->id().name, "predict", runtime_us);
  return absl::OkStatus();
}

absl::Status PredictionServices::Classify(const tfs::ClassificationRequest& request,
                                          tfs::ClassificationResponse* response) const {
  if (!request.has_model_spec()) return MissingModelSpec();
  ASSIGN_OR_RETURN(ServableHandle servable, core_->GetServableHandle(request.model_spec()));
  return ClassifyOn(*servable, request, response);
}

absl::Status PredictionServices::Regress(const tfs::RegressionRequest& request,
                                         tfs::RegressionResponse* response) const {
  if (!request.has_model_spec()) return MissingModelSpec();
  ASSIGN_OR_RETURN(ServableHandle servable, core_->GetServableHandle(request.model_spec()));
  return RegressOn(*servable, request, response);
}

// As TF Serving, the first task's ModelSpec picks the servable (an empty one when there is
// no task, which ServerCore rejects).
absl::Status PredictionServices::MultiInference(const tfs::MultiInferenceRequest& request,
                                                tfs::MultiInferenceResponse* response) const {
  const tfs::ModelSpec& spec =
      request.tasks_size() > 0 ? request.tasks(0).model_spec() : tfs::ModelSpec::default_instance();
  ASSIGN_OR_RETURN(ServableHandle servable, core_->GetServableHandle(spec));
  return MultiInferenceOn(*servable, request, response);
}

absl::Status PredictionServices::GetModelMetadata(const tfs::GetModelMetadataRequest& request,
                                                  tfs::GetModelMetadataResponse* response) const {
  if (!request.has_model_spec()) return MissingModelSpec();
  RETURN_IF_ERROR(CheckMetadataRequest(request));
  ASSIGN_OR_RETURN(ServableHandle servable, core_->GetServableHandle(request.model_spec()));
  return GetModelMetadataOn(*servable, request, response);
}

absl::Status RunWarmupRecord(const Servable& servable, const tfs::PredictionLog& record) {
  switch (record.log_type_case()) {
    case tfs::PredictionLog::kPredictLog: {
      tfs::PredictResponse response;
      return PredictionServices::PredictOn(servable, record.predict_log().request(), &response);
    }
    case tfs::PredictionLog::kClassifyLog: {
      tfs::ClassificationResponse response;
      return PredictionServices::ClassifyOn(servable, record.classify_log().request(), &response);
    }
    case tfs::PredictionLog::kRegressLog: {
      tfs::RegressionResponse response;
      return PredictionServices::RegressOn(servable, record.regress_log().request(), &response);
    }
    case tfs::PredictionLog::kMultiInferenceLog: {
      tfs::MultiInferenceResponse response;
      return PredictionServices::MultiInferenceOn(servable, record.multi_inference_log().request(),
                                                  &response);
    }
    case tfs::PredictionLog::kPredictStreamedLog:
      for (const tfs::PredictRequest& request : record.predict_streamed_log().request()) {
        tfs::PredictResponse response;
        RETURN_IF_ERROR(PredictionServices::PredictOn(servable, request, &response));
      }
      return absl::OkStatus();
    case tfs::PredictionLog::kSessionRunLog:
      return absl::UnimplementedError(absl::StrCat("Unsupported log_type for warmup: ",
                                                   static_cast<int>(record.log_type_case())));
    case tfs::PredictionLog::LOG_TYPE_NOT_SET:
      break;
  }
  return absl::OkStatus();
}

}  // namespace savedserve
