#include "kernels/registry.h"

#include "absl/strings/str_cat.h"

namespace savedserve {

KernelRegistry& KernelRegistry::Global() {
  static KernelRegistry* registry = new KernelRegistry;
  return *registry;
}

void KernelRegistry::Register(const std::string& op, KernelVariant variant,
                              KernelFactory factory) {
  Entry& e = entries_[op];
  (variant == KernelVariant::kReference ? e.reference : e.optimized) = std::move(factory);
}

bool KernelRegistry::Has(const std::string& op) const { return entries_.contains(op); }

bool KernelRegistry::HasVariant(const std::string& op, KernelVariant variant) const {
  auto it = entries_.find(op);
  if (it == entries_.end()) return false;
  return variant == KernelVariant::kReference ? it->second.reference != nullptr
                                              : it->second.optimized != nullptr;
}

std::vector<std::string> KernelRegistry::Ops() const {
  std::vector<std::string> ops;
  for (const auto& [op, unused] : entries_) ops.push_back(op);
  return ops;
}

absl::StatusOr<std::unique_ptr<OpKernel>> KernelRegistry::Create(const KernelConstruction& ctx,
                                                                 KernelVariant variant) const {
  auto it = entries_.find(ctx.op());
  if (it == entries_.end()) {
    return absl::UnimplementedError(absl::StrCat("op '", ctx.op(), "' (node '", ctx.name(),
                                                 "') is not supported by savedserve"));
  }
  const Entry& e = it->second;
  const KernelFactory& factory =
      (variant == KernelVariant::kOptimized && e.optimized) ? e.optimized
      : e.reference                                          ? e.reference
                                                             : e.optimized;
  return factory(ctx);
}

}  // namespace savedserve
