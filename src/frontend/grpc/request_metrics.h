// Times one gRPC request and records it in Metrics when it goes out of scope, with the
// model from the request and the version that served it (from the response's model_spec,
// else the requested one, else 0). One thread at a time; `metrics` may be null.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "serving/metrics.h"
#include "tensorflow_serving/apis/model.pb.h"

namespace savedserve {

class GrpcRequestRecorder {
 public:
  GrpcRequestRecorder(Metrics* metrics, const char* api,
                      const tensorflow::serving::ModelSpec& requested)
      : metrics_(metrics), api_(api), requested_(requested), start_(absl::Now()) {}

  // Records `status` with the version in `served` (may be null) and returns it.
  absl::Status Done(const absl::Status& status, const tensorflow::serving::ModelSpec* served) {
    if (metrics_ == nullptr) return status;
    int64_t version = requested_.has_version() ? requested_.version().value() : 0;
    if (served != nullptr && served->has_version()) version = served->version().value();
    metrics_->RecordRequest(requested_.name(), version, api_, "grpc", status.code(),
                            absl::ToInt64Microseconds(absl::Now() - start_));
    return status;
  }

 private:
  Metrics* metrics_;
  const char* api_;
  const tensorflow::serving::ModelSpec& requested_;
  absl::Time start_;
};

}  // namespace savedserve
