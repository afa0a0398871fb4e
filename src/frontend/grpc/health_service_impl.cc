#include "frontend/grpc/health_service_impl.h"

#include "absl/time/time.h"

namespace savedserve {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

HealthServiceImpl::HealthServiceImpl()
    : services_({"", "tensorflow.serving.PredictionService", "tensorflow.serving.ModelService",
                 "grpc.health.v1.Health"}) {}

void HealthServiceImpl::SetNotServing() {
  absl::MutexLock lock(&mu_);
  serving_ = false;
}

HealthServiceImpl::ServingStatus HealthServiceImpl::StatusOf(const std::string& service) const {
  if (!services_.contains(service)) return HealthCheckResponse::SERVICE_UNKNOWN;
  return serving_ ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
}

grpc::Status HealthServiceImpl::Check(grpc::ServerContext* context,
                                      const HealthCheckRequest* request,
                                      HealthCheckResponse* response) {
  absl::MutexLock lock(&mu_);
  const ServingStatus status = StatusOf(request->service());
  if (status == HealthCheckResponse::SERVICE_UNKNOWN) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service: " + request->service());
  }
  response->set_status(status);
  return grpc::Status::OK;
}

// The sync API has no cancellation callback, so the wait wakes now and then to look at the
// context; a status change wakes it at once.
grpc::Status HealthServiceImpl::Watch(grpc::ServerContext* context,
                                      const HealthCheckRequest* request,
                                      grpc::ServerWriter<HealthCheckResponse>* writer) {
  constexpr absl::Duration kCancelCheckInterval = absl::Milliseconds(100);
  bool first = true;
  ServingStatus sent = HealthCheckResponse::UNKNOWN;
  while (!context->IsCancelled()) {
    ServingStatus current;
    bool stopping;
    {
      absl::MutexLock lock(&mu_);
      auto changed = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return first || !serving_ || StatusOf(request->service()) != sent;
      };
      mu_.AwaitWithTimeout(absl::Condition(&changed), kCancelCheckInterval);
      current = StatusOf(request->service());
      stopping = !serving_;
    }
    if (first || current != sent) {
      HealthCheckResponse response;
      response.set_status(current);
      if (!writer->Write(response)) break;
      sent = current;
      first = false;
    }
    if (stopping) return grpc::Status::OK;
  }
  return grpc::Status(grpc::StatusCode::CANCELLED, "watch cancelled");
}

}  // namespace savedserve
