// GraphBuilder: builds a TF1 graph in C++ and emits it the way TensorFlow 1.x Python writes
// it (tf.Variable, tf.compat.v1.train.Saver(sharded=True), tf.train.export_meta_graph): the
// same node names, attrs (explicit defaults, `_output_shapes`, `_class` colocation), saver
// nodes and SaverDef, `variables` collections and stripped op list, so TensorFlow, TF Serving
// and our own loader read the result like any TF1 export. One thread at a time.
//
//   GraphBuilder b;
//   NodeOutput x = b.Placeholder("x", DT_FLOAT, PartialShape(std::vector<int64_t>{-1}));
//   VariableNodes a = b.VariableV2("a", Tensor::Scalar(0.5f));
//   NodeOutput y = b.Identity("y", b.Mul("", a.value, x));
//   b.GlobalVariablesInitializer();
//   b.AddSaver();
//   ASSIGN_OR_RETURN(tensorflow::MetaGraphDef meta, b.Finish());
//   VariableList checkpoint = b.Variables();  // for SavedModelBuilder
//
// Mistakes (an op missing from the op table, wrong input dtypes or counts, a missing attr)
// do not need handling at every call: the first one is kept, later calls do nothing, and
// Finish() returns it (the pattern of TF's C++ Scope), so graph code reads like the Python.
//
// Adding an op: put its OpDef in op_defs.cc; then AddOp(op, name, inputs, attrs, shapes)
// already checks inputs against it, infers type/length attrs, fills defaults and types the
// outputs. A typed wrapper only adds shape inference.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "export/saved_model_builder.h"
#include "tensor/dtype.h"
#include "tensor/shape.h"
#include "tensor/tensor.h"
#include "tensorflow/core/framework/attr_value.pb.h"
#include "tensorflow/core/framework/graph.pb.h"
#include "tensorflow/core/protobuf/meta_graph.pb.h"
#include "tensorflow/core/protobuf/saver.pb.h"

namespace savedserve {

// GraphDef producer version written, TF 1.15's TF_GRAPH_DEF_VERSION (134; not re-checked
// against TF's sources here). Consumers only require it to be >= their min_producer (0).
inline constexpr int32_t kTf1GraphDefProducer = 134;
inline constexpr char kTf1Version[] = "1.15.0";

class FunctionBuilder;  // function_builder.h

// One output tensor of a node.
struct NodeOutput {
  std::string node;  // empty when the op that should produce it failed
  int index = 0;
  DataType dtype = tensorflow::DT_INVALID;  // base type, never a _REF type
  PartialShape shape;
  bool is_ref = false;  // a reference (VariableV2, Assign outputs): what Assign writes to

  // "node:index", as signatures and collections name tensors.
  std::string tensor_name() const;
  // "node" for output 0, else "node:index", as NodeDef inputs name tensors.
  std::string input_name() const;
};

// A node just added: its unique name and its outputs (empty when the op failed).
struct BuiltNode {
  std::string name;
  std::vector<NodeOutput> outputs;
  // Output `i`, or an empty NodeOutput when there is none (the failure is already recorded).
  NodeOutput output(int i = 0) const;
};

// Attribute values, keyed by attr name; ordered so graphs come out deterministic.
using AttrMap = std::map<std::string, tensorflow::AttrValue>;
tensorflow::AttrValue TypeAttr(DataType dtype);
tensorflow::AttrValue IntAttr(int64_t value);
tensorflow::AttrValue FloatAttr(float value);
tensorflow::AttrValue BoolAttr(bool value);
tensorflow::AttrValue StringAttr(absl::string_view value);
tensorflow::AttrValue ShapeAttr(const PartialShape& shape);
tensorflow::AttrValue IntListAttr(const std::vector<int64_t>& values);
tensorflow::AttrValue TypeListAttr(const std::vector<DataType>& types);
tensorflow::AttrValue ShapeListAttr(const std::vector<PartialShape>& shapes);
// A function reference (While's cond/body, PartitionedCall's f), without attrs.
tensorflow::AttrValue FuncAttr(absl::string_view function_name);
// As TF's make_tensor_proto: one element or strings in typed fields, else tensor_content.
tensorflow::AttrValue TensorAttr(const Tensor& value);

// Per-node extras.
struct NodeOptions {
  // Names of nodes that must run first, written as "^name" after the data inputs, sorted (as
  // TF serializes them).
  std::vector<std::string> control_inputs;
  std::string device;                      // e.g. "/device:CPU:0"; empty: unplaced
  std::vector<std::string> colocate_with;  // node names, recorded as `_class: loc:@name`
};

// A TF1 reference variable (VariableV2) as tf.Variable builds it.
struct VariableNodes {
  NodeOutput ref;            // "w:0", the VariableV2 node (the checkpoint key is "w")
  NodeOutput value;          // "w/read:0", the Identity computations consume
  std::string initializer;   // "w/Assign"
  NodeOutput initial_value;  // "w/initial_value:0" or "w/Initializer/zeros:0"
};

struct VariableOptions {
  bool trainable = true;  // also listed in the `trainable_variables` collection
  // How the graph itself initialises the variable (the checkpoint always holds the value).
  enum class Init {
    kEmbedValue,  // `w/initial_value` Const holding the value, as tf.Variable(value)
    // `w/Initializer/zeros` (Const, or Fill when >= 1000 elements), as tf.get_variable with
    // zeros_initializer: keeps large weights out of the graph; they live in the checkpoint.
    kZeros,
  };
  Init init = Init::kEmbedValue;
};

struct SaverOptions {
  // true: TF's sharded V2 saver (StringJoin/ShardedFilename/SaveV2/MergeV2Checkpoints, save
  // tensor `save/Identity:0`), as every TF1 SavedModel has; false: plain SaveV2 (save tensor
  // `save/control_dependency:0`).
  bool sharded = true;
  int32_t max_to_keep = 5;
  float keep_checkpoint_every_n_hours = 10000.0f;
};

// Conv2D / DepthwiseConv2dNative attributes (NHWC). Sizes are (height, width).
struct ConvOptions {
  std::array<int64_t, 2> strides = {1, 1};
  std::array<int64_t, 2> dilations = {1, 1};  // > 1: atrous, as slim.conv2d(rate=...)
  std::string padding = "SAME";               // SAME | VALID | EXPLICIT (Conv2D only)
  // EXPLICIT: zeros added (top, bottom, left, right).
  std::array<int64_t, 4> explicit_paddings = {0, 0, 0, 0};
};

// MaxPool attributes (NHWC). Sizes are (height, width).
struct PoolOptions {
  std::array<int64_t, 2> ksize = {2, 2};
  std::array<int64_t, 2> strides = {2, 2};
  std::string padding = "VALID";  // SAME | VALID
};

class GraphBuilder {
 public:
  struct Options {
    int32_t producer = kTf1GraphDefProducer;       // GraphDef versions.producer
    std::string tensorflow_version = kTf1Version;  // meta_info_def.tensorflow_version
  };
  GraphBuilder() : GraphBuilder(Options()) {}
  explicit GraphBuilder(Options options);

  // Adds a node of `op` named `name` (op type when empty), made unique as TF does ("Add",
  // "Add_1", ...). Attrs not given are inferred from the inputs (type attrs, list lengths)
  // or take their OpDef defaults, and are all written out, as TF does. `output_shapes` is
  // one shape per output, or empty for unknown shapes.
  BuiltNode AddOp(absl::string_view op, absl::string_view name,
                  const std::vector<NodeOutput>& inputs, AttrMap attrs = {},
                  const std::vector<PartialShape>& output_shapes = {},
                  const NodeOptions& options = {});

  // Typed ops. An empty `name` means the op type, as in TF.
  NodeOutput Placeholder(absl::string_view name, DataType dtype, const PartialShape& shape);
  NodeOutput PlaceholderWithDefault(absl::string_view name, const NodeOutput& input,
                                    const PartialShape& shape);
  NodeOutput Const(absl::string_view name, const Tensor& value, const NodeOptions& options = {});
  NodeOutput Identity(absl::string_view name, const NodeOutput& input,
                      const NodeOptions& options = {});
  // Element-wise with broadcasting.
  NodeOutput Add(absl::string_view name, const NodeOutput& x, const NodeOutput& y);
  NodeOutput AddV2(absl::string_view name, const NodeOutput& x, const NodeOutput& y);
  NodeOutput Sub(absl::string_view name, const NodeOutput& x, const NodeOutput& y);
  NodeOutput Mul(absl::string_view name, const NodeOutput& x, const NodeOutput& y);
  NodeOutput Maximum(absl::string_view name, const NodeOutput& x, const NodeOutput& y);
  NodeOutput Minimum(absl::string_view name, const NodeOutput& x, const NodeOutput& y);
  NodeOutput RealDiv(absl::string_view name, const NodeOutput& x, const NodeOutput& y);
  NodeOutput Assign(absl::string_view name, const NodeOutput& ref, const NodeOutput& value,
                    const NodeOptions& options = {});

  // Neural-network and array ops (graph_builder_nn.cc), NHWC. Ops that take constant
  // arguments (paddings, shapes, axes) add them as Consts named `<op name>/<arg name>`, as
  // TF's Python wrappers do ("Pad/paddings", "Reshape/shape", "Sum/reduction_indices").
  // Shapes are inferred from the inputs' static shapes; a mismatch (wrong rank, channels,
  // a window larger than a VALID input) is recorded as the builder's error.
  NodeOutput Conv2D(absl::string_view name, const NodeOutput& input, const NodeOutput& filter,
                    const ConvOptions& options = {});
  // `filter` is [kh, kw, in_channels, multiplier]; the output has in * multiplier channels.
  // EXPLICIT padding is not allowed (TF 1.15's op has no explicit_paddings).
  NodeOutput DepthwiseConv2dNative(absl::string_view name, const NodeOutput& input,
                                   const NodeOutput& filter, const ConvOptions& options = {});
  NodeOutput BiasAdd(absl::string_view name, const NodeOutput& value, const NodeOutput& bias);
  NodeOutput MaxPool(absl::string_view name, const NodeOutput& input, const PoolOptions& options);
  // Inference-mode batch norm (is_training false); returns `y`, output 0.
  NodeOutput FusedBatchNormV3(absl::string_view name, const NodeOutput& x, const NodeOutput& scale,
                              const NodeOutput& offset, const NodeOutput& mean,
                              const NodeOutput& variance, float epsilon = 0.001f);
  NodeOutput Relu(absl::string_view name, const NodeOutput& features);
  NodeOutput Relu6(absl::string_view name, const NodeOutput& features);
  NodeOutput Sigmoid(absl::string_view name, const NodeOutput& x);
  NodeOutput Square(absl::string_view name, const NodeOutput& x);
  // Zeros of x's shape and dtype (x's values are not read).
  NodeOutput ZerosLike(absl::string_view name, const NodeOutput& x);
  NodeOutput Rsqrt(absl::string_view name, const NodeOutput& x);
  // Softmax over the last axis (any rank >= 1).
  NodeOutput Softmax(absl::string_view name, const NodeOutput& logits);
  // Zero padding; `paddings` holds (before, after) per dimension.
  NodeOutput Pad(absl::string_view name, const NodeOutput& input,
                 const std::vector<std::pair<int64_t, int64_t>>& paddings);
  // `shape` may hold one -1, inferred when the input's shape is fully known.
  NodeOutput Reshape(absl::string_view name, const NodeOutput& tensor,
                     const std::vector<int64_t>& shape);
  // Reshape to a computed shape (an int32 vector); the output shape is `output_shape`.
  NodeOutput Reshape(absl::string_view name, const NodeOutput& tensor, const NodeOutput& shape,
                     const PartialShape& output_shape);
  // Sum over `axes` (negative counts from the end).
  NodeOutput Sum(absl::string_view name, const NodeOutput& input, const std::vector<int64_t>& axes,
                 bool keep_dims = false);
  // Concatenates `values` (at least two) along `axis` (negative counts from the end).
  NodeOutput ConcatV2(absl::string_view name, const std::vector<NodeOutput>& values, int64_t axis);
  NodeOutput ExpandDims(absl::string_view name, const NodeOutput& input, int64_t axis);
  NodeOutput Cast(absl::string_view name, const NodeOutput& x, DataType dst);
  // The shape of `input` as a DT_INT32 vector.
  NodeOutput Shape(absl::string_view name, const NodeOutput& input);
  // A NoOp that runs after `control_inputs`; returns its name.
  std::string NoOp(absl::string_view name, const std::vector<std::string>& control_inputs);
  // tf.group: a NoOp depending on the named nodes.
  std::string Group(absl::string_view name, std::vector<std::string> deps);

  // tf.Variable(initial_value, name=name): `name` (VariableV2), its initial value,
  // `name/Assign` and `name/read`; `initial_value` is also what Variables() returns for
  // the checkpoint. REQUIRES: called before AddSaver (else an error is recorded).
  VariableNodes VariableV2(absl::string_view name, const Tensor& initial_value,
                           const VariableOptions& options = {});
  // tf.compat.v1.global_variables_initializer(): `init` grouping every `w/Assign`.
  std::string GlobalVariablesInitializer(absl::string_view name = "init");
  // tf.compat.v1.train.Saver(): the `save/` nodes saving and restoring every variable
  // (sorted by name, as TF orders them). Returns the SaverDef, which Finish() also records.
  // At most once, after the last variable; a graph needs it to have variables restored.
  tensorflow::SaverDef AddSaver(const SaverOptions& options = {});

  // Adds `function`'s FunctionDef, and the functions it uses, to the graph's library; the
  // ops in its body join the stripped op list. Errors (the function's own, a name already
  // in the library with a different body) are recorded like AddOp's. Defined in
  // function_builder.cc.
  void AddFunction(const FunctionBuilder& function);
  // tf.while_loop as control flow v2 writes it: a `While` node whose inputs are `loop_vars`,
  // calling `cond` (loop vars -> a DT_BOOL scalar) and `body` (loop vars -> new loop vars of
  // the same types) until cond is false; both functions join the library.
  // `shape_invariants` (one per loop var) become `output_shapes` and the outputs' shapes.
  // Returns the final loop vars. Defined in function_builder.cc.
  std::vector<NodeOutput> While(absl::string_view name, const std::vector<NodeOutput>& loop_vars,
                                const FunctionBuilder& cond, const FunctionBuilder& body,
                                const std::vector<PartialShape>& shape_invariants);

  // The graph so far.
  const tensorflow::GraphDef& graph_def() const { return graph_; }
  // The first error recorded, or OK.
  const absl::Status& status() const { return status_; }
  // Checkpoint contents: each variable's name and value, sorted by name (the order TF's
  // saver writes them).
  VariableList Variables() const;
  // The MetaGraphDef: graph_def (with versions), saver_def, stripped_op_list of the ops
  // used, tensorflow_version, and the `variables`/`trainable_variables` collections.
  // Tags and signatures are left to SavedModelBuilder. Fails with the recorded error, or
  // when there are variables but no saver.
  absl::StatusOr<tensorflow::MetaGraphDef> Finish() const;

 private:
  friend class FunctionBuilder;  // builds a function body with these ops, then rewrites it
  struct VariableRecord {
    std::string name;
    Tensor value;
    VariableNodes handles;
    bool trainable;
  };
  // TF's Graph.unique_name: `name`, else `name_1`, `name_2`... (case-insensitively unique).
  std::string UniqueName(absl::string_view name);
  // Records `status` unless an error is already recorded; always returns the first error.
  const absl::Status& Fail(absl::Status status);
  BuiltNode AddNamedOp(const std::string& unique_name, absl::string_view op,
                       const std::vector<NodeOutput>& inputs, AttrMap attrs,
                       const std::vector<PartialShape>& output_shapes, const NodeOptions& options);
  void WriteNodeDef(const BuiltNode& node, absl::string_view op,
                    const std::vector<NodeOutput>& inputs, AttrMap attrs,
                    const NodeOptions& options);
  absl::Status CheckNodeOptions(const NodeOptions& options) const;
  NodeOutput BinaryOp(absl::string_view op, absl::string_view name, const NodeOutput& x,
                      const NodeOutput& y);
  NodeOutput UnaryOp(absl::string_view op, absl::string_view name, const NodeOutput& x);
  // Records `status` (when not OK) as the error of adding `op` node `name`; returns true when
  // the node can be added.
  bool CheckShape(const absl::Status& status, absl::string_view op, absl::string_view name);
  // Reserves the node name for an op that adds its argument Consts first.
  std::string NameFor(absl::string_view op, absl::string_view name);
  NodeOutput Int32Const(const std::string& name, const std::vector<int64_t>& values,
                        const TensorShape& shape);
  NodeOutput ConvOp(absl::string_view op, absl::string_view name, const NodeOutput& input,
                    const NodeOutput& filter, const ConvOptions& options);
  NodeOutput ZerosInitializer(const std::string& scope, DataType dtype, const TensorShape& shape,
                              const NodeOptions& options);
  // Saver pieces (graph_builder_saver.cc); each returns the tensor or op it produces.
  std::string SaveSharded(const std::string& scope, const std::vector<const VariableRecord*>& vars,
                          const NodeOutput& prefix);
  std::string SaveOp(const std::string& scope, const std::vector<const VariableRecord*>& vars,
                     const NodeOutput& filename, const NodeOptions& options);
  std::string Restore(const std::string& scope, const std::vector<const VariableRecord*>& vars,
                      const NodeOutput& prefix, bool sharded);
  std::string SaverTempSuffix() const;

  Options options_;
  tensorflow::GraphDef graph_;
  absl::Status status_;
  absl::flat_hash_map<std::string, int> names_in_use_;  // lower-cased name -> next suffix
  absl::flat_hash_map<std::string, int> node_index_;    // node name -> index in graph_
  std::vector<std::string> ops_used_;
  std::vector<VariableRecord> variables_;
  bool has_saver_ = false;
  tensorflow::SaverDef saver_def_;
};

}  // namespace savedserve
