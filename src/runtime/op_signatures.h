// What the runtime knows about op types: their OpDefs (from the meta graph's
// stripped_op_list, then a built-in table of the graph-plumbing ops, then the signatures of
// library functions used as op types), used to type every node output, to map a function
// body's "node:out_arg:i" inputs to flat output indices, and to fill in attributes left at
// their defaults (TF2 exports strip them). Immutable after construction; safe for
// concurrent use. Borrows the FunctionDefLibrary, which must outlive it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tensor/dtype.h"
#include "tensor/shape.h"
#include "tensorflow/core/framework/function.pb.h"
#include "tensorflow/core/framework/node_def.pb.h"
#include "tensorflow/core/framework/op_def.pb.h"

namespace savedserve {

struct OutputSpec {
  DataType dtype = tensorflow::DT_INVALID;  // base type (refs are flagged by is_ref)
  bool is_ref = false;
  PartialShape shape;  // unknown rank unless the graph says more
};

// One output argument of an op: its flat outputs are [start, start + count).
struct OutputArgRange {
  std::string name;
  int start = 0;
  int count = 0;
};

class OpSignatures {
 public:
  OpSignatures(const tensorflow::OpList& stripped_ops,
               const tensorflow::FunctionDefLibrary* library);

  // The OpDef for `op`, or nullptr. Library functions answer with their signature.
  const tensorflow::OpDef* Find(const std::string& op) const;
  bool IsFunction(const std::string& op) const { return functions_.contains(op); }
  const tensorflow::FunctionDef* FindFunction(const std::string& name) const;

  // Adds attributes the node leaves at their OpDef defaults.
  void AddDefaultAttrs(tensorflow::NodeDef* node) const;

  // The node's outputs, flat, and the argument ranges they group into. Ops without an OpDef
  // get one output per `_output_shapes` entry (or one), typed by attr T/dtype/out_type.
  // Errors name the node and the attribute that could not be resolved.
  absl::Status ResolveOutputs(const tensorflow::NodeDef& node, std::vector<OutputSpec>* outputs,
                              std::vector<OutputArgRange>* ranges) const;

 private:
  std::map<std::string, tensorflow::OpDef> ops_;
  std::map<std::string, const tensorflow::FunctionDef*> functions_;
};

// Resolves the dtypes of one argument of an OpDef (type, type_attr, number_attr or
// type_list_attr) against a node's attributes.
absl::StatusOr<std::vector<DataType>> ResolveArgTypes(
    const tensorflow::OpDef::ArgDef& arg,
    const google::protobuf::Map<std::string, tensorflow::AttrValue>& attrs);

}  // namespace savedserve
