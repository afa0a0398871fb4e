// Internal to PredictionServices' .cc files: TF Serving's default-signature rule and its
// response ModelSpec. Pure functions.
#pragma once

#include <string>

#include "serving/servable.h"
#include "tensorflow_serving/apis/model.pb.h"

namespace savedserve::internal {

inline constexpr char kDefaultSignatureKey[] = "serving_default";
inline constexpr char kPredictMethodName[] = "tensorflow/serving/predict";
inline constexpr char kClassifyMethodName[] = "tensorflow/serving/classify";
inline constexpr char kRegressMethodName[] = "tensorflow/serving/regress";

inline std::string SignatureKey(const tensorflow::serving::ModelSpec& spec) {
  return spec.signature_name().empty() ? kDefaultSignatureKey : spec.signature_name();
}

// TF Serving's MakeModelSpec: the requested name, the signature key actually used and the
// version that served the request.
inline void FillModelSpec(const tensorflow::serving::ModelSpec& requested, const Servable& servable,
                          tensorflow::serving::ModelSpec* out) {
  out->Clear();
  out->set_name(requested.name());
  out->set_signature_name(SignatureKey(requested));
  out->mutable_version()->set_value(servable.id().version);
}

}  // namespace savedserve::internal
