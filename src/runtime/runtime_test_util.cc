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
