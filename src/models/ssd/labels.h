// Class labels for detections (docs/detection_models.md, "Labels"): a --labels file (one
// per line, class 0 first), else the built-in list matching the class count (21: Pascal VOC
// with background, 3: background/face/unused), else "class_<id>". Safe for concurrent use.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/env.h"

namespace savedserve::ssd {

// The built-in list for `num_classes`, or empty when there is none.
std::vector<std::string> DefaultLabels(int num_classes);

// Lines of `path` (trailing whitespace and '\r' stripped; a final empty line dropped).
absl::StatusOr<std::vector<std::string>> ReadLabels(const std::string& path,
                                                    Env* env = Env::Default());

// labels[class_id] when there is a non-empty one, else "class_<id>".
std::string LabelFor(const std::vector<std::string>& labels, int class_id);

}  // namespace savedserve::ssd
