#include "serving/model_config.h"

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tensorflow_serving/config/monitoring_config.pb.h"
#include "tensorflow_serving/servables/tensorflow/batching_parameters.pb.h"
#include "test_util/memory_env.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

using tensorflow::serving::ModelServerConfig;
using ::testing::HasSubstr;

ModelServerConfig Parse(const std::string& text) {
  ModelServerConfig config;
  absl::Status status = ParseTextProto(text, "test.config", &config);
  EXPECT_TRUE(status.ok()) << status;
  return config;
}

TEST(ModelConfig, TestdataGoodConfigLoadsWithBasePathsSubstituted) {
  SS_REQUIRE_TESTDATA();
  auto text = Env::Default()->ReadFile(testdata + "/serving/good_model_config.txt");
  ASSERT_TRUE(text.ok()) << text.status();
  const std::string two = testdata + "/savedmodels/saved_model_half_plus_two_cpu";
  const std::string three = testdata + "/savedmodels/saved_model_half_plus_two_2_versions";
  MemoryEnv env;
  env.SetFile("/cfg/models.config",
              absl::StrReplaceAll(*text, {{"${TEST_HALF_PLUS_TWO_DIR}", two},
                                          {"${TEST_HALF_PLUS_THREE_DIR}", three}}));
  auto config = ReadModelServerConfigFile("/cfg/models.config", &env);
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->model_config_list().config_size(), 2);
  const auto& first = config->model_config_list().config(0);
  EXPECT_EQ(first.name(), "half_plus_two");
  EXPECT_EQ(first.base_path(), two);
  EXPECT_EQ(first.model_platform(), "tensorflow");
  EXPECT_EQ(config->model_config_list().config(1).name(), "half_plus_three");
  EXPECT_EQ(config->model_config_list().config(1).base_path(), three);
}

TEST(ModelConfig, TestdataBadConfigFailsNamingTheLine) {
  SS_REQUIRE_TESTDATA();
  const std::string path = testdata + "/serving/bad_model_config.txt";
  auto config = ReadModelServerConfigFile(path);
  ASSERT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(config.status().message()), HasSubstr(path + ":1:"));
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("improperly"));
}

TEST(ModelConfig, SyntaxErrorNamesLineAndColumn) {
  ModelServerConfig config;
  absl::Status status =
      ParseTextProto("model_config_list {\n  config {\n    name: 'a'\n    base_pth: '/x'\n  }\n}\n",
                     "m.cfg", &config);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("m.cfg:4:13: "));
  EXPECT_THAT(std::string(status.message()), HasSubstr("base_pth"));
}

TEST(ModelConfig, MissingFileIsNotFoundNamingIt) {
  MemoryEnv env;
  auto config = ReadModelServerConfigFile("/nope.config", &env);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("/nope.config"));
}

TEST(ModelConfig, PoliciesAndLabelsParse) {
  ModelServerConfig config = Parse(R"(
    model_config_list {
      config {
        name: 'm' base_path: '/models/m' model_platform: 'tensorflow'
        model_version_policy { specific { versions: 42 versions: 43 } }
        version_labels { key: 'stable' value: 42 }
        version_labels { key: 'canary' value: 43 }
      }
      config { name: 'n' base_path: '/models/n' model_version_policy { latest { num_versions: 2 } } }
      config { name: 'o' base_path: '/models/o' model_version_policy { all {} } }
    })");
  EXPECT_TRUE(ValidateModelServerConfig(config).ok());
  const auto& m = config.model_config_list().config(0);
  EXPECT_EQ(m.model_version_policy().specific().versions_size(), 2);
  EXPECT_EQ(m.version_labels().at("canary"), 43);
  EXPECT_EQ(config.model_config_list().config(1).model_version_policy().latest().num_versions(),
            2u);
  EXPECT_TRUE(config.model_config_list().config(2).model_version_policy().has_all());
}

TEST(ModelConfig, ValidationUsesTfServingMessages) {
  auto error = [](const std::string& text) { return ValidateModelServerConfig(Parse(text)); };
  absl::Status dup = error(
      "model_config_list { config { name: 'a' base_path: '/a' } config { name: 'a' base_path: "
      "'/b' } }");
  EXPECT_EQ(dup.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(dup.message(), "Illegal to list model a multiple times in config list");
  EXPECT_THAT(std::string(error("model_config_list { config { name: 'a' } }").message()),
              HasSubstr("Model a has no base_path"));
  EXPECT_THAT(std::string(error("model_config_list { config { base_path: '/a' } }").message()),
              HasSubstr("has no name"));
  EXPECT_EQ(
      error("model_config_list { config { name: 'a' base_path: '/a' model_platform: 'tflite' } }")
          .message(),
      "Model a requests unsupported platform tflite");
  EXPECT_THAT(
      std::string(error("model_config_list { config { name: 'a' base_path: '/a' model_type: "
                        "TENSORFLOW model_platform: 'tensorflow' } }")
                      .message()),
      HasSubstr("Illegal setting both"));
  EXPECT_TRUE(error("model_config_list { config { name: 'a' base_path: '/a' model_type: "
                    "TENSORFLOW } }")
                  .ok());
  EXPECT_TRUE(error("model_config_list { config { name: 'a' base_path: '/a' } }").ok());
  EXPECT_TRUE(error("").ok()) << "an unset config serves nothing";
  ModelServerConfig custom;
  custom.mutable_custom_model_config();
  EXPECT_EQ(ValidateModelServerConfig(custom).code(), absl::StatusCode::kUnimplemented);
}

TEST(ModelConfig, SingleModelConfigFromFlags) {
  ModelServerConfig config = SingleModelConfig("half", "/models/half");
  ASSERT_EQ(config.model_config_list().config_size(), 1);
  EXPECT_EQ(config.model_config_list().config(0).name(), "half");
  EXPECT_EQ(config.model_config_list().config(0).base_path(), "/models/half");
  EXPECT_EQ(config.model_config_list().config(0).model_platform(), "tensorflow");
  EXPECT_FALSE(config.model_config_list().config(0).has_model_version_policy());
  EXPECT_TRUE(ValidateModelServerConfig(config).ok());
}

TEST(ModelConfig, TestdataMonitoringAndBatchingConfigsParse) {
  SS_REQUIRE_TESTDATA();
  tensorflow::serving::MonitoringConfig monitoring;
  ASSERT_TRUE(ReadTextProtoFile(testdata + "/serving/monitoring_config.txt", &monitoring).ok());
  EXPECT_TRUE(monitoring.prometheus_config().enable());
  EXPECT_EQ(monitoring.prometheus_config().path(), "/monitoring/prometheus/metrics");
  tensorflow::serving::BatchingParameters batching;
  ASSERT_TRUE(ReadTextProtoFile(testdata + "/serving/batching_config.txt", &batching).ok());
  EXPECT_EQ(batching.max_batch_size().value(), 128);
  EXPECT_EQ(batching.num_batch_threads().value(), 8);
}

}  // namespace
}  // namespace savedserve
