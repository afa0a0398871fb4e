// The per-op differential suite's table: for each op both savedserve and TensorFlow.js
// implement, cases over shapes and attributes with seeded random inputs. A case is one node
// (op + attrs) fed by Placeholders; TF.js runs it through its graph executor (so it reads
// TensorFlow's attributes as it does for real models), savedserve through its kernels.
// One thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tensor/tensor.h"
#include "tensorflow/core/framework/function.pb.h"
#include "tensorflow/core/framework/node_def.pb.h"

namespace savedserve::testing {

struct OpCase {
  std::string label;         // "Conv2D SAME s2 [1,9,9,3]x[3,3,3,4]"
  tensorflow::NodeDef node;  // op and attrs (inputs are added when the case runs)
  std::vector<Tensor> inputs;
  std::vector<int> constant_inputs;  // graph constants for our kernels (weights, axes)
  int num_outputs = 1;
  int compared_outputs = 0;  // the first this many are fetched and compared; 0: all
  double tolerance = 1e-4;   // max abs error allowed, as a fraction of the output range
  // A TF.js-only op (Prelu, FusedDepthwiseConv2dNative): ours runs the rewritten graph.
  bool rewrite = false;
  // Functions the op calls (While's cond and body); ours then runs the graph, not the kernel.
  tensorflow::FunctionDefLibrary library;
};

// Fluent construction: Case("Conv2D", "SAME").Attr("padding", "SAME").In(x).Const(w)
class CaseBuilder {
 public:
  CaseBuilder(const std::string& op, const std::string& label);
  CaseBuilder& Attr(const std::string& name, DataType value);
  CaseBuilder& Attr(const std::string& name, int64_t value);
  CaseBuilder& Attr(const std::string& name, int value) { return Attr(name, int64_t{value}); }
  CaseBuilder& Attr(const std::string& name, float value);
  CaseBuilder& Attr(const std::string& name, bool value);
  CaseBuilder& Attr(const std::string& name, const char* value);
  CaseBuilder& Attr(const std::string& name, const std::vector<int64_t>& value);
  CaseBuilder& Attr(const std::string& name, const std::vector<std::string>& value);
  CaseBuilder& T(DataType dtype = tensorflow::DT_FLOAT) { return Attr("T", dtype); }
  CaseBuilder& In(const Tensor& t);     // a runtime input
  CaseBuilder& Const(const Tensor& t);  // an input that is a graph constant in real models
  CaseBuilder& Outputs(int n);
  CaseBuilder& Compare(int n);  // only the first n outputs (TF.js returns fewer)
  CaseBuilder& Tolerance(double fraction_of_range);
  CaseBuilder& Rewrite();
  CaseBuilder& Function(const std::string& function_def_text);  // a text-format FunctionDef
  CaseBuilder& FuncAttr(const std::string& name, const std::string& function);
  CaseBuilder& TypeList(const std::string& name, const std::vector<DataType>& types);
  operator OpCase() const { return case_; }  // NOLINT: reads as a table row

 private:
  OpCase case_;
};

inline CaseBuilder Case(const std::string& op, const std::string& label) {
  return CaseBuilder(op, label);
}

// Seeded inputs. Every call with a new `seed` gives independent values.
Tensor Rand(std::vector<int64_t> shape, uint32_t seed, float lo = -1, float hi = 1);
Tensor Ints(std::vector<int32_t> values, std::vector<int64_t> shape = {});
Tensor Int(int32_t value);
Tensor Float(float value);
Tensor RandBools(std::vector<int64_t> shape, uint32_t seed);
Tensor RandInts(std::vector<int64_t> shape, uint32_t seed, int32_t lo, int32_t hi);

// The tables, by area.
std::vector<OpCase> ElementwiseCases();
std::vector<OpCase> NnCases();
std::vector<OpCase> ArrayCases();
std::vector<OpCase> ImageCases();
std::vector<OpCase> ControlFlowCases();

// Ops both implement that the tables leave out on purpose, with the reason.
std::map<std::string, std::string> UncomparedOps();

}  // namespace savedserve::testing
