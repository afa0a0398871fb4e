// Version policy and version labels, as in TF Serving's ModelConfig: which of the version
// directories found under a model's base path to serve (latest N, the default being the
// latest 1; all; specific versions), and which version each label names.
// Pure functions; safe for concurrent use.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tensorflow_serving/config/file_system_storage_path_source.pb.h"
#include "tensorflow_serving/config/model_server_config.pb.h"

namespace savedserve {

using ServableVersionPolicy =
    tensorflow::serving::FileSystemStoragePathSourceConfig::ServableVersionPolicy;

// A version directory's number: decimal digits only, fitting int64 ("00000123" is 123).
// Anything else (temporary export directories, files like "README") is not a version.
std::optional<int64_t> ParseVersionDirName(absl::string_view name);

// The versions to serve among `on_disk`, ascending. latest{num_versions} keeps the highest
// max(num_versions, 1); specific keeps those listed that exist (missing ones are logged).
std::vector<int64_t> SelectAspiredVersions(const ServableVersionPolicy& policy,
                                           const std::set<int64_t>& on_disk,
                                           absl::string_view model_name);

// Resolves `model`'s version_labels. Each label must name a version in `available`, as in TF
// Serving, except when `allow_unavailable` is set: then a new label, or one keeping its
// version from `previous`, may name any version (moving a label still needs an available
// target). FailedPrecondition names the label's version and model otherwise.
absl::StatusOr<std::map<std::string, int64_t>> ResolveVersionLabels(
    const tensorflow::serving::ModelConfig& model, const std::set<int64_t>& available,
    const std::map<std::string, int64_t>& previous, bool allow_unavailable);

}  // namespace savedserve
