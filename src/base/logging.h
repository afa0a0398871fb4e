// Minimal line logging to stderr: `SS_LOG(INFO) << "loaded " << name;` writes one line,
// prefixed with time and level, atomically with respect to other log lines.
// Safe for concurrent use.
#pragma once

#include <sstream>

#include "absl/strings/string_view.h"

namespace savedserve {

enum class LogLevel { kINFO, kWARNING, kERROR };

// Lines below this level are dropped (default kINFO; SAVEDSERVE_LOG_LEVEL=WARNING|ERROR).
LogLevel MinLogLevel();
void WriteLogLine(LogLevel level, absl::string_view text);

class LogMessage {
 public:
  explicit LogMessage(LogLevel level) : level_(level) {}
  ~LogMessage() {
    if (level_ >= MinLogLevel()) WriteLogLine(level_, stream_.str());
  }
  std::ostream& stream() { return stream_; }

 private:
  LogLevel level_;
  std::ostringstream stream_;
};

}  // namespace savedserve

#define SS_LOG(level) ::savedserve::LogMessage(::savedserve::LogLevel::k##level).stream()
