// An imported graph: the nodes of a GraphDef (or of a function body, see function_body.h)
// with every input resolved to a node index, every output typed, and attributes left at
// their defaults filled in. Importing checks structure (duplicate names, inputs from
// unknown nodes) and nothing else: what a request needs is decided by Plan. Immutable;
// safe for concurrent use. Device placement is ignored (everything runs on this CPU).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "runtime/op_signatures.h"
#include "tensor/tensor.h"
#include "tensorflow/core/framework/graph.pb.h"

namespace savedserve {

// Output `index` of node `node` (an index into Graph::nodes()).
struct Endpoint {
  int node = -1;
  int index = 0;
};

struct GraphNode {
  tensorflow::NodeDef def;          // as imported, default attributes added
  std::vector<Endpoint> inputs;     // data inputs, in order
  std::vector<int> control_inputs;  // "^node" inputs
  std::vector<OutputSpec> outputs;  // flat outputs, typed
  absl::Status outputs_status;      // why `outputs` is unknown; reported if the node runs
  bool is_function_call = false;    // the op type is a library function
  // A variable read frozen into a constant at load (freeze_variables.h): the node is a Const
  // whose value is kept here rather than in its NodeDef.
  Tensor frozen_value;

  const std::string& name() const { return def.name(); }
  const std::string& op() const { return def.op(); }
};

class Graph {
 public:
  // Imports `nodes`, whose inputs are "node", "node:i" or "^node". `frozen_values` holds
  // the values of Const nodes made by FreezeReads, by node name.
  static absl::StatusOr<std::unique_ptr<Graph>> Create(
      std::vector<tensorflow::NodeDef> nodes, const OpSignatures& ops,
      const std::map<std::string, Tensor>& frozen_values = {});
  static absl::StatusOr<std::unique_ptr<Graph>> FromGraphDef(const tensorflow::GraphDef& graph,
                                                             const OpSignatures& ops);

  const std::vector<GraphNode>& nodes() const { return nodes_; }
  const GraphNode& node(int i) const { return nodes_[i]; }
  // Index of the node called `name`, or -1.
  int FindNode(absl::string_view name) const;
  // Resolves a tensor name ("node:i" or "node") to an endpoint; NotFound names an unknown
  // node, InvalidArgument an output index the node does not have.
  absl::StatusOr<Endpoint> ResolveTensor(absl::string_view name) const;

 private:
  Graph() = default;
  std::vector<GraphNode> nodes_;
  absl::flat_hash_map<std::string, int> index_;
};

}  // namespace savedserve
