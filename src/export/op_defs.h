// The OpDefs of the ops GraphBuilder can emit: TensorFlow's registered op signatures (as
// TF 1.15 registers them, documentation stripped), recorded in a meta graph's
// stripped_op_list so that consumers can type every tensor and fill in default attrs.
// The table is data (text protos in op_defs.cc); adding an op is adding one entry there.
// Immutable after first use; safe for concurrent use.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tensorflow/core/framework/op_def.pb.h"

namespace savedserve {

// The OpDef of `op` ("Add", "VariableV2", ...), or nullptr when the table lacks it.
const tensorflow::OpDef* RegisteredOpDef(absl::string_view op);

// Names of every op in the table, sorted.
std::vector<std::string> RegisteredOpNames();

}  // namespace savedserve
