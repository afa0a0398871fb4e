// The SignatureDefMap inside a GetModelMetadata response (metadata["signature_def"], an Any),
// shared by the gRPC and REST clients. Pure function; safe for concurrent use.
#pragma once

#include "absl/status/statusor.h"
#include "tensorflow_serving/apis/get_model_metadata.pb.h"

namespace savedserve {

// DataLoss when the response holds no SignatureDefMap.
inline absl::StatusOr<tensorflow::serving::SignatureDefMap> UnpackSignatureDefs(
    const tensorflow::serving::GetModelMetadataResponse& response) {
  tensorflow::serving::SignatureDefMap map;
  auto it = response.metadata().find("signature_def");
  if (it == response.metadata().end() || !it->second.UnpackTo(&map)) {
    return absl::DataLossError("GetModelMetadata response has no SignatureDefMap");
  }
  return map;
}

}  // namespace savedserve
