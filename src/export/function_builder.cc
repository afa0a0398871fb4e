// FunctionBuilder, and the GraphBuilder members that put functions into a graph's library
// (AddFunction, While).
#include "export/function_builder.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status.h"
#include "format/op_defs.h"
#include "google/protobuf/util/message_differencer.h"

namespace savedserve {
namespace {

constexpr char kArgOp[] = "_Arg";

// OpDef argument names: [a-z][a-z0-9_]*.
bool IsArgName(absl::string_view name) {
  if (name.empty() || !absl::ascii_islower(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_';
  });
}

// "out_arg:i" for each flat output of `node`, as FunctionDef bodies name node outputs.
// REQUIRES: the node was added by GraphBuilder (its op is in the table, attrs complete).
std::vector<std::string> OutputArgNames(const tensorflow::NodeDef& node) {
  const tensorflow::OpDef& def = *RegisteredOpDef(node.op());
  std::vector<std::string> names;
  for (const auto& arg : def.output_arg()) {
    int64_t count = 1;
    if (!arg.type_list_attr().empty()) {
      count = node.attr().at(arg.type_list_attr()).list().type_size();
    } else if (!arg.number_attr().empty()) {
      count = node.attr().at(arg.number_attr()).i();
    }
    for (int64_t i = 0; i < count; ++i) names.push_back(absl::StrCat(arg.name(), ":", i));
  }
  return names;
}

std::string TypeNames(const std::vector<DataType>& types) {
  return absl::StrCat(
      "(",
      absl::StrJoin(types, ", ",
                    [](std::string* out, DataType t) { out->append(DataTypeName(t)); }),
      ")");
}

// Whether a loop var of `shape` satisfies `invariant`: same rank, and equal dims where the
// invariant knows them (tf.while_loop's shape_invariants rule).
bool SatisfiesInvariant(const PartialShape& shape, const PartialShape& invariant) {
  if (invariant.unknown_rank()) return true;
  if (shape.unknown_rank() || shape.rank() != invariant.rank()) return false;
  for (int i = 0; i < invariant.rank(); ++i) {
    if (invariant.dims()[i] >= 0 && shape.dims()[i] != invariant.dims()[i]) return false;
  }
  return true;
}

absl::Status CheckWhileLoop(const std::vector<NodeOutput>& loop_vars, const FunctionBuilder& cond,
                            const FunctionBuilder& body,
                            const std::vector<PartialShape>& shape_invariants) {
  std::vector<DataType> types;
  for (const NodeOutput& v : loop_vars) types.push_back(v.dtype);
  if (cond.arg_types() != types || cond.ret_types() != std::vector<DataType>{tensorflow::DT_BOOL}) {
    return absl::InvalidArgumentError(
        absl::StrCat("cond '", cond.name(), "' takes ", TypeNames(cond.arg_types()),
                     " and returns ", TypeNames(cond.ret_types()), "; the loop vars are ",
                     TypeNames(types), " and cond must return (bool)"));
  }
  if (body.arg_types() != types || body.ret_types() != types) {
    return absl::InvalidArgumentError(absl::StrCat(
        "body '", body.name(), "' takes ", TypeNames(body.arg_types()), " and returns ",
        TypeNames(body.ret_types()), "; both must be the loop vars' types ", TypeNames(types)));
  }
  if (shape_invariants.size() != loop_vars.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        shape_invariants.size(), " shape invariants for ", loop_vars.size(), " loop vars"));
  }
  for (size_t i = 0; i < loop_vars.size(); ++i) {
    if (!SatisfiesInvariant(loop_vars[i].shape, shape_invariants[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "loop var ", loop_vars[i].tensor_name(), " has shape ", loop_vars[i].shape.DebugString(),
          ", which does not satisfy its invariant ", shape_invariants[i].DebugString()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

tensorflow::AttrValue ShapeListAttr(const std::vector<PartialShape>& shapes) {
  tensorflow::AttrValue v;
  auto* list = v.mutable_list();
  for (const PartialShape& s : shapes) s.ToProto(list->add_shape());
  return v;
}

tensorflow::AttrValue FuncAttr(absl::string_view function_name) {
  tensorflow::AttrValue v;
  v.mutable_func()->set_name(std::string(function_name));
  return v;
}

FunctionBuilder::FunctionBuilder(std::string name) : name_(std::move(name)) {}

NodeOutput FunctionBuilder::Arg(absl::string_view name, DataType dtype, const PartialShape& shape) {
  if (!status_.ok()) return {};
  if (!IsArgName(name)) {
    Fail(absl::InvalidArgumentError(absl::StrCat("function '", name_, "': argument name '", name,
                                                 "' must match [a-z][a-z0-9_]*")));
    return {};
  }
  const std::string unique = UniqueName(name);
  if (unique != name) {
    Fail(absl::InvalidArgumentError(absl::StrCat("function '", name_, "': argument '", name,
                                                 "' clashes with an earlier name")));
    return {};
  }
  NodeOutput value =
      AddNamedOp(unique, kArgOp, {},
                 {{"T", TypeAttr(dtype)}, {"index", IntAttr(static_cast<int64_t>(args_.size()))}},
                 {shape}, {})
          .output();
  if (!value.node.empty()) args_.push_back(ArgRecord{unique, value});
  return value;
}

void FunctionBuilder::Ret(absl::string_view name, const NodeOutput& value) {
  if (!status_.ok()) return;
  // OpDef argument names are unique across inputs and outputs.
  const bool taken =
      std::any_of(rets_.begin(), rets_.end(), [&](const auto& r) { return r.first == name; }) ||
      std::any_of(args_.begin(), args_.end(), [&](const auto& a) { return a.name == name; });
  if (!IsArgName(name) || taken || value.node.empty()) {
    Fail(absl::InvalidArgumentError(absl::StrCat(
        "function '", name_, "': output '", name,
        taken ? "' is already an argument or output name"
              : (value.node.empty() ? "' has no value" : "' must match [a-z][a-z0-9_]*"))));
    return;
  }
  NodeOutput ret = value;
  if (graph_.node(node_index_.at(value.node)).op() == kArgOp) ret = Identity("Identity", value);
  rets_.emplace_back(std::string(name), ret);
}

std::vector<DataType> FunctionBuilder::arg_types() const {
  std::vector<DataType> types;
  for (const ArgRecord& a : args_) types.push_back(a.value.dtype);
  return types;
}

std::vector<DataType> FunctionBuilder::ret_types() const {
  std::vector<DataType> types;
  for (const auto& [name, value] : rets_) types.push_back(value.dtype);
  return types;
}

// A flat GraphDef input ("node", "node:k", "^node") in FunctionDef form.
absl::StatusOr<std::string> FunctionBuilder::BodyInput(const std::string& flat_input) const {
  const bool control = !flat_input.empty() && flat_input[0] == '^';
  absl::string_view ref = absl::string_view(flat_input).substr(control ? 1 : 0);
  const size_t colon = ref.find(':');
  const std::string node_name(ref.substr(0, colon));
  int index = 0;
  if (colon != absl::string_view::npos && !absl::SimpleAtoi(ref.substr(colon + 1), &index)) {
    return absl::InvalidArgumentError(absl::StrCat("malformed input '", flat_input, "'"));
  }
  auto it = node_index_.find(node_name);
  if (it == node_index_.end() || it->second < 0) {
    return absl::InvalidArgumentError(absl::StrCat("input '", flat_input, "' names no node"));
  }
  const tensorflow::NodeDef& node = graph_.node(it->second);
  if (node.op() == kArgOp) {
    if (control) {
      return absl::InvalidArgumentError(
          absl::StrCat("a control input on argument '", node_name, "' is not allowed"));
    }
    return node_name;
  }
  if (control) return flat_input;
  std::vector<std::string> outputs = OutputArgNames(node);
  if (index < 0 || index >= static_cast<int>(outputs.size())) {
    return absl::InvalidArgumentError(absl::StrCat("node '", node_name, "' has no output ", index));
  }
  return absl::StrCat(node_name, ":", outputs[index]);
}

absl::StatusOr<tensorflow::FunctionDef> FunctionBuilder::Build() const {
  const std::string context = absl::StrCat("function '", name_, "'");
  if (!status_.ok()) return Annotate(status_, context);
  if (!variables_.empty() || has_saver_) {
    return absl::FailedPreconditionError(
        absl::StrCat(context, ": TF1 variables and savers cannot live in a function"));
  }
  tensorflow::FunctionDef f;
  tensorflow::OpDef* signature = f.mutable_signature();
  signature->set_name(name_);
  for (size_t i = 0; i < args_.size(); ++i) {
    auto* arg = signature->add_input_arg();
    arg->set_name(args_[i].name);
    arg->set_type(args_[i].value.dtype);
    auto& attrs = *(*f.mutable_arg_attr())[static_cast<uint32_t>(i)].mutable_attr();
    args_[i].value.shape.ToProto(attrs["_output_shapes"].mutable_list()->add_shape());
  }
  for (const tensorflow::NodeDef& node : graph_.node()) {
    if (node.op() == kArgOp) continue;
    tensorflow::NodeDef* copy = f.add_node_def();
    *copy = node;
    for (std::string& input : *copy->mutable_input()) {
      auto body_input = BodyInput(input);
      if (!body_input.ok()) {
        return Annotate(body_input.status(), absl::StrCat(context, ", node '", node.name(), "'"));
      }
      input = *body_input;
    }
    if (RegisteredOpDef(node.op())->is_stateful()) signature->set_is_stateful(true);
  }
  for (const auto& [name, value] : rets_) {
    auto* out = signature->add_output_arg();
    out->set_name(name);
    out->set_type(value.dtype);
    ASSIGN_OR_RETURN((*f.mutable_ret())[name], BodyInput(value.input_name()));
  }
  return f;
}

void GraphBuilder::AddFunction(const FunctionBuilder& function) {
  if (!status_.ok()) return;
  absl::StatusOr<tensorflow::FunctionDef> def = function.Build();
  if (!def.ok()) {
    Fail(def.status());
    return;
  }
  std::vector<const tensorflow::FunctionDef*> defs = {&*def};
  for (const auto& nested : function.graph_.library().function()) defs.push_back(&nested);
  auto* library = graph_.mutable_library();
  for (const tensorflow::FunctionDef* f : defs) {
    const std::string& name = f->signature().name();
    auto same = [&](const tensorflow::FunctionDef& g) { return g.signature().name() == name; };
    auto it = std::find_if(library->function().begin(), library->function().end(), same);
    if (it == library->function().end()) {
      *library->add_function() = *f;
    } else if (!google::protobuf::util::MessageDifferencer::Equals(*it, *f)) {
      Fail(absl::AlreadyExistsError(
          absl::StrCat("function '", name, "' is already in the library with a different body")));
      return;
    }
  }
  for (const std::string& op : function.ops_used_) {
    if (op != kArgOp && std::find(ops_used_.begin(), ops_used_.end(), op) == ops_used_.end()) {
      ops_used_.push_back(op);
    }
  }
}

std::vector<NodeOutput> GraphBuilder::While(absl::string_view name,
                                            const std::vector<NodeOutput>& loop_vars,
                                            const FunctionBuilder& cond,
                                            const FunctionBuilder& body,
                                            const std::vector<PartialShape>& shape_invariants) {
  if (!status_.ok()) return {};
  absl::Status s = CheckWhileLoop(loop_vars, cond, body, shape_invariants);
  if (!s.ok()) {
    Fail(Annotate(s, absl::StrCat("adding While '", name, "'")));
    return {};
  }
  AddFunction(cond);
  AddFunction(body);
  // Graph-mode while_v2 asks TF to lower the loop to Switch/Merge/NextIteration before it
  // runs (the functional While kernel runs it otherwise; both give the same result).
  AttrMap attrs = {{"cond", FuncAttr(cond.name())},
                   {"body", FuncAttr(body.name())},
                   {"output_shapes", ShapeListAttr(shape_invariants)},
                   {"_lower_using_switch_merge", BoolAttr(true)}};
  return AddOp("While", name.empty() ? "while" : name, loop_vars, std::move(attrs),
               shape_invariants)
      .outputs;
}

}  // namespace savedserve
