#include "test_util/memory_env.h"

#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace savedserve {
namespace {

class MemoryFile : public RandomAccessFile {
 public:
  MemoryFile(std::string path, std::string data) : path_(std::move(path)), data_(std::move(data)) {}
  absl::Status ReadAt(uint64_t offset, size_t n, char* scratch) const override {
    if (offset > data_.size() || n > data_.size() - offset) {
      return absl::OutOfRangeError(absl::StrCat("reading ", n, " bytes at offset ", offset, " of ",
                                                path_, ": the file has only ", data_.size(),
                                                " bytes (truncated?)"));
    }
    std::memcpy(scratch, data_.data() + offset, n);
    return absl::OkStatus();
  }
  uint64_t Size() const override { return data_.size(); }
  const std::string& path() const override { return path_; }

 private:
  std::string path_, data_;
};

bool IsUnder(const std::string& path, const std::string& dir) {
  return absl::StartsWith(path, dir + "/");
}

}  // namespace

void MemoryEnv::SetFile(const std::string& path, std::string data) {
  absl::MutexLock lock(&mu_);
  files_[path] = std::move(data);
}

std::string MemoryEnv::GetFile(const std::string& path) const {
  absl::MutexLock lock(&mu_);
  auto it = files_.find(path);
  return it == files_.end() ? std::string() : it->second;
}

std::string& MemoryEnv::MutableFile(const std::string& path) {
  absl::MutexLock lock(&mu_);
  return files_[path];
}

void MemoryEnv::EraseFile(const std::string& path) {
  absl::MutexLock lock(&mu_);
  files_.erase(path);
}

void MemoryEnv::AdvanceMicros(uint64_t micros) {
  absl::MutexLock lock(&mu_);
  now_micros_ += micros;
}

absl::StatusOr<std::string> MemoryEnv::ReadFile(const std::string& path) {
  absl::MutexLock lock(&mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return absl::NotFoundError(absl::StrCat("open ", path, ": no such file"));
  return it->second;
}

absl::StatusOr<std::unique_ptr<RandomAccessFile>> MemoryEnv::OpenForRead(const std::string& path) {
  auto data = ReadFile(path);
  if (!data.ok()) return data.status();
  return std::unique_ptr<RandomAccessFile>(new MemoryFile(path, *std::move(data)));
}

absl::Status MemoryEnv::WriteFile(const std::string& path, absl::string_view data) {
  SetFile(path, std::string(data));
  return absl::OkStatus();
}

bool MemoryEnv::IsDirectoryLocked(const std::string& path) const {
  if (dirs_.contains(path)) return true;
  auto it = files_.lower_bound(path + "/");
  return it != files_.end() && IsUnder(it->first, path);
}

bool MemoryEnv::FileExists(const std::string& path) {
  absl::MutexLock lock(&mu_);
  return files_.contains(path) || IsDirectoryLocked(path);
}

bool MemoryEnv::IsDirectory(const std::string& path) {
  absl::MutexLock lock(&mu_);
  return IsDirectoryLocked(path);
}

absl::StatusOr<uint64_t> MemoryEnv::FileSize(const std::string& path) {
  auto data = ReadFile(path);
  if (!data.ok()) return data.status();
  return data->size();
}

absl::StatusOr<std::vector<std::string>> MemoryEnv::ListDir(const std::string& dir) {
  absl::MutexLock lock(&mu_);
  if (!IsDirectoryLocked(dir)) return absl::NotFoundError(absl::StrCat("list ", dir));
  std::set<std::string> names;
  auto add = [&](const std::string& path) {
    if (!IsUnder(path, dir)) return;
    std::string rest = path.substr(dir.size() + 1);
    names.insert(rest.substr(0, rest.find('/')));
  };
  for (const auto& [path, unused] : files_) add(path);
  for (const auto& path : dirs_) add(path);
  return std::vector<std::string>(names.begin(), names.end());
}

absl::Status MemoryEnv::CreateDirs(const std::string& dir) {
  absl::MutexLock lock(&mu_);
  dirs_.insert(dir);
  return absl::OkStatus();
}

absl::Status MemoryEnv::CreateDirExclusive(const std::string& dir) {
  absl::MutexLock lock(&mu_);
  if (IsDirectoryLocked(dir) || files_.contains(dir)) {
    return absl::AlreadyExistsError(absl::StrCat("create directory ", dir, ": exists"));
  }
  dirs_.insert(dir);
  return absl::OkStatus();
}

absl::Status MemoryEnv::RenameNoReplace(const std::string& from, const std::string& to) {
  absl::MutexLock lock(&mu_);
  if (files_.contains(to) || IsDirectoryLocked(to)) {
    return absl::AlreadyExistsError(absl::StrCat("rename ", from, " to ", to, ": exists"));
  }
  auto move_all = [&](auto& container, auto key_of) {
    std::vector<std::string> keys;
    for (const auto& entry : container) {
      const std::string& k = key_of(entry);
      if (k == from || IsUnder(k, from)) keys.push_back(k);
    }
    return keys;
  };
  auto file_keys = move_all(files_, [](const auto& e) -> const std::string& { return e.first; });
  auto dir_keys = move_all(dirs_, [](const auto& e) -> const std::string& { return e; });
  if (file_keys.empty() && dir_keys.empty()) {
    return absl::NotFoundError(absl::StrCat("rename ", from, ": no such file"));
  }
  for (const auto& k : file_keys) {
    files_[to + k.substr(from.size())] = std::move(files_[k]);
    files_.erase(k);
  }
  for (const auto& k : dir_keys) {
    dirs_.erase(k);
    dirs_.insert(to + k.substr(from.size()));
  }
  return absl::OkStatus();
}

absl::Status MemoryEnv::DeleteRecursively(const std::string& path) {
  absl::MutexLock lock(&mu_);
  std::erase_if(files_, [&](const auto& e) { return e.first == path || IsUnder(e.first, path); });
  std::erase_if(dirs_, [&](const auto& d) { return d == path || IsUnder(d, path); });
  return absl::OkStatus();
}

uint64_t MemoryEnv::NowMicros() {
  absl::MutexLock lock(&mu_);
  return now_micros_;
}

}  // namespace savedserve
