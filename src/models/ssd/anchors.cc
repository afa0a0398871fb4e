#include "models/ssd/anchors.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace savedserve::ssd {

absl::Status ValidateAnchorConfig(const SsdAnchorConfig& config) {
  const size_t n = config.feature_shapes.size();
  if (config.steps.size() != n || config.sizes.size() != n || config.ratios.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat(
        "anchor config: ", n, " feature shapes but ", config.steps.size(), " steps, ",
        config.sizes.size(), " sizes, ", config.ratios.size(), " ratio lists"));
  }
  if (config.image_size <= 0) {
    return absl::InvalidArgumentError("anchor config: image_size must be positive");
  }
  for (size_t l = 0; l < n; ++l) {
    if (config.feature_shapes[l] <= 0 || config.steps[l] <= 0 ||
        config.sizes[l].first <= 0 || config.sizes[l].second <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("anchor config: layer ", l, " has a non-positive shape/step/size"));
    }
    for (double r : config.ratios[l]) {
      if (r <= 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("anchor config: layer ", l, " has a non-positive ratio"));
      }
    }
  }
  return absl::OkStatus();
}

int AnchorsPerCell(const SsdAnchorConfig& config, size_t layer) {
  return 2 + static_cast<int>(config.ratios[layer].size());
}

size_t NumLayerAnchors(const SsdAnchorConfig& config, size_t layer) {
  const size_t f = static_cast<size_t>(config.feature_shapes[layer]);
  return f * f * static_cast<size_t>(AnchorsPerCell(config, layer));
}

size_t NumAnchors(const SsdAnchorConfig& config) {
  size_t total = 0;
  for (size_t l = 0; l < config.feature_shapes.size(); ++l) total += NumLayerAnchors(config, l);
  return total;
}

std::vector<Anchor> GenerateAnchors(const SsdAnchorConfig& config) {
  std::vector<Anchor> anchors;
  anchors.reserve(NumAnchors(config));
  const double img = config.image_size;
  for (size_t l = 0; l < config.feature_shapes.size(); ++l) {
    const int f = config.feature_shapes[l];
    const double step = config.steps[l];
    const double s0 = config.sizes[l].first / img;
    const double s01 = std::sqrt(config.sizes[l].first * config.sizes[l].second) / img;
    // Per-cell anchor sizes (h, w), the same for every cell of the layer.
    std::vector<std::pair<double, double>> hw = {{s0, s0}, {s01, s01}};
    for (double r : config.ratios[l]) {
      const double sr = std::sqrt(r);
      hw.emplace_back(s0 / sr, s0 * sr);
    }
    for (int i = 0; i < f; ++i) {
      const double cy = (i + config.offset) * step / img;
      for (int j = 0; j < f; ++j) {
        const double cx = (j + config.offset) * step / img;
        for (const auto& [h, w] : hw) {
          anchors.push_back({static_cast<float>(cy), static_cast<float>(cx),
                             static_cast<float>(h), static_cast<float>(w)});
        }
      }
    }
  }
  return anchors;
}

}  // namespace savedserve::ssd
