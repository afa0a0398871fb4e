// Versioned export directories, `<base>/<model_name>/<version>`, as TF Serving expects them.
// A model is written into a hidden temporary directory beside its target and renamed into
// place without replacing anything, so a polling server never sees half a model and an
// existing version is never overwritten. Safe for concurrent use, also across processes:
// two exports racing for the `next` version get distinct versions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/env.h"

namespace savedserve {

// Numeric version directories under `model_dir` ("00000123" counts as 123), ascending.
// Other entries (temporary directories, files) are ignored, as TF Serving ignores them.
absl::StatusOr<std::vector<int64_t>> ListVersions(const std::string& model_dir,
                                                  Env* env = Env::Default());

// Parses "next" (nullopt) or a non-negative version number.
absl::StatusOr<std::optional<int64_t>> ParseVersion(const std::string& text);

struct VersionedExportResult {
  int64_t version;
  std::string path;  // <base>/<model_name>/<version>
};

// Writes a model into a fresh temporary directory with `write(tmp_dir)`, then renames it to
// `<base>/<model_name>/<version>`. `version` nullopt means one past the highest existing
// version (1 when there is none). An explicit version that exists is AlreadyExists. When
// `write` fails, the temporary directory is removed and its error returned.
absl::StatusOr<VersionedExportResult> ExportVersioned(
    const std::string& export_base, const std::string& model_name, std::optional<int64_t> version,
    const std::function<absl::Status(const std::string& tmp_dir)>& write,
    Env* env = Env::Default());

// Prefix of the temporary directories ExportVersioned creates (never numeric, so servers
// skip them; left behind only if the process is killed, and safe to delete then).
inline constexpr char kTempExportPrefix[] = ".tmp-export-";

}  // namespace savedserve
