#include "tests/tfjs/op_cases.h"

#include <random>

#include "google/protobuf/text_format.h"
#include "kernels/kernel_testing.h"

namespace savedserve::testing {

CaseBuilder::CaseBuilder(const std::string& op, const std::string& label) {
  case_.node.set_op(op);
  case_.label = op + " " + label;
}

CaseBuilder& CaseBuilder::Attr(const std::string& name, DataType value) {
  (*case_.node.mutable_attr())[name].set_type(value);
  return *this;
}
CaseBuilder& CaseBuilder::Attr(const std::string& name, int64_t value) {
  (*case_.node.mutable_attr())[name].set_i(value);
  return *this;
}
CaseBuilder& CaseBuilder::Attr(const std::string& name, float value) {
  (*case_.node.mutable_attr())[name].set_f(value);
  return *this;
}
CaseBuilder& CaseBuilder::Attr(const std::string& name, bool value) {
  (*case_.node.mutable_attr())[name].set_b(value);
  return *this;
}
CaseBuilder& CaseBuilder::Attr(const std::string& name, const char* value) {
  (*case_.node.mutable_attr())[name].set_s(value);
  return *this;
}
CaseBuilder& CaseBuilder::Attr(const std::string& name, const std::vector<int64_t>& value) {
  auto* list = (*case_.node.mutable_attr())[name].mutable_list();
  for (int64_t v : value) list->add_i(v);
  return *this;
}
CaseBuilder& CaseBuilder::Attr(const std::string& name, const std::vector<std::string>& value) {
  auto* list = (*case_.node.mutable_attr())[name].mutable_list();
  for (const std::string& v : value) list->add_s(v);
  return *this;
}
CaseBuilder& CaseBuilder::In(const Tensor& t) {
  case_.inputs.push_back(t);
  return *this;
}
CaseBuilder& CaseBuilder::Const(const Tensor& t) {
  case_.constant_inputs.push_back(static_cast<int>(case_.inputs.size()));
  case_.inputs.push_back(t);
  return *this;
}
CaseBuilder& CaseBuilder::Outputs(int n) {
  case_.num_outputs = n;
  return *this;
}
CaseBuilder& CaseBuilder::Compare(int n) {
  case_.compared_outputs = n;
  return *this;
}
CaseBuilder& CaseBuilder::Tolerance(double fraction_of_range) {
  case_.tolerance = fraction_of_range;
  return *this;
}
CaseBuilder& CaseBuilder::Rewrite() {
  case_.rewrite = true;
  return *this;
}

CaseBuilder& CaseBuilder::Function(const std::string& function_def_text) {
  tensorflow::FunctionDef* f = case_.library.add_function();
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(function_def_text, f))
      << function_def_text;
  return *this;
}
CaseBuilder& CaseBuilder::FuncAttr(const std::string& name, const std::string& function) {
  (*case_.node.mutable_attr())[name].mutable_func()->set_name(function);
  return *this;
}
CaseBuilder& CaseBuilder::TypeList(const std::string& name, const std::vector<DataType>& types) {
  auto* list = (*case_.node.mutable_attr())[name].mutable_list();
  for (DataType t : types) list->add_type(t);
  return *this;
}

Tensor Rand(std::vector<int64_t> shape, uint32_t seed, float lo, float hi) {
  return RandomTensor(tensorflow::DT_FLOAT, TensorShape(std::move(shape)), seed, lo, hi);
}

Tensor Ints(std::vector<int32_t> values, std::vector<int64_t> shape) {
  if (shape.empty() && values.size() != 1) shape = {static_cast<int64_t>(values.size())};
  return Tensor::FromVector<int32_t>(values, TensorShape(std::move(shape)));
}

Tensor Int(int32_t value) { return Tensor::Scalar<int32_t>(value); }
Tensor Float(float value) { return Tensor::Scalar<float>(value); }

Tensor RandBools(std::vector<int64_t> shape, uint32_t seed) {
  Tensor t(tensorflow::DT_BOOL, TensorShape(std::move(shape)));
  std::mt19937 rng(seed);
  for (bool& b : t.flat<bool>()) b = rng() & 1;
  return t;
}

Tensor RandInts(std::vector<int64_t> shape, uint32_t seed, int32_t lo, int32_t hi) {
  Tensor t(tensorflow::DT_INT32, TensorShape(std::move(shape)));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> dist(lo, hi);
  for (int32_t& v : t.flat<int32_t>()) v = dist(rng);
  return t;
}

std::map<std::string, std::string> UncomparedOps() {
  const std::string kListInsideIf =
      "a list is a DT_VARIANT, which cannot be fed or fetched: compared inside the If cases of "
      "op_cases_control.cc";
  std::map<std::string, std::string> ops = {
      {"Const", "graph plumbing (holds weights; exercised by every imported model)"},
      {"EnsureShape",
       "TF.js 4.22 reads `shape` from a second input, but TensorFlow's EnsureShape has one "
       "input and `shape` as an attribute, so TF.js cannot run TensorFlow's node"},
      {"Placeholder", "graph plumbing (the suite's own inputs)"},
      {"PlaceholderWithDefault", "graph plumbing"},
      {"NoOp", "no output"},
      {"RandomUniform", "random: the two generators differ by design"},
      {"EmptyTensorList", kListInsideIf},
      {"TensorListFromTensor", kListInsideIf},
      {"TensorListGather", kListInsideIf},
      {"TensorListGetItem", kListInsideIf},
      {"TensorListLength", kListInsideIf},
      {"TensorListPushBack", kListInsideIf},
      {"TensorListReserve", kListInsideIf},
      {"TensorListResize", kListInsideIf},
      {"TensorListScatterV2", kListInsideIf},
      {"TensorListSetItem", kListInsideIf},
      {"TensorListStack", kListInsideIf},
      {"TensorListConcat", kListInsideIf},
      {"TensorListConcatV2",
       "TF.js reads V2's element_shape from an attribute only V1 has, and fails; V1, the same "
       "kernel here, is compared inside the If cases"},
      {"TensorListScatter", "the TensorListScatterV2 kernel, which the If cases compare"},
      {"TensorListPopBack", "TF.js outputs the popped tensor alone, TF the list then the tensor"},
      {"TensorListSplit", "TF.js reshapes every piece to the row shape (TF keeps [length, ...])"},
  };
  // TF1 control flow only runs inside whole graphs (dead values, frames, handles):
  // tfjs_control_flow_test (control_flow_v1_test.cc) compares such graphs.
  for (const char* op : {"Switch", "Merge", "Enter", "Exit", "NextIteration", "LoopCond",
                         "TensorArrayV3", "TensorArrayWriteV3", "TensorArrayReadV3",
                         "TensorArrayGatherV3", "TensorArrayScatterV3", "TensorArraySizeV3",
                         "TensorArraySplitV3", "TensorArrayConcatV3"}) {
    ops[op] = "TF1 control flow: compared in whole graphs by tfjs_control_flow_test";
  }
  ops["TensorArrayCloseV3"] = "no output";
  // A table lives across nodes (create, fill, find) and one-node cases cannot hold one.
  for (const char* op : {"HashTable", "HashTableV2", "InitializeTable", "InitializeTableV2",
                         "LookupTableFind", "LookupTableFindV2", "LookupTableImport",
                         "LookupTableImportV2", "LookupTableSize", "LookupTableSizeV2"}) {
    ops[op] =
        "a table spans several nodes: checked by hand in lookup_table_ops_test.cc and through "
        "LoadedModel in lookup_table_model_test.cc";
  }
  const std::string kStrings =
      "string tensors: the oracle exchanges .npy of float32/int32/bool only; checked against "
      "TensorFlow's documented results in string_ops_test.cc";
  ops["StaticRegexReplace"] = kStrings;
  ops["StringToHashBucketFast"] =
      kStrings + " (Fingerprint64 against TensorFlow's and FarmHash's published vectors)";
  return ops;
}

}  // namespace savedserve::testing
