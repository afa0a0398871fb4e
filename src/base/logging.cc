#include "base/logging.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace savedserve {

LogLevel MinLogLevel() {
  static const LogLevel level = [] {
    const char* env = std::getenv("SAVEDSERVE_LOG_LEVEL");
    std::string v = env ? env : "";
    if (v == "WARNING") return LogLevel::kWARNING;
    if (v == "ERROR") return LogLevel::kERROR;
    return LogLevel::kINFO;
  }();
  return level;
}

void WriteLogLine(LogLevel level, absl::string_view text) {
  static absl::Mutex mu(absl::kConstInit);
  const char* name = level == LogLevel::kINFO ? "I" : level == LogLevel::kWARNING ? "W" : "E";
  std::string line = absl::StrFormat(
      "%s %s %s\n", name, absl::FormatTime("%Y-%m-%dT%H:%M:%E3S", absl::Now(), absl::UTCTimeZone()),
      text);
  absl::MutexLock lock(&mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace savedserve
