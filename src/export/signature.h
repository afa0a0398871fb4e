// Signature helpers and TensorFlow's SavedModel/TF Serving constants, the C++ counterparts
// of tf.compat.v1.saved_model.{build_tensor_info, predict_signature_def,
// classification_signature_def, regression_signature_def, is_valid_signature}.
// Pure functions; safe for concurrent use.
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "tensor/dtype.h"
#include "tensor/shape.h"
#include "tensorflow/core/protobuf/meta_graph.pb.h"

namespace savedserve {

// Tags.
inline constexpr char kServeTag[] = "serve";
inline constexpr char kTrainTag[] = "train";
inline constexpr char kGpuTag[] = "gpu";
inline constexpr char kTpuTag[] = "tpu";
// Signature keys and method names.
inline constexpr char kDefaultServingSignatureDefKey[] = "serving_default";
inline constexpr char kPredictMethodName[] = "tensorflow/serving/predict";
inline constexpr char kClassifyMethodName[] = "tensorflow/serving/classify";
inline constexpr char kRegressMethodName[] = "tensorflow/serving/regress";
// Fixed input/output aliases of classify and regress signatures.
inline constexpr char kClassifyInputs[] = "inputs";
inline constexpr char kClassifyOutputClasses[] = "classes";
inline constexpr char kClassifyOutputScores[] = "scores";
inline constexpr char kRegressInputs[] = "inputs";
inline constexpr char kRegressOutputs[] = "outputs";
inline constexpr char kPredictInputs[] = "inputs";
inline constexpr char kPredictOutputs[] = "outputs";

// A TensorInfo naming `tensor_name` ("node:0"; ":0" is added when missing).
tensorflow::TensorInfo BuildTensorInfo(const std::string& tensor_name, DataType dtype,
                                       const PartialShape& shape);

using TensorInfoMap = std::map<std::string, tensorflow::TensorInfo>;

// REQUIRES nothing; validity is checked by IsValidSignature, as in TensorFlow, where these
// builders raise on empty maps.
absl::StatusOr<tensorflow::SignatureDef> PredictSignatureDef(const TensorInfoMap& inputs,
                                                             const TensorInfoMap& outputs);
// `examples` must be DT_STRING (serialized tf.Example); at least one of classes (DT_STRING)
// and scores (DT_FLOAT) must be given (pass nullptr for an absent one).
absl::StatusOr<tensorflow::SignatureDef> ClassificationSignatureDef(
    const tensorflow::TensorInfo& examples, const tensorflow::TensorInfo* classes,
    const tensorflow::TensorInfo* scores);
absl::StatusOr<tensorflow::SignatureDef> RegressionSignatureDef(
    const tensorflow::TensorInfo& examples, const tensorflow::TensorInfo& predictions);

// TF's rules: predict needs >= 1 input and output; classify needs one DT_STRING `inputs` and
// `classes` (DT_STRING) and/or `scores` (DT_FLOAT); regress needs DT_STRING `inputs` and
// DT_FLOAT `outputs`. Any other method name is not valid (as in TensorFlow).
bool IsValidSignature(const tensorflow::SignatureDef& signature);
// Same check, saying what is wrong.
absl::Status ValidateSignature(const std::string& key, const tensorflow::SignatureDef& signature);

// "predict" | "classify" | "regress" or a full method name -> the full method name.
absl::StatusOr<std::string> ParseMethodName(const std::string& name);

}  // namespace savedserve
