// Test helpers for the serving layer: a fake LoadedModel that counts live instances, a
// scriptable fake loader, and version directories in a MemoryEnv.
// FakeLoader is safe for concurrent use.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "serving/servable.h"
#include "test_util/memory_env.h"

namespace savedserve {

// Fake models alive right now, across all loaders.
int LiveFakeModels();

// Loads Servables holding fake models. Failures are scripted per version.
class FakeLoader {
 public:
  // The next `times` loads of (model, version) fail with `error` (times < 0: always).
  void Fail(const std::string& model, int64_t version, absl::Status error, int times = -1);
  // Called at the start of every load, outside any manager lock.
  void OnLoad(std::function<void(const ServableId&)> hook);
  int Calls(const std::string& model, int64_t version) const;
  int TotalCalls() const;

  // A ServableLoader that calls this object, which must outlive it.
  ServableLoader AsLoader();

 private:
  absl::StatusOr<ServableHandle> Load(const ServableId& id, const std::string& path);

  mutable absl::Mutex mu_;
  std::map<std::pair<std::string, int64_t>, std::pair<absl::Status, int>> failures_
      ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, int64_t>, int> calls_ ABSL_GUARDED_BY(mu_);
  std::function<void(const ServableId&)> hook_ ABSL_GUARDED_BY(mu_);
};

// Makes <base>/<version> a directory (holding an empty saved_model.pb) in `env`.
void AddVersionDir(MemoryEnv& env, const std::string& base, int64_t version);
void RemoveVersionDir(MemoryEnv& env, const std::string& base, int64_t version);

}  // namespace savedserve
