#include "frontend/rest/rest_routes.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace savedserve {
namespace {

constexpr absl::string_view kModelsPrefix = "/v1/models";

bool ConsumeIgnoringCase(absl::string_view* s, absl::string_view prefix) {
  if (s->size() < prefix.size() || !absl::EqualsIgnoreCase(s->substr(0, prefix.size()), prefix)) {
    return false;
  }
  s->remove_prefix(prefix.size());
  return true;
}

// [^/:]+
absl::string_view ConsumeSegment(absl::string_view* s) {
  const size_t n = std::min(s->find_first_of("/:"), s->size());
  const absl::string_view segment = s->substr(0, n);
  s->remove_prefix(n);
  return segment;
}

// \d+
absl::string_view ConsumeDigits(absl::string_view* s) {
  size_t n = 0;
  while (n < s->size() && absl::ascii_isdigit(static_cast<unsigned char>((*s)[n]))) ++n;
  const absl::string_view digits = s->substr(0, n);
  s->remove_prefix(n);
  return digits;
}

struct RawRoute {
  absl::string_view name, version, label;
};

// (?:/versions/(\d+)|/labels/([^/:]+))? — both alternatives match their longest text, and
// whatever follows starts with ':' or "/metadata" or ends the path, so no backtracking is
// ever needed beyond "not present".
void ConsumeVersionOrLabel(absl::string_view* s, RawRoute* raw) {
  absl::string_view rest = *s;
  if (ConsumeIgnoringCase(&rest, "/versions/")) {
    raw->version = ConsumeDigits(&rest);
    if (!raw->version.empty()) *s = rest;
    return;
  }
  rest = *s;
  if (ConsumeIgnoringCase(&rest, "/labels/")) {
    raw->label = ConsumeSegment(&rest);
    if (!raw->label.empty()) *s = rest;
  }
}

absl::StatusOr<ModelRoute> MakeRoute(const RawRoute& raw, absl::string_view verb) {
  ModelRoute route;
  route.model_name = PercentDecode(raw.name);
  if (!raw.version.empty()) {
    int64_t version;
    if (!absl::SimpleAtoi(raw.version, &version)) {
      return absl::InvalidArgumentError(
          absl::StrCat("Failed to convert version: ", raw.version, " to numeric."));
    }
    route.version = version;
  }
  if (!raw.label.empty()) route.label = PercentDecode(raw.label);
  route.verb = absl::AsciiStrToLower(verb);
  return route;
}

// The GET grammar after "/v1/models", with or without the name group.
std::optional<RawRoute> MatchModelTail(absl::string_view s, bool with_name, bool* metadata) {
  RawRoute raw;
  if (with_name) {
    if (!ConsumeIgnoringCase(&s, "/")) return std::nullopt;
    raw.name = ConsumeSegment(&s);
    if (raw.name.empty()) return std::nullopt;
  }
  ConsumeVersionOrLabel(&s, &raw);
  *metadata = ConsumeIgnoringCase(&s, "/metadata");
  if (!s.empty()) return std::nullopt;
  return raw;
}

}  // namespace

absl::StatusOr<std::optional<ModelRoute>> ParsePredictionPath(absl::string_view path) {
  absl::string_view s = path;
  if (!ConsumeIgnoringCase(&s, kModelsPrefix) || !ConsumeIgnoringCase(&s, "/")) {
    return std::nullopt;
  }
  RawRoute raw;
  raw.name = ConsumeSegment(&s);
  if (raw.name.empty()) return std::nullopt;
  ConsumeVersionOrLabel(&s, &raw);
  if (!ConsumeIgnoringCase(&s, ":")) return std::nullopt;
  for (absl::string_view verb : {"predict", "classify", "regress"}) {
    if (absl::EqualsIgnoreCase(s, verb)) return MakeRoute(raw, verb);
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<ModelRoute>> ParseModelPath(absl::string_view path) {
  absl::string_view s = path;
  if (!ConsumeIgnoringCase(&s, kModelsPrefix)) return std::nullopt;
  bool metadata = false;
  std::optional<RawRoute> raw = MatchModelTail(s, /*with_name=*/true, &metadata);
  if (!raw) raw = MatchModelTail(s, /*with_name=*/false, &metadata);
  if (!raw) return std::nullopt;
  return MakeRoute(*raw, metadata ? "metadata" : "");
}

std::string PercentDecode(absl::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace savedserve
