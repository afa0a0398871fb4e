// Kernels (and constant tensors) created for the nodes of one Graph, shared by every Plan
// compiled on it, so that a model with many signatures creates each kernel, and packs each
// weight, once. Entries are keyed by node and by what the kernel was created from (input
// types, shapes, which inputs were constant, variant): a plan that feeds a tensor others
// compute gets its own kernel. Safe for concurrent use; lives as long as its Graph.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "kernels/op_kernel.h"

namespace savedserve {

class KernelCache {
 public:
  using Factory = std::function<absl::StatusOr<std::unique_ptr<OpKernel>>()>;

  // The kernel cached under (node, key), made by `create` on first use. `create` runs
  // without the lock held (it may compile functions, which take their own locks).
  absl::StatusOr<std::shared_ptr<const OpKernel>> GetOrCreate(int node, const std::string& key,
                                                              const Factory& create);
  // A stable home for node `node`'s constant value: the first tensor interned for a node is
  // kept and returned for every later call.
  const Tensor* InternConstant(int node, const Tensor& value);

 private:
  absl::Mutex mu_;
  std::map<std::pair<int, std::string>, std::shared_ptr<const OpKernel>> kernels_
      ABSL_GUARDED_BY(mu_);
  std::map<int, std::unique_ptr<Tensor>> constants_ ABSL_GUARDED_BY(mu_);
};

}  // namespace savedserve
