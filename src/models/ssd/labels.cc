#include "models/ssd/labels.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status.h"

namespace savedserve::ssd {

std::vector<std::string> DefaultLabels(int num_classes) {
  if (num_classes == 21) {
    return {"background", "aeroplane", "bicycle",   "bird",   "boat",        "bottle",
            "bus",        "car",       "cat",       "chair",  "cow",         "diningtable",
            "dog",        "horse",     "motorbike", "person", "pottedplant", "sheep",
            "sofa",       "train",     "tvmonitor"};
  }
  if (num_classes == 3) return {"background", "face", "unused"};
  return {};
}

absl::StatusOr<std::vector<std::string>> ReadLabels(const std::string& path, Env* env) {
  absl::StatusOr<std::string> text = env->ReadFile(path);
  if (!text.ok()) return Annotate(text.status(), absl::StrCat("cannot read labels ", path));
  std::vector<std::string> labels;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    labels.emplace_back(absl::StripTrailingAsciiWhitespace(line));
  }
  if (!labels.empty() && labels.back().empty()) labels.pop_back();
  return labels;
}

std::string LabelFor(const std::vector<std::string>& labels, int class_id) {
  if (class_id >= 0 && class_id < static_cast<int>(labels.size()) && !labels[class_id].empty()) {
    return labels[class_id];
  }
  return absl::StrCat("class_", class_id);
}

}  // namespace savedserve::ssd
