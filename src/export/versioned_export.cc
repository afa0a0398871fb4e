#include "export/versioned_export.h"

#include <unistd.h>

#include <atomic>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status.h"

namespace savedserve {
namespace {

bool ParseVersionDir(const std::string& name, int64_t* version) {
  if (name.empty() || name.size() > 18) return false;
  for (char c : name) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return absl::SimpleAtoi(name, version);
}

// A name unique within this process and across processes.
std::string TempName() {
  static std::atomic<uint64_t> counter{0};
  return absl::StrCat(kTempExportPrefix, ::getpid(), "-", counter.fetch_add(1));
}

}  // namespace

absl::StatusOr<std::vector<int64_t>> ListVersions(const std::string& model_dir, Env* env) {
  std::vector<int64_t> versions;
  if (!env->IsDirectory(model_dir)) return versions;
  ASSIGN_OR_RETURN(auto names, env->ListDir(model_dir));
  for (const auto& name : names) {
    int64_t v;
    if (ParseVersionDir(name, &v) && env->IsDirectory(JoinPath(model_dir, name))) {
      versions.push_back(v);
    }
  }
  std::sort(versions.begin(), versions.end());
  return versions;
}

absl::StatusOr<std::optional<int64_t>> ParseVersion(const std::string& text) {
  if (text == "next") return std::optional<int64_t>();
  int64_t v;
  if (!ParseVersionDir(text, &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("version must be a non-negative integer or 'next', got '", text, "'"));
  }
  return std::optional<int64_t>(v);
}

absl::StatusOr<VersionedExportResult> ExportVersioned(
    const std::string& export_base, const std::string& model_name, std::optional<int64_t> version,
    const std::function<absl::Status(const std::string& tmp_dir)>& write, Env* env) {
  if (model_name.empty() || model_name.find('/') != std::string::npos || model_name[0] == '.') {
    return absl::InvalidArgumentError(
        absl::StrCat("model name '", model_name, "' must be a plain directory name"));
  }
  std::string model_dir = JoinPath(export_base, model_name);
  RETURN_IF_ERROR(env->CreateDirs(model_dir));
  if (version && env->FileExists(JoinPath(model_dir, absl::StrCat(*version)))) {
    return absl::AlreadyExistsError(absl::StrCat("version ", *version, " of model '", model_name,
                                                 "' already exists in ", model_dir,
                                                 "; versions are never overwritten"));
  }
  std::string tmp = JoinPath(model_dir, TempName());
  RETURN_IF_ERROR(env->CreateDirExclusive(tmp));
  absl::Status written = write(tmp);
  if (!written.ok()) {
    env->DeleteRecursively(tmp).IgnoreError();
    return written;
  }
  // Claim the version by renaming; when racing for `next`, the loser takes the one after.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    int64_t v;
    if (version) {
      v = *version;
    } else {
      ASSIGN_OR_RETURN(auto versions, ListVersions(model_dir, env));
      v = versions.empty() ? 1 : versions.back() + 1;
    }
    std::string target = JoinPath(model_dir, absl::StrCat(v));
    absl::Status renamed = env->RenameNoReplace(tmp, target);
    if (renamed.ok()) return VersionedExportResult{v, target};
    if (!absl::IsAlreadyExists(renamed) || version) {
      env->DeleteRecursively(tmp).IgnoreError();
      if (absl::IsAlreadyExists(renamed)) {
        return absl::AlreadyExistsError(absl::StrCat("version ", v, " of model '", model_name,
                                                     "' already exists in ", model_dir,
                                                     "; versions are never overwritten"));
      }
      return renamed;
    }
  }
  env->DeleteRecursively(tmp).IgnoreError();
  return absl::AbortedError("could not claim a version number after 1000 attempts");
}

}  // namespace savedserve
