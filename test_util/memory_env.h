// MemoryEnv: an Env whose files live in memory, for tests that must not touch the disk
// (fuzzing thousands of corrupt files) or that need a clock they control. Directories are
// implied by file paths and by CreateDirs. Safe for concurrent use.
#pragma once

#include <map>
#include <set>
#include <string>

#include "absl/synchronization/mutex.h"
#include "base/env.h"

namespace savedserve {

class MemoryEnv : public Env {
 public:
  // Direct access for setting up and corrupting files.
  void SetFile(const std::string& path, std::string data);
  std::string GetFile(const std::string& path) const;
  // The stored bytes, created empty if absent, for in-place corruption.
  // REQUIRES: no concurrent use of this MemoryEnv while the reference is held.
  std::string& MutableFile(const std::string& path);
  void EraseFile(const std::string& path);
  void AdvanceMicros(uint64_t micros);

  absl::StatusOr<std::string> ReadFile(const std::string& path) override;
  absl::StatusOr<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& path) override;
  absl::Status WriteFile(const std::string& path, absl::string_view data) override;
  bool FileExists(const std::string& path) override;
  bool IsDirectory(const std::string& path) override;
  absl::StatusOr<uint64_t> FileSize(const std::string& path) override;
  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) override;
  absl::Status CreateDirs(const std::string& dir) override;
  absl::Status CreateDirExclusive(const std::string& dir) override;
  absl::Status RenameNoReplace(const std::string& from, const std::string& to) override;
  absl::Status DeleteRecursively(const std::string& path) override;
  uint64_t NowMicros() override;

 private:
  bool IsDirectoryLocked(const std::string& path) const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::map<std::string, std::string> files_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> dirs_ ABSL_GUARDED_BY(mu_);
  uint64_t now_micros_ ABSL_GUARDED_BY(mu_) = 1'000'000;
};

}  // namespace savedserve
