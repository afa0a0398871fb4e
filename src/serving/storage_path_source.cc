#include "serving/storage_path_source.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/status.h"
#include "serving/version_policy.h"

namespace savedserve {

absl::StatusOr<std::map<int64_t, std::string>> ListVersionDirectories(const std::string& base_path,
                                                                      Env* env) {
  if (!env->IsDirectory(base_path)) {
    return absl::NotFoundError(absl::StrCat("Could not find base path ", base_path));
  }
  ASSIGN_OR_RETURN(std::vector<std::string> names, env->ListDir(base_path));
  std::map<int64_t, std::string> versions;
  for (const std::string& name : names) {
    std::optional<int64_t> version = ParseVersionDirName(name);
    if (!version || !env->IsDirectory(JoinPath(base_path, name))) continue;
    auto [it, inserted] = versions.try_emplace(*version, name);
    if (!inserted) {
      SS_LOG(WARNING) << "Duplicate version directories in " << base_path << ": version "
                      << *version << " will be loaded from " << name << ", " << it->second
                      << " will be ignored";
      it->second = name;
    }
  }
  return versions;
}

absl::StatusOr<std::vector<AspiredVersion>> PollModelVersions(
    const tensorflow::serving::ModelConfig& model, Env* env) {
  auto dirs = ListVersionDirectories(model.base_path(), env);
  if (!dirs.ok()) {
    return Annotate(dirs.status(), absl::StrCat("polling model ", model.name()));
  }
  std::set<int64_t> on_disk;
  for (const auto& [version, name] : *dirs) on_disk.insert(version);
  std::vector<AspiredVersion> aspired;
  for (int64_t version :
       SelectAspiredVersions(model.model_version_policy(), on_disk, model.name())) {
    aspired.push_back({version, JoinPath(model.base_path(), dirs->at(version))});
  }
  return aspired;
}

}  // namespace savedserve
