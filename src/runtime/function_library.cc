#include "runtime/function_library.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "runtime/executor.h"
#include "runtime/function_body.h"
#include "runtime/plan.h"

namespace savedserve {
namespace {

// A compiled function body. Immutable.
class CompiledFunction : public Function {
 public:
  CompiledFunction(std::string name, FunctionBody body, FunctionRuntime* runtime)
      : name_(std::move(name)), body_(std::move(body)), runtime_(runtime) {}

  absl::Status Compile(KernelVariant variant) {
    PlanSpec spec{body_.arg_tensors, body_.ret_tensors, body_.targets};
    PlanOptions options;
    options.functions = runtime_;
    options.variant = variant;
    ASSIGN_OR_RETURN(plan_, Plan::Compile(*body_.graph, spec, options));
    return absl::OkStatus();
  }

  const std::string& name() const override { return name_; }
  int num_args() const override { return static_cast<int>(body_.arg_tensors.size()); }
  int num_rets() const override { return static_cast<int>(body_.ret_tensors.size()); }

  absl::StatusOr<std::vector<Value>> Call(std::vector<Value> args, ThreadPool* pool,
                                          ResourceManager* resources) const override {
    ExecContext context{pool, resources, runtime_};
    auto rets = RunPlan(*plan_, std::move(args), context);
    if (!rets.ok()) return Annotate(rets.status(), absl::StrCat("in function ", name_));
    return rets;
  }

 private:
  const std::string name_;
  FunctionBody body_;
  FunctionRuntime* const runtime_;
  std::unique_ptr<Plan> plan_;
};

// Attributes in a canonical order, so equal instantiations share one cache entry.
std::string CacheKey(const tensorflow::NameAttrList& f) {
  std::vector<std::string> names;
  for (const auto& [name, unused] : f.attr()) names.push_back(name);
  std::sort(names.begin(), names.end());
  std::string key = f.name();
  for (const std::string& name : names) {
    absl::StrAppend(&key, "\x01", name, "=", f.attr().at(name).SerializeAsString());
  }
  return key;
}

// Functions being instantiated on this thread, to turn recursion into an error.
thread_local std::vector<std::string> instantiating;

}  // namespace

FunctionLibrary::~FunctionLibrary() = default;

absl::StatusOr<const Function*> FunctionLibrary::Instantiate(const tensorflow::NameAttrList& f) {
  const std::string key = CacheKey(f);
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second.get();
  }
  if (std::find(instantiating.begin(), instantiating.end(), key) != instantiating.end()) {
    return absl::UnimplementedError(
        absl::StrCat("function '", f.name(), "' calls itself; recursion is not supported"));
  }
  instantiating.push_back(key);
  auto compiled = Compile(f);
  instantiating.pop_back();
  if (!compiled.ok()) return compiled.status();
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = cache_.emplace(key, std::move(*compiled));
  return it->second.get();
}

absl::StatusOr<std::unique_ptr<Function>> FunctionLibrary::Compile(
    const tensorflow::NameAttrList& f) {
  const tensorflow::FunctionDef* def = ops_->FindFunction(f.name());
  if (def == nullptr) {
    return absl::NotFoundError(absl::StrCat("no function '", f.name(), "' in the library"));
  }
  ASSIGN_OR_RETURN(FunctionBody body, ImportFunctionBody(*def, f.attr(), *ops_));
  auto function = std::make_unique<CompiledFunction>(f.name(), std::move(body), this);
  absl::Status status = function->Compile(variant_);
  if (!status.ok()) return Annotate(status, absl::StrCat("in function ", f.name()));
  return function;
}

}  // namespace savedserve
