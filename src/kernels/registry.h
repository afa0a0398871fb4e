// The kernel registry: op type -> factories. Each op has a portable reference kernel and
// may have faster variants (oneDNN, vectorised); the fastest one this CPU supports is picked
// once when a model loads. Tests ask for the reference to compare against.
// Registration happens during static initialisation; lookups are safe for concurrent use.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kernels/op_kernel.h"

namespace savedserve {

enum class KernelVariant { kReference = 0, kOptimized = 1 };

using KernelFactory =
    std::function<absl::StatusOr<std::unique_ptr<OpKernel>>(const KernelConstruction&)>;

class KernelRegistry {
 public:
  static KernelRegistry& Global();

  void Register(const std::string& op, KernelVariant variant, KernelFactory factory);
  bool Has(const std::string& op) const;
  // Every registered op type, sorted.
  std::vector<std::string> Ops() const;
  // The best kernel for the node (optimized when registered, unless `variant` says
  // kReference). Unimplemented names the op and node when the op is unknown.
  absl::StatusOr<std::unique_ptr<OpKernel>> Create(
      const KernelConstruction& ctx, KernelVariant variant = KernelVariant::kOptimized) const;
  bool HasVariant(const std::string& op, KernelVariant variant) const;

 private:
  struct Entry {
    KernelFactory reference;
    KernelFactory optimized;
  };
  std::map<std::string, Entry> entries_;  // written only during static initialisation
};

// Registers a factory at static-initialisation time:
//   SS_REGISTER_KERNEL("Add", kReference, [](const KernelConstruction& c) { ... });
#define SS_REGISTER_KERNEL(op, variant, ...) \
  SS_REGISTER_KERNEL_IMPL_(__COUNTER__, op, variant, __VA_ARGS__)
#define SS_REGISTER_KERNEL_IMPL_(n, op, variant, ...) SS_REGISTER_KERNEL_IMPL2_(n, op, variant, __VA_ARGS__)
#define SS_REGISTER_KERNEL_IMPL2_(n, op, variant, ...)                                  \
  static const bool ss_kernel_registered_##n = [] {                                    \
    ::savedserve::KernelRegistry::Global().Register(                                   \
        op, ::savedserve::KernelVariant::variant, __VA_ARGS__);                        \
    return true;                                                                       \
  }()

// Convenience: a factory for a kernel class constructed from the KernelConstruction via
// `static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction&)`.
template <typename K>
absl::StatusOr<std::unique_ptr<OpKernel>> CreateKernel(const KernelConstruction& c) {
  return K::Create(c);
}

}  // namespace savedserve
