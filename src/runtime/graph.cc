#include "runtime/graph.h"

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "runtime/tensor_names.h"

namespace savedserve {
namespace {

absl::Status ResolveInputs(const absl::flat_hash_map<std::string, int>& index, GraphNode& node) {
  for (const std::string& input : node.def.input()) {
    ASSIGN_OR_RETURN(TensorId id, ParseTensorId(input));
    auto it = index.find(id.node);
    if (it == index.end()) {
      return absl::InvalidArgumentError(absl::StrCat("node '", node.name(), "' (", node.op(),
                                                     ") has input '", input,
                                                     "' from unknown node '", id.node, "'"));
    }
    if (id.control) {
      node.control_inputs.push_back(it->second);
    } else {
      node.inputs.push_back({it->second, id.index});
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Graph>> Graph::Create(
    std::vector<tensorflow::NodeDef> nodes, const OpSignatures& ops,
    const std::map<std::string, Tensor>& frozen_values) {
  std::unique_ptr<Graph> graph(new Graph);
  graph->nodes_.resize(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    GraphNode& node = graph->nodes_[i];
    node.def = std::move(nodes[i]);
    if (node.def.name().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("node #", i, " (", node.op(), ") has no name"));
    }
    if (!graph->index_.emplace(node.def.name(), static_cast<int>(i)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("the graph has two nodes called '", node.def.name(), "'"));
    }
    ops.AddDefaultAttrs(&node.def);
    node.is_function_call = ops.IsFunction(node.op());
    std::vector<OutputArgRange> unused;
    node.outputs_status = ops.ResolveOutputs(node.def, &node.outputs, &unused);
    auto frozen = frozen_values.find(node.name());
    if (frozen != frozen_values.end()) node.frozen_value = frozen->second;
  }
  for (GraphNode& node : graph->nodes_) RETURN_IF_ERROR(ResolveInputs(graph->index_, node));
  return graph;
}

absl::StatusOr<std::unique_ptr<Graph>> Graph::FromGraphDef(const tensorflow::GraphDef& graph,
                                                           const OpSignatures& ops) {
  return Create(std::vector<tensorflow::NodeDef>(graph.node().begin(), graph.node().end()), ops);
}

int Graph::FindNode(absl::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? -1 : it->second;
}

absl::StatusOr<Endpoint> Graph::ResolveTensor(absl::string_view name) const {
  ASSIGN_OR_RETURN(TensorId id, ParseTensorId(name));
  const int node = FindNode(id.node);
  if (node < 0 || id.control) {
    return absl::NotFoundError(
        absl::StrCat("tensor '", name, "': no node called '", id.node, "' in the graph"));
  }
  const GraphNode& n = nodes_[node];
  if (n.outputs_status.ok() && id.index >= static_cast<int>(n.outputs.size())) {
    return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "': node '", id.node, "' (",
                                                   n.op(), ") has ", n.outputs.size(), " outputs"));
  }
  return Endpoint{node, id.index};
}

}  // namespace savedserve
