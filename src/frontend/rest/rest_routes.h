// TF Serving's REST URL grammar (docs: rest_api.md §1), matched case-insensitively:
//   POST /v1/models/<name>[/versions/<N>|/labels/<L>]:(predict|classify|regress)
//   GET  /v1/models[/<name>][/versions/<N>|/labels/<L>][/metadata]
// <name> and <L> are one or more characters other than '/' and ':' (percent-decoded after
// matching); <N> is decimal digits. Pure functions, safe for concurrent use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace savedserve {

struct ModelRoute {
  std::string model_name;  // empty only for GET /v1/models[...] without a name
  std::optional<int64_t> version;
  std::optional<std::string> label;
  // POST: "predict", "classify" or "regress" (lower-cased). GET: "metadata" or "" (status).
  std::string verb;
};

// nullopt when `path` (no query string) does not match the grammar; an error
// ("Failed to convert version: <N> to numeric.") when <N> does not fit int64.
absl::StatusOr<std::optional<ModelRoute>> ParsePredictionPath(absl::string_view path);
absl::StatusOr<std::optional<ModelRoute>> ParseModelPath(absl::string_view path);

// %XX escapes decoded; a '%' not followed by two hex digits is kept as is ('+' is kept too).
std::string PercentDecode(absl::string_view text);

}  // namespace savedserve
