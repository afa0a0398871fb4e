#include "serving/warmup.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "serving/model_config.h"
#include "serving/server_core.h"
#include "serving/serving_test_util.h"
#include "serving/tfrecord.h"
#include "test_util/memory_env.h"

namespace savedserve {
namespace {

using tensorflow::serving::PredictionLog;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(TFRecord, RoundTrip) {
  MemoryEnv env;
  const std::vector<std::string> records = {"first", "", std::string("\0\xff\x01 binary", 10),
                                            std::string(100'000, 'x')};
  ASSERT_TRUE(WriteTFRecordFile("/r.tfrecord", records, &env).ok());
  EXPECT_EQ(env.GetFile("/r.tfrecord").size(), 4 * 16 + 5 + 0 + 10 + 100'000);
  auto read = ReadTFRecordFile("/r.tfrecord", &env);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, records);
  env.SetFile("/empty", "");
  EXPECT_TRUE(ReadTFRecordFile("/empty", &env)->empty());
}

TEST(TFRecord, FramingIsTensorFlows) {
  std::string framed;
  AppendTFRecord("abc", &framed);
  ASSERT_EQ(framed.size(), 8u + 4 + 3 + 4);
  EXPECT_EQ(framed.substr(0, 8), std::string("\x03\0\0\0\0\0\0\0", 8)) << "uint64 LE length";
  EXPECT_EQ(framed.substr(12, 3), "abc");
}

TEST(TFRecord, CorruptionAndTruncationAreDataLoss) {
  MemoryEnv env;
  ASSERT_TRUE(WriteTFRecordFile("/r", {"hello", "world"}, &env).ok());
  const std::string good = env.GetFile("/r");
  auto expect_loss = [&](const std::string& bytes, const std::string& what) {
    env.SetFile("/bad", bytes);
    auto read = ReadTFRecordFile("/bad", &env);
    EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss) << what;
    EXPECT_THAT(std::string(read.status().message()), HasSubstr(what));
  };
  std::string data_flip = good;
  data_flip[12 + 1] ^= 0x20;  // inside "hello"
  expect_loss(data_flip, "corrupted (data checksum mismatch) record at offset 0 of /bad");
  std::string length_flip = good;
  length_flip[21 + 0] ^= 0x01;  // the second record's length
  expect_loss(length_flip, "corrupted (length checksum mismatch) record at offset 21");
  expect_loss(good.substr(0, good.size() - 1), "truncated record at offset 21");
  expect_loss(good.substr(0, 25), "truncated record at offset 21");
  expect_loss(good + "x", "truncated record at offset 42");
}

PredictionLog PredictLog(const std::string& model) {
  PredictionLog log;
  log.mutable_predict_log()->mutable_request()->mutable_model_spec()->set_name(model);
  return log;
}

class WarmupTest : public ::testing::Test {
 protected:
  void WriteWarmup(const std::vector<PredictionLog>& logs) {
    std::vector<std::string> records;
    for (const auto& log : logs) records.push_back(log.SerializeAsString());
    ASSERT_TRUE(WriteTFRecordFile(WarmupFilePath("/m/1"), records, &env_).ok());
  }
  WarmupRunner Runner() {
    return [this](const Servable& servable, const PredictionLog& log) {
      kinds_.push_back(log.log_type_case());
      EXPECT_EQ(servable.id().version, 1);
      return runner_status_;
    };
  }

  MemoryEnv env_;
  Servable servable_{ServableId{"m", 1}, "/m/1", nullptr};
  std::vector<int> kinds_;
  absl::Status runner_status_;
};

TEST_F(WarmupTest, ReplaysEveryLoggedRequest) {
  PredictionLog classify, regress, multi;
  classify.mutable_classify_log();
  regress.mutable_regress_log();
  multi.mutable_multi_inference_log();
  WriteWarmup({PredictLog("m"), classify, regress, multi});
  EXPECT_EQ(WarmupFilePath("/m/1"), "/m/1/assets.extra/tf_serving_warmup_requests");
  auto ran = RunSavedModelWarmup(servable_, "/m/1", Runner(), &env_);
  ASSERT_TRUE(ran.ok()) << ran.status();
  EXPECT_EQ(*ran, 4);
  EXPECT_THAT(kinds_, ElementsAre(PredictionLog::kPredictLog, PredictionLog::kClassifyLog,
                                  PredictionLog::kRegressLog, PredictionLog::kMultiInferenceLog));
  kinds_.clear();
  ASSERT_TRUE(RunSavedModelWarmup(servable_, "/m/1", Runner(), &env_, 3).ok());
  EXPECT_EQ(kinds_.size(), 12u) << "num_request_iterations";
}

TEST_F(WarmupTest, NoFileMeansNothingToDo) {
  auto ran = RunSavedModelWarmup(servable_, "/m/1", Runner(), &env_);
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(*ran, 0);
  EXPECT_TRUE(kinds_.empty());
}

TEST_F(WarmupTest, ErrorsNameTheFile) {
  runner_status_ = absl::InvalidArgumentError("input x missing");
  WriteWarmup({PredictLog("m")});
  auto failed = RunSavedModelWarmup(servable_, "/m/1", Runner(), &env_);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(failed.status().message()),
              HasSubstr("warmup request 1 from /m/1/assets.extra/tf_serving_warmup_requests: "
                        "input x missing"));
  runner_status_ = absl::OkStatus();

  PredictionLog session;
  session.mutable_session_run_log();
  WriteWarmup({session});
  EXPECT_EQ(RunSavedModelWarmup(servable_, "/m/1", Runner(), &env_).status().code(),
            absl::StatusCode::kUnimplemented);

  ASSERT_TRUE(WriteTFRecordFile(WarmupFilePath("/m/1"), {"\xff\xff not a proto"}, &env_).ok());
  EXPECT_THAT(
      std::string(RunSavedModelWarmup(servable_, "/m/1", Runner(), &env_).status().message()),
      HasSubstr("Failed to parse warmup record 1 from /m/1/assets.extra/"));

  env_.SetFile(WarmupFilePath("/m/1"), "this is not a TFRecord file");
  auto damaged = RunSavedModelWarmup(servable_, "/m/1", Runner(), &env_);
  EXPECT_EQ(damaged.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(damaged.status().message()),
              HasSubstr("Please verify your warmup data is in TFRecord format."));

  WriteWarmup(std::vector<PredictionLog>(kMaxWarmupRecords + 1, PredictLog("m")));
  EXPECT_THAT(
      std::string(RunSavedModelWarmup(servable_, "/m/1", Runner(), &env_).status().message()),
      HasSubstr("Number of warmup records exceeds the maximum (1000)"));
  EXPECT_EQ(RunSavedModelWarmup(servable_, "/m/1", WarmupRunner(), &env_).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

// A version is not served until its warmup has finished; a failing warmup fails the load.
TEST_F(WarmupTest, VersionBecomesAvailableOnlyAfterWarmup) {
  AddVersionDir(env_, "/m", 1);
  WriteWarmup({PredictLog("m"), PredictLog("m")});
  FakeLoader fake;
  ServerCore* core_ptr = nullptr;
  int warmed = 0;
  auto spec = [](std::optional<int64_t> version) {
    tensorflow::serving::ModelSpec spec;
    spec.set_name("m");
    if (version) spec.mutable_version()->set_value(*version);
    return spec;
  };
  ServerCoreOptions options;
  options.config = SingleModelConfig("m", "/m");
  options.file_system_poll_wait_seconds = 0;
  options.max_num_load_retries = 0;
  options.env = &env_;
  options.loader = [&](const ServableId& id,
                       const std::string& path) -> absl::StatusOr<ServableHandle> {
    auto servable = fake.AsLoader()(id, path);
    if (!servable.ok()) return servable;
    auto runner = [&](const Servable& s, const PredictionLog&) {
      if (core_ptr != nullptr) {
        EXPECT_FALSE(core_ptr->GetServableHandle(spec(s.id().version)).ok())
            << "not served during warmup";
        EXPECT_EQ((*core_ptr->GetServableHandle(spec(std::nullopt)))->id().version, 1);
      }
      ++warmed;
      return s.id().version == 3 ? absl::InternalError("warmup failed") : absl::OkStatus();
    };
    absl::StatusOr<int> ran = RunSavedModelWarmup(**servable, path, runner, &env_);
    if (!ran.ok()) return ran.status();
    return servable;
  };
  auto created = ServerCore::Create(std::move(options));
  ASSERT_TRUE(created.ok()) << created.status();
  ServerCore& core = **created;
  core_ptr = &core;
  EXPECT_EQ(warmed, 2);
  EXPECT_TRUE(core.AllModelsAvailable());

  AddVersionDir(env_, "/m", 2);
  const std::string request = PredictLog("m").SerializeAsString();
  ASSERT_TRUE(WriteTFRecordFile(WarmupFilePath("/m/2"), {request}, &env_).ok());
  core.PollOnce();
  EXPECT_EQ(warmed, 3);
  EXPECT_EQ((*core.GetServableHandle(spec(std::nullopt)))->id().version, 2);

  core_ptr = nullptr;
  AddVersionDir(env_, "/m", 3);
  ASSERT_TRUE(WriteTFRecordFile(WarmupFilePath("/m/3"), {request}, &env_).ok());
  core.PollOnce();
  EXPECT_EQ((*core.GetServableHandle(spec(std::nullopt)))->id().version, 2)
      << "3 failed its warmup";
  tensorflow::serving::GetModelStatusRequest status_request;
  *status_request.mutable_model_spec() = spec(3);
  tensorflow::serving::GetModelStatusResponse status;
  ASSERT_TRUE(core.GetModelStatus(status_request, &status).ok());
  EXPECT_THAT(status.model_version_status(0).status().error_message(), HasSubstr("warmup failed"));
}

}  // namespace
}  // namespace savedserve
