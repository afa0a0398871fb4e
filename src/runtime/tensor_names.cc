#include "runtime/tensor_names.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace savedserve {

std::string TensorId::ToString() const {
  return control ? absl::StrCat("^", node) : absl::StrCat(node, ":", index);
}

absl::StatusOr<TensorId> ParseTensorId(absl::string_view text) {
  TensorId id;
  absl::string_view rest = text;
  if (!rest.empty() && rest[0] == '^') {
    id.control = true;
    rest.remove_prefix(1);
  }
  const size_t colon = rest.rfind(':');
  if (colon != absl::string_view::npos && !id.control) {
    absl::string_view digits = rest.substr(colon + 1);
    int index = 0;
    if (digits.empty() || !absl::ascii_isdigit(digits[0]) || !absl::SimpleAtoi(digits, &index)) {
      return absl::InvalidArgumentError(absl::StrCat("malformed tensor name '", text, "'"));
    }
    id.index = index;
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("malformed tensor name '", text, "'"));
  }
  id.node = std::string(rest);
  return id;
}

std::string TargetNodeName(absl::string_view text) {
  if (!text.empty() && text[0] == '^') text.remove_prefix(1);
  const size_t colon = text.rfind(':');
  if (colon != absl::string_view::npos) {
    int unused;
    if (absl::SimpleAtoi(text.substr(colon + 1), &unused)) text = text.substr(0, colon);
  }
  return std::string(text);
}

}  // namespace savedserve
