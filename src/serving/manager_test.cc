#include "serving/manager.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "serving/serving_test_util.h"
#include "test_util/memory_env.h"

namespace savedserve {
namespace {

using ::testing::ElementsAre;

constexpr int64_t kSecond = 1'000'000;

std::vector<AspiredVersion> Versions(std::initializer_list<int64_t> numbers) {
  std::vector<AspiredVersion> versions;
  for (int64_t n : numbers) versions.push_back({n, "/m/" + std::to_string(n)});
  return versions;
}

class ManagerTest : public ::testing::Test {
 protected:
  std::unique_ptr<AspiredVersionsManager> MakeManager(int retries = 0,
                                                      int64_t interval_micros = 10 * kSecond) {
    AspiredVersionsManager::Options options;
    options.loader = loader_.AsLoader();
    options.max_num_load_retries = retries;
    options.load_retry_interval_micros = interval_micros;
    options.env = &env_;
    return std::make_unique<AspiredVersionsManager>(options);
  }
  ManagerState State(const AspiredVersionsManager& m, int64_t version) {
    auto state = m.GetVersionState("m", version);
    EXPECT_TRUE(state.has_value()) << "version " << version;
    return state ? state->state : ManagerState::kStart;
  }
  int64_t Latest(const AspiredVersionsManager& m) {
    auto handle = m.GetServableHandle("m", std::nullopt);
    EXPECT_TRUE(handle.ok()) << handle.status();
    return handle.ok() ? (*handle)->id().version : -1;
  }

  MemoryEnv env_;
  FakeLoader loader_;
};

TEST_F(ManagerTest, LoadsAspiredVersionsAndServesTheHighest) {
  auto m = MakeManager();
  m->SetAspiredVersions("m", Versions({1, 2}));
  EXPECT_EQ(State(*m, 1), ManagerState::kStart);
  m->ManageOnce();
  EXPECT_THAT(m->AvailableVersions("m"), ElementsAre(1, 2));
  EXPECT_EQ(Latest(*m), 2);
  auto one = m->GetServableHandle("m", 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ((*one)->id().version, 1);
  EXPECT_EQ((*one)->path(), "/m/1");
  EXPECT_EQ(loader_.Calls("m", 2), 1);
}

TEST_F(ManagerTest, NotFoundMessagesAreTfServings) {
  auto m = MakeManager();
  auto latest = m->GetServableHandle("m", std::nullopt);
  EXPECT_EQ(latest.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(latest.status().message(), "Servable not found for request: Latest(m)");
  m->SetAspiredVersions("m", Versions({1}));
  m->ManageOnce();
  auto specific = m->GetServableHandle("m", 3);
  EXPECT_EQ(specific.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(specific.status().message(), "Servable not found for request: Specific(m, 3)");
}

TEST_F(ManagerTest, NewVersionIsLoadedBeforeTheOldIsUnloaded) {
  auto m = MakeManager();
  m->SetAspiredVersions("m", Versions({1}));
  m->ManageOnce();
  int checked = 0;
  loader_.OnLoad([&](const ServableId& id) {
    // While version 2 loads, requests keep being served by version 1, without waiting.
    auto handle = m->GetServableHandle("m", std::nullopt);
    ASSERT_TRUE(handle.ok()) << handle.status();
    EXPECT_EQ((*handle)->id().version, 1);
    EXPECT_EQ(m->GetVersionState("m", 2)->state, ManagerState::kLoading);
    ++checked;
  });
  m->SetAspiredVersions("m", Versions({2}));
  m->ManageOnce();
  EXPECT_EQ(checked, 1);
  EXPECT_THAT(m->AvailableVersions("m"), ElementsAre(2));
  EXPECT_EQ(State(*m, 1), ManagerState::kEnd);
  EXPECT_TRUE(m->GetVersionState("m", 1)->status.ok());
}

TEST_F(ManagerTest, HandleKeepsItsVersionAliveUntilReleased) {
  const int live_before = LiveFakeModels();
  auto m = MakeManager();
  m->SetAspiredVersions("m", Versions({1}));
  m->ManageOnce();
  auto held = m->GetServableHandle("m", std::nullopt);
  ASSERT_TRUE(held.ok());
  m->SetAspiredVersions("m", Versions({2}));
  m->ManageOnce();
  EXPECT_EQ(State(*m, 1), ManagerState::kEnd);
  EXPECT_EQ(m->GetServableHandle("m", 1).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(LiveFakeModels(), live_before + 2) << "version 1 lives on in the request's handle";
  EXPECT_EQ(m->NumLiveServables(), 2);
  EXPECT_EQ((*held)->id().version, 1);
  held = absl::NotFoundError("released");
  EXPECT_EQ(LiveFakeModels(), live_before + 1) << "the last handle frees the model";
  EXPECT_EQ(m->NumLiveServables(), 1);
  m->SetAspiredVersions("m", {});
  m->ManageOnce();
  m->WaitUntilAllServablesDestroyed();
  EXPECT_EQ(LiveFakeModels(), live_before);
}

TEST_F(ManagerTest, HandleOutlivesTheManager) {
  const int live_before = LiveFakeModels();
  auto m = MakeManager();
  m->SetAspiredVersions("m", Versions({1}));
  m->ManageOnce();
  ServableHandle held = *m->GetServableHandle("m", std::nullopt);
  m.reset();
  EXPECT_EQ(held->id().version, 1);
  EXPECT_EQ(LiveFakeModels(), live_before + 1);
  held.reset();
  EXPECT_EQ(LiveFakeModels(), live_before);
}

TEST_F(ManagerTest, FailedLoadKeepsTheOldVersionServing) {
  auto m = MakeManager();
  m->SetAspiredVersions("m", Versions({1}));
  m->ManageOnce();
  loader_.Fail("m", 2, absl::DataLossError("bad checkpoint"));
  m->SetAspiredVersions("m", Versions({2}));
  m->ManageOnce();
  auto failed = m->GetVersionState("m", 2);
  EXPECT_EQ(failed->state, ManagerState::kEnd);
  EXPECT_EQ(failed->status, absl::DataLossError("bad checkpoint"));
  EXPECT_EQ(State(*m, 1), ManagerState::kAvailable);
  EXPECT_EQ(Latest(*m), 1);
  // The failed version stays failed while aspired; no reload storm on every poll.
  m->SetAspiredVersions("m", Versions({2}));
  m->ManageOnce();
  EXPECT_EQ(loader_.Calls("m", 2), 1);
  // A newer good version replaces both.
  m->SetAspiredVersions("m", Versions({3}));
  m->ManageOnce();
  EXPECT_THAT(m->AvailableVersions("m"), ElementsAre(3));
  // Left out and back again: a fresh load.
  loader_.Fail("m", 2, absl::OkStatus(), 0);
  m->SetAspiredVersions("m", Versions({2, 3}));
  m->ManageOnce();
  EXPECT_EQ(loader_.Calls("m", 2), 2);
  EXPECT_THAT(m->AvailableVersions("m"), ElementsAre(2, 3));
}

TEST_F(ManagerTest, RetriesHonourTheIntervalOnTheEnvClock) {
  auto m = MakeManager(/*retries=*/2, /*interval_micros=*/10 * kSecond);
  loader_.Fail("m", 1, absl::UnavailableError("disk busy"), /*times=*/2);
  m->SetAspiredVersions("m", Versions({1}));
  m->ManageOnce();
  EXPECT_EQ(loader_.Calls("m", 1), 1);
  EXPECT_EQ(State(*m, 1), ManagerState::kLoading) << "retrying, as TF Serving reports it";
  m->ManageOnce();
  env_.AdvanceMicros(9 * kSecond);
  m->ManageOnce();
  EXPECT_EQ(loader_.Calls("m", 1), 1) << "not before the interval has passed";
  env_.AdvanceMicros(kSecond);
  m->ManageOnce();
  EXPECT_EQ(loader_.Calls("m", 1), 2);
  EXPECT_EQ(State(*m, 1), ManagerState::kLoading);
  env_.AdvanceMicros(10 * kSecond);
  m->ManageOnce();
  EXPECT_EQ(loader_.Calls("m", 1), 3);
  EXPECT_EQ(State(*m, 1), ManagerState::kAvailable);
}

TEST_F(ManagerTest, ExhaustedRetriesEndWithTheError) {
  auto m = MakeManager(/*retries=*/1, /*interval_micros=*/0);
  loader_.Fail("m", 1, absl::InvalidArgumentError("unsupported op Foo"));
  m->SetAspiredVersions("m", Versions({1}));
  m->ManageOnce();
  EXPECT_EQ(loader_.Calls("m", 1), 2) << "interval 0 retries at once";
  auto state = m->GetVersionState("m", 1);
  EXPECT_EQ(state->state, ManagerState::kEnd);
  EXPECT_EQ(state->status.message(), "unsupported op Foo");
  env_.AdvanceMicros(3600 * kSecond);
  m->ManageOnce();
  EXPECT_EQ(loader_.Calls("m", 1), 2);
}

TEST_F(ManagerTest, LeavingOutAPendingRetryCancelsIt) {
  auto m = MakeManager(/*retries=*/5, /*interval_micros=*/10 * kSecond);
  loader_.Fail("m", 1, absl::UnavailableError("disk busy"));
  m->SetAspiredVersions("m", Versions({1}));
  m->ManageOnce();
  m->SetAspiredVersions("m", {});
  env_.AdvanceMicros(10 * kSecond);
  m->ManageOnce();
  EXPECT_EQ(loader_.Calls("m", 1), 1);
  auto state = m->GetVersionState("m", 1);
  EXPECT_EQ(state->state, ManagerState::kEnd);
  EXPECT_EQ(state->status.message(), "disk busy");
}

TEST_F(ManagerTest, UnaspiredVersionsUnloadAndStatesListHighestFirst) {
  auto m = MakeManager();
  m->SetAspiredVersions("m", Versions({1, 2, 3}));
  m->ManageOnce();
  m->SetAspiredVersions("m", Versions({1, 3}));
  m->ManageOnce();
  EXPECT_THAT(m->AvailableVersions("m"), ElementsAre(1, 3));
  VersionStates states = m->GetVersionStates("m");
  std::vector<std::pair<int64_t, ManagerState>> seen;
  for (const auto& [v, s] : states) seen.emplace_back(v, s.state);
  EXPECT_THAT(seen,
              ElementsAre(std::pair{3, ManagerState::kAvailable}, std::pair{2, ManagerState::kEnd},
                          std::pair{1, ManagerState::kAvailable}));
  m->SetAspiredVersions("m", {});
  m->ManageOnce();
  EXPECT_TRUE(m->AvailableVersions("m").empty());
  EXPECT_TRUE(m->GetVersionStates("other").empty());
}

TEST_F(ManagerTest, WhileNoAspiredVersionServesTheNewestOldOneStays) {
  auto m = MakeManager(/*retries=*/3, /*interval_micros=*/10 * kSecond);
  m->SetAspiredVersions("m", Versions({1, 2}));
  m->ManageOnce();
  loader_.Fail("m", 3, absl::UnavailableError("slow disk"), 1);
  m->SetAspiredVersions("m", Versions({3}));
  m->ManageOnce();
  EXPECT_THAT(m->AvailableVersions("m"), ElementsAre(2)) << "3 is retrying; 2 keeps serving";
  env_.AdvanceMicros(10 * kSecond);
  m->ManageOnce();
  EXPECT_THAT(m->AvailableVersions("m"), ElementsAre(3));
}

TEST_F(ManagerTest, ThrowingLoaderIsAnInternalError) {
  AspiredVersionsManager::Options options;
  options.loader = [](const ServableId&, const std::string&) -> absl::StatusOr<ServableHandle> {
    throw std::runtime_error("boom");
  };
  options.max_num_load_retries = 0;
  options.env = &env_;
  AspiredVersionsManager m(options);
  m.SetAspiredVersions("m", Versions({1}));
  m.ManageOnce();
  auto state = m.GetVersionState("m", 1);
  EXPECT_EQ(state->status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(state->status.message(), "loading threw: boom");
}

}  // namespace
}  // namespace savedserve
