// Env: every file-system and clock call savedserve makes goes through this seam, so tests
// can substitute a fake (see test_util/) and never sleep. Env::Default() is the POSIX one.
// Implementations are safe for concurrent use.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace savedserve {

// A whole file mapped read-only into memory. Its pages are read on first touch and count as
// this process's memory from then on, until Release drops them again (the next touch reads
// them again, from the page cache). The file should not change while mapped (SavedModel
// version directories never do). One that shrinks (overwritten in place) would crash the
// process at the next read past its new end (SIGBUS); the POSIX Env's mappings read zeros
// there instead and are listed by DamagedMappedFiles, so readers can fail cleanly.
// Safe for concurrent use.
class MappedFile {
 public:
  virtual ~MappedFile() = default;
  virtual const char* data() const = 0;
  virtual uint64_t size() const = 0;
  // Drops the whole pages within [data() + offset, data() + offset + n) from resident memory.
  virtual void Release(uint64_t offset, uint64_t n) const = 0;
};

// Paths of the mapped files that were read past their end since they were mapped (and are
// still mapped): what was read from them since may be zeros. Cheap while there are none.
std::vector<std::string> DamagedMappedFiles();

// A file opened for positional reads. Safe for concurrent use.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads exactly n bytes at `offset` into `scratch`; short files are an OutOfRange error
  // naming the file.
  virtual absl::Status ReadAt(uint64_t offset, size_t n, char* scratch) const = 0;
  virtual uint64_t Size() const = 0;
  virtual const std::string& path() const = 0;
  // The whole file mapped into memory (it stays mapped while the result lives, even after
  // this object is gone), or nullptr where files cannot be mapped: read with ReadAt then.
  virtual std::shared_ptr<const MappedFile> Map() const { return nullptr; }
};

class Env {
 public:
  virtual ~Env() = default;
  // The process-wide POSIX Env. Never deleted.
  static Env* Default();

  virtual absl::StatusOr<std::string> ReadFile(const std::string& path) = 0;
  virtual absl::StatusOr<std::unique_ptr<RandomAccessFile>> OpenForRead(
      const std::string& path) = 0;
  // Creates or truncates `path`, writes `data` and flushes it to disk (fsync).
  virtual absl::Status WriteFile(const std::string& path, absl::string_view data) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  virtual bool IsDirectory(const std::string& path) = 0;
  virtual absl::StatusOr<uint64_t> FileSize(const std::string& path) = 0;
  // Names (not paths) of the entries of `dir`, sorted, without "." and "..".
  virtual absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  // Creates `dir` and missing parents; an existing directory is fine.
  virtual absl::Status CreateDirs(const std::string& dir) = 0;
  // Creates `dir`, failing with AlreadyExists when it exists (an atomic claim).
  virtual absl::Status CreateDirExclusive(const std::string& dir) = 0;
  // Renames `from` to `to`; fails with AlreadyExists instead of replacing `to`.
  virtual absl::Status RenameNoReplace(const std::string& from, const std::string& to) = 0;
  virtual absl::Status DeleteRecursively(const std::string& path) = 0;
  virtual uint64_t NowMicros() = 0;
};

// Path helpers (pure string operations).
std::string JoinPath(absl::string_view a, absl::string_view b);
absl::string_view Basename(absl::string_view path);
absl::string_view Dirname(absl::string_view path);

}  // namespace savedserve
