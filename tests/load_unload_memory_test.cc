// Leak check for the load/unload path: an in-process ServerCore (no polling thread; stepped
// with PollOnce) serves half_plus_two SavedModels written by ExportHalfPlusTwo. Each cycle
// adds version v, steps the core until v is AVAILABLE and v-1 has been unloaded (END), runs
// one prediction on v and deletes v-1's directory. Resident memory (/proc/self/statm) after
// a warm-up must stay within 10% at the end of 200 more cycles.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/env.h"
#include "export/demo_models.h"
#include "gtest/gtest.h"
#include "serving/server_core.h"
#include "test_util/temp_dir.h"

namespace savedserve {
namespace {

namespace tfs = tensorflow::serving;

constexpr char kModel[] = "half_plus_two";

int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size_pages = 0, resident_pages = 0;
  statm >> size_pages >> resident_pages;
  return resident_pages * ::sysconf(_SC_PAGESIZE);
}

class LoadUnloadMemoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = JoinPath(dir_.path(), kModel);
    ASSERT_TRUE(ExportHalfPlusTwo(dir_.path(), kModel, 1).ok());
    ServerCoreOptions options;
    auto* model = options.config.mutable_model_config_list()->add_config();
    model->set_name(kModel);
    model->set_base_path(base_);
    model->set_model_platform("tensorflow");
    options.file_system_poll_wait_seconds = 0;  // stepped by PollOnce
    options.max_num_load_retries = 0;
    options.enable_model_warmup = false;
    auto core = ServerCore::Create(options);
    ASSERT_TRUE(core.ok()) << core.status();
    core_ = *std::move(core);
    ASSERT_EQ(State(1), tfs::ModelVersionStatus::AVAILABLE);
  }

  tfs::ModelVersionStatus::State State(int64_t version) {
    tfs::GetModelStatusRequest request;
    request.mutable_model_spec()->set_name(kModel);
    request.mutable_model_spec()->mutable_version()->set_value(version);
    tfs::GetModelStatusResponse response;
    if (!core_->GetModelStatus(request, &response).ok() ||
        response.model_version_status_size() != 1) {
      return tfs::ModelVersionStatus::UNKNOWN;
    }
    return response.model_version_status(0).state();
  }

  // One cycle: load `version`, unload `version - 1`, predict on `version`.
  void Cycle(int64_t version) {
    ASSERT_TRUE(ExportHalfPlusTwo(dir_.path(), kModel, version).ok());
    // PollOnce runs loads and unloads synchronously; a few steps always suffice.
    for (int step = 0; step < 10; ++step) {
      if (State(version) == tfs::ModelVersionStatus::AVAILABLE &&
          State(version - 1) == tfs::ModelVersionStatus::END) {
        break;
      }
      core_->PollOnce();
    }
    ASSERT_EQ(State(version), tfs::ModelVersionStatus::AVAILABLE) << version;
    ASSERT_EQ(State(version - 1), tfs::ModelVersionStatus::END) << version - 1;
    ASSERT_TRUE(Env::Default()->DeleteRecursively(JoinPath(base_, absl::StrCat(version - 1))).ok());

    tfs::ModelSpec spec;
    spec.set_name(kModel);
    auto handle = core_->GetServableHandle(spec);
    ASSERT_TRUE(handle.ok()) << handle.status();
    ASSERT_EQ((*handle)->id().version, version);
    const std::vector<float> values = {1.0f, 2.0f, 5.0f};
    const Tensor x = Tensor::FromVector<float>(values, TensorShape({3}));
    auto y = (*handle)->model().RunSignature("serving_default", {{"x", x}}, {});
    ASSERT_TRUE(y.ok()) << y.status();
    ASSERT_EQ(y->at("y").data<float>()[2], 4.5f);
  }

  TempDir dir_;
  std::string base_;
  std::unique_ptr<ServerCore> core_;
};

TEST_F(LoadUnloadMemoryTest, TwoHundredCyclesDoNotGrowResidentMemory) {
  constexpr int kWarmupCycles = 20, kCycles = 200;
  int64_t version = 1;
  for (int i = 0; i < kWarmupCycles; ++i) {
    ASSERT_NO_FATAL_FAILURE(Cycle(++version));
  }
  const int64_t before = ResidentBytes();
  for (int i = 0; i < kCycles; ++i) {
    ASSERT_NO_FATAL_FAILURE(Cycle(++version));
  }
  const int64_t after = ResidentBytes();
  std::printf("resident after %d warm-up cycles: %lld KiB; after %d more: %lld KiB (%+.2f%%)\n",
              kWarmupCycles, static_cast<long long>(before / 1024), kCycles,
              static_cast<long long>(after / 1024), 100.0 * (after - before) / before);
  EXPECT_LT(after, before + before / 10);
}

}  // namespace
}  // namespace savedserve
