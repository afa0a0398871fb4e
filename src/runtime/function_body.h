// Turning a FunctionDef into a Graph the planner can compile. Each input argument becomes
// an `_Arg` node named after the argument (fed when the function is called); body inputs in
// FunctionDef form ("arg", "node:out_arg:i", "^node") are rewritten to flat "node:k"; the
// return values become fetches. Attribute placeholders ("$T") are bound from the call's
// attributes. Pure; safe for concurrent use.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/graph.h"
#include "runtime/op_signatures.h"
#include "tensorflow/core/framework/function.pb.h"

namespace savedserve {

struct FunctionBody {
  std::unique_ptr<Graph> graph;
  std::vector<std::string> arg_tensors;  // "arg:0", one per input argument: the feeds
  std::vector<std::string> ret_tensors;  // "node:k", one per output argument: the fetches
  // Every body node but the arguments: a function runs whole, as its side effects (variable
  // assignments, restores) are the point of many functions.
  std::vector<std::string> targets;
};

absl::StatusOr<FunctionBody> ImportFunctionBody(
    const tensorflow::FunctionDef& function,
    const google::protobuf::Map<std::string, tensorflow::AttrValue>& attrs,
    const OpSignatures& ops);

}  // namespace savedserve
