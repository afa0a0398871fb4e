#include "serving/version_policy.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "serving/serving_test_util.h"
#include "serving/storage_path_source.h"
#include "test_util/memory_env.h"

namespace savedserve {
namespace {

using tensorflow::serving::ModelConfig;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

ServableVersionPolicy Latest(uint32_t n) {
  ServableVersionPolicy policy;
  policy.mutable_latest()->set_num_versions(n);
  return policy;
}

TEST(VersionPolicy, ParsesDecimalDirectoryNamesOnly) {
  EXPECT_EQ(ParseVersionDirName("00000123"), 123);
  EXPECT_EQ(ParseVersionDirName("0"), 0);
  EXPECT_EQ(ParseVersionDirName("9223372036854775807"), INT64_MAX);
  for (const char* bad : {"", "12a", "-1", "+1", " 1", "1.0", ".tmp-export-1-0",
                          "9223372036854775808", "99999999999999999999"}) {
    EXPECT_EQ(ParseVersionDirName(bad), std::nullopt) << bad;
  }
}

TEST(VersionPolicy, LatestDefaultsToOneVersion) {
  const std::set<int64_t> disk = {1, 3, 2};
  EXPECT_THAT(SelectAspiredVersions(ServableVersionPolicy(), disk, "m"), ElementsAre(3));
  EXPECT_THAT(SelectAspiredVersions(Latest(0), disk, "m"), ElementsAre(3));
  EXPECT_THAT(SelectAspiredVersions(Latest(2), disk, "m"), ElementsAre(2, 3));
  EXPECT_THAT(SelectAspiredVersions(Latest(5), disk, "m"), ElementsAre(1, 2, 3));
  EXPECT_THAT(SelectAspiredVersions(Latest(1), {}, "m"), IsEmpty());
}

TEST(VersionPolicy, AllAndSpecific) {
  ServableVersionPolicy all;
  all.mutable_all();
  EXPECT_THAT(SelectAspiredVersions(all, {5, 1, 9}, "m"), ElementsAre(1, 5, 9));
  ServableVersionPolicy specific;
  specific.mutable_specific()->add_versions(9);
  specific.mutable_specific()->add_versions(7);  // not on disk: logged and skipped
  specific.mutable_specific()->add_versions(1);
  EXPECT_THAT(SelectAspiredVersions(specific, {1, 5, 9}, "m"), ElementsAre(1, 9));
}

ModelConfig WithLabels(std::map<std::string, int64_t> labels) {
  ModelConfig model;
  model.set_name("m");
  for (const auto& [label, version] : labels) (*model.mutable_version_labels())[label] = version;
  return model;
}

TEST(VersionLabels, MustNameAnAvailableVersion) {
  auto labels = ResolveVersionLabels(WithLabels({{"stable", 1}, {"canary", 2}}), {1, 2}, {}, false);
  ASSERT_TRUE(labels.ok()) << labels.status();
  EXPECT_EQ(labels->at("canary"), 2);
  auto bad = ResolveVersionLabels(WithLabels({{"canary", 3}}), {1, 2}, {}, false);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(bad.status().message(),
            "Request to assign label to version 3 of model m, which is not currently available "
            "for inference");
}

TEST(VersionLabels, AllowUnavailableCoversNewAndUnchangedLabelsOnly) {
  EXPECT_TRUE(ResolveVersionLabels(WithLabels({{"canary", 3}}), {1}, {}, true).ok());
  EXPECT_TRUE(ResolveVersionLabels(WithLabels({{"canary", 3}}), {1}, {{"canary", 3}}, true).ok());
  EXPECT_EQ(
      ResolveVersionLabels(WithLabels({{"canary", 3}}), {1}, {{"canary", 1}}, true).status().code(),
      absl::StatusCode::kFailedPrecondition)
      << "moving a label still needs an available target";
}

TEST(StoragePathSource, ListsNumericDirectoriesOnly) {
  MemoryEnv env;
  AddVersionDir(env, "/m", 1);
  env.SetFile("/m/00000123/saved_model.pb", "");
  env.SetFile("/m/7/saved_model.pb", "");
  env.SetFile("/m/007/saved_model.pb", "");  // same number: "7" (later in sort order) wins
  env.SetFile("/m/999", "a file, not a version");
  env.SetFile("/m/.tmp-export-1-0/saved_model.pb", "");
  env.SetFile("/m/latest/saved_model.pb", "");
  auto dirs = ListVersionDirectories("/m", &env);
  ASSERT_TRUE(dirs.ok()) << dirs.status();
  EXPECT_EQ(*dirs, (std::map<int64_t, std::string>{{1, "1"}, {7, "7"}, {123, "00000123"}}));
}

TEST(StoragePathSource, MissingBasePathIsAnErrorNotAnEmptyList) {
  MemoryEnv env;
  auto dirs = ListVersionDirectories("/missing", &env);
  EXPECT_EQ(dirs.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(dirs.status().message(), "Could not find base path /missing");
  ASSERT_TRUE(env.CreateDirs("/empty").ok());
  auto empty = ListVersionDirectories("/empty", &env);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(StoragePathSource, PollAppliesThePolicyAndJoinsPaths) {
  MemoryEnv env;
  env.SetFile("/models/m/00000001/saved_model.pb", "");
  env.SetFile("/models/m/00000002/saved_model.pb", "");
  ModelConfig model;
  model.set_name("m");
  model.set_base_path("/models/m");
  auto versions = PollModelVersions(model, &env);
  ASSERT_TRUE(versions.ok()) << versions.status();
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*versions)[0].version, 2);
  EXPECT_EQ((*versions)[0].path, "/models/m/00000002");
  model.set_base_path("/models/gone");
  EXPECT_THAT(std::string(PollModelVersions(model, &env).status().message()),
              ::testing::HasSubstr("polling model m: Could not find base path /models/gone"));
}

}  // namespace
}  // namespace savedserve
