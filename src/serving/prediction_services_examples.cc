// Classify, Regress and MultiInference: the handlers whose input is a batch of tf.Examples,
// fed serialized to the signature's "inputs" tensor, as TF Serving's classifier.cc,
// regressor.cc and multi_inference.cc do.
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "serving/prediction_services.h"
#include "serving/prediction_services_internal.h"
#include "tensor/dtype.h"
#include "tensor/tensor.h"

namespace savedserve {
namespace {

namespace tfs = tensorflow::serving;
using internal::FillModelSpec;
using internal::SignatureKey;
using internal::kClassifyMethodName;
using internal::kRegressMethodName;
using tensorflow::SignatureDef;

// Aliases that TF's classify and regress signatures use (signature_constants.h).
constexpr char kExamplesInputAlias[] = "inputs";
constexpr char kClassesOutputAlias[] = "classes";
constexpr char kScoresOutputAlias[] = "scores";
constexpr char kRegressOutputAlias[] = "outputs";

absl::StatusOr<const SignatureDef*> FindExampleSignature(const Servable& servable,
                                                         const tfs::ModelSpec& spec) {
  const std::string key = SignatureKey(spec);
  const auto& signatures = servable.model().signatures();
  auto it = signatures.find(key);
  if (it == signatures.end()) {
    return absl::InvalidArgumentError(absl::StrCat("No signature was found with the name: ", key));
  }
  return &it->second;
}

// TF Serving's PreProcessClassification (with the method-name check off, its default):
// one input "inputs", one or two outputs of which "classes" and/or "scores".
absl::Status CheckClassifySignature(const SignatureDef& signature, std::string* input_name,
                                    std::vector<std::string>* output_names) {
  if (signature.inputs().size() != 1) {
    return absl::InvalidArgumentError("Expected one input Tensor.");
  }
  if (signature.outputs().size() != 1 && signature.outputs().size() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("Expected one or two output Tensors, found ", signature.outputs().size()));
  }
  auto input = signature.inputs().find(kExamplesInputAlias);
  if (input == signature.inputs().end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "No classification inputs found in SignatureDef: ", signature.ShortDebugString()));
  }
  auto classes = signature.outputs().find(kClassesOutputAlias);
  auto scores = signature.outputs().find(kScoresOutputAlias);
  if (classes == signature.outputs().end() && scores == signature.outputs().end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Expected classification signature outputs to contain at least one of \"",
                     kClassesOutputAlias, "\" or \"", kScoresOutputAlias,
                     "\". Signature was: ", signature.ShortDebugString()));
  }
  *input_name = input->second.name();
  if (classes != signature.outputs().end()) output_names->push_back(classes->second.name());
  if (scores != signature.outputs().end()) output_names->push_back(scores->second.name());
  return absl::OkStatus();
}

// TF Serving's PreProcessRegression: one input "inputs" and one output "outputs".
absl::Status CheckRegressSignature(const SignatureDef& signature, std::string* input_name,
                                   std::vector<std::string>* output_names) {
  if (signature.inputs().size() != 1) {
    return absl::InvalidArgumentError("Expected one input Tensor.");
  }
  if (signature.outputs().size() != 1) {
    return absl::InvalidArgumentError("Expected one output Tensor.");
  }
  auto input = signature.inputs().find(kExamplesInputAlias);
  if (input == signature.inputs().end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("No regression inputs found in SignatureDef: ", signature.ShortDebugString()));
  }
  auto output = signature.outputs().find(kRegressOutputAlias);
  if (output == signature.outputs().end()) {
    return absl::InvalidArgumentError(absl::StrCat("No regression outputs found in SignatureDef: ",
                                                   signature.ShortDebugString()));
  }
  *input_name = input->second.name();
  output_names->push_back(output->second.name());
  return absl::OkStatus();
}

// The examples of `input` as a DT_STRING [N] tensor of serialized tf.Examples. With a
// context, each element is the serialized context followed by the serialized example: parsing
// the concatenation merges the two, the example's features winning, as in TF Serving.
absl::StatusOr<Tensor> SerializedExamples(const tfs::Input& input) {
  std::vector<std::string> serialized;
  if (input.has_example_list()) {
    for (const auto& example : input.example_list().examples()) {
      serialized.push_back(example.SerializeAsString());
    }
  } else if (input.has_example_list_with_context()) {
    const auto& list = input.example_list_with_context();
    const std::string context = list.context().SerializeAsString();
    for (const auto& example : list.examples()) {
      serialized.push_back(context + example.SerializeAsString());
    }
  }
  if (serialized.empty()) return absl::InvalidArgumentError("Input is empty.");
  Tensor tensor(tensorflow::DT_STRING, TensorShape({static_cast<int64_t>(serialized.size())}));
  std::string* out = tensor.data<std::string>();
  for (size_t i = 0; i < serialized.size(); ++i) out[i] = std::move(serialized[i]);
  return tensor;
}

// Feeds the examples to `input_name` and fetches `output_names` (TF Serving's
// PerformOneShotTensorComputation).
absl::StatusOr<std::vector<Tensor>> RunOnExamples(const Servable& servable, const tfs::Input& input,
                                                  const std::string& input_name,
                                                  const std::vector<std::string>& output_names,
                                                  int64_t* num_examples) {
  ASSIGN_OR_RETURN(Tensor examples, SerializedExamples(input));
  *num_examples = examples.shape().dim(0);
  return servable.model().Run({{input_name, examples}}, output_names, {});
}

const Tensor* FindOutput(const SignatureDef& signature, const char* alias,
                         const std::vector<std::string>& names,
                         const std::vector<Tensor>& tensors) {
  auto it = signature.outputs().find(alias);
  if (it == signature.outputs().end()) return nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == it->second.name()) return &tensors[i];
  }
  return nullptr;
}

absl::Status CheckClassOutput(const Tensor& t, const char* what, DataType dtype,
                              int64_t num_examples) {
  if (t.shape().rank() != 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected Tensor shape: [batch_size num_classes] but got ", t.shape().DebugString()));
  }
  if (t.dtype() != dtype) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected ", what, " Tensor of ", DataTypeName(dtype), ". Got: ", DataTypeName(t.dtype())));
  }
  if (t.shape().dim(0) != num_examples) {
    return absl::InvalidArgumentError(absl::StrCat("Expected ", what, " output batch size of ",
                                                   num_examples, ". Got: ", t.shape().dim(0)));
  }
  return absl::OkStatus();
}

// TF Serving's PostProcessClassificationResult.
absl::Status ToClassificationResult(const SignatureDef& signature, int64_t num_examples,
                                    const std::vector<std::string>& names,
                                    const std::vector<Tensor>& tensors,
                                    tfs::ClassificationResult* result) {
  if (tensors.size() != names.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Expected ", names.size(), " output tensor(s).  Got: ", tensors.size()));
  }
  const Tensor* classes = FindOutput(signature, kClassesOutputAlias, names, tensors);
  const Tensor* scores = FindOutput(signature, kScoresOutputAlias, names, tensors);
  if (classes) {
    RETURN_IF_ERROR(CheckClassOutput(*classes, "classes", tensorflow::DT_STRING, num_examples));
  }
  if (scores) {
    RETURN_IF_ERROR(CheckClassOutput(*scores, "scores", tensorflow::DT_FLOAT, num_examples));
  }
  if (classes && scores && classes->shape().dim(1) != scores->shape().dim(1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("Tensors class and score should match in dim_size(1). Got ",
                     classes->shape().dim(1), " vs. ", scores->shape().dim(1)));
  }
  const int64_t num_classes =
      classes ? classes->shape().dim(1) : (scores ? scores->shape().dim(1) : 0);
  for (int64_t i = 0; i < num_examples; ++i) {
    tfs::Classifications* classifications = result->add_classifications();
    for (int64_t c = 0; c < num_classes; ++c) {
      tfs::Class* cls = classifications->add_classes();
      if (classes) cls->set_label(classes->data<std::string>()[i * num_classes + c]);
      if (scores) cls->set_score(scores->data<float>()[i * num_classes + c]);
    }
  }
  return absl::OkStatus();
}

// TF Serving's PostProcessRegressionResult.
absl::Status ToRegressionResult(const SignatureDef& signature, int64_t num_examples,
                                const std::vector<std::string>& names,
                                const std::vector<Tensor>& tensors, tfs::RegressionResult* result) {
  if (tensors.size() != names.size()) {
    return absl::InvalidArgumentError(
        "Expected output_tensors and output_tensor_names to have the same size.");
  }
  const Tensor* output = FindOutput(signature, kRegressOutputAlias, names, tensors);
  if (output == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Could not find output tensor '", signature.outputs().at(kRegressOutputAlias).name(), "'"));
  }
  const TensorShape& shape = output->shape();
  if (!(shape.rank() == 1 || (shape.rank() == 2 && shape.dim(1) == 1))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected output Tensor shape to be either [batch_size] or [batch_size, 1] but got ",
        shape.DebugString()));
  }
  if (shape.dim(0) != num_examples) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Input batch size did not match output batch size: ", num_examples, " vs. ", shape.dim(0)));
  }
  if (output->dtype() != tensorflow::DT_FLOAT) {
    return absl::InvalidArgumentError(
        absl::StrCat("Expected output Tensor of DT_FLOAT.  Got: ", DataTypeName(output->dtype())));
  }
  for (float value : output->flat<float>()) result->add_regressions()->set_value(value);
  return absl::OkStatus();
}

}  // namespace

absl::Status PredictionServices::ClassifyOn(const Servable& servable,
                                            const tfs::ClassificationRequest& request,
                                            tfs::ClassificationResponse* response) {
  ASSIGN_OR_RETURN(const SignatureDef* signature,
                   FindExampleSignature(servable, request.model_spec()));
  std::string input_name;
  std::vector<std::string> output_names;
  RETURN_IF_ERROR(CheckSignatureMethod(SignatureApi::kClassify, signature->method_name()));
  RETURN_IF_ERROR(CheckClassifySignature(*signature, &input_name, &output_names));
  FillModelSpec(request.model_spec(), servable, response->mutable_model_spec());
  int64_t num_examples = 0;
  ASSIGN_OR_RETURN(std::vector<Tensor> outputs, RunOnExamples(servable, request.input(), input_name,
                                                              output_names, &num_examples));
  return ToClassificationResult(*signature, num_examples, output_names, outputs,
                                response->mutable_result());
}

absl::Status PredictionServices::RegressOn(const Servable& servable,
                                           const tfs::RegressionRequest& request,
                                           tfs::RegressionResponse* response) {
  ASSIGN_OR_RETURN(const SignatureDef* signature,
                   FindExampleSignature(servable, request.model_spec()));
  std::string input_name;
  std::vector<std::string> output_names;
  RETURN_IF_ERROR(CheckSignatureMethod(SignatureApi::kRegress, signature->method_name()));
  RETURN_IF_ERROR(CheckRegressSignature(*signature, &input_name, &output_names));
  FillModelSpec(request.model_spec(), servable, response->mutable_model_spec());
  int64_t num_examples = 0;
  ASSIGN_OR_RETURN(std::vector<Tensor> outputs, RunOnExamples(servable, request.input(), input_name,
                                                              output_names, &num_examples));
  return ToRegressionResult(*signature, num_examples, output_names, outputs,
                            response->mutable_result());
}

// TF Serving's TensorFlowMultiInferenceRunner::Infer: every task names the same model and a
// distinct classify or regress signature reading the same input tensor; one run fetches the
// union of their outputs.
absl::Status PredictionServices::MultiInferenceOn(const Servable& servable,
                                                  const tfs::MultiInferenceRequest& request,
                                                  tfs::MultiInferenceResponse* response) {
  std::string model_name, input_name;
  std::set<std::string> keys, output_set;
  std::vector<const SignatureDef*> task_signatures;
  for (const tfs::InferenceTask& task : request.tasks()) {
    if (task.model_spec().name().empty()) {
      return absl::InvalidArgumentError("Found ModelSpec with an empty model name.");
    }
    if (model_name.empty()) model_name = task.model_spec().name();
    if (model_name != task.model_spec().name()) {
      return absl::InvalidArgumentError(
          "All ModelSpecs in a MultiInferenceRequest must access the same model name.");
    }
    const std::string key = SignatureKey(task.model_spec());
    if (!keys.insert(key).second) {
      return absl::InvalidArgumentError(absl::StrCat("Duplicate evaluation of signature: ", key));
    }
    auto it = servable.model().signatures().find(key);
    if (it == servable.model().signatures().end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Requested signature not found in model graph: ", key));
    }
    std::string task_input;
    std::vector<std::string> task_outputs;
    if (task.method_name() == kClassifyMethodName) {
      RETURN_IF_ERROR(CheckClassifySignature(it->second, &task_input, &task_outputs));
    } else if (task.method_name() == kRegressMethodName) {
      RETURN_IF_ERROR(CheckRegressSignature(it->second, &task_input, &task_outputs));
    } else {
      return absl::UnimplementedError(
          absl::StrCat("Unsupported signature method_name: ", task.method_name()));
    }
    if (input_name.empty()) input_name = task_input;
    if (input_name != task_input) {
      return absl::InvalidArgumentError("Input tensor must be the same for all Signatures.");
    }
    output_set.insert(task_outputs.begin(), task_outputs.end());
    task_signatures.push_back(&it->second);
  }
  const std::vector<std::string> output_names(output_set.begin(), output_set.end());
  int64_t num_examples = 0;
  ASSIGN_OR_RETURN(std::vector<Tensor> outputs, RunOnExamples(servable, request.input(), input_name,
                                                              output_names, &num_examples));
  for (int i = 0; i < request.tasks_size(); ++i) {
    const tfs::InferenceTask& task = request.tasks(i);
    tfs::InferenceResult* result = response->add_results();
    FillModelSpec(task.model_spec(), servable, result->mutable_model_spec());
    if (task.method_name() == kClassifyMethodName) {
      RETURN_IF_ERROR(ToClassificationResult(*task_signatures[i], num_examples, output_names,
                                             outputs, result->mutable_classification_result()));
    } else {
      RETURN_IF_ERROR(ToRegressionResult(*task_signatures[i], num_examples, output_names, outputs,
                                         result->mutable_regression_result()));
    }
  }
  return absl::OkStatus();
}

}  // namespace savedserve
