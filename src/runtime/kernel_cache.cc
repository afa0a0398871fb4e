#include "runtime/kernel_cache.h"

#include "base/status.h"

namespace savedserve {

absl::StatusOr<std::shared_ptr<const OpKernel>> KernelCache::GetOrCreate(int node,
                                                                         const std::string& key,
                                                                         const Factory& create) {
  {
    absl::MutexLock lock(&mu_);
    auto it = kernels_.find({node, key});
    if (it != kernels_.end()) return it->second;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<OpKernel> kernel, create());
  absl::MutexLock lock(&mu_);
  // Another thread may have won the race; keep the first so every plan shares one.
  auto [it, inserted] = kernels_.emplace(std::make_pair(node, key), std::move(kernel));
  return it->second;
}

const Tensor* KernelCache::InternConstant(int node, const Tensor& value) {
  absl::MutexLock lock(&mu_);
  auto& slot = constants_[node];
  if (slot == nullptr) slot = std::make_unique<Tensor>(value);
  return slot.get();
}

}  // namespace savedserve
