// Mutable state that outlives a request: variables (TF1 ref variables and TF2 resource
// variables alike) and lookup tables (ops/lookup_table.h). One ResourceManager belongs to one
// loaded model; every session on that model shares it, so state such as saved_model_counter's
// counter persists across calls. Safe for concurrent use.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "tensor/tensor.h"

namespace savedserve {

class Variable {
 public:
  Variable(std::string name, DataType dtype) : name_(std::move(name)), dtype_(dtype) {}
  const std::string& name() const { return name_; }
  DataType dtype() const { return dtype_; }

  // The current value; a copy of the handle (sharing the buffer). Uninitialized variables
  // return FailedPrecondition naming the variable, as TensorFlow does.
  absl::StatusOr<Tensor> Read() const;
  bool initialized() const;
  // Replaces the value. Readers holding the old Tensor keep it (copy-on-write).
  void Assign(Tensor value);
  // Runs `update` on the value under the lock (AssignAdd and friends). REQUIRES: initialized.
  absl::Status Update(const std::function<absl::Status(Tensor&)>& update);

 private:
  const std::string name_;
  const DataType dtype_;
  mutable absl::Mutex mu_;
  Tensor value_ ABSL_GUARDED_BY(mu_);
  bool initialized_ ABSL_GUARDED_BY(mu_) = false;
};

class LookupTable;  // ops/lookup_table.h

class ResourceManager {
 public:
  // The variable called `container/name`, created on first use.
  std::shared_ptr<Variable> LookupOrCreate(const std::string& container, const std::string& name,
                                           DataType dtype);
  std::shared_ptr<Variable> Lookup(const std::string& container, const std::string& name) const;

  // The table under `key` ("container/name"), made by `create` on first use (called under
  // the manager's lock: it must not call back into the manager).
  std::shared_ptr<LookupTable> LookupOrCreateTable(
      const std::string& key, const std::function<std::shared_ptr<LookupTable>()>& create);
  // nullptr when no table was created under `key`.
  std::shared_ptr<LookupTable> FindTable(const std::string& key) const;

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<Variable>> variables_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<LookupTable>> tables_ ABSL_GUARDED_BY(mu_);
};

}  // namespace savedserve
