// GraphBuilder core: naming, AddOp (checking and completing a node against its OpDef),
// attr helpers and Finish. Typed ops and variables are in graph_builder_ops.cc, the saver
// in graph_builder_saver.cc.
#include "export/graph_builder.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "format/op_defs.h"
#include "tensor/tensor_proto.h"
#include "tensorflow/core/framework/variable.pb.h"

namespace savedserve {
namespace {

using tensorflow::AttrValue;
using tensorflow::OpDef;

const AttrValue* FindAttr(const AttrMap& attrs, const std::string& name) {
  auto it = attrs.find(name);
  return it == attrs.end() ? nullptr : &it->second;
}

// How many inputs the variable-length arg at `arg_index` takes: what is left after the
// fixed-length args behind it.
absl::StatusOr<int> RemainingFor(const OpDef& def, int arg_index, const AttrMap& attrs, int next,
                                 int num_inputs) {
  int later = 0;
  for (int i = arg_index + 1; i < def.input_arg_size(); ++i) {
    const auto& arg = def.input_arg(i);
    if (!arg.number_attr().empty() || !arg.type_list_attr().empty()) {
      const AttrValue* known =
          FindAttr(attrs, arg.number_attr().empty() ? arg.type_list_attr() : arg.number_attr());
      if (known == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(
            "op ", def.name(), ": give attr for the length of input '", arg.name(), "'"));
      }
      later += arg.number_attr().empty() ? known->list().type_size() : known->i();
    } else {
      ++later;
    }
  }
  return std::max(0, num_inputs - next - later);
}

// Checks one input against what its arg expects, inferring a type attr on first use.
absl::Status MatchInput(const OpDef& def, const tensorflow::OpDef::ArgDef& arg, int j,
                        const NodeOutput& in, AttrMap* attrs, std::vector<DataType>* list_types) {
  if (in.node.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("op ", def.name(), ": input '", arg.name(), "' comes from an op that failed"));
  }
  DataType expected = arg.type();
  if (!arg.type_attr().empty()) {
    const AttrValue* t = FindAttr(*attrs, arg.type_attr());
    if (t == nullptr) (*attrs)[arg.type_attr()] = TypeAttr(in.dtype);
    expected = t == nullptr ? in.dtype : t->type();
  } else if (!arg.type_list_attr().empty()) {
    const AttrValue* list = FindAttr(*attrs, arg.type_list_attr());
    if (list == nullptr) list_types->push_back(in.dtype);
    expected = list == nullptr ? in.dtype : static_cast<DataType>(list->list().type(j));
  }
  if (BaseType(in.dtype) != BaseType(expected)) {
    return absl::InvalidArgumentError(
        absl::StrCat("op ", def.name(), ": input '", arg.name(), "' (", in.tensor_name(), ") is ",
                     DataTypeName(in.dtype), ", expected ", DataTypeName(expected)));
  }
  if (arg.is_ref() && !in.is_ref) {
    return absl::InvalidArgumentError(absl::StrCat("op ", def.name(), ": input '", arg.name(),
                                                   "' must be a reference (a VariableV2), got ",
                                                   in.tensor_name()));
  }
  return absl::OkStatus();
}

// Walks the OpDef's input args over `inputs`, checking dtypes and inferring type attrs and
// list lengths (N, dtypes) that `attrs` lacks.
absl::Status MatchInputs(const OpDef& def, const std::vector<NodeOutput>& inputs, AttrMap* attrs) {
  int next = 0;
  const int n = static_cast<int>(inputs.size());
  for (int a = 0; a < def.input_arg_size(); ++a) {
    const auto& arg = def.input_arg(a);
    int count = 1;
    const std::string& len_attr =
        arg.number_attr().empty() ? arg.type_list_attr() : arg.number_attr();
    if (!len_attr.empty()) {
      const AttrValue* known = FindAttr(*attrs, len_attr);
      if (known != nullptr) {
        count = arg.number_attr().empty() ? known->list().type_size() : known->i();
      } else {
        ASSIGN_OR_RETURN(count, RemainingFor(def, a, *attrs, next, n));
        if (!arg.number_attr().empty()) (*attrs)[len_attr] = IntAttr(count);
      }
    }
    if (next + count > n) {
      return absl::InvalidArgumentError(absl::StrCat("op ", def.name(), ": too few inputs (", n,
                                                     ") for input '", arg.name(), "'"));
    }
    std::vector<DataType> list_types;
    for (int j = 0; j < count; ++j) {
      RETURN_IF_ERROR(MatchInput(def, arg, j, inputs[next + j], attrs, &list_types));
    }
    if (!arg.type_list_attr().empty() && !FindAttr(*attrs, len_attr)) {
      (*attrs)[len_attr] = TypeListAttr(list_types);
    }
    next += count;
  }
  if (next != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("op ", def.name(), ": ", n, " inputs given, ", next, " expected"));
  }
  return absl::OkStatus();
}

// Adds defaults for absent attrs and checks presence, allowed types and minimums.
absl::Status CompleteAttrs(const OpDef& def, AttrMap* attrs) {
  for (const auto& attr : def.attr()) {
    if (!attrs->contains(attr.name())) {
      if (!attr.has_default_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("op ", def.name(), ": attr '", attr.name(), "' is required"));
      }
      (*attrs)[attr.name()] = attr.default_value();
    }
    const AttrValue& value = (*attrs)[attr.name()];
    const auto& allowed = attr.allowed_values().list();
    if (attr.type() == "type" && allowed.type_size() > 0 &&
        std::find(allowed.type().begin(), allowed.type().end(), value.type()) ==
            allowed.type().end()) {
      return absl::InvalidArgumentError(absl::StrCat("op ", def.name(), ": attr ", attr.name(),
                                                     " does not allow ",
                                                     DataTypeName(value.type())));
    }
    int64_t size = attr.type() == "int" ? value.i() : value.list().type_size();
    if (attr.has_minimum() && (attr.type() == "int" || attr.type() == "list(type)") &&
        size < attr.minimum()) {
      return absl::InvalidArgumentError(absl::StrCat("op ", def.name(), ": attr ", attr.name(),
                                                     " must be at least ", attr.minimum()));
    }
  }
  for (const auto& [name, value] : *attrs) {
    bool known = name[0] == '_' || std::any_of(def.attr().begin(), def.attr().end(),
                                               [&](const auto& a) { return a.name() == name; });
    if (!known) {
      return absl::InvalidArgumentError(
          absl::StrCat("op ", def.name(), " has no attr '", name, "'"));
    }
  }
  return absl::OkStatus();
}

// Each output's dtype and whether it is a reference.
using OutputTypeList = std::vector<std::pair<DataType, bool>>;

// Output types from the OpDef and the (complete) attrs.
OutputTypeList OutputTypes(const OpDef& def, const AttrMap& attrs) {
  OutputTypeList types;
  for (const auto& arg : def.output_arg()) {
    if (!arg.type_list_attr().empty()) {
      for (int t : attrs.at(arg.type_list_attr()).list().type()) {
        types.emplace_back(static_cast<DataType>(t), arg.is_ref());
      }
      continue;
    }
    DataType dtype = arg.type_attr().empty() ? arg.type() : attrs.at(arg.type_attr()).type();
    int64_t count = arg.number_attr().empty() ? 1 : attrs.at(arg.number_attr()).i();
    for (int64_t i = 0; i < count; ++i) types.emplace_back(dtype, arg.is_ref());
  }
  return types;
}

// Checks a node against its OpDef, completing `attrs`; returns its output types.
absl::StatusOr<OutputTypeList> CheckNode(const OpDef& def, const std::vector<NodeOutput>& inputs,
                                         AttrMap* attrs,
                                         const std::vector<PartialShape>& output_shapes) {
  RETURN_IF_ERROR(MatchInputs(def, inputs, attrs));
  RETURN_IF_ERROR(CompleteAttrs(def, attrs));
  OutputTypeList types = OutputTypes(def, *attrs);
  if (!output_shapes.empty() && output_shapes.size() != types.size()) {
    return absl::InvalidArgumentError(absl::StrCat("op ", def.name(), ": ", output_shapes.size(),
                                                   " output shapes for ", types.size(),
                                                   " outputs"));
  }
  return types;
}

}  // namespace

std::string NodeOutput::tensor_name() const { return absl::StrCat(node, ":", index); }
std::string NodeOutput::input_name() const {
  return index == 0 ? node : absl::StrCat(node, ":", index);
}
NodeOutput BuiltNode::output(int i) const {
  return i >= 0 && i < static_cast<int>(outputs.size()) ? outputs[i] : NodeOutput();
}

AttrValue TypeAttr(DataType dtype) {
  AttrValue v;
  v.set_type(dtype);
  return v;
}
AttrValue IntAttr(int64_t value) {
  AttrValue v;
  v.set_i(value);
  return v;
}
AttrValue FloatAttr(float value) {
  AttrValue v;
  v.set_f(value);
  return v;
}
AttrValue BoolAttr(bool value) {
  AttrValue v;
  v.set_b(value);
  return v;
}
AttrValue StringAttr(absl::string_view value) {
  AttrValue v;
  v.set_s(std::string(value));
  return v;
}
AttrValue ShapeAttr(const PartialShape& shape) {
  AttrValue v;
  shape.ToProto(v.mutable_shape());
  return v;
}
AttrValue IntListAttr(const std::vector<int64_t>& values) {
  AttrValue v;
  auto* list = v.mutable_list();
  for (int64_t x : values) list->add_i(x);
  return v;
}
AttrValue TypeListAttr(const std::vector<DataType>& types) {
  AttrValue v;
  auto* list = v.mutable_list();
  for (DataType t : types) list->add_type(t);
  return v;
}
AttrValue TensorAttr(const Tensor& value) {
  // TF keeps small and non-numeric tensors readable and packs the rest.
  bool packed = value.num_elements() > 1 && !IsStringLike(value.dtype()) &&
                value.dtype() != tensorflow::DT_HALF && value.dtype() != tensorflow::DT_BFLOAT16;
  AttrValue v;
  TensorToProto(value, v.mutable_tensor(),
                packed ? ProtoEncoding::kTensorContent : ProtoEncoding::kTypedValues);
  return v;
}

GraphBuilder::GraphBuilder(Options options) : options_(std::move(options)) {}

std::string GraphBuilder::UniqueName(absl::string_view name) {
  // Keys are lower-cased so names never differ only in case (TF does this for file systems
  // that ignore case, where summaries and checkpoints are named after ops).
  std::string key = absl::AsciiStrToLower(name);
  int i = names_in_use_[key]++;
  if (i == 0) return std::string(name);
  std::string candidate = absl::StrCat(key, "_", i);
  while (names_in_use_.contains(candidate)) candidate = absl::StrCat(key, "_", ++i);
  names_in_use_[candidate] = 1;
  return absl::StrCat(name, "_", i);
}

const absl::Status& GraphBuilder::Fail(absl::Status status) {
  if (status_.ok()) status_ = std::move(status);
  return status_;
}

absl::Status GraphBuilder::CheckNodeOptions(const NodeOptions& options) const {
  for (const auto* names : {&options.control_inputs, &options.colocate_with}) {
    for (const std::string& name : *names) {
      if (!node_index_.contains(name)) {
        return absl::InvalidArgumentError(absl::StrCat("no node '", name, "' in the graph"));
      }
    }
  }
  return absl::OkStatus();
}

BuiltNode GraphBuilder::AddOp(absl::string_view op, absl::string_view name,
                              const std::vector<NodeOutput>& inputs, AttrMap attrs,
                              const std::vector<PartialShape>& output_shapes,
                              const NodeOptions& options) {
  if (!status_.ok()) return {};
  return AddNamedOp(UniqueName(name.empty() ? op : name), op, inputs, std::move(attrs),
                    output_shapes, options);
}

BuiltNode GraphBuilder::AddNamedOp(const std::string& unique_name, absl::string_view op,
                                   const std::vector<NodeOutput>& inputs, AttrMap attrs,
                                   const std::vector<PartialShape>& output_shapes,
                                   const NodeOptions& options) {
  if (!status_.ok()) return {};
  const OpDef* def = RegisteredOpDef(op);
  if (def == nullptr) {
    Fail(absl::UnimplementedError(absl::StrCat(
        "op '", op, "' is not in GraphBuilder's op table (add its OpDef to op_defs.cc)")));
    return {};
  }
  absl::StatusOr<OutputTypeList> types = CheckNode(*def, inputs, &attrs, output_shapes);
  absl::Status s = types.ok() ? CheckNodeOptions(options) : types.status();
  if (!s.ok()) {
    Fail(Annotate(s, absl::StrCat("adding node '", unique_name, "'")));
    return {};
  }
  BuiltNode node{unique_name, {}};
  for (size_t i = 0; i < types->size(); ++i) {
    PartialShape shape = output_shapes.empty() ? PartialShape::UnknownRank() : output_shapes[i];
    const auto& [dtype, is_ref] = (*types)[i];
    node.outputs.push_back(NodeOutput{unique_name, static_cast<int>(i), dtype, shape, is_ref});
  }
  WriteNodeDef(node, op, inputs, std::move(attrs), options);
  return node;
}

void GraphBuilder::WriteNodeDef(const BuiltNode& node, absl::string_view op,
                                const std::vector<NodeOutput>& inputs, AttrMap attrs,
                                const NodeOptions& options) {
  tensorflow::NodeDef* def = graph_.add_node();
  def->set_name(node.name);
  def->set_op(std::string(op));
  for (const NodeOutput& in : inputs) def->add_input(in.input_name());
  // TF serializes control inputs after data inputs, sorted by name.
  std::vector<std::string> controls = options.control_inputs;
  std::sort(controls.begin(), controls.end());
  for (const std::string& c : controls) def->add_input("^" + c);
  def->set_device(options.device);
  // TF's export_meta_graph writes every op's output shapes (add_shapes=True).
  if (!node.outputs.empty()) {
    AttrValue& shapes = attrs["_output_shapes"];
    for (const NodeOutput& out : node.outputs)
      out.shape.ToProto(shapes.mutable_list()->add_shape());
  }
  if (!options.colocate_with.empty()) {
    AttrValue& loc = attrs["_class"];
    for (const std::string& c : options.colocate_with) loc.mutable_list()->add_s("loc:@" + c);
  }
  def->mutable_attr()->insert(attrs.begin(), attrs.end());
  node_index_[node.name] = graph_.node_size() - 1;
  if (std::find(ops_used_.begin(), ops_used_.end(), op) == ops_used_.end()) {
    ops_used_.emplace_back(op);
  }
}

VariableList GraphBuilder::Variables() const {
  VariableList list;
  for (const VariableRecord& v : variables_) list.emplace_back(v.name, v.value);
  std::sort(list.begin(), list.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return list;
}

absl::StatusOr<tensorflow::MetaGraphDef> GraphBuilder::Finish() const {
  RETURN_IF_ERROR(status_);
  if (!variables_.empty() && !has_saver_) {
    return absl::FailedPreconditionError(
        "the graph has variables but no saver: call AddSaver() after the last variable, or "
        "they cannot be restored");
  }
  tensorflow::MetaGraphDef meta;
  auto* info = meta.mutable_meta_info_def();
  info->set_tensorflow_version(options_.tensorflow_version);
  std::vector<std::string> ops = ops_used_;
  std::sort(ops.begin(), ops.end());
  for (const std::string& op : ops)
    *info->mutable_stripped_op_list()->add_op() = *RegisteredOpDef(op);
  *meta.mutable_graph_def() = graph_;
  meta.mutable_graph_def()->mutable_versions()->set_producer(options_.producer);
  if (has_saver_) *meta.mutable_saver_def() = saver_def_;
  for (const VariableRecord& v : variables_) {
    tensorflow::VariableDef def;
    def.set_variable_name(v.handles.ref.tensor_name());
    def.set_initial_value_name(v.handles.initial_value.tensor_name());
    def.set_initializer_name(v.handles.initializer);
    def.set_snapshot_name(v.handles.value.tensor_name());
    def.set_trainable(v.trainable);
    std::string bytes = def.SerializeAsString();
    (*meta.mutable_collection_def())["variables"].mutable_bytes_list()->add_value(bytes);
    if (v.trainable) {
      (*meta.mutable_collection_def())["trainable_variables"].mutable_bytes_list()->add_value(
          bytes);
    }
  }
  return meta;
}

}  // namespace savedserve
