#include "runtime/freeze_variables.h"

#include <utility>

#include "absl/container/flat_hash_set.h"

namespace savedserve {
namespace {

bool IsVariableOp(const std::string& op) {
  return op == "VariableV2" || op == "Variable" || op == "VarHandleOp";
}

// Ops that pass a ref or resource through to their outputs (so their consumers see the
// variable too) without touching it.
bool ForwardsVariable(const std::string& op) {
  static const absl::flat_hash_set<std::string> ops = {
      "Identity", "IdentityN",     "RefIdentity",     "Switch",   "RefSwitch",
      "Merge",    "RefMerge",      "Enter",           "RefEnter", "Exit",
      "RefExit",  "NextIteration", "RefNextIteration"};
  return ops.contains(op);
}

// Ops that only read the resource variable they are given.
bool ReadsResource(const std::string& op) {
  static const absl::flat_hash_set<std::string> ops = {"ReadVariableOp", "VariableShape",
                                                       "VarIsInitializedOp", "ResourceGather",
                                                       "ResourceGatherNd"};
  return ops.contains(op);
}

// Whether data input `index` of `node` is declared as a ref (which lets the op modify what
// it is given). Unknown ops and malformed nodes answer true.
bool IsRefInput(const OpSignatures& ops, const tensorflow::NodeDef& node, int index) {
  if (ops.IsFunction(node.op())) return true;
  const tensorflow::OpDef* def = ops.Find(node.op());
  if (def == nullptr) return true;
  int start = 0;
  for (const auto& arg : def->input_arg()) {
    auto types = ResolveArgTypes(arg, node.attr());
    if (!types.ok()) return true;
    const int count = static_cast<int>(types->size());
    if (index < start + count) return arg.is_ref() || IsRefType((*types)[index - start]);
    start += count;
  }
  return true;
}

bool CarriesVariable(const OutputSpec& output) {
  return output.is_ref || output.dtype == tensorflow::DT_RESOURCE;
}

}  // namespace

bool GetVariableId(const GraphNode& node, VariableId* id) {
  if (!IsVariableOp(node.op())) return false;
  auto attr = [&](const char* name) -> std::string {
    auto it = node.def.attr().find(name);
    return it == node.def.attr().end() ? "" : it->second.s();
  };
  id->container = attr("container");
  id->name = attr("shared_name");
  if (id->name.empty()) id->name = node.name();
  return true;
}

std::set<std::string> ModifiedVariables(const Graph& graph, const OpSignatures& ops,
                                        const std::vector<bool>& nodes) {
  // consumers[(producer, output)]: the marked (node, input index) pairs reading it.
  std::map<std::pair<int, int>, std::vector<std::pair<int, int>>> consumers;
  for (int n = 0; n < static_cast<int>(graph.nodes().size()); ++n) {
    if (!nodes[n]) continue;
    const GraphNode& node = graph.node(n);
    for (int i = 0; i < static_cast<int>(node.inputs.size()); ++i) {
      consumers[{node.inputs[i].node, node.inputs[i].index}].push_back({n, i});
    }
  }
  std::set<std::string> modified;
  for (int v = 0; v < static_cast<int>(graph.nodes().size()); ++v) {
    VariableId id;
    if (!GetVariableId(graph.node(v), &id)) continue;
    std::vector<std::pair<int, int>> carriers = {{v, 0}};
    std::set<std::pair<int, int>> seen;
    while (!carriers.empty() && !modified.contains(id.Key())) {
      const std::pair<int, int> carrier = carriers.back();
      carriers.pop_back();
      if (!seen.insert(carrier).second) continue;
      const bool resource =
          graph.node(carrier.first).outputs.size() > static_cast<size_t>(carrier.second) &&
          graph.node(carrier.first).outputs[carrier.second].dtype == tensorflow::DT_RESOURCE;
      for (const auto& [c, input] : consumers[carrier]) {
        const GraphNode& consumer = graph.node(c);
        if (ForwardsVariable(consumer.op())) {
          for (int o = 0; o < static_cast<int>(consumer.outputs.size()); ++o) {
            if (CarriesVariable(consumer.outputs[o])) carriers.push_back({c, o});
          }
        } else if (resource ? !ReadsResource(consumer.op())
                            : IsRefInput(ops, consumer.def, input)) {
          modified.insert(id.Key());
          break;
        }
      }
    }
  }
  return modified;
}

std::vector<VariableRead> VariableReads(const Graph& graph) {
  std::vector<VariableRead> reads;
  for (int n = 0; n < static_cast<int>(graph.nodes().size()); ++n) {
    const GraphNode& node = graph.node(n);
    if (node.inputs.size() != 1 || node.outputs.size() != 1 || node.outputs[0].is_ref) continue;
    const bool ref_read = node.op() == "Identity";
    if (!ref_read && node.op() != "ReadVariableOp") continue;
    const GraphNode& source = graph.node(node.inputs[0].node);
    VariableRead read{n, {}};
    if (node.inputs[0].index != 0 || !GetVariableId(source, &read.variable)) continue;
    if ((source.op() == "VarHandleOp") == ref_read) continue;  // Identity of a handle
    reads.push_back(std::move(read));
  }
  return reads;
}

void FreezeReads(const std::map<std::string, Tensor>& values,
                 std::vector<tensorflow::NodeDef>* nodes) {
  for (tensorflow::NodeDef& node : *nodes) {
    auto value = values.find(node.name());
    if (value == values.end()) continue;
    tensorflow::NodeDef frozen;
    frozen.set_name(node.name());
    frozen.set_op("Const");
    frozen.set_device(node.device());
    for (const std::string& input : node.input()) {
      if (!input.empty() && input[0] == '^') frozen.add_input(input);
    }
    (*frozen.mutable_attr())["dtype"].set_type(value->second.dtype());
    value->second.shape().ToProto(
        (*frozen.mutable_attr())["_output_shapes"].mutable_list()->add_shape());
    node = std::move(frozen);
  }
}

}  // namespace savedserve
