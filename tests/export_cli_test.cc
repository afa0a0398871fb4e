// End-to-end tests of `savedserve export`: the checkpoint form and the model subcommands,
// run as separate processes (also concurrently, and killed half way).
#include <chrono>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/env.h"
#include "export/versioned_export.h"
#include "format/saved_model.h"
#include "gtest/gtest.h"
#include "test_util/temp_dir.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

constexpr char kCheckpoint[] = "checkpoints/half_plus_two_tf1_v2/00000123/export";

// The command line of `savedserve export <args>`.
std::string ExportCommand(const std::string& args) {
  return ShellQuote(SavedserveBinary()) + " export " + args;
}

std::string HalfPlusTwoArgs(const std::string& base, const std::string& name,
                            const std::string& version = "next") {
  return "half_plus_two --export_base " + ShellQuote(base) + " --model_name " + name +
         " --version " + version;
}

std::string CheckpointArgs(const std::string& testdata, const std::string& base,
                           const std::string& name, const std::string& version = "next") {
  return "--checkpoint " + ShellQuote(JoinPath(testdata, kCheckpoint)) +
         " --inputs x=Placeholder:0 --outputs y=Add:0 --export_base " + ShellQuote(base) +
         " --model_name " + name + " --version " + version;
}

::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (absl::StrContains(text, part)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not in:\n" << text;
}

// Every numbered version directory holds a whole SavedModel.
::testing::AssertionResult AllVersionsComplete(const std::string& model_dir) {
  Env* env = Env::Default();
  auto versions = ListVersions(model_dir);
  if (!versions.ok()) return ::testing::AssertionFailure() << versions.status();
  for (int64_t v : *versions) {
    std::string dir = JoinPath(model_dir, absl::StrCat(v));
    for (const char* file : {"saved_model.pb", "variables/variables.index"}) {
      if (!env->FileExists(JoinPath(dir, file))) {
        return ::testing::AssertionFailure() << dir << " lacks " << file;
      }
    }
    auto model = ReadSavedModel(dir, {"serve"});
    if (!model.ok()) return ::testing::AssertionFailure() << dir << ": " << model.status();
  }
  return ::testing::AssertionSuccess();
}

TEST(ExportCliTest, HalfPlusTwoWritesVersions) {
  TempDir tmp;
  CommandResult first = RunCommand(ExportCommand(HalfPlusTwoArgs(tmp.path(), "hp2")));
  EXPECT_EQ(first.exit_code, 0) << first.output;
  std::string path = JoinPath(tmp.path(), "hp2/1");
  EXPECT_TRUE(Contains(first.output, "Exported version 1 of model 'hp2' to " + path));
  CommandResult second = RunCommand(ExportCommand(HalfPlusTwoArgs(tmp.path(), "hp2")));
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_TRUE(Contains(second.output, "Exported version 2 of model 'hp2'"));
  EXPECT_EQ(*ListVersions(JoinPath(tmp.path(), "hp2")), (std::vector<int64_t>{1, 2}));
  EXPECT_TRUE(AllVersionsComplete(JoinPath(tmp.path(), "hp2")));

  // --model_name defaults to half_plus_two.
  CommandResult plain = RunCommand(
      ExportCommand("half_plus_two --export_base " + ShellQuote(tmp.path()) + " --version 5"));
  EXPECT_EQ(plain.exit_code, 0) << plain.output;
  EXPECT_TRUE(Env::Default()->FileExists(JoinPath(tmp.path(), "half_plus_two/5/saved_model.pb")));
}

TEST(ExportCliTest, CheckpointExportStillWorks) {
  SS_REQUIRE_TESTDATA();
  TempDir tmp;
  CommandResult result = RunCommand(ExportCommand(CheckpointArgs(testdata, tmp.path(), "m", "3")));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(
      Contains(result.output, "Exported version 3 of model 'm' to " + JoinPath(tmp.path(), "m/3")));
  EXPECT_TRUE(AllVersionsComplete(JoinPath(tmp.path(), "m")));
}

TEST(ExportCliTest, RefusesToOverwriteAnExplicitVersion) {
  SS_REQUIRE_TESTDATA();
  TempDir tmp;
  Env* env = Env::Default();
  ASSERT_EQ(RunCommand(ExportCommand(HalfPlusTwoArgs(tmp.path(), "m", "7"))).exit_code, 0);
  std::string pb = JoinPath(tmp.path(), "m/7/saved_model.pb");
  std::string before = *env->ReadFile(pb);
  for (const std::string& args :
       {HalfPlusTwoArgs(tmp.path(), "m", "7"), CheckpointArgs(testdata, tmp.path(), "m", "7")}) {
    CommandResult again = RunCommand(ExportCommand(args));
    EXPECT_EQ(again.exit_code, 1) << again.output;
    EXPECT_TRUE(Contains(again.output, "version 7 of model 'm' already exists"));
  }
  EXPECT_EQ(*env->ReadFile(pb), before);
  EXPECT_EQ(*ListVersions(JoinPath(tmp.path(), "m")), (std::vector<int64_t>{7}));
}

TEST(ExportCliTest, FlagErrorsAreClear) {
  TempDir tmp;
  CommandResult none = RunCommand(ExportCommand(""));
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_TRUE(Contains(none.output,
                       "missing required flag(s) --checkpoint, --inputs, --outputs, "
                       "--export_base, --model_name"));
  EXPECT_TRUE(Contains(none.output, "half_plus_two"));
  CommandResult some = RunCommand(ExportCommand("--checkpoint x --inputs a=b:0 --outputs c=d:0"));
  EXPECT_EQ(some.exit_code, 2);
  EXPECT_TRUE(Contains(some.output, "missing required flag(s) --export_base, --model_name"));
  CommandResult mixed = RunCommand(
      ExportCommand("--checkpoint x half_plus_two --export_base " + ShellQuote(tmp.path())));
  EXPECT_EQ(mixed.exit_code, 2);
  EXPECT_TRUE(Contains(mixed.output, "--checkpoint belongs to checkpoint export"));
  EXPECT_FALSE(Env::Default()->FileExists(JoinPath(tmp.path(), "half_plus_two")));
  CommandResult no_base = RunCommand(ExportCommand("half_plus_two"));
  EXPECT_NE(no_base.exit_code, 0);
  EXPECT_TRUE(Contains(no_base.output, "--export_base"));
  CommandResult bad_version = RunCommand(ExportCommand(HalfPlusTwoArgs(tmp.path(), "m", "x1")));
  EXPECT_EQ(bad_version.exit_code, 2);
  EXPECT_TRUE(Contains(bad_version.output, "version must be"));
}

TEST(ExportCliTest, HelpWorksOnEachCommand) {
  CommandResult parent = RunCommand(ExportCommand("--help"));
  EXPECT_EQ(parent.exit_code, 0);
  EXPECT_TRUE(Contains(parent.output, "--checkpoint"));
  EXPECT_TRUE(Contains(parent.output, "half_plus_two"));
  CommandResult model = RunCommand(ExportCommand("half_plus_two --help"));
  EXPECT_EQ(model.exit_code, 0);
  EXPECT_TRUE(Contains(model.output, "--export_base"));
  EXPECT_TRUE(Contains(model.output, "--version"));
  EXPECT_FALSE(Contains(model.output, "--checkpoint"));
}

// Versions that "Exported version N" lines in `output` report.
std::vector<int64_t> ReportedVersions(const std::string& output) {
  std::vector<int64_t> versions;
  std::regex re("Exported version ([0-9]+) ");
  for (std::sregex_iterator it(output.begin(), output.end(), re), end; it != end; ++it) {
    versions.push_back(std::stoll((*it)[1]));
  }
  return versions;
}

TEST(ExportCliTest, ConcurrentNextExportsGetDistinctVersions) {
  SS_REQUIRE_TESTDATA();
  TempDir tmp;
  std::set<int64_t> seen;
  for (int round = 0; round < 4; ++round) {
    // Two processes racing for `next`, one of each form.
    std::string both = "{ " + ExportCommand(HalfPlusTwoArgs(tmp.path(), "m")) + " & " +
                       ExportCommand(CheckpointArgs(testdata, tmp.path(), "m")) + " & wait; }";
    CommandResult result = RunCommand(both);
    std::vector<int64_t> versions = ReportedVersions(result.output);
    ASSERT_EQ(versions.size(), 2u) << result.output;
    for (int64_t v : versions) EXPECT_TRUE(seen.insert(v).second) << "version " << v << " twice";
  }
  EXPECT_EQ(seen, (std::set<int64_t>{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_TRUE(AllVersionsComplete(JoinPath(tmp.path(), "m")));
}

// SIGKILL cannot be caught: whatever instant it lands, a numbered directory either does not
// exist yet or holds a complete model (versions appear only by atomic rename).
TEST(ExportCliTest, KilledExportsNeverLeaveAPartialVersion) {
  SS_REQUIRE_TESTDATA();
  TempDir tmp;
  // Scale the kill delays to how long one export takes here.
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(RunCommand(ExportCommand(CheckpointArgs(testdata, tmp.path(), "timing"))).exit_code, 0);
  double run_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::mt19937 rng(20240601);
  std::uniform_real_distribution<double> delay_ms(0.0, 1.5 * run_ms);
  int completed = 0;
  for (int attempt = 0; attempt < 20; ++attempt) {
    std::string args = attempt % 2 == 0 ? HalfPlusTwoArgs(tmp.path(), "m")
                                        : CheckpointArgs(testdata, tmp.path(), "m");
    char delay[32];
    std::snprintf(delay, sizeof(delay), "%.4f", delay_ms(rng) / 1000.0);
    RunCommand("{ " + ExportCommand(args) + " >/dev/null 2>&1 & pid=$!; sleep " + delay +
               "; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null; true; }");
    ASSERT_TRUE(AllVersionsComplete(JoinPath(tmp.path(), "m"))) << "after attempt " << attempt;
    completed = static_cast<int>(ListVersions(JoinPath(tmp.path(), "m"))->size());
  }
  // Later exports are unaffected by the debris of killed ones.
  CommandResult after = RunCommand(ExportCommand(HalfPlusTwoArgs(tmp.path(), "m")));
  EXPECT_EQ(after.exit_code, 0) << after.output;
  EXPECT_TRUE(Contains(after.output, absl::StrCat("Exported version ", completed + 1, " ")));
  EXPECT_TRUE(AllVersionsComplete(JoinPath(tmp.path(), "m")));
}

}  // namespace
}  // namespace savedserve
