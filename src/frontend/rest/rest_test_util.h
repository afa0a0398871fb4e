// Test fixtures for the REST handler and server: a ServerCore fake that serves
// testing::FakeHalfPlusTwo models (y = a*x + 2) by name, version and label, with TF Serving's
// lookup and status messages; and a bundle of the serving objects a handler needs.
// Header-only; tests only. The fake is immutable once built, so safe for concurrent use.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "frontend/rest/rest_handler.h"
#include "serving/metrics.h"
#include "serving/prediction_services.h"
#include "serving/server_core.h"
#include "test_util/fake_half_plus_two.h"

namespace savedserve {

class FakeServerCore : public ServerCore {
 public:
  void Add(const std::string& name, int64_t version, float a = 0.5f) {
    models_[name][version] = std::make_shared<const Servable>(
        ServableId{name, version}, "/fake", std::make_unique<testing::FakeHalfPlusTwo>(a));
  }
  void Label(const std::string& label, int64_t version) { labels_[label] = version; }
  void SetAvailable(bool available) { available_ = available; }
  // Makes every servable lookup (so every predict/classify/regress) take this long.
  void SetLookupDelay(absl::Duration delay) { delay_ms_ = absl::ToInt64Milliseconds(delay); }
  // Servable lookups started so far (a request being handled has started one).
  int lookups() const { return lookups_.load(); }
  // Waits until a lookup has started after `before` had been seen.
  void AwaitLookupAfter(int before) const {
    while (lookups_.load() <= before) absl::SleepFor(absl::Milliseconds(1));
  }

  absl::StatusOr<ServableHandle> GetServableHandle(
      const tensorflow::serving::ModelSpec& spec) const override {
    ++lookups_;
    if (const int64_t ms = delay_ms_.load(); ms > 0) absl::SleepFor(absl::Milliseconds(ms));
    const auto model = models_.find(spec.name());
    if (spec.has_version()) {
      if (model == models_.end() || !model->second.contains(spec.version().value())) {
        return absl::NotFoundError(absl::StrCat("Servable not found for request: Specific(",
                                                spec.name(), ", ", spec.version().value(), ")"));
      }
      return model->second.at(spec.version().value());
    }
    if (!spec.version_label().empty()) {
      const auto label = labels_.find(spec.version_label());
      if (label == labels_.end() || model == models_.end()) {
        return absl::InvalidArgumentError("Unrecognized servable version label: " +
                                          spec.version_label());
      }
      return model->second.at(label->second);
    }
    if (model == models_.end()) {
      return absl::NotFoundError("Servable not found for request: Latest(" + spec.name() + ")");
    }
    return model->second.rbegin()->second;
  }

  absl::Status GetModelStatus(
      const tensorflow::serving::GetModelStatusRequest& request,
      tensorflow::serving::GetModelStatusResponse* response) const override {
    const auto model = models_.find(request.model_spec().name());
    if (model == models_.end()) {
      return absl::NotFoundError("Could not find any versions of model " +
                                 request.model_spec().name());
    }
    for (const auto& [version, handle] : model->second) {
      if (request.model_spec().has_version() && request.model_spec().version().value() != version) {
        continue;
      }
      auto* status = response->add_model_version_status();
      status->set_version(version);
      status->set_state(tensorflow::serving::ModelVersionStatus::AVAILABLE);
      status->mutable_status();
    }
    if (response->model_version_status().empty()) {
      return absl::NotFoundError(absl::StrCat("Could not find version ",
                                              request.model_spec().version().value(), " of model ",
                                              request.model_spec().name()));
    }
    return absl::OkStatus();
  }

  absl::Status ReloadConfig(const tensorflow::serving::ModelServerConfig&) override {
    return absl::UnimplementedError("fake");
  }
  tensorflow::serving::ModelServerConfig config() const override { return {}; }
  void PollOnce() override {}
  bool AllModelsAvailable() const override { return available_; }
  void Shutdown() override {}

 private:
  std::map<std::string, std::map<int64_t, ServableHandle>> models_;
  std::map<std::string, int64_t> labels_;
  std::atomic<bool> available_{true};
  std::atomic<int64_t> delay_ms_{0};
  mutable std::atomic<int> lookups_{0};
};

// "half_plus_two" versions 123 (y = 0.5x + 2) and 124 (y = 1.5x + 2), label "stable" -> 123.
struct FakeServing {
  FakeServing() {
    core.Add("half_plus_two", 123, 0.5f);
    core.Add("half_plus_two", 124, 1.5f);
    core.Label("stable", 123);
  }
  RestBackends backends() { return RestBackends{&services, &core, &metrics}; }

  FakeServerCore core;
  Metrics metrics;
  PredictionServices services{&core, &metrics};
};

}  // namespace savedserve
