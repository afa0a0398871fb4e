// The REST client's half of the JSON codec, mirroring json_tensor and json_example: named
// tensors and tf.Example inputs become request bodies the server accepts; response bodies
// become tensors, classification/regression results and error messages. Pure functions,
// safe for concurrent use.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "frontend/rest/json_tensor.h"
#include "tensor/tensor.h"
#include "tensorflow_serving/apis/classification.pb.h"
#include "tensorflow_serving/apis/input.pb.h"
#include "tensorflow_serving/apis/regression.pb.h"

namespace savedserve {

// A predict body. kRow: {"instances": ...}, one element per row of dim 0 (objects when there
// are several inputs, which must then share dim 0). kColumnar: {"inputs": {name: tensor}},
// or {"inputs": tensor} for a single input named "". Strings that are not printable UTF-8,
// and every string of an input named "*_bytes", are sent as {"b64": ...}.
// `signature_name` is left out when empty.
absl::StatusOr<std::string> MakeJsonPredictRequest(const std::map<std::string, Tensor>& inputs,
                                                   JsonPredictFormat format,
                                                   absl::string_view signature_name = "");

// Tensors of a predict response, either layout. A dtype per output name may be given (from
// the signature's outputs); otherwise it is inferred: strings and {"b64"} -> DT_STRING (b64
// decoded), bools -> DT_BOOL, numbers -> DT_FLOAT if any has a fraction/exponent/NaN, else
// DT_INT64. A single output is unnamed in JSON: it is keyed by the only name in
// `output_dtypes`, or "" when that is not exactly one name.
absl::StatusOr<std::map<std::string, Tensor>> ParseJsonPredictResponse(
    absl::string_view json, const std::map<std::string, DataType>& output_dtypes = {});

// A classify/regress body from the examples of `input` (ExampleList or
// ExampleListWithContext): {"signature_name", "context", "examples"}.
absl::StatusOr<std::string> MakeJsonClassifyRegressRequest(const tensorflow::serving::Input& input,
                                                           absl::string_view signature_name = "");

absl::StatusOr<tensorflow::serving::ClassificationResult> ParseJsonClassificationResult(
    absl::string_view json);
absl::StatusOr<tensorflow::serving::RegressionResult> ParseJsonRegressionResult(
    absl::string_view json);

// The message of an {"error": "..."} body; nullopt if `json` is not such a body.
std::optional<std::string> ParseJsonErrorMessage(absl::string_view json);

}  // namespace savedserve
