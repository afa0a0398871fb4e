#include "serving/servable.h"

#include "absl/strings/str_cat.h"

namespace savedserve {

std::string ServableId::DebugString() const {
  return absl::StrCat("{name: ", name, " version: ", version, "}");
}

}  // namespace savedserve
