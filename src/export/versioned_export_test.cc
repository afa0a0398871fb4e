#include "export/versioned_export.h"

#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "base/env.h"
#include "gtest/gtest.h"
#include "test_util/temp_dir.h"

namespace savedserve {
namespace {

absl::Status WriteMarker(const std::string& dir) {
  return Env::Default()->WriteFile(JoinPath(dir, "saved_model.pb"), "marker");
}

TEST(VersionedExport, ExplicitVersionNeverOverwrites) {
  TempDir tmp;
  auto first = ExportVersioned(tmp.path(), "m", 7, WriteMarker);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->version, 7);
  EXPECT_EQ(first->path, JoinPath(tmp.path(), "m/7"));
  bool called = false;
  auto second = ExportVersioned(tmp.path(), "m", 7, [&](const std::string& dir) {
    called = true;
    return Env::Default()->WriteFile(JoinPath(dir, "saved_model.pb"), "other");
  });
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_FALSE(called) << "an existing version is detected before any work";
  EXPECT_EQ(*Env::Default()->ReadFile(JoinPath(first->path, "saved_model.pb")), "marker");
}

TEST(VersionedExport, NextIsOnePastHighestNumericDirectory) {
  TempDir tmp;
  Env* env = Env::Default();
  std::string model = JoinPath(tmp.path(), "m");
  auto next = ExportVersioned(tmp.path(), "m", std::nullopt, WriteMarker);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->version, 1);
  ASSERT_TRUE(env->CreateDirs(JoinPath(model, "00000123")).ok());
  ASSERT_TRUE(env->CreateDirs(JoinPath(model, "not_a_version")).ok());
  ASSERT_TRUE(env->WriteFile(JoinPath(model, "999"), "a file, not a version").ok());
  next = ExportVersioned(tmp.path(), "m", std::nullopt, WriteMarker);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->version, 124);
  EXPECT_EQ(*ListVersions(model), (std::vector<int64_t>{1, 123, 124}));
}

TEST(VersionedExport, FailedWriteLeavesNothing) {
  TempDir tmp;
  auto result = ExportVersioned(tmp.path(), "m", 3, [](const std::string& dir) {
    absl::Status s = WriteMarker(dir);
    if (!s.ok()) return s;
    return absl::DataLossError("simulated failure half way");
  });
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDataLoss);
  auto entries = Env::Default()->ListDir(JoinPath(tmp.path(), "m"));
  ASSERT_TRUE(entries.ok());
  EXPECT_TRUE(entries->empty()) << "left behind: " << (*entries)[0];
}

TEST(VersionedExport, ModelIsInvisibleUntilComplete) {
  TempDir tmp;
  std::string model = JoinPath(tmp.path(), "m");
  auto result = ExportVersioned(tmp.path(), "m", std::nullopt, [&](const std::string& dir) {
    // While writing, a poller sees no version at all.
    auto versions = ListVersions(model);
    EXPECT_TRUE(versions.ok() && versions->empty());
    return WriteMarker(dir);
  });
  ASSERT_TRUE(result.ok());
}

TEST(VersionedExport, ConcurrentNextExportsGetDistinctVersions) {
  TempDir tmp;
  constexpr int kThreads = 8;
  std::vector<int64_t> versions(kThreads, -1);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto r = ExportVersioned(tmp.path(), "m", std::nullopt, WriteMarker);
      if (r.ok()) versions[i] = r->version;
    });
  }
  for (auto& t : threads) t.join();
  std::set<int64_t> distinct(versions.begin(), versions.end());
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kThreads));
  EXPECT_FALSE(distinct.contains(-1));
  EXPECT_EQ(ListVersions(JoinPath(tmp.path(), "m"))->size(), static_cast<size_t>(kThreads));
}

TEST(VersionedExport, ParseVersion) {
  EXPECT_EQ(*ParseVersion("next"), std::nullopt);
  EXPECT_EQ(**ParseVersion("42"), 42);
  EXPECT_FALSE(ParseVersion("-1").ok());
  EXPECT_FALSE(ParseVersion("v2").ok());
  EXPECT_FALSE(ExportVersioned("/tmp", "../escape", 1, WriteMarker).ok());
}

}  // namespace
}  // namespace savedserve
