// Helpers for runtime tests: graphs written as text protos, and tensors from literals.
// One thread at a time.
#pragma once

#include <string>
#include <vector>

#include "tensor/tensor.h"
#include "tensorflow/core/framework/function.pb.h"
#include "tensorflow/core/framework/graph.pb.h"
#include "tensorflow/core/protobuf/meta_graph.pb.h"

namespace savedserve::testing {

// Parses text-format protos; aborts the test binary on a syntax error (a bug in the test).
tensorflow::GraphDef GraphFromText(const std::string& text);
tensorflow::FunctionDef FunctionFromText(const std::string& text);
tensorflow::MetaGraphDef MetaGraphFromText(const std::string& text);

// Text for common nodes, to concatenate into a GraphDef.
std::string ConstNode(const std::string& name, const std::string& value);  // a string scalar
std::string FloatConstNode(const std::string& name, float value);
std::string PlaceholderNode(const std::string& name, const std::string& dtype = "DT_STRING");
std::string JoinNode(const std::string& name, const std::vector<std::string>& inputs);
std::string IdentityNode(const std::string& name, const std::string& input,
                         const std::string& dtype = "DT_STRING");

// TF1 control flow as text (any node, and the pieces tf.cond and tf.while_loop write).
// `attrs` holds attr entries already written out.
std::string Node(const std::string& name, const std::string& op,
                 const std::vector<std::string>& inputs, const std::string& attrs = "");
std::string TypeAttr(const std::string& key, const std::string& dtype);
std::string T(const std::string& dtype);  // TypeAttr("T", dtype)
// A scalar Const (DT_FLOAT, DT_BOOL or int), after `control` ("^pivot") if given, as branch
// and loop-body constants are.
std::string ScalarConst(const std::string& name, const std::string& dtype, const std::string& value,
                        const std::string& control = "");
std::string Placeholder(const std::string& name, const std::string& dtype);
std::string Binary(const std::string& name, const std::string& op, const std::string& x,
                   const std::string& y, const std::string& dtype);
std::string Enter(const std::string& name, const std::string& input, const std::string& frame,
                  bool is_constant, const std::string& dtype, int parallel_iterations = 10);
std::string Merge(const std::string& name, const std::vector<std::string>& inputs,
                  const std::string& dtype);
// tf.cond(pred, ...)'s scaffolding under `scope`: Switch(pred, pred), the switch_t/switch_f
// pivots and pred_id.
std::string CondScaffold(const std::string& scope, const std::string& pred);
// One loop variable of tf.while_loop in frame `frame` under `scope` (suffix "" or "_1"...):
// Enter, Merge(Enter, NextIteration), Switch(Merge, `scope`/LoopCond), Identity(Switch:1),
// NextIteration(`next`), Exit(Switch:0).
std::string LoopVar(const std::string& scope, const std::string& suffix, const std::string& initial,
                    const std::string& next, const std::string& frame, const std::string& dtype,
                    int parallel_iterations = 10);

Tensor Str(const std::string& s);
Tensor Strs(const std::vector<std::string>& values);
std::string StrOf(const Tensor& t);  // the one string of a string scalar
float FloatOf(const Tensor& t);      // the one value of a float scalar

}  // namespace savedserve::testing
