// Locating ../shared/testdata for tests. Tests that need it call
// SS_REQUIRE_TESTDATA(); which skips the test, saying why, when the data is absent.
#pragma once

#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace savedserve {

// $SAVEDSERVE_TESTDATA if set, else <source dir>/../shared/testdata; nullopt if missing.
std::optional<std::string> TestDataDir();
// Path of the `savedserve` binary under test ($SAVEDSERVE_BIN, set by ctest).
std::string SavedserveBinary();
// `s` as one single-quoted shell word.
std::string ShellQuote(const std::string& s);
// Runs a shell command, returning its exit code and combined stdout+stderr.
struct CommandResult {
  int exit_code;
  std::string output;
};
CommandResult RunCommand(const std::string& command);

}  // namespace savedserve

#define SS_REQUIRE_TESTDATA()                                                          \
  auto ss_testdata_opt_ = ::savedserve::TestDataDir();                                 \
  if (!ss_testdata_opt_) {                                                             \
    GTEST_SKIP() << "test data not found: set SAVEDSERVE_TESTDATA or place ../shared/" \
                    "testdata beside the source tree";                                 \
  }                                                                                    \
  const std::string testdata = *ss_testdata_opt_
