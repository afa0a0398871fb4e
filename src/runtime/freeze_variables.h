// Freezing variables at load. Once a SavedModel's variables are restored and its init op has
// run, a variable that nothing the model serves can modify keeps its value for the model's
// life. The serving graph then reads it as a constant: kernels see weights when they are
// created (and pack them once) instead of reading a variable on every request. This is what
// freezing a TensorFlow graph for inference does, done at load on the live values.
//
// The runtime decides what is frozen (variables no signature modifies, see
// ModifiedVariables) and undoes it if a later Session-style Run would modify one.
// Pure functions over graphs; safe for concurrent use.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "runtime/graph.h"
#include "runtime/op_signatures.h"
#include "tensor/tensor.h"
#include "tensorflow/core/framework/node_def.pb.h"

namespace savedserve {

// Where a variable node (VariableV2, Variable, VarHandleOp) keeps its variable in the
// model's ResourceManager, as its kernel looks it up.
struct VariableId {
  std::string container;
  std::string name;  // shared_name, else the node name
  std::string Key() const { return container + "/" + name; }
};
// The variable `node` stands for; false for other ops.
bool GetVariableId(const GraphNode& node, VariableId* id);

// Keys of the variables the nodes marked in `nodes` may modify: every marked consumer that
// receives a variable's ref or resource handle (directly, or forwarded by Identity-like ops)
// and is not known to only read it. Unknown ops and function calls count as modifying.
std::set<std::string> ModifiedVariables(const Graph& graph, const OpSignatures& ops,
                                        const std::vector<bool>& nodes);

// A node that reads a variable's value and can become a constant holding it: Identity of a
// ref variable (TF1's "<var>/read") or ReadVariableOp of a handle straight from VarHandleOp.
struct VariableRead {
  int node = 0;  // the reader
  VariableId variable;
};
std::vector<VariableRead> VariableReads(const Graph& graph);

// `nodes` (a graph's node defs) with each node named in `values` turned into a Const of that
// value: op "Const", attrs dtype and _output_shapes, no data inputs (control inputs kept).
// The values themselves stay out of the protos: pass them to Graph::Create.
void FreezeReads(const std::map<std::string, Tensor>& values,
                 std::vector<tensorflow::NodeDef>* nodes);

}  // namespace savedserve
