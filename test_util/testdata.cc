#include "test_util/testdata.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace savedserve {

std::optional<std::string> TestDataDir() {
  std::string dir;
  if (const char* env = std::getenv("SAVEDSERVE_TESTDATA"); env && *env) {
    dir = env;
  } else if (const char* src = std::getenv("SAVEDSERVE_SOURCE_DIR"); src && *src) {
    dir = std::string(src) + "/../shared/testdata";
  } else {
    dir = "../shared/testdata";
  }
  if (!std::filesystem::is_directory(dir + "/savedmodels")) return std::nullopt;
  return dir;
}

std::string SavedserveBinary() {
  const char* bin = std::getenv("SAVEDSERVE_BIN");
  return bin ? bin : "savedserve";
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

CommandResult RunCommand(const std::string& command) {
  std::string full = command + " 2>&1";
  FILE* pipe = ::popen(full.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  int status = ::pclose(pipe);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return {code, out};
}

}  // namespace savedserve
