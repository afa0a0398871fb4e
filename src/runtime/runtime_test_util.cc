#include "runtime/runtime_test_util.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/text_format.h"

namespace savedserve::testing {
namespace {

template <typename P>
P Parse(const std::string& text) {
  P proto;
  if (!google::protobuf::TextFormat::ParseFromString(text, &proto)) {
    std::cerr << "test proto does not parse:\n" << text << "\n";
    std::abort();
  }
  return proto;
}

}  // namespace

tensorflow::GraphDef GraphFromText(const std::string& text) {
  return Parse<tensorflow::GraphDef>(text);
}
tensorflow::FunctionDef FunctionFromText(const std::string& text) {
  return Parse<tensorflow::FunctionDef>(text);
}
tensorflow::MetaGraphDef MetaGraphFromText(const std::string& text) {
  return Parse<tensorflow::MetaGraphDef>(text);
}

std::string ConstNode(const std::string& name, const std::string& value) {
  return absl::StrCat("node { name: '", name,
                      "' op: 'Const' attr { key: 'dtype' value { type: DT_STRING } } "
                      "attr { key: 'value' value { tensor { dtype: DT_STRING tensor_shape {} "
                      "string_val: '",
                      value, "' } } } }\n");
}

std::string FloatConstNode(const std::string& name, float value) {
  return absl::StrCat("node { name: '", name,
                      "' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } } "
                      "attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape {} "
                      "float_val: ",
                      value, " } } } }\n");
}

std::string PlaceholderNode(const std::string& name, const std::string& dtype) {
  return absl::StrCat("node { name: '", name,
                      "' op: 'Placeholder' attr { key: 'dtype' value { type: ", dtype, " } } }\n");
}

std::string JoinNode(const std::string& name, const std::vector<std::string>& inputs) {
  std::string text = absl::StrCat("node { name: '", name, "' op: 'StringJoin'");
  int data_inputs = 0;
  for (const std::string& in : inputs) {
    absl::StrAppend(&text, " input: '", in, "'");
    if (in[0] != '^') ++data_inputs;
  }
  absl::StrAppend(&text, " attr { key: 'N' value { i: ", data_inputs, " } } }\n");
  return text;
}

std::string IdentityNode(const std::string& name, const std::string& input,
                         const std::string& dtype) {
  return absl::StrCat("node { name: '", name, "' op: 'Identity' input: '", input,
                      "' attr { key: 'T' value { type: ", dtype, " } } }\n");
}

std::string Node(const std::string& name, const std::string& op,
                 const std::vector<std::string>& inputs, const std::string& attrs) {
  std::string text = absl::StrCat("node { name: '", name, "' op: '", op, "'");
  for (const std::string& in : inputs) absl::StrAppend(&text, " input: '", in, "'");
  return absl::StrCat(text, " ", attrs, " }\n");
}

std::string TypeAttr(const std::string& key, const std::string& dtype) {
  return absl::StrCat("attr { key: '", key, "' value { type: ", dtype, " } }");
}

std::string T(const std::string& dtype) { return TypeAttr("T", dtype); }

std::string ScalarConst(const std::string& name, const std::string& dtype, const std::string& value,
                        const std::string& control) {
  const std::string field = dtype == "DT_FLOAT"  ? "float_val"
                            : dtype == "DT_BOOL" ? "bool_val"
                                                 : "int_val";
  return Node(
      name, "Const", control.empty() ? std::vector<std::string>{} : std::vector{control},
      absl::StrCat(TypeAttr("dtype", dtype), " attr { key: 'value' value { tensor { dtype: ", dtype,
                   " tensor_shape {} ", field, ": ", value, " } } }"));
}

std::string Placeholder(const std::string& name, const std::string& dtype) {
  return Node(name, "Placeholder", {}, TypeAttr("dtype", dtype));
}

std::string Binary(const std::string& name, const std::string& op, const std::string& x,
                   const std::string& y, const std::string& dtype) {
  return Node(name, op, {x, y}, T(dtype));
}

std::string Enter(const std::string& name, const std::string& input, const std::string& frame,
                  bool is_constant, const std::string& dtype, int parallel_iterations) {
  return Node(
      name, "Enter", {input},
      absl::StrCat(T(dtype), " attr { key: 'frame_name' value { s: '", frame,
                   "' } } attr { key: 'is_constant' value { b: ", is_constant ? "true" : "false",
                   " } } attr { key: 'parallel_iterations' value { i: ", parallel_iterations,
                   " } }"));
}

std::string Merge(const std::string& name, const std::vector<std::string>& inputs,
                  const std::string& dtype) {
  int n = 0;
  for (const std::string& in : inputs) n += in[0] != '^';
  return Node(name, "Merge", inputs,
              absl::StrCat(T(dtype), " attr { key: 'N' value { i: ", n, " } }"));
}

std::string CondScaffold(const std::string& scope, const std::string& pred) {
  return Binary(scope + "/Switch", "Switch", pred, pred, "DT_BOOL") +
         Node(scope + "/switch_t", "Identity", {scope + "/Switch:1"}, T("DT_BOOL")) +
         Node(scope + "/switch_f", "Identity", {scope + "/Switch"}, T("DT_BOOL")) +
         Node(scope + "/pred_id", "Identity", {pred}, T("DT_BOOL"));
}

std::string LoopVar(const std::string& scope, const std::string& suffix, const std::string& initial,
                    const std::string& next, const std::string& frame, const std::string& dtype,
                    int parallel_iterations) {
  const std::string s = scope + "/";
  return Enter(s + "Enter" + suffix, initial, frame, false, dtype, parallel_iterations) +
         Merge(s + "Merge" + suffix, {s + "Enter" + suffix, s + "NextIteration" + suffix}, dtype) +
         Binary(s + "Switch" + suffix, "Switch", s + "Merge" + suffix, s + "LoopCond", dtype) +
         Node(s + "Identity" + suffix, "Identity", {s + "Switch" + suffix + ":1"}, T(dtype)) +
         Node(s + "NextIteration" + suffix, "NextIteration", {next}, T(dtype)) +
         Node(s + "Exit" + suffix, "Exit", {s + "Switch" + suffix}, T(dtype));
}

Tensor Str(const std::string& s) {
  Tensor t(tensorflow::DT_STRING, TensorShape{});
  t.data<std::string>()[0] = s;
  return t;
}

Tensor Strs(const std::vector<std::string>& values) {
  Tensor t(tensorflow::DT_STRING, TensorShape{static_cast<int64_t>(values.size())});
  for (size_t i = 0; i < values.size(); ++i) t.data<std::string>()[i] = values[i];
  return t;
}

std::string StrOf(const Tensor& t) {
  if (t.dtype() != tensorflow::DT_STRING || t.num_elements() != 1) return "<not a string scalar>";
  return t.data<std::string>()[0];
}

float FloatOf(const Tensor& t) {
  if (t.dtype() != tensorflow::DT_FLOAT || t.num_elements() != 1) return -12345.0f;
  return t.data<float>()[0];
}

}  // namespace savedserve::testing
