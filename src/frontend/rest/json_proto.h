// JSON bodies of TF Serving's REST model status and metadata APIs (docs: rest_api.md §4, §5),
// made with protobuf's JSON printer as TF Serving does: whitespace, default values printed,
// int64 as strings, enums by name. The metadata body unpacks the signature_def Any itself:
// {"model_spec": ..., "metadata": {"signature_def": <SignatureDefMap>}} with proto field
// names. The *FromJson functions are the client's inverse. Pure functions, safe for
// concurrent use.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tensorflow_serving/apis/get_model_metadata.pb.h"
#include "tensorflow_serving/apis/get_model_status.pb.h"

namespace savedserve {

// The metadata field name ("signature_def"), the only one supported.
inline constexpr char kSignatureDefField[] = "signature_def";

absl::StatusOr<std::string> ModelStatusToJson(
    const tensorflow::serving::GetModelStatusResponse& response);
// Fails (Internal) unless response.metadata has a "signature_def" SignatureDefMap.
absl::StatusOr<std::string> ModelMetadataToJson(
    const tensorflow::serving::GetModelMetadataResponse& response);

absl::StatusOr<tensorflow::serving::GetModelStatusResponse> ModelStatusFromJson(
    absl::string_view json);
// Packs the signature_def map back into metadata["signature_def"].
absl::StatusOr<tensorflow::serving::GetModelMetadataResponse> ModelMetadataFromJson(
    absl::string_view json);

}  // namespace savedserve
