// GraphBuilder's typed ops (shape inference on top of AddOp) and tf.Variable.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "export/graph_builder.h"
#include "tensor/tensor_proto.h"

namespace savedserve {
namespace {

// TF's BroadcastBinaryOpShapeFn on static shapes: numpy broadcasting, where an unknown dim
// meets 1 or another unknown as unknown.
absl::StatusOr<PartialShape> BroadcastShapes(const PartialShape& x, const PartialShape& y) {
  if (x.unknown_rank() || y.unknown_rank()) return PartialShape::UnknownRank();
  const int rank = std::max(x.rank(), y.rank());
  std::vector<int64_t> dims(rank);
  for (int i = 0; i < rank; ++i) {
    int xi = x.rank() - rank + i, yi = y.rank() - rank + i;
    int64_t dx = xi >= 0 ? x.dims()[xi] : 1;
    int64_t dy = yi >= 0 ? y.dims()[yi] : 1;
    if (dx < 0 || dy < 0) {
      int64_t known = dx < 0 ? dy : dx;
      dims[i] = known > 1 ? known : -1;
    } else if (dx == 1 || dy == 1 || dx == dy) {
      dims[i] = dx == 1 ? dy : dx;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("shapes ", x.DebugString(), " and ", y.DebugString(), " do not broadcast"));
    }
  }
  return PartialShape(std::move(dims));
}

PartialShape Known(const TensorShape& shape) { return PartialShape(shape.dims()); }

// A tensor proto holding `shape` and one zero, which TF expands to all zeros: how
// tf.zeros writes small constants.
tensorflow::AttrValue CompactZeros(DataType dtype, const TensorShape& shape) {
  tensorflow::AttrValue v;
  Tensor zero(dtype, TensorShape{});
  TensorToProto(zero, v.mutable_tensor(), ProtoEncoding::kTypedValues);
  shape.ToProto(v.mutable_tensor()->mutable_tensor_shape());
  return v;
}

}  // namespace

NodeOutput GraphBuilder::Placeholder(absl::string_view name, DataType dtype,
                                     const PartialShape& shape) {
  return AddOp("Placeholder", name, {}, {{"dtype", TypeAttr(dtype)}, {"shape", ShapeAttr(shape)}},
               {shape})
      .output();
}

NodeOutput GraphBuilder::PlaceholderWithDefault(absl::string_view name, const NodeOutput& input,
                                                const PartialShape& shape) {
  return AddOp("PlaceholderWithDefault", name, {input}, {{"shape", ShapeAttr(shape)}}, {shape})
      .output();
}

NodeOutput GraphBuilder::Const(absl::string_view name, const Tensor& value,
                               const NodeOptions& options) {
  return AddOp("Const", name, {},
               {{"dtype", TypeAttr(value.dtype())}, {"value", TensorAttr(value)}},
               {Known(value.shape())}, options)
      .output();
}

NodeOutput GraphBuilder::Identity(absl::string_view name, const NodeOutput& input,
                                  const NodeOptions& options) {
  return AddOp("Identity", name, {input}, {}, {input.shape}, options).output();
}

NodeOutput GraphBuilder::BinaryOp(absl::string_view op, absl::string_view name, const NodeOutput& x,
                                  const NodeOutput& y) {
  absl::StatusOr<PartialShape> shape = BroadcastShapes(x.shape, y.shape);
  if (!shape.ok()) {
    Fail(Annotate(shape.status(), absl::StrCat("adding ", op, " '", name, "'")));
    return NodeOutput();
  }
  return AddOp(op, name, {x, y}, {}, {*shape}).output();
}

NodeOutput GraphBuilder::Add(absl::string_view name, const NodeOutput& x, const NodeOutput& y) {
  return BinaryOp("Add", name, x, y);
}
NodeOutput GraphBuilder::AddV2(absl::string_view name, const NodeOutput& x, const NodeOutput& y) {
  return BinaryOp("AddV2", name, x, y);
}
NodeOutput GraphBuilder::Sub(absl::string_view name, const NodeOutput& x, const NodeOutput& y) {
  return BinaryOp("Sub", name, x, y);
}
NodeOutput GraphBuilder::Mul(absl::string_view name, const NodeOutput& x, const NodeOutput& y) {
  return BinaryOp("Mul", name, x, y);
}

NodeOutput GraphBuilder::Assign(absl::string_view name, const NodeOutput& ref,
                                const NodeOutput& value, const NodeOptions& options) {
  // TF colocates every op that takes a reference with the variable.
  NodeOptions colocated = options;
  if (colocated.colocate_with.empty()) colocated.colocate_with = {ref.node};
  return AddOp("Assign", name, {ref, value},
               {{"use_locking", BoolAttr(true)}, {"validate_shape", BoolAttr(true)}}, {ref.shape},
               colocated)
      .output();
}

std::string GraphBuilder::NoOp(absl::string_view name,
                               const std::vector<std::string>& control_inputs) {
  NodeOptions options;
  options.control_inputs = control_inputs;
  return AddOp("NoOp", name, {}, {}, {}, options).name;
}

std::string GraphBuilder::Group(absl::string_view name, std::vector<std::string> deps) {
  return NoOp(name, deps);  // AddOp sorts control inputs, as TF serializes them
}

NodeOutput GraphBuilder::ZerosInitializer(const std::string& scope, DataType dtype,
                                          const TensorShape& shape, const NodeOptions& options) {
  const std::string name = UniqueName(scope + "/Initializer/zeros");
  // tf.zeros: a Const while small, else Fill(shape, 0) so the graph stays small.
  if (shape.num_elements() < 1000) {
    return AddNamedOp(name, "Const", {},
                      {{"dtype", TypeAttr(dtype)}, {"value", CompactZeros(dtype, shape)}},
                      {Known(shape)}, options)
        .output();
  }
  std::vector<int32_t> dims(shape.dims().begin(), shape.dims().end());
  Tensor dims_tensor = Tensor::FromVector<int32_t>(dims, TensorShape{shape.rank()});
  NodeOutput dims_out = Const(name + "/shape_as_tensor", dims_tensor, options);
  NodeOutput zero = Const(name + "/Const", Tensor(dtype, TensorShape{}), options);
  return AddNamedOp(name, "Fill", {dims_out, zero}, {}, {Known(shape)}, options).output();
}

VariableNodes GraphBuilder::VariableV2(absl::string_view name, const Tensor& initial_value,
                                       const VariableOptions& options) {
  if (!status_.ok()) return {};
  if (has_saver_) {
    Fail(absl::FailedPreconditionError(absl::StrCat(
        "variable '", name, "' added after AddSaver(): the saver would not restore it")));
    return {};
  }
  const std::string scope = UniqueName(name.empty() ? "Variable" : name);
  const DataType dtype = initial_value.dtype();
  const PartialShape shape = Known(initial_value.shape());
  VariableNodes v;
  if (options.init == VariableOptions::Init::kEmbedValue) {
    v.initial_value = Const(scope + "/initial_value", initial_value);
  } else {
    NodeOptions colocated;
    colocated.colocate_with = {scope};
    // TF names the initializer before the variable exists; colocation refers forward.
    node_index_[scope] = -1;
    v.initial_value = ZerosInitializer(scope, dtype, initial_value.shape(), colocated);
  }
  v.ref = AddNamedOp(scope, "VariableV2", {},
                     {{"dtype", TypeAttr(dtype)},
                      {"shape", ShapeAttr(shape)},
                      {"container", StringAttr("")},
                      {"shared_name", StringAttr("")}},
                     {shape}, {})
              .output();
  v.initializer = Assign(scope + "/Assign", v.ref, v.initial_value).node;
  NodeOptions colocated;
  colocated.colocate_with = {scope};
  v.value = Identity(scope + "/read", v.ref, colocated);
  if (!status_.ok()) return {};
  variables_.push_back(VariableRecord{scope, initial_value, v, options.trainable});
  return v;
}

std::string GraphBuilder::GlobalVariablesInitializer(absl::string_view name) {
  std::vector<std::string> assigns;
  for (const VariableRecord& v : variables_) assigns.push_back(v.handles.initializer);
  return Group(name, std::move(assigns));
}

}  // namespace savedserve
