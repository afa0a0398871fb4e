// JSON <-> protos for TF Serving's REST classify and regress APIs (docs: rest_api.md §3),
// server side: {"signature_name", "context", "examples"} becomes a tensorflow.serving.Input
// of tf.Examples (ExampleListWithContext when "context" is given, else ExampleList), and
// results become {"results": ...}. Error texts are TF Serving's. Pure functions, safe for
// concurrent use.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tensorflow_serving/apis/classification.pb.h"
#include "tensorflow_serving/apis/regression.pb.h"

namespace savedserve {

// Features: a JSON float -> float_list, an integer or bool -> int64_list, a string or
// {"b64": ...} -> bytes_list; a list of one kind -> a multi-valued feature. Fills
// request->input and, when given, model_spec.signature_name (model name/version untouched).
absl::Status FillClassificationRequestFromJson(absl::string_view json,
                                               tensorflow::serving::ClassificationRequest* request);
absl::Status FillRegressionRequestFromJson(absl::string_view json,
                                           tensorflow::serving::RegressionRequest* request);

// {"results": [[[label, score], ...], ...]}: one list of [label, score] pairs per example.
absl::StatusOr<std::string> MakeJsonFromClassificationResult(
    const tensorflow::serving::ClassificationResult& result);
// {"results": [value, ...]}: one number per example.
absl::StatusOr<std::string> MakeJsonFromRegressionResult(
    const tensorflow::serving::RegressionResult& result);

}  // namespace savedserve
