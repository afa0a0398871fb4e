// A servable is one loaded version of one model. Requests hold a ServableHandle (a
// shared_ptr) for as long as they use it, so unloading a version never pulls the model from
// under a request in flight: the model is destroyed when the last handle goes.
// Servable is immutable apart from its model's variables; safe for concurrent use.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "runtime/loaded_model.h"

namespace savedserve {

struct ServableId {
  std::string name;
  int64_t version = 0;
  std::string DebugString() const;  // "{name: half_plus_two version: 123}"
};

class Servable {
 public:
  Servable(ServableId id, std::string path, std::unique_ptr<LoadedModel> model)
      : id_(std::move(id)), path_(std::move(path)), model_(std::move(model)) {}
  const ServableId& id() const { return id_; }
  const std::string& path() const { return path_; }
  const LoadedModel& model() const { return *model_; }

 private:
  ServableId id_;
  std::string path_;
  std::unique_ptr<LoadedModel> model_;
};

using ServableHandle = std::shared_ptr<const Servable>;

// Loads one version from its directory. The server's default calls LoadedModel::Load and
// replays warmup requests; tests substitute fakes. Called from the manager's load step,
// never while a lock is held; may be slow.
using ServableLoader =
    std::function<absl::StatusOr<ServableHandle>(const ServableId& id, const std::string& path)>;

}  // namespace savedserve
