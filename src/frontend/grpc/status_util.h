// The one conversion from absl::Status to grpc::Status. absl's codes are gRPC's, so codes map
// one to one; as in TF Serving, messages longer than 1024 bytes are cut and marked
// "...TRUNCATED" so an error never exceeds gRPC's metadata limits. Pure function.
#pragma once

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace savedserve {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace savedserve
