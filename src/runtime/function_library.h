// FunctionLibrary: the runtime's FunctionRuntime. It instantiates FunctionDefs from a
// model's library on demand (when a call kernel is created), compiling each (function,
// attrs) pair once into an immutable Function that runs its body as a Plan. Safe for
// concurrent use. Borrows the library and the OpSignatures, which must outlive it.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "kernels/function_runtime.h"
#include "kernels/registry.h"
#include "runtime/op_signatures.h"

namespace savedserve {

class FunctionLibrary : public FunctionRuntime {
 public:
  FunctionLibrary(const OpSignatures* ops, KernelVariant variant) : ops_(ops), variant_(variant) {}
  ~FunctionLibrary() override;

  bool HasFunction(const std::string& name) const override { return ops_->IsFunction(name); }
  absl::StatusOr<const Function*> Instantiate(const tensorflow::NameAttrList& f) override;

 private:
  absl::StatusOr<std::unique_ptr<Function>> Compile(const tensorflow::NameAttrList& f);

  const OpSignatures* const ops_;
  const KernelVariant variant_;
  absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<Function>> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace savedserve
