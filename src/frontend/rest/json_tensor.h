// JSON <-> tensors for TF Serving's REST predict API (docs: rest_api.md §2 and §7), server
// side: a request body becomes PredictRequest inputs typed by the signature's TensorInfos;
// PredictResponse outputs become {"predictions": ...} (row) or {"outputs": ...} (columnar).
// Error texts are TF Serving's. Pure functions (no I/O), safe for concurrent use.
#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/map.h"
#include "tensorflow/core/framework/tensor.pb.h"
#include "tensorflow/core/protobuf/meta_graph.pb.h"
#include "tensorflow_serving/apis/predict.pb.h"

namespace savedserve {

// Which layout the request used; the response uses the same one.
enum class JsonPredictFormat {
  kRow,       // "instances" in, "predictions" out
  kColumnar,  // "inputs" in, "outputs" out
};

using TensorInfoMap = google::protobuf::Map<std::string, tensorflow::TensorInfo>;
using TensorProtoMap = google::protobuf::Map<std::string, tensorflow::TensorProto>;

// Returns the input TensorInfos of signature `signature_name` ("" means the default,
// serving_default), or an error such as `Serving signature name: "x" not found in signature
// def` or the servable lookup's NotFound.
using InputInfoLookup =
    std::function<absl::StatusOr<TensorInfoMap>(const std::string& signature_name)>;

// Parses a predict body into request->inputs (and model_spec.signature_name when given),
// converting every JSON value to its input's dtype. The signature's shapes are not checked
// (as in TF Serving). `format` tells which layout the body used.
absl::Status FillPredictRequestFromJson(absl::string_view json, const InputInfoLookup& lookup,
                                        tensorflow::serving::PredictRequest* request,
                                        JsonPredictFormat* format);

// Writes predict outputs in `format`. Floats use TF Serving's number writer; DT_STRING
// outputs whose name ends in "_bytes" print as {"b64": ...}. Row format needs every output
// to have rank >= 1 and the same first dimension.
absl::StatusOr<std::string> MakeJsonFromTensors(const TensorProtoMap& outputs,
                                                JsonPredictFormat format);

}  // namespace savedserve
