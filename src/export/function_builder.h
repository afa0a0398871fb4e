// FunctionBuilder: builds one FunctionDef (a function of the graph's library, as control
// flow v2 and tf.function write them) with GraphBuilder's typed ops. Arg() declares the
// input arguments, the body is built like any graph, Ret() names the results; Build()
// rewrites the body into FunctionDef form: arguments referred to by name, node outputs as
// "node:output_arg:index", `_output_shapes` kept on nodes and argument shapes in arg_attr,
// as TF2 writes them. A GraphBuilder then adds it with AddFunction (or While).
// Variables and savers are TF1 graph constructs and are errors inside a function.
// One thread at a time.
//
//   FunctionBuilder body("loop_body");
//   NodeOutput i = body.Arg("i", DT_INT32, PartialShape(std::vector<int64_t>{}));
//   body.Ret("next", body.AddV2("add", i, body.Const("one", Tensor::Scalar<int32_t>(1))));
//   graph.AddFunction(body);
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "export/graph_builder.h"
#include "tensorflow/core/framework/function.pb.h"

namespace savedserve {

class FunctionBuilder : public GraphBuilder {
 public:
  // `name` is the function's name in the library (and the op type callers may use).
  explicit FunctionBuilder(std::string name);

  const std::string& name() const { return name_; }

  // Declares the next input argument. Names are lowercase identifiers ([a-z][a-z0-9_]*, as
  // OpDef argument names) and share the namespace of body nodes. `shape` is recorded as
  // the argument's `_output_shapes`.
  NodeOutput Arg(absl::string_view name, DataType dtype, const PartialShape& shape);
  // Declares the next output argument `name` (same naming rule), returning `value`. An
  // argument returned as is goes through an Identity, as TF writes it.
  void Ret(absl::string_view name, const NodeOutput& value);

  // The declared types, in order.
  std::vector<DataType> arg_types() const;
  std::vector<DataType> ret_types() const;

  // The FunctionDef, or the first error recorded while building it.
  absl::StatusOr<tensorflow::FunctionDef> Build() const;

 private:
  struct ArgRecord {
    std::string name;
    NodeOutput value;  // the `_Arg` placeholder node in the body under construction
  };
  absl::StatusOr<std::string> BodyInput(const std::string& flat_input) const;

  std::string name_;
  std::vector<ArgRecord> args_;
  std::vector<std::pair<std::string, NodeOutput>> rets_;
};

}  // namespace savedserve
