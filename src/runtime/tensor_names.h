// Names of tensors and edges in GraphDefs: "node" and "node:2" name output 0 and 2 of a
// node, "^node" a control dependency. Pure functions; safe for concurrent use.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace savedserve {

struct TensorId {
  std::string node;
  int index = 0;
  bool control = false;          // "^node"
  std::string ToString() const;  // "node:2", or "^node"
};

// Parses "node", "node:2" or "^node". An empty node name or a malformed index is an
// InvalidArgument error quoting the text.
absl::StatusOr<TensorId> ParseTensorId(absl::string_view text);

// The node name of a target: "node", "^node" and "node:0" all name "node".
std::string TargetNodeName(absl::string_view text);

}  // namespace savedserve
