// The file-system source: lists a model's base path for numeric version directories and
// applies the model's version policy, giving the versions the manager should serve (the
// "aspired" versions, as TF Serving's FileSystemStoragePathSource emits them).
// Pure functions over an Env; safe for concurrent use.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/env.h"
#include "tensorflow_serving/config/model_server_config.pb.h"

namespace savedserve {

struct AspiredVersion {
  int64_t version = 0;
  std::string path;  // <base_path>/<directory name>
};

// Version number -> directory name, for the numeric subdirectories of `base_path`. When two
// names give one number ("7" and "007"), the last in sorted order wins, with a warning.
// NotFound when `base_path` is not a directory: a missing or unmounted base path must not
// read as "no versions", which would unload everything.
absl::StatusOr<std::map<int64_t, std::string>> ListVersionDirectories(const std::string& base_path,
                                                                      Env* env);

// The versions of `model` to serve now, ascending. An empty list (no version directories)
// means "serve nothing": its versions are unloaded.
absl::StatusOr<std::vector<AspiredVersion>> PollModelVersions(
    const tensorflow::serving::ModelConfig& model, Env* env);

}  // namespace savedserve
