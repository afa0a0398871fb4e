// grpc.health.v1.Health for the model server, so stock probes (grpc_health_probe,
// Kubernetes gRPC probes) work. The server ("") and the services it hosts
// (tensorflow.serving.PredictionService, tensorflow.serving.ModelService,
// grpc.health.v1.Health) are SERVING until SetNotServing(), which the server calls when it
// starts shutting down; any other name is unknown (Check: NOT_FOUND; Watch: SERVICE_UNKNOWN).
// Watch streams end with OK after reporting NOT_SERVING, or when the client cancels.
// Safe for concurrent use.
#pragma once

#include <set>
#include <string>

#include "absl/synchronization/mutex.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace savedserve {

class HealthServiceImpl final : public grpc::health::v1::Health::Service {
 public:
  HealthServiceImpl();

  // Every known service becomes NOT_SERVING and every Watch stream ends. Idempotent.
  void SetNotServing();

  grpc::Status Check(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override;
  grpc::Status Watch(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>* writer) override;

 private:
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;
  ServingStatus StatusOf(const std::string& service) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::set<std::string> services_;
  mutable absl::Mutex mu_;
  bool serving_ ABSL_GUARDED_BY(mu_) = true;
};

}  // namespace savedserve
