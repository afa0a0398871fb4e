// TensorFlow's registered op signatures (as TF 1.15 registers them, documentation stripped)
// for the ops savedserve writes or relies on. The export layer records them in a meta
// graph's stripped_op_list (so consumers can type every tensor and fill in default attrs);
// the runtime falls back to them for graphs that carry no stripped_op_list.
// The table is data (text protos in op_defs.cc); adding an op is adding one entry there.
// Immutable after first use; safe for concurrent use.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "tensorflow/core/framework/op_def.pb.h"

namespace savedserve {

// The OpDef of `op` ("Add", "VariableV2", ...), or nullptr when the table lacks it.
const tensorflow::OpDef* RegisteredOpDef(absl::string_view op);

// Every OpDef in the table, sorted by name.
const tensorflow::OpList& RegisteredOpList();

// Names of every op in the table, sorted.
std::vector<std::string> RegisteredOpNames();

// Parses every entry of the table again: InvalidArgument naming the first entry that is
// malformed, has no name, or is not after the previous one in name order (the table
// itself only asserts, and release builds drop asserts). For tests.
absl::Status CheckOpDefTable();

}  // namespace savedserve
