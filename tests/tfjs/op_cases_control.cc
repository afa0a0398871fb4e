// Functional control flow cases of the per-op differential suite: While, StatelessWhile, If
// and StatelessIf with their functions in the graph's function library (as TF2 / control
// flow v2 writes them, and as tfjs-converter keeps them). Constants are passed as
// arguments, since TF.js takes Const values only from a weights manifest.
//
// The TensorList ops are compared inside If branches (a list is a DT_VARIANT, which cannot be
// fed or fetched): the branches build lists from their dense arguments and return dense
// results. TF.js changes a list in place where TensorFlow makes a changed copy, so the
// branches never read a list after changing it. tf.map_fn's While loop over lists is left to
// tests/control_flow_v2_test.cc: in TF.js an element written in the loop body is disposed
// when the body returns, and a later read fails.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/tfjs/op_cases.h"

namespace savedserve::testing {
namespace {

// Loop vars (i, n, one, x, a, b): while i < n: i += one; x = x * a + b.
constexpr char kCond[] = R"pb(
  signature {
    name: "cond"
    input_arg { name: "i" type: DT_INT32 }
    input_arg { name: "n" type: DT_INT32 }
    input_arg { name: "one" type: DT_INT32 }
    input_arg { name: "x" type: DT_FLOAT }
    input_arg { name: "a" type: DT_FLOAT }
    input_arg { name: "b" type: DT_FLOAT }
    output_arg { name: "go" type: DT_BOOL }
  }
  node_def {
    name: "less"
    op: "Less"
    input: "i"
    input: "n"
    attr {
      key: "T"
      value { type: DT_INT32 }
    }
  }
  ret { key: "go" value: "less:z:0" }
)pb";

constexpr char kBody[] = R"pb(
  signature {
    name: "body"
    input_arg { name: "i" type: DT_INT32 }
    input_arg { name: "n" type: DT_INT32 }
    input_arg { name: "one" type: DT_INT32 }
    input_arg { name: "x" type: DT_FLOAT }
    input_arg { name: "a" type: DT_FLOAT }
    input_arg { name: "b" type: DT_FLOAT }
    output_arg { name: "i_next" type: DT_INT32 }
    output_arg { name: "n_next" type: DT_INT32 }
    output_arg { name: "one_next" type: DT_INT32 }
    output_arg { name: "x_next" type: DT_FLOAT }
    output_arg { name: "a_next" type: DT_FLOAT }
    output_arg { name: "b_next" type: DT_FLOAT }
  }
  node_def {
    name: "inc"
    op: "AddV2"
    input: "i"
    input: "one"
    attr {
      key: "T"
      value { type: DT_INT32 }
    }
  }
  node_def {
    name: "scale"
    op: "Mul"
    input: "x"
    input: "a"
    attr {
      key: "T"
      value { type: DT_FLOAT }
    }
  }
  node_def {
    name: "shift"
    op: "AddV2"
    input: "scale:z:0"
    input: "b"
    attr {
      key: "T"
      value { type: DT_FLOAT }
    }
  }
  ret { key: "i_next" value: "inc:z:0" }
  ret { key: "n_next" value: "n" }
  ret { key: "one_next" value: "one" }
  ret { key: "x_next" value: "shift:z:0" }
  ret { key: "a_next" value: "a" }
  ret { key: "b_next" value: "b" }
)pb";

// Text-format pieces of FunctionDefs.
std::string AttrText(const std::string& key, const std::string& value) {
  return absl::StrCat("attr { key: \"", key, "\" value { ", value, " } } ");
}
const std::string kFloatElements = AttrText("element_dtype", "type: DT_FLOAT");
const std::string kInt32Shapes = AttrText("shape_type", "type: DT_INT32");
// TensorListConcat's element_shape attribute: rows of 3.
const std::string kRowShape = AttrText("element_shape", "shape { dim { size: 3 } }");

std::string NodeText(const std::string& name, const std::string& op,
                     const std::vector<std::string>& inputs, const std::string& attrs = "") {
  std::string text = absl::StrCat("node_def { name: \"", name, "\" op: \"", op, "\" ");
  for (const std::string& in : inputs) absl::StrAppend(&text, "input: \"", in, "\" ");
  return absl::StrCat(text, attrs, "}\n");
}

// A signature with `args` and `rets` given as "name:DT_TYPE".
std::string SignatureText(const std::string& name, const std::vector<std::string>& args,
                          const std::vector<std::string>& rets) {
  std::string text = absl::StrCat("signature { name: \"", name, "\" ");
  auto arg = [&](const char* kind, const std::string& spec) {
    const size_t colon = spec.find(':');
    absl::StrAppend(&text, kind, " { name: \"", spec.substr(0, colon),
                    "\" type: ", spec.substr(colon + 1), " } ");
  };
  for (const std::string& a : args) arg("input_arg", a);
  for (const std::string& r : rets) arg("output_arg", r);
  return text + "}\n";
}

std::string RetsText(const std::vector<std::pair<std::string, std::string>>& rets) {
  std::string text;
  for (const auto& [key, value] : rets) {
    absl::StrAppend(&text, "ret { key: \"", key, "\" value: \"", value, "\" }\n");
  }
  return text;
}

// Every list branch takes these arguments and returns these results.
const std::vector<std::string> kListArgs = {"x:DT_FLOAT",    "shape:DT_INT32", "i:DT_INT32",
                                            "item:DT_FLOAT", "idx:DT_INT32",   "n:DT_INT32",
                                            "zero:DT_INT32", "one:DT_INT32"};
const std::vector<std::string> kListRets = {"stacked:DT_FLOAT", "got:DT_FLOAT",
                                            "length:DT_INT32",  "gathered:DT_FLOAT",
                                            "concat:DT_FLOAT",  "reserved:DT_FLOAT"};
const std::vector<DataType> kListArgTypes = {
    tensorflow::DT_FLOAT, tensorflow::DT_INT32, tensorflow::DT_INT32, tensorflow::DT_FLOAT,
    tensorflow::DT_INT32, tensorflow::DT_INT32, tensorflow::DT_INT32, tensorflow::DT_INT32};
const std::vector<DataType> kListRetTypes = {tensorflow::DT_FLOAT, tensorflow::DT_FLOAT,
                                             tensorflow::DT_INT32, tensorflow::DT_FLOAT,
                                             tensorflow::DT_FLOAT, tensorflow::DT_FLOAT};

// A one-element reserved list whose element is set to item, stacked (TF.js's reserved list
// starts empty and grows as items are set, so every element is set before the read).
std::string ReservedText() {
  return NodeText("reserve", "TensorListReserve", {"shape", "one"}, kFloatElements + kInt32Shapes) +
         NodeText("set_reserved", "TensorListSetItem", {"reserve:handle:0", "zero", "item"},
                  kFloatElements) +
         NodeText("stack_reserved", "TensorListStack", {"set_reserved:output_handle:0", "shape"},
                  kFloatElements);
}

// The reads every list branch ends with, on list `l` (a "node:output:0" name).
std::string ReadsText(const std::string& l) {
  return NodeText("stack", "TensorListStack", {l, "shape"}, kFloatElements) +
         NodeText("get", "TensorListGetItem", {l, "i", "shape"}, kFloatElements) +
         NodeText("gather", "TensorListGather", {l, "idx", "shape"}, kFloatElements) +
         NodeText("concat", "TensorListConcat", {l}, kFloatElements + kRowShape);
}

// x unstacked into a list, row i replaced by item.
std::string ListFromTensorFunction() {
  return SignatureText("list_from_tensor", kListArgs, kListRets) +
         NodeText("unstack", "TensorListFromTensor", {"x", "shape"},
                  kFloatElements + kInt32Shapes) +
         NodeText("set", "TensorListSetItem", {"unstack:output_handle:0", "i", "item"},
                  kFloatElements) +
         ReadsText("set:output_handle:0") +
         NodeText("length", "TensorListLength", {"set:output_handle:0"}) + ReservedText() +
         RetsText({{"stacked", "stack:tensor:0"},
                   {"got", "get:item:0"},
                   {"length", "length:length:0"},
                   {"gathered", "gather:values:0"},
                   {"concat", "concat:tensor:0"},
                   {"reserved", "stack_reserved:tensor:0"}});
}

// Row k of x scattered to element idx[k] of an n-element list, element i replaced by item;
// and a list of item pushed twice, resized to one element, stacked as `gathered`.
std::string ListScatterFunction() {
  return SignatureText("list_scatter", kListArgs, kListRets) +
         NodeText("scatter", "TensorListScatterV2", {"x", "idx", "shape", "n"},
                  kFloatElements + kInt32Shapes) +
         NodeText("set", "TensorListSetItem", {"scatter:output_handle:0", "i", "item"},
                  kFloatElements) +
         NodeText("stack", "TensorListStack", {"set:output_handle:0", "shape"}, kFloatElements) +
         NodeText("get", "TensorListGetItem", {"set:output_handle:0", "i", "shape"},
                  kFloatElements) +
         NodeText("concat", "TensorListConcat", {"set:output_handle:0"},
                  kFloatElements + kRowShape) +
         NodeText("empty", "EmptyTensorList", {"shape", "n"}, kFloatElements + kInt32Shapes) +
         NodeText("push", "TensorListPushBack", {"empty:handle:0", "item"}, kFloatElements) +
         NodeText("push_again", "TensorListPushBack", {"push:output_handle:0", "item"},
                  kFloatElements) +
         NodeText("resize", "TensorListResize", {"push_again:output_handle:0", "one"}) +
         NodeText("length", "TensorListLength", {"resize:output_handle:0"}) +
         NodeText("stack_pushed", "TensorListStack", {"resize:output_handle:0", "shape"},
                  kFloatElements) +
         ReservedText() +
         RetsText({{"stacked", "stack:tensor:0"},
                   {"got", "get:item:0"},
                   {"length", "length:length:0"},
                   {"gathered", "stack_pushed:tensor:0"},
                   {"concat", "concat:tensor:0"},
                   {"reserved", "stack_reserved:tensor:0"}});
}

// An If node over the list branches `then_branch` / `else_branch`.
CaseBuilder ListIf(const std::string& op, const std::string& label, const Tensor& cond,
                   const std::string& then_branch, const std::string& else_branch, uint32_t seed) {
  CaseBuilder c = Case(op, label);
  c.Attr("Tcond", cond.dtype())
      .TypeList("Tin", kListArgTypes)
      .TypeList("Tout", kListRetTypes)
      .FuncAttr("then_branch", then_branch)
      .FuncAttr("else_branch", else_branch)
      .Function(ListFromTensorFunction())
      .Function(ListScatterFunction())
      .In(cond)
      .In(Rand({4, 3}, seed))
      .In(Ints({3}, {1}))
      .In(Int(1))
      .In(Rand({3}, seed + 5000))
      .In(Ints({2, 0, 3, 1}, {4}))
      .In(Int(4))
      .In(Int(0))
      .In(Int(1))
      .Outputs(6)
      .Tolerance(1e-6);
  return c;
}

}  // namespace

std::vector<OpCase> ControlFlowCases() {
  std::vector<OpCase> cases;
  uint32_t seed = 9000;
  for (const char* op : {"While", "StatelessWhile"}) {
    for (int32_t n : {0, 1, 7}) {
      cases.push_back(
          Case(op, std::to_string(n) + " iterations of x = x * a + b")
              .TypeList("T", {tensorflow::DT_INT32, tensorflow::DT_INT32, tensorflow::DT_INT32,
                              tensorflow::DT_FLOAT, tensorflow::DT_FLOAT, tensorflow::DT_FLOAT})
              .FuncAttr("cond", "cond")
              .FuncAttr("body", "body")
              .Attr("parallel_iterations", 10)
              .Function(kCond)
              .Function(kBody)
              .In(Int(0))
              .In(Int(n))
              .In(Int(1))
              .In(Rand({2, 3}, seed++))
              .In(Rand({2, 3}, seed++, -1.2f, 1.2f))
              .In(Rand({3}, seed++))
              .Outputs(6)
              .Tolerance(1e-5));
    }
  }
  // If's cond by TensorFlow's truthiness rule. TF.js reads the first element of a
  // non-scalar cond, where TensorFlow asks whether it has any: they agree on the non-scalar
  // conds here (non-empty with a true first element, and empty).
  Tensor two_bools(tensorflow::DT_BOOL, TensorShape{2});
  two_bools.data<bool>()[0] = true;
  const std::vector<std::pair<std::string, Tensor>> conds = {
      {"true", Tensor::Scalar<bool>(true)},
      {"false", Tensor::Scalar<bool>(false)},
      {"float 0.25", Float(0.25f)},
      {"float 0", Float(0)},
      {"int32 -2", Int(-2)},
      {"int32 0", Int(0)},
      {"bool [true, false]", two_bools},
      {"bool []", Tensor(tensorflow::DT_BOOL, TensorShape{0})},
  };
  for (const char* op : {"If", "StatelessIf"}) {
    for (const auto& [label, cond] : conds) {
      cases.push_back(ListIf(op, "cond " + label + ": list_from_tensor / list_scatter", cond,
                             "list_from_tensor", "list_scatter", seed++));
    }
  }
  return cases;
}

}  // namespace savedserve::testing
