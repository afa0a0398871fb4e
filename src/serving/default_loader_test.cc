// ServerCore with the real default loader (LoadedModel::Load + warmup) on real SavedModels.
#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "serving/model_config.h"
#include "serving/server_core.h"
#include "serving/tfrecord.h"
#include "test_util/temp_dir.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

using tensorflow::serving::GetModelStatusRequest;
using tensorflow::serving::GetModelStatusResponse;
using tensorflow::serving::ModelServerConfig;
using tensorflow::serving::ModelVersionStatus;
using ::testing::HasSubstr;

ServerCoreOptions RealOptions(ModelServerConfig config) {
  ServerCoreOptions options;
  options.config = std::move(config);
  options.file_system_poll_wait_seconds = 0;
  options.max_num_load_retries = 0;
  return options;
}

TEST(DefaultLoader, LoadsRealSavedModelsAndReportsBadOnes) {
  SS_REQUIRE_TESTDATA();
  ModelServerConfig config =
      SingleModelConfig("half", testdata + "/savedmodels/saved_model_half_plus_two_2_versions");
  *config.mutable_model_config_list()->add_config() =
      SingleModelConfig("bad", testdata + "/savedmodels/bad_half_plus_two")
          .model_config_list()
          .config(0);
  auto core = ServerCore::Create(RealOptions(config));
  ASSERT_TRUE(core.ok()) << core.status();
  tensorflow::serving::ModelSpec spec;
  spec.set_name("half");
  auto handle = (*core)->GetServableHandle(spec);
  ASSERT_TRUE(handle.ok()) << handle.status();
  EXPECT_EQ((*handle)->id().version, 124);
  EXPECT_TRUE((*handle)->model().signatures().contains("serving_default"));

  GetModelStatusRequest request;
  request.mutable_model_spec()->set_name("bad");
  GetModelStatusResponse response;
  ASSERT_TRUE((*core)->GetModelStatus(request, &response).ok());
  ASSERT_EQ(response.model_version_status_size(), 1);
  const ModelVersionStatus& bad = response.model_version_status(0);
  EXPECT_EQ(bad.version(), 123);
  EXPECT_EQ(bad.state(), ModelVersionStatus::END);
  EXPECT_NE(bad.status().error_code(), tensorflow::error::OK);
  EXPECT_FALSE(bad.status().error_message().empty());
  EXPECT_FALSE((*core)->AllModelsAvailable());
}

TEST(DefaultLoader, ReplaysWarmupRequestsBeforeServing) {
  SS_REQUIRE_TESTDATA();
  TempDir tmp;
  const std::string version_dir = tmp.path() + "/half/123";
  std::filesystem::create_directories(version_dir);
  std::filesystem::copy(testdata + "/savedmodels/saved_model_half_plus_two_cpu/00000123",
                        version_dir, std::filesystem::copy_options::recursive);
  std::filesystem::create_directories(version_dir + "/assets.extra");
  tensorflow::serving::PredictionLog log;
  log.mutable_predict_log()->mutable_request()->mutable_model_spec()->set_name("half");
  ASSERT_TRUE(WriteTFRecordFile(WarmupFilePath(version_dir),
                                {log.SerializeAsString(), log.SerializeAsString()})
                  .ok());
  int warmed = 0;
  ServerCoreOptions options = RealOptions(SingleModelConfig("half", tmp.path() + "/half"));
  options.warmup_runner = [&](const Servable& servable,
                              const tensorflow::serving::PredictionLog& replayed) {
    EXPECT_TRUE(replayed.has_predict_log());
    EXPECT_TRUE(servable.model().signatures().contains("serving_default"));
    ++warmed;
    return absl::OkStatus();
  };
  auto core = ServerCore::Create(std::move(options));
  ASSERT_TRUE(core.ok()) << core.status();
  EXPECT_EQ(warmed, 2);
  EXPECT_TRUE((*core)->AllModelsAvailable());

  // A failing warmup fails the load.
  std::filesystem::copy(version_dir, tmp.path() + "/half/124",
                        std::filesystem::copy_options::recursive);
  auto failing = RealOptions(SingleModelConfig("half", tmp.path() + "/half"));
  failing.warmup_runner = [](const Servable&, const tensorflow::serving::PredictionLog&) {
    return absl::InvalidArgumentError("bad warmup input");
  };
  auto failed = ServerCore::Create(std::move(failing));
  ASSERT_TRUE(failed.ok()) << failed.status();
  GetModelStatusRequest request;
  request.mutable_model_spec()->set_name("half");
  GetModelStatusResponse response;
  ASSERT_TRUE((*failed)->GetModelStatus(request, &response).ok());
  EXPECT_EQ(response.model_version_status(0).state(), ModelVersionStatus::END);
  EXPECT_THAT(response.model_version_status(0).status().error_message(),
              HasSubstr("bad warmup input"));
}

}  // namespace
}  // namespace savedserve
