#include "kernels/resource.h"

#include "absl/strings/str_cat.h"

namespace savedserve {

absl::StatusOr<Tensor> Variable::Read() const {
  absl::MutexLock lock(&mu_);
  if (!initialized_) {
    return absl::FailedPreconditionError(
        absl::StrCat("Attempting to use uninitialized value ", name_));
  }
  return value_;
}

bool Variable::initialized() const {
  absl::MutexLock lock(&mu_);
  return initialized_;
}

void Variable::Assign(Tensor value) {
  absl::MutexLock lock(&mu_);
  value_ = std::move(value);
  initialized_ = true;
}

absl::Status Variable::Update(const std::function<absl::Status(Tensor&)>& update) {
  absl::MutexLock lock(&mu_);
  if (!initialized_) {
    return absl::FailedPreconditionError(
        absl::StrCat("Attempting to use uninitialized value ", name_));
  }
  // Copy-on-write: readers may hold the current buffer.
  Tensor next = value_.Clone();
  absl::Status s = update(next);
  if (s.ok()) value_ = std::move(next);
  return s;
}

std::shared_ptr<Variable> ResourceManager::LookupOrCreate(const std::string& container,
                                                          const std::string& name,
                                                          DataType dtype) {
  absl::MutexLock lock(&mu_);
  auto& slot = variables_[absl::StrCat(container, "/", name)];
  if (slot == nullptr) slot = std::make_shared<Variable>(name, dtype);
  return slot;
}

std::shared_ptr<Variable> ResourceManager::Lookup(const std::string& container,
                                                  const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = variables_.find(absl::StrCat(container, "/", name));
  return it == variables_.end() ? nullptr : it->second;
}

std::shared_ptr<LookupTable> ResourceManager::LookupOrCreateTable(
    const std::string& key, const std::function<std::shared_ptr<LookupTable>()>& create) {
  absl::MutexLock lock(&mu_);
  auto& slot = tables_[key];
  if (slot == nullptr) slot = create();
  return slot;
}

std::shared_ptr<LookupTable> ResourceManager::FindTable(const std::string& key) const {
  absl::MutexLock lock(&mu_);
  auto it = tables_.find(key);
  return it == tables_.end() ? nullptr : it->second;
}

}  // namespace savedserve
