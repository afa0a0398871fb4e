// Inlining function calls into the graph requests run on, as TensorFlow's grappler does
// before its other passes. TF2 SavedModels compute everything inside functions called with
// the variables' handles (StatefulPartitionedCall(x, a, b)); once inlined, the reads are
// ordinary ReadVariableOp nodes of those handles, which FreezeReads can turn into constants
// and the graph rewrites can fuse.
//
// A call node C of function f (PartitionedCall / StatefulPartitionedCall with attr `f`, or a
// node whose op is a library function) becomes f's body nodes named "C/<node>", reading C's
// inputs where the body read its arguments and running after C's control inputs, plus an
// IdentityN still called C that forwards the returned tensors (so "C:1" keeps its meaning)
// and depends on every body node with side effects (stateful ops, and ops given a variable),
// which therefore still run whenever C's outputs are used, as when the call ran whole.
// Calls inside inlined bodies are inlined too, up to kMaxInlineDepth levels; a call whose
// function cannot be imported, or whose node names would collide, stays a call.
// Pure functions; safe for concurrent use.
#pragma once

#include <vector>

#include "runtime/op_signatures.h"
#include "tensorflow/core/framework/node_def.pb.h"

namespace savedserve {

inline constexpr int kMaxInlineDepth = 8;

// Returns how many calls were inlined.
int InlineFunctionCalls(const OpSignatures& ops, std::vector<tensorflow::NodeDef>* nodes);

}  // namespace savedserve
