#include "serving/version_policy.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/logging.h"

namespace savedserve {

std::optional<int64_t> ParseVersionDirName(absl::string_view name) {
  if (name.empty()) return std::nullopt;
  for (char c : name) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  int64_t version;
  if (!absl::SimpleAtoi(name, &version)) return std::nullopt;  // overflows int64
  return version;
}

std::vector<int64_t> SelectAspiredVersions(const ServableVersionPolicy& policy,
                                           const std::set<int64_t>& on_disk,
                                           absl::string_view model_name) {
  std::vector<int64_t> selected;
  switch (policy.policy_choice_case()) {
    case ServableVersionPolicy::kAll:
      selected.assign(on_disk.begin(), on_disk.end());
      break;
    case ServableVersionPolicy::kSpecific:
      for (int64_t version : policy.specific().versions()) {
        if (on_disk.contains(version)) {
          selected.push_back(version);
        } else {
          SS_LOG(WARNING) << "Version " << version << " of model " << model_name
                          << ", listed in its 'specific' version policy, was not found";
        }
      }
      std::sort(selected.begin(), selected.end());
      selected.erase(std::unique(selected.begin(), selected.end()), selected.end());
      break;
    case ServableVersionPolicy::kLatest:
    case ServableVersionPolicy::POLICY_CHOICE_NOT_SET: {
      const uint32_t n = std::max<uint32_t>(policy.latest().num_versions(), 1);
      for (auto it = on_disk.rbegin(); it != on_disk.rend() && selected.size() < n; ++it) {
        selected.push_back(*it);
      }
      std::reverse(selected.begin(), selected.end());
      break;
    }
  }
  return selected;
}

absl::StatusOr<std::map<std::string, int64_t>> ResolveVersionLabels(
    const tensorflow::serving::ModelConfig& model, const std::set<int64_t>& available,
    const std::map<std::string, int64_t>& previous, bool allow_unavailable) {
  std::map<std::string, int64_t> labels;
  for (const auto& [label, version] : model.version_labels()) {
    auto old = previous.find(label);
    const bool moves = old != previous.end() && old->second != version;
    if (!available.contains(version) && (!allow_unavailable || moves)) {
      return absl::FailedPreconditionError(
          absl::StrCat("Request to assign label to version ", version, " of model ", model.name(),
                       ", which is not currently available for inference"));
    }
    labels[label] = version;
  }
  return labels;
}

}  // namespace savedserve
