// Running one kernel outside a graph, for tests and benchmarks:
//   OpRunner r("Add"); r.Attr("T", DT_FLOAT);
//   auto out = r.Run({a, b});                                   // fastest variant
//   auto ref = r.Run({a, b}, KernelVariant::kReference);         // reference
// Also helpers to compare tensors with a tolerance. One thread at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kernels/op_kernel.h"
#include "gtest/gtest.h"
#include "kernels/registry.h"

namespace savedserve {

class OpRunner {
 public:
  explicit OpRunner(const std::string& op, const std::string& name = "node");
  OpRunner& Attr(const std::string& name, const tensorflow::AttrValue& value);
  OpRunner& Attr(const std::string& name, DataType value);
  OpRunner& Attr(const std::string& name, int64_t value);
  OpRunner& Attr(const std::string& name, int value) { return Attr(name, int64_t{value}); }
  OpRunner& Attr(const std::string& name, float value);
  OpRunner& Attr(const std::string& name, bool value);
  OpRunner& Attr(const std::string& name, const char* value);
  OpRunner& Attr(const std::string& name, const std::string& value);
  OpRunner& Attr(const std::string& name, const std::vector<int64_t>& value);
  OpRunner& Attr(const std::string& name, const std::vector<DataType>& value);
  OpRunner& Attr(const std::string& name, const std::vector<std::string>& value);
  OpRunner& Attr(const std::string& name, const Tensor& value);
  // Marks input i as a graph constant (the kernel sees it at creation, e.g. weights).
  OpRunner& ConstantInput(int i) {
    constant_inputs_.push_back(i);
    return *this;
  }
  OpRunner& NumOutputs(int n) {
    num_outputs_ = n;
    return *this;
  }
  OpRunner& Threads(int n);
  // The function runtime call ops (While, PartitionedCall) see; not owned.
  OpRunner& Functions(FunctionRuntime* functions) {
    functions_ = functions;
    return *this;
  }

  // Runs with this ResourceManager (not owned) instead of the runner's own, so several
  // runners share variables and tables.
  OpRunner& Resources(ResourceManager* resources) {
    shared_resources_ = resources;
    return *this;
  }

  tensorflow::NodeDef& node() { return node_; }
  // Creates the kernel (of `variant`) for these inputs and runs it once.
  absl::StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& inputs,
                                          KernelVariant variant = KernelVariant::kOptimized);
  // Like Run but returns the full Values (for ref/resource outputs), with given input Values.
  absl::StatusOr<std::vector<Value>> RunValues(const std::vector<Value>& inputs,
                                               KernelVariant variant = KernelVariant::kOptimized);
  // Creation only (checks attrs / load-time errors).
  absl::StatusOr<std::unique_ptr<OpKernel>> Create(const std::vector<Tensor>& inputs,
                                                   KernelVariant variant);
  ResourceManager& resources() { return resources_; }

 private:
  tensorflow::NodeDef node_;
  std::vector<int> constant_inputs_;
  int num_outputs_ = 1;
  std::unique_ptr<ThreadPool> pool_;
  ResourceManager resources_;
  ResourceManager* shared_resources_ = nullptr;
  FunctionRuntime* functions_ = nullptr;
};

// Max |a-b| over elements after converting both to double; +inf when dtype/shape differ.
double MaxAbsDiff(const Tensor& a, const Tensor& b);
// gtest assertion helper: shapes/dtypes equal and max abs diff <= tol * max(1, range(b)).
::testing::AssertionResult TensorsNear(const Tensor& actual, const Tensor& expected,
                                       double tol = 1e-5);
// A tensor of `shape` with uniform random values in [lo, hi) from `seed`.
Tensor RandomTensor(DataType dtype, const TensorShape& shape, uint32_t seed, double lo = -1.0,
                    double hi = 1.0);

}  // namespace savedserve
