#include "runtime/function_body.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status.h"

namespace savedserve {
namespace {

using AttrMap = google::protobuf::Map<std::string, tensorflow::AttrValue>;
using RangeMap = std::map<std::string, std::vector<OutputArgRange>>;

absl::Status BindPlaceholders(const AttrMap& bound, tensorflow::NodeDef* node) {
  for (auto& [name, value] : *node->mutable_attr()) {
    if (value.placeholder().empty()) continue;
    auto it = bound.find(value.placeholder());
    if (it == bound.end()) {
      return absl::InvalidArgumentError(absl::StrCat("node '", node->name(), "' attribute '", name,
                                                     "' refers to unbound $", value.placeholder()));
    }
    value = it->second;
  }
  return absl::OkStatus();
}

// "arg" -> "arg:0"; "node:out_arg:i" -> "node:k"; "^node" unchanged.
absl::StatusOr<std::string> FlattenInput(const std::string& input, const RangeMap& ranges) {
  if (!input.empty() && input[0] == '^') return input;
  std::vector<std::string> parts = absl::StrSplit(input, ':');
  if (parts.size() == 1) return absl::StrCat(input, ":0");
  int index = 0;
  if (!absl::SimpleAtoi(parts.back(), &index)) {
    return absl::InvalidArgumentError(absl::StrCat("malformed input '", input, "'"));
  }
  if (parts.size() == 2) return input;  // already flat
  if (parts.size() != 3)
    return absl::InvalidArgumentError(absl::StrCat("malformed input '", input, "'"));
  auto node = ranges.find(parts[0]);
  if (node == ranges.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("input '", input, "' names unknown node '", parts[0], "'"));
  }
  for (const OutputArgRange& range : node->second) {
    if (range.name != parts[1]) continue;
    if (index >= range.count) break;
    return absl::StrCat(parts[0], ":", range.start + index);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("input '", input, "': node '", parts[0], "' has no such output"));
}

absl::StatusOr<std::vector<tensorflow::NodeDef>> ArgNodes(const tensorflow::FunctionDef& function,
                                                          const AttrMap& attrs,
                                                          FunctionBody* body) {
  std::vector<tensorflow::NodeDef> nodes;
  const auto& args = function.signature().input_arg();
  for (int i = 0; i < args.size(); ++i) {
    ASSIGN_OR_RETURN(std::vector<DataType> types, ResolveArgTypes(args[i], attrs));
    if (types.size() != 1) {
      return absl::UnimplementedError(
          absl::StrCat("argument '", args[i].name(), "' is a list, which is not supported"));
    }
    tensorflow::NodeDef& arg = nodes.emplace_back();
    arg.set_name(args[i].name());
    arg.set_op("_Arg");
    (*arg.mutable_attr())["T"].set_type(types[0]);
    (*arg.mutable_attr())["index"].set_i(i);
    auto arg_attrs = function.arg_attr().find(i);
    if (arg_attrs != function.arg_attr().end()) {
      auto shapes = arg_attrs->second.attr().find("_output_shapes");
      if (shapes != arg_attrs->second.attr().end()) {
        (*arg.mutable_attr())["_output_shapes"] = shapes->second;
      }
    }
    body->arg_tensors.push_back(absl::StrCat(args[i].name(), ":0"));
  }
  return nodes;
}

absl::StatusOr<FunctionBody> ImportBody(const tensorflow::FunctionDef& function,
                                        const AttrMap& attrs, const OpSignatures& ops) {
  FunctionBody body;
  ASSIGN_OR_RETURN(std::vector<tensorflow::NodeDef> nodes, ArgNodes(function, attrs, &body));
  RangeMap ranges;
  for (const tensorflow::NodeDef& arg : nodes) ranges[arg.name()] = {{"output", 0, 1}};
  const size_t num_args = nodes.size();
  for (const tensorflow::NodeDef& def : function.node_def()) {
    tensorflow::NodeDef& node = nodes.emplace_back(def);
    RETURN_IF_ERROR(BindPlaceholders(attrs, &node));
    ops.AddDefaultAttrs(&node);
    std::vector<OutputSpec> outputs;
    // A failure here surfaces again, with context, if the node's outputs are used.
    if (ops.ResolveOutputs(node, &outputs, &ranges[node.name()]).ok()) continue;
    ranges[node.name()].clear();
  }
  for (size_t i = num_args; i < nodes.size(); ++i) {
    for (std::string& input : *nodes[i].mutable_input()) {
      auto flat = FlattenInput(input, ranges);
      if (!flat.ok()) return Annotate(flat.status(), absl::StrCat("node '", nodes[i].name(), "'"));
      input = *flat;
    }
    body.targets.push_back(nodes[i].name());
  }
  for (const auto& out : function.signature().output_arg()) {
    auto ret = function.ret().find(out.name());
    if (ret == function.ret().end()) {
      return absl::InvalidArgumentError(absl::StrCat("output '", out.name(), "' is not returned"));
    }
    ASSIGN_OR_RETURN(std::string flat, FlattenInput(ret->second, ranges));
    body.ret_tensors.push_back(std::move(flat));
  }
  ASSIGN_OR_RETURN(body.graph, Graph::Create(std::move(nodes), ops));
  return body;
}

}  // namespace

absl::StatusOr<FunctionBody> ImportFunctionBody(const tensorflow::FunctionDef& function,
                                                const AttrMap& attrs, const OpSignatures& ops) {
  auto body = ImportBody(function, attrs, ops);
  if (!body.ok()) {
    return Annotate(body.status(), absl::StrCat("function '", function.signature().name(), "'"));
  }
  return body;
}

}  // namespace savedserve
