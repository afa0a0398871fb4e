// The seam between call kernels (PartitionedCall, StatefulPartitionedCall, a function name
// used as an op type) and the graph runtime that compiles and runs FunctionDefs. Kernels
// see only this interface; src/runtime implements it, so kernels never link upward.
//
// A Function is a compiled, immutable function body. Instantiate is called while kernels
// are created (at model load) and caches its result; Call runs concurrently for many
// requests, each on its own values.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/thread_pool.h"
#include "kernels/op_kernel.h"
#include "kernels/resource.h"
#include "tensorflow/core/framework/attr_value.pb.h"

namespace savedserve {

class Function {
 public:
  virtual ~Function() = default;
  virtual const std::string& name() const = 0;
  virtual int num_args() const = 0;
  virtual int num_rets() const = 0;
  // Runs the body on `args` (one per input arg; DT_RESOURCE args carry their Variable) and
  // returns one Value per output arg. Safe for concurrent use.
  virtual absl::StatusOr<std::vector<Value>> Call(std::vector<Value> args, ThreadPool* pool,
                                                  ResourceManager* resources) const = 0;
};

// Implemented by the runtime. Safe for concurrent use.
class FunctionRuntime {
 public:
  virtual ~FunctionRuntime() = default;
  // Whether the library defines a function called `name`.
  virtual bool HasFunction(const std::string& name) const = 0;
  // The compiled function `f.name()` with `f.attr()` bound, compiling it (and every kernel it
  // needs, recursively) on first use. The pointer stays valid as long as the runtime. Errors
  // name the function and the failing node; recursion is an error.
  virtual absl::StatusOr<const Function*> Instantiate(const tensorflow::NameAttrList& f) = 0;
};

// Instantiates `f` for the node being created; errors name the node (and that there is no
// library, when the node is created without one). Defined in ops/partitioned_call.cc.
absl::StatusOr<const Function*> InstantiateForNode(const KernelConstruction& c,
                                                   const tensorflow::NameAttrList& f);

// The node's inputs from `first_input` on as function arguments: DT_RESOURCE inputs keep
// their Variable, ref inputs are read (as for any non-ref input). Defined in
// ops/partitioned_call.cc.
absl::StatusOr<std::vector<Value>> FunctionArgs(const KernelContext& ctx, int first_input = 0);

// A kernel that calls `f` with the node's inputs and produces its outputs: what
// PartitionedCall and StatefulPartitionedCall do, and what the runtime uses for a node whose
// op type is a library function. Defined in ops/partitioned_call.cc.
absl::StatusOr<std::unique_ptr<OpKernel>> CreateCallKernel(const KernelConstruction& c,
                                                           const tensorflow::NameAttrList& f);

}  // namespace savedserve
