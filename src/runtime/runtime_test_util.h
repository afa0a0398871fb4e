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

Tensor Str(const std::string& s);
Tensor Strs(const std::vector<std::string>& values);
std::string StrOf(const Tensor& t);  // the one string of a string scalar
float FloatOf(const Tensor& t);      // the one value of a float scalar

}  // namespace savedserve::testing
