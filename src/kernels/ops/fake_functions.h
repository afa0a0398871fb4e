// Test helpers for kernels that call library functions (While, If, Case): functions written
// as C++ lambdas behind a fake FunctionRuntime, so a kernel's logic is tested alone (real
// FunctionDef bodies are covered by the runtime's and tests/' end-to-end tests).
// One thread at a time.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kernels/function_runtime.h"

namespace savedserve {

using LambdaFn = std::function<absl::StatusOr<std::vector<Value>>(const std::vector<Value>&)>;

class LambdaFunction : public Function {
 public:
  LambdaFunction(std::string name, int args, int rets, LambdaFn fn)
      : name_(std::move(name)), args_(args), rets_(rets), fn_(std::move(fn)) {}
  const std::string& name() const override { return name_; }
  int num_args() const override { return args_; }
  int num_rets() const override { return rets_; }
  absl::StatusOr<std::vector<Value>> Call(std::vector<Value> args, ThreadPool*,
                                          ResourceManager*) const override {
    ++calls;
    return fn_(args);
  }
  mutable int calls = 0;

 private:
  std::string name_;
  int args_, rets_;
  LambdaFn fn_;
};

class FakeRuntime : public FunctionRuntime {
 public:
  // Adds (or replaces) function `name`; the pointer lives as long as the runtime.
  LambdaFunction* Add(const std::string& name, int args, int rets, LambdaFn fn) {
    auto f = std::make_unique<LambdaFunction>(name, args, rets, std::move(fn));
    LambdaFunction* raw = f.get();
    functions_[name] = std::move(f);
    return raw;
  }
  bool HasFunction(const std::string& name) const override { return functions_.contains(name); }
  absl::StatusOr<const Function*> Instantiate(const tensorflow::NameAttrList& f) override {
    auto it = functions_.find(f.name());
    if (it == functions_.end()) return absl::NotFoundError("no function '" + f.name() + "'");
    return it->second.get();
  }

 private:
  std::map<std::string, std::unique_ptr<LambdaFunction>> functions_;
};

inline int32_t I32(const Value& v) { return v.tensor.data<int32_t>()[0]; }
inline Value V(Tensor t) { return Value{std::move(t), nullptr}; }

// A `func` attribute naming `name`.
inline tensorflow::AttrValue Func(const std::string& name) {
  tensorflow::AttrValue v;
  v.mutable_func()->set_name(name);
  return v;
}

}  // namespace savedserve
