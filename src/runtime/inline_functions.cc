#include "runtime/inline_functions.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "runtime/function_body.h"
#include "runtime/tensor_names.h"

namespace savedserve {
namespace {

using tensorflow::NodeDef;

// The function `node` calls and the attributes to bind: PartitionedCall's `f`, or the
// node's own op and attributes when its op is a library function.
const tensorflow::FunctionDef* CalledFunction(const OpSignatures& ops, const NodeDef& node,
                                              tensorflow::NameAttrList* f) {
  if (node.op() == "PartitionedCall" || node.op() == "StatefulPartitionedCall") {
    auto it = node.attr().find("f");
    if (it == node.attr().end() || !it->second.has_func()) return nullptr;
    *f = it->second.func();
  } else if (ops.IsFunction(node.op())) {
    f->set_name(node.op());
    *f->mutable_attr() = node.attr();
  } else {
    return nullptr;
  }
  return ops.FindFunction(f->name());
}

// Whether a body node must run whenever its call's outputs are used: stateful or unknown
// ops, and ops given a variable (a ref or resource handle).
bool HasSideEffects(const OpSignatures& ops, const Graph& body, const GraphNode& node) {
  const tensorflow::OpDef* def = ops.Find(node.op());
  if (def == nullptr || def->is_stateful()) return true;
  for (const Endpoint& in : node.inputs) {
    const GraphNode& producer = body.node(in.node);
    if (in.index >= static_cast<int>(producer.outputs.size())) return true;
    const OutputSpec& spec = producer.outputs[in.index];
    if (spec.is_ref || spec.dtype == tensorflow::DT_RESOURCE) return true;
  }
  return false;
}

// Inlines `call` if it is a call that can be: appends the body's nodes to `out` and returns
// the node that replaces the call. `names` holds every node name in use.
std::optional<NodeDef> InlineCall(const OpSignatures& ops, const NodeDef& call,
                                  std::set<std::string>* names, std::vector<NodeDef>* out) {
  tensorflow::NameAttrList f;
  const tensorflow::FunctionDef* function = CalledFunction(ops, call, &f);
  if (function == nullptr) return std::nullopt;
  auto body = ImportFunctionBody(*function, f.attr(), ops);
  if (!body.ok()) return std::nullopt;
  std::vector<std::string> data_inputs, control_inputs;
  for (const std::string& input : call.input()) {
    (!input.empty() && input[0] == '^' ? control_inputs : data_inputs).push_back(input);
  }
  if (data_inputs.size() != body->arg_tensors.size()) return std::nullopt;
  const std::string prefix = call.name() + "/";
  std::map<std::string, int> args;  // _Arg node name -> argument index
  for (const GraphNode& node : body->graph->nodes()) {
    if (node.op() == "_Arg") {
      args[node.name()] = static_cast<int>(node.def.attr().at("index").i());
    } else if (names->contains(prefix + node.name())) {
      return std::nullopt;
    }
  }
  // A body tensor or control input, renamed for the caller's graph.
  auto rename = [&](const std::string& input) -> std::string {
    auto id = ParseTensorId(input);
    if (!id.ok()) return input;
    auto arg = args.find(id->node);
    if (arg == args.end()) return TensorId{prefix + id->node, id->index, id->control}.ToString();
    const std::string& outer = data_inputs[arg->second];
    if (!id->control) return outer;
    auto producer = ParseTensorId(outer);
    return producer.ok() ? "^" + producer->node : outer;
  };
  NodeDef replacement;
  replacement.set_name(call.name());
  for (const GraphNode& node : body->graph->nodes()) {
    if (node.op() == "_Arg") continue;
    NodeDef& inlined = out->emplace_back(node.def);
    inlined.set_name(prefix + node.name());
    inlined.clear_device();
    for (std::string& input : *inlined.mutable_input()) input = rename(input);
    for (const std::string& input : control_inputs) inlined.add_input(input);
    names->insert(inlined.name());
  }
  std::vector<std::string> side_effects;
  for (const GraphNode& node : body->graph->nodes()) {
    if (node.op() != "_Arg" && HasSideEffects(ops, *body->graph, node)) {
      side_effects.push_back("^" + prefix + node.name());
    }
  }
  if (body->ret_tensors.empty()) {
    replacement.set_op("NoOp");
  } else {
    replacement.set_op("IdentityN");
    auto* types = (*replacement.mutable_attr())["T"].mutable_list();
    for (const std::string& ret : body->ret_tensors) {
      replacement.add_input(rename(ret));
      auto endpoint = body->graph->ResolveTensor(ret);
      const GraphNode& producer = body->graph->node(endpoint.ok() ? endpoint->node : 0);
      const int index = endpoint.ok() ? endpoint->index : 0;
      types->add_type(index < static_cast<int>(producer.outputs.size())
                          ? producer.outputs[index].dtype
                          : tensorflow::DT_INVALID);
    }
    auto shapes = call.attr().find("_output_shapes");
    if (shapes != call.attr().end())
      (*replacement.mutable_attr())["_output_shapes"] = shapes->second;
  }
  for (const std::string& input : side_effects) replacement.add_input(input);
  for (const std::string& input : control_inputs) replacement.add_input(input);
  return replacement;
}

}  // namespace

int InlineFunctionCalls(const OpSignatures& ops, std::vector<NodeDef>* nodes) {
  int inlined = 0;
  for (int depth = 0; depth < kMaxInlineDepth; ++depth) {
    std::set<std::string> names;
    for (const NodeDef& node : *nodes) names.insert(node.name());
    std::vector<NodeDef> next;
    next.reserve(nodes->size());
    int inlined_now = 0;
    for (NodeDef& node : *nodes) {
      std::vector<NodeDef> body;
      std::optional<NodeDef> replacement = InlineCall(ops, node, &names, &body);
      if (!replacement) {
        next.push_back(std::move(node));
        continue;
      }
      next.push_back(*std::move(replacement));
      for (NodeDef& b : body) next.push_back(std::move(b));
      ++inlined_now;
    }
    *nodes = std::move(next);
    inlined += inlined_now;
    if (inlined_now == 0) break;
  }
  return inlined;
}

}  // namespace savedserve
