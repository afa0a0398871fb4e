#include "runtime/op_signatures.h"

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "format/op_defs.h"

namespace savedserve {
namespace {

using AttrMap = google::protobuf::Map<std::string, tensorflow::AttrValue>;

absl::Status MissingAttr(const std::string& name, absl::string_view want) {
  return absl::InvalidArgumentError(
      absl::StrCat("attribute '", name, "' is missing or not ", want));
}

// Functional control flow declares its outputs' shapes in `output_shapes`: While's shape
// invariants, the shapes If's or Case's branches agree on. TF2 writes them where
// `_output_shapes` is often absent.
bool DeclaresOutputShapes(const std::string& op) {
  return op == "While" || op == "StatelessWhile" || op == "If" || op == "StatelessIf" ||
         op == "Case" || op == "StatelessCase";
}

// Output shapes the node itself declares, where it does.
void FillShapes(const tensorflow::NodeDef& node, std::vector<OutputSpec>* outputs) {
  const AttrMap& attrs = node.attr();
  auto it = attrs.find("_output_shapes");
  if (it == attrs.end() && DeclaresOutputShapes(node.op())) it = attrs.find("output_shapes");
  if (it != attrs.end() && it->second.list().shape_size() == static_cast<int>(outputs->size())) {
    for (size_t i = 0; i < outputs->size(); ++i) {
      (*outputs)[i].shape = PartialShape::FromProto(it->second.list().shape(i));
    }
  }
  if (outputs->size() != 1) return;
  if ((node.op() == "Placeholder" || node.op() == "PlaceholderWithDefault") &&
      attrs.contains("shape")) {
    (*outputs)[0].shape = PartialShape::FromProto(attrs.at("shape").shape());
  } else if (node.op() == "Const" && attrs.contains("value")) {
    (*outputs)[0].shape = PartialShape::FromProto(attrs.at("value").tensor().tensor_shape());
  }
}

// For ops nobody describes: one output per declared shape, typed by the usual attributes.
void GuessOutputs(const tensorflow::NodeDef& node, std::vector<OutputSpec>* outputs,
                  std::vector<OutputArgRange>* ranges) {
  const AttrMap& attrs = node.attr();
  int count = 1;
  auto shapes = attrs.find("_output_shapes");
  if (shapes != attrs.end()) count = shapes->second.list().shape_size();
  DataType dtype = tensorflow::DT_INVALID;
  for (const char* name : {"T", "dtype", "out_type"}) {
    auto it = attrs.find(name);
    if (it != attrs.end() && it->second.value_case() == tensorflow::AttrValue::kType) {
      dtype = it->second.type();
      break;
    }
  }
  for (int i = 0; i < count; ++i) outputs->push_back({BaseType(dtype), IsRefType(dtype), {}});
  ranges->push_back({"output", 0, count});
}

}  // namespace

absl::StatusOr<std::vector<DataType>> ResolveArgTypes(const tensorflow::OpDef::ArgDef& arg,
                                                      const AttrMap& attrs) {
  if (!arg.type_list_attr().empty()) {
    auto it = attrs.find(arg.type_list_attr());
    if (it == attrs.end()) return MissingAttr(arg.type_list_attr(), "a list of types");
    std::vector<DataType> types;
    for (int t : it->second.list().type()) types.push_back(static_cast<DataType>(t));
    return types;
  }
  DataType dtype = arg.type();
  if (dtype == tensorflow::DT_INVALID) {
    auto it = attrs.find(arg.type_attr());
    if (it == attrs.end() || it->second.value_case() != tensorflow::AttrValue::kType) {
      return MissingAttr(arg.type_attr(), "a type");
    }
    dtype = it->second.type();
  }
  int64_t count = 1;
  if (!arg.number_attr().empty()) {
    auto it = attrs.find(arg.number_attr());
    if (it == attrs.end() || it->second.value_case() != tensorflow::AttrValue::kI) {
      return MissingAttr(arg.number_attr(), "an int");
    }
    count = it->second.i();
  }
  return std::vector<DataType>(count, dtype);
}

OpSignatures::OpSignatures(const tensorflow::OpList& stripped_ops,
                           const tensorflow::FunctionDefLibrary* library) {
  for (const auto& op : RegisteredOpList().op()) ops_[op.name()] = op;
  // The model's own definitions win: they match the attributes its nodes were written with.
  for (const auto& op : stripped_ops.op()) ops_[op.name()] = op;
  if (library != nullptr) {
    for (const auto& f : library->function()) functions_[f.signature().name()] = &f;
  }
}

const tensorflow::OpDef* OpSignatures::Find(const std::string& op) const {
  auto f = functions_.find(op);
  if (f != functions_.end()) return &f->second->signature();
  auto it = ops_.find(op);
  return it == ops_.end() ? nullptr : &it->second;
}

const tensorflow::FunctionDef* OpSignatures::FindFunction(const std::string& name) const {
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : it->second;
}

void OpSignatures::AddDefaultAttrs(tensorflow::NodeDef* node) const {
  if (IsFunction(node->op())) return;
  const tensorflow::OpDef* def = Find(node->op());
  if (def == nullptr) return;
  for (const auto& attr : def->attr()) {
    if (attr.has_default_value() && !node->attr().contains(attr.name())) {
      (*node->mutable_attr())[attr.name()] = attr.default_value();
    }
  }
}

absl::Status OpSignatures::ResolveOutputs(const tensorflow::NodeDef& node,
                                          std::vector<OutputSpec>* outputs,
                                          std::vector<OutputArgRange>* ranges) const {
  outputs->clear();
  ranges->clear();
  const tensorflow::OpDef* def = Find(node.op());
  if (def == nullptr) {
    GuessOutputs(node, outputs, ranges);
  } else {
    for (const auto& arg : def->output_arg()) {
      auto types = ResolveArgTypes(arg, node.attr());
      if (!types.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(node.op(), " '", node.name(), "': output '",
                                                       arg.name(),
                                                       "': ", types.status().message()));
      }
      ranges->push_back(
          {arg.name(), static_cast<int>(outputs->size()), static_cast<int>(types->size())});
      for (DataType t : *types) outputs->push_back({BaseType(t), arg.is_ref() || IsRefType(t), {}});
    }
  }
  FillShapes(node, outputs);
  return absl::OkStatus();
}

}  // namespace savedserve
