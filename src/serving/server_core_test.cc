#include "serving/server_core.h"

#include <atomic>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "serving/metrics.h"
#include "serving/model_config.h"
#include "serving/serving_test_util.h"
#include "test_util/memory_env.h"

namespace savedserve {
namespace {

using tensorflow::serving::GetModelStatusRequest;
using tensorflow::serving::GetModelStatusResponse;
using tensorflow::serving::ModelServerConfig;
using tensorflow::serving::ModelSpec;
using tensorflow::serving::ModelVersionStatus;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

ModelSpec Spec(const std::string& name) {
  ModelSpec spec;
  spec.set_name(name);
  return spec;
}
ModelSpec Spec(const std::string& name, int64_t version) {
  ModelSpec spec = Spec(name);
  spec.mutable_version()->set_value(version);
  return spec;
}
ModelSpec LabelSpec(const std::string& name, const std::string& label) {
  ModelSpec spec = Spec(name);
  spec.set_version_label(label);
  return spec;
}

ModelServerConfig Config(const std::string& text) {
  ModelServerConfig config;
  absl::Status status = ParseTextProto(text, "test", &config);
  EXPECT_TRUE(status.ok()) << status;
  return config;
}

class ServerCoreTest : public ::testing::Test {
 protected:
  ServerCoreOptions Options(ModelServerConfig config) {
    ServerCoreOptions options;
    options.config = std::move(config);
    options.file_system_poll_wait_seconds = 0;
    options.max_num_load_retries = 0;
    options.loader = loader_.AsLoader();
    options.env = &env_;
    options.metrics = &metrics_;
    return options;
  }
  std::unique_ptr<ServerCore> Create(ModelServerConfig config) {
    auto core = ServerCore::Create(Options(std::move(config)));
    EXPECT_TRUE(core.ok()) << core.status();
    return core.ok() ? *std::move(core) : nullptr;
  }
  int64_t Served(const ServerCore& core, const ModelSpec& spec) {
    auto handle = core.GetServableHandle(spec);
    EXPECT_TRUE(handle.ok()) << handle.status();
    return handle.ok() ? (*handle)->id().version : -1;
  }
  // "version:STATE:CODE" per version, as GetModelStatus reports them.
  std::vector<std::string> Status(const ServerCore& core, const std::string& model) {
    GetModelStatusRequest request;
    *request.mutable_model_spec() = Spec(model);
    GetModelStatusResponse response;
    absl::Status status = core.GetModelStatus(request, &response);
    EXPECT_TRUE(status.ok()) << status;
    std::vector<std::string> out;
    for (const auto& v : response.model_version_status()) {
      out.push_back(absl::StrCat(v.version(), ":", ModelVersionStatus::State_Name(v.state()), ":",
                                 v.status().error_code()));
    }
    return out;
  }

  MemoryEnv env_;
  FakeLoader loader_;
  Metrics metrics_;
  const ModelServerConfig one_model_ = SingleModelConfig("m", "/models/m");
};

TEST_F(ServerCoreTest, CreateLoadsTheLatestVersion) {
  AddVersionDir(env_, "/models/m", 1);
  AddVersionDir(env_, "/models/m", 2);
  auto core = Create(one_model_);
  EXPECT_EQ(Served(*core, Spec("m")), 2);
  EXPECT_EQ(Served(*core, Spec("m", 2)), 2);
  EXPECT_EQ(loader_.Calls("m", 1), 0) << "default policy: latest 1";
  EXPECT_TRUE(core->AllModelsAvailable());
  EXPECT_THAT(Status(*core, "m"), ElementsAre("2:AVAILABLE:0"));
}

TEST_F(ServerCoreTest, RequestErrorsAreTfServings) {
  AddVersionDir(env_, "/models/m", 1);
  auto core = Create(one_model_);
  auto missing = core->GetServableHandle(Spec("nope"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "Servable not found for request: Latest(nope)");
  auto version = core->GetServableHandle(Spec("m", 123));
  EXPECT_EQ(version.status().message(), "Servable not found for request: Specific(m, 123)");
  auto label = core->GetServableHandle(LabelSpec("m", "stable"));
  EXPECT_EQ(label.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(label.status().message(), "Unrecognized servable version label: stable");
  auto nameless = core->GetServableHandle(ModelSpec());
  EXPECT_EQ(nameless.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(nameless.status().message(), "ModelSpec has no name specified.");

  GetModelStatusResponse response;
  EXPECT_EQ(core->GetModelStatus(GetModelStatusRequest(), &response).message(),
            "Missing ModelSpec");
  GetModelStatusRequest request;
  *request.mutable_model_spec() = Spec("nope");
  absl::Status status = core->GetModelStatus(request, &response);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "Could not find any versions of model nope");
  *request.mutable_model_spec() = Spec("m", 7);
  status = core->GetModelStatus(request, &response);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "Could not find version 7 of model m");
}

TEST_F(ServerCoreTest, NewVersionReplacesTheOldOne) {
  AddVersionDir(env_, "/models/m", 1);
  auto core = Create(one_model_);
  AddVersionDir(env_, "/models/m", 2);
  core->PollOnce();
  EXPECT_EQ(Served(*core, Spec("m")), 2);
  EXPECT_THAT(Status(*core, "m"), ElementsAre("2:AVAILABLE:0", "1:END:0"));
  GetModelStatusRequest request;
  *request.mutable_model_spec() = Spec("m", 1);
  GetModelStatusResponse response;
  ASSERT_TRUE(core->GetModelStatus(request, &response).ok());
  ASSERT_EQ(response.model_version_status_size(), 1);
  EXPECT_EQ(response.model_version_status(0).state(), ModelVersionStatus::END);
}

TEST_F(ServerCoreTest, FailedLoadIsReportedWhileTheOldVersionServes) {
  AddVersionDir(env_, "/models/m", 1);
  auto core = Create(one_model_);
  loader_.Fail("m", 2, absl::NotFoundError("op 'Foo' is not supported (node foo)"));
  AddVersionDir(env_, "/models/m", 2);
  core->PollOnce();
  EXPECT_EQ(Served(*core, Spec("m")), 1);
  GetModelStatusRequest request;
  *request.mutable_model_spec() = Spec("m");
  GetModelStatusResponse response;
  ASSERT_TRUE(core->GetModelStatus(request, &response).ok());
  ASSERT_EQ(response.model_version_status_size(), 2);
  const ModelVersionStatus& failed = response.model_version_status(0);
  EXPECT_EQ(failed.version(), 2);
  EXPECT_EQ(failed.state(), ModelVersionStatus::END);
  EXPECT_EQ(failed.status().error_code(), tensorflow::error::NOT_FOUND);
  EXPECT_EQ(failed.status().error_message(), "op 'Foo' is not supported (node foo)");
  EXPECT_EQ(response.model_version_status(1).state(), ModelVersionStatus::AVAILABLE);
  EXPECT_TRUE(core->AllModelsAvailable());
}

TEST_F(ServerCoreTest, RemovedDirectoryUnloadsItsVersion) {
  ModelServerConfig config = one_model_;
  config.mutable_model_config_list()
      ->mutable_config(0)
      ->mutable_model_version_policy()
      ->mutable_all();
  ASSERT_TRUE(env_.CreateDirs("/models/m").ok());
  AddVersionDir(env_, "/models/m", 1);
  AddVersionDir(env_, "/models/m", 2);
  auto core = Create(config);
  EXPECT_THAT(Status(*core, "m"), ElementsAre("2:AVAILABLE:0", "1:AVAILABLE:0"));
  RemoveVersionDir(env_, "/models/m", 2);
  core->PollOnce();
  EXPECT_THAT(Status(*core, "m"), ElementsAre("2:END:0", "1:AVAILABLE:0"));
  EXPECT_EQ(Served(*core, Spec("m")), 1);
  RemoveVersionDir(env_, "/models/m", 1);
  core->PollOnce();
  EXPECT_FALSE(core->AllModelsAvailable()) << "an empty base path serves nothing";
}

TEST_F(ServerCoreTest, UnreadableBasePathKeepsServing) {
  AddVersionDir(env_, "/models/m", 1);
  auto core = Create(one_model_);
  ASSERT_TRUE(env_.DeleteRecursively("/models/m").ok());
  core->PollOnce();
  core->PollOnce();
  EXPECT_EQ(Served(*core, Spec("m")), 1) << "a vanished base path is not 'no versions'";
}

TEST_F(ServerCoreTest, RetriesHappenOnLaterPolls) {
  AddVersionDir(env_, "/models/m", 1);
  loader_.Fail("m", 1, absl::UnavailableError("busy"), 1);
  ServerCoreOptions options = Options(one_model_);
  options.max_num_load_retries = 1;
  options.load_retry_interval_micros = 5'000'000;
  auto core = *ServerCore::Create(std::move(options));
  EXPECT_THAT(Status(*core, "m"), ElementsAre("1:LOADING:0"));
  EXPECT_FALSE(core->AllModelsAvailable());
  core->PollOnce();
  EXPECT_EQ(loader_.Calls("m", 1), 1);
  env_.AdvanceMicros(5'000'000);
  core->PollOnce();
  EXPECT_EQ(loader_.Calls("m", 1), 2);
  EXPECT_EQ(Served(*core, Spec("m")), 1);
}

TEST_F(ServerCoreTest, VersionLabels) {
  ModelServerConfig config = Config(R"(model_config_list { config {
      name: 'm' base_path: '/models/m'
      model_version_policy { specific { versions: 1 versions: 2 } }
      version_labels { key: 'stable' value: 1 } version_labels { key: 'canary' value: 2 } } })");
  AddVersionDir(env_, "/models/m", 1);
  AddVersionDir(env_, "/models/m", 2);
  AddVersionDir(env_, "/models/m", 3);
  auto core = Create(config);
  EXPECT_EQ(Served(*core, LabelSpec("m", "stable")), 1);
  EXPECT_EQ(Served(*core, LabelSpec("m", "canary")), 2);
  EXPECT_EQ(Served(*core, Spec("m")), 2);
  GetModelStatusRequest request;
  *request.mutable_model_spec() = LabelSpec("m", "stable");
  GetModelStatusResponse response;
  ASSERT_TRUE(core->GetModelStatus(request, &response).ok());
  ASSERT_EQ(response.model_version_status_size(), 1);
  EXPECT_EQ(response.model_version_status(0).version(), 1);

  // Moving a label to a version that is not available fails and keeps the old labels.
  (*config.mutable_model_config_list()->mutable_config(0)->mutable_version_labels())["canary"] = 3;
  absl::Status moved = core->ReloadConfig(config);
  EXPECT_EQ(moved.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(moved.message(),
            "Request to assign label to version 3 of model m, which is not currently available "
            "for inference");
  EXPECT_EQ(Served(*core, LabelSpec("m", "canary")), 2);
}

TEST_F(ServerCoreTest, LabelForUnavailableVersionFailsCreateUnlessAllowed) {
  ModelServerConfig config = Config(R"(model_config_list { config {
      name: 'm' base_path: '/models/m' version_labels { key: 'next' value: 9 } } })");
  AddVersionDir(env_, "/models/m", 1);
  auto refused = ServerCore::Create(Options(config));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  ServerCoreOptions options = Options(config);
  options.allow_version_labels_for_unavailable_models = true;
  auto core = ServerCore::Create(std::move(options));
  ASSERT_TRUE(core.ok()) << core.status();
  EXPECT_EQ((*core)->GetServableHandle(LabelSpec("m", "next")).status().message(),
            "Servable not found for request: Specific(m, 9)");
}

TEST_F(ServerCoreTest, ReloadConfigReplacesTheModelList) {
  AddVersionDir(env_, "/models/a", 1);
  AddVersionDir(env_, "/models/b", 5);
  auto core = Create(SingleModelConfig("a", "/models/a"));
  ServableHandle held = *core->GetServableHandle(Spec("a"));
  ASSERT_TRUE(core->ReloadConfig(SingleModelConfig("b", "/models/b")).ok());
  EXPECT_EQ(Served(*core, Spec("b")), 5);
  EXPECT_EQ(core->GetServableHandle(Spec("a")).status().message(),
            "Servable not found for request: Latest(a)");
  EXPECT_THAT(Status(*core, "a"), ElementsAre("1:END:0"));
  EXPECT_EQ(held->id().name, "a") << "a request in flight finishes on its version";
  EXPECT_EQ(core->config().model_config_list().config(0).name(), "b");
  EXPECT_TRUE(core->ReloadConfig(ModelServerConfig()).ok());
  EXPECT_EQ(core->config().model_config_list().config(0).name(), "b") << "unset: no action";
  EXPECT_EQ(core->ReloadConfig(Config("model_config_list { config { name: 'x' } }")).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ServerCoreTest, ReloadConfigReportsNewModelsThatFailed) {
  AddVersionDir(env_, "/models/a", 1);
  AddVersionDir(env_, "/models/b", 3);
  loader_.Fail("b", 3, absl::InvalidArgumentError("not a SavedModel"));
  auto core = Create(SingleModelConfig("a", "/models/a"));
  ModelServerConfig both = SingleModelConfig("a", "/models/a");
  *both.mutable_model_config_list()->add_config() =
      SingleModelConfig("b", "/models/b").model_config_list().config(0);
  absl::Status status = core->ReloadConfig(both);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(status.message(),
            "1 model(s) did not become available: {{{name: b version: 3} due to error: "
            "INVALID_ARGUMENT: not a SavedModel}, }");
  EXPECT_EQ(Served(*core, Spec("a")), 1);
  EXPECT_FALSE(core->AllModelsAvailable());
}

TEST_F(ServerCoreTest, ShutdownUnloadsEverythingAndWaitsForHandles) {
  const int live_before = LiveFakeModels();
  AddVersionDir(env_, "/models/m", 1);
  auto core = Create(one_model_);
  std::optional<ServableHandle> held = *core->GetServableHandle(Spec("m"));
  std::atomic<bool> done{false};
  std::thread shutdown([&] {
    core->Shutdown();
    done = true;
  });
  // Shutdown cannot finish while the handle is held: releasing it lets it through.
  EXPECT_EQ(LiveFakeModels(), live_before + 1);
  EXPECT_FALSE(done);
  held.reset();
  shutdown.join();
  EXPECT_TRUE(done);
  EXPECT_EQ(LiveFakeModels(), live_before);
  EXPECT_FALSE(core->GetServableHandle(Spec("m")).ok());
  core->PollOnce();  // a no-op after shutdown
  EXPECT_EQ(loader_.TotalCalls(), 1);
}

TEST_F(ServerCoreTest, PollingThreadStopsPromptly) {
  AddVersionDir(env_, "/models/m", 1);
  ServerCoreOptions options = Options(one_model_);
  options.file_system_poll_wait_seconds = 3600;
  auto core = *ServerCore::Create(std::move(options));
  EXPECT_EQ(Served(*core, Spec("m")), 1) << "the first poll happens before Create returns";
  core.reset();  // wakes the thread rather than waiting an hour
}

TEST_F(ServerCoreTest, MetricsSeeLoadsAndLoadedVersions) {
  AddVersionDir(env_, "/models/m", 1);
  auto core = Create(one_model_);
  const std::string text = metrics_.PrometheusText();
  EXPECT_THAT(text, HasSubstr(":savedserve:loaded_versions{model_name=\"m\"} 1"));
  EXPECT_THAT(
      text,
      HasSubstr(":savedserve:load_attempt_count{model_name=\"m\",version=\"1\",status=\"OK\"} 1"));
}

// Requests never fail while versions come and go under them.
TEST_F(ServerCoreTest, StressRequestsDuringVersionChurn) {
  ASSERT_TRUE(env_.CreateDirs("/models/m").ok());
  AddVersionDir(env_, "/models/m", 1);
  auto core = Create(one_model_);
  std::atomic<bool> stop{false};
  std::atomic<int> errors{0}, requests{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      int64_t last = 0;
      while (!stop) {
        auto handle = core->GetServableHandle(Spec("m"));
        if (!handle.ok() || (*handle)->id().version < last) {
          ++errors;
          continue;
        }
        last = (*handle)->id().version;
        ++requests;
      }
    });
  }
  // Churn only once every client is running, or a loaded machine may finish it first.
  while (requests.load() < 4 * 10) std::this_thread::yield();
  for (int64_t v = 2; v <= 201; ++v) {
    AddVersionDir(env_, "/models/m", v);
    core->PollOnce();
    RemoveVersionDir(env_, "/models/m", v - 1);
    core->PollOnce();
  }
  stop = true;
  for (auto& c : clients) c.join();
  EXPECT_EQ(errors, 0);
  EXPECT_GT(requests, 0);
  EXPECT_EQ(Served(*core, Spec("m")), 201);
  EXPECT_EQ(loader_.TotalCalls(), 201);
}

}  // namespace
}  // namespace savedserve
