// The kernel interface. A kernel is created once per graph node when a model loads
// (reading attributes, checking types, packing constant weights) and is then immutable:
// Compute runs concurrently for many requests, each with its own KernelContext.
//
// Values flowing along edges are `Value`s: a Tensor, plus a Variable for TF1 ref edges
// (VariableV2 -> Assign) and DT_RESOURCE handles (VarHandleOp -> ReadVariableOp).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/thread_pool.h"
#include "kernels/resource.h"
#include "tensor/tensor.h"
#include "tensorflow/core/framework/attr_value.pb.h"
#include "tensorflow/core/framework/node_def.pb.h"

namespace savedserve {

struct Value {
  Tensor tensor;
  std::shared_ptr<Variable> variable;  // set for ref and resource values
};

class FunctionRuntime;  // runtime/: runs FunctionDefs for call ops (PartitionedCall, ...)

// What a kernel may look at while it is created.
class KernelConstruction {
 public:
  KernelConstruction(const tensorflow::NodeDef& node, std::vector<DataType> input_types,
                     std::vector<PartialShape> input_shapes,
                     std::vector<const Tensor*> constant_inputs, FunctionRuntime* functions)
      : node_(node),
        input_types_(std::move(input_types)),
        input_shapes_(std::move(input_shapes)),
        constant_inputs_(std::move(constant_inputs)),
        functions_(functions) {}

  const tensorflow::NodeDef& node() const { return node_; }
  const std::string& name() const { return node_.name(); }
  const std::string& op() const { return node_.op(); }
  int num_inputs() const { return static_cast<int>(input_types_.size()); }  // data inputs
  DataType input_type(int i) const { return input_types_[i]; }
  const PartialShape& input_shape(int i) const { return input_shapes_[i]; }
  // The value of input i when it is a constant of the graph (weights), else nullptr.
  const Tensor* constant_input(int i) const { return constant_inputs_[i]; }
  FunctionRuntime* functions() const { return functions_; }

  bool HasAttr(const std::string& name) const { return node_.attr().contains(name); }
  // Typed attribute access; a missing or mistyped attribute is InvalidArgument naming the
  // node and attribute. T: int64_t, int, float, bool, std::string, DataType,
  // std::vector<int64_t>, std::vector<int>, std::vector<float>, std::vector<DataType>,
  // std::vector<std::string>, PartialShape, Tensor, tensorflow::NameAttrList.
  template <typename T>
  absl::StatusOr<T> GetAttr(const std::string& name) const;
  // As GetAttr, but `fallback` when the attribute is absent (TF's op-def default).
  template <typename T>
  absl::StatusOr<T> GetAttrOr(const std::string& name, T fallback) const {
    if (!HasAttr(name)) return fallback;
    return GetAttr<T>(name);
  }
  // "Conv2D 'conv1/Conv2D': <message>" as InvalidArgument.
  absl::Status Error(absl::string_view message) const;

 private:
  const tensorflow::NodeDef& node_;
  std::vector<DataType> input_types_;
  std::vector<PartialShape> input_shapes_;
  std::vector<const Tensor*> constant_inputs_;
  FunctionRuntime* functions_;
};

// Per-run state handed to Compute. One thread at a time.
class KernelContext {
 public:
  KernelContext(const tensorflow::NodeDef& node, std::vector<const Value*> inputs,
                std::vector<Value>* outputs, ThreadPool* pool, ResourceManager* resources,
                FunctionRuntime* functions)
      : node_(node),
        inputs_(std::move(inputs)),
        outputs_(outputs),
        pool_(pool),
        resources_(resources),
        functions_(functions) {}

  const tensorflow::NodeDef& node() const { return node_; }
  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  // Input i as a tensor. For a ref input this is the variable's current value
  // (TF reads refs implicitly), and an uninitialized variable is an error.
  absl::StatusOr<Tensor> input(int i) const;
  // The raw value, for kernels that need the Variable (Assign, ReadVariableOp, ...).
  const Value& input_value(int i) const { return *inputs_[i]; }
  int num_outputs() const { return static_cast<int>(outputs_->size()); }
  void set_output(int i, Tensor t) { (*outputs_)[i].tensor = std::move(t); }
  void set_output_value(int i, Value v) { (*outputs_)[i] = std::move(v); }
  // Allocates output i of `dtype` and `shape`, zero-filled, and returns it for filling.
  Tensor* allocate_output(int i, DataType dtype, TensorShape shape) {
    (*outputs_)[i].tensor = Tensor(dtype, std::move(shape));
    return &(*outputs_)[i].tensor;
  }
  // As allocate_output, uninitialized: for a kernel that writes every element.
  Tensor* allocate_output_for_overwrite(int i, DataType dtype, TensorShape shape) {
    (*outputs_)[i].tensor = Tensor::ForOverwrite(dtype, std::move(shape));
    return &(*outputs_)[i].tensor;
  }
  ThreadPool* thread_pool() const { return pool_; }
  ResourceManager* resources() const { return resources_; }
  FunctionRuntime* functions() const { return functions_; }
  // "<op> '<node>': <message>" as InvalidArgument: request-time errors name the node.
  absl::Status Error(absl::string_view message) const;

 private:
  const tensorflow::NodeDef& node_;
  std::vector<const Value*> inputs_;
  std::vector<Value>* outputs_;
  ThreadPool* pool_;
  ResourceManager* resources_;
  FunctionRuntime* functions_;
};

class OpKernel {
 public:
  virtual ~OpKernel() = default;
  // Safe for concurrent use; must not modify the kernel.
  virtual absl::Status Compute(KernelContext& ctx) const = 0;
  // Rough floating-point operations for one run with these input shapes (for `bench`).
  virtual int64_t Flops(const std::vector<TensorShape>& input_shapes) const { return 0; }
};

}  // namespace savedserve
