#include "kernels/ops/lookup_table.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace savedserve {
namespace {

int64_t IntKey(const Tensor& t, int64_t i) {
  return t.dtype() == tensorflow::DT_INT32 ? t.data<int32_t>()[i] : t.data<int64_t>()[i];
}

void CopyElement(const Tensor& src, int64_t i, Tensor* dst, int64_t j) {
  if (src.dtype() == tensorflow::DT_STRING) {
    dst->data<std::string>()[j] = src.data<std::string>()[i];
    return;
  }
  const size_t size = DataTypeSize(src.dtype());
  std::memcpy(static_cast<char*>(dst->raw_data()) + j * size,
              static_cast<const char*>(src.raw_data()) + i * size, size);
}

bool SameElement(const Tensor& a, int64_t i, const Tensor& b, int64_t j) {
  if (a.dtype() == tensorflow::DT_STRING) {
    return a.data<std::string>()[i] == b.data<std::string>()[j];
  }
  const size_t size = DataTypeSize(a.dtype());
  return std::memcmp(static_cast<const char*>(a.raw_data()) + i * size,
                     static_cast<const char*>(b.raw_data()) + j * size, size) == 0;
}

}  // namespace

bool IsSupportedTableKey(DataType dtype) {
  return dtype == tensorflow::DT_INT32 || dtype == tensorflow::DT_INT64 ||
         dtype == tensorflow::DT_STRING;
}

bool IsSupportedTableValue(DataType dtype) {
  switch (dtype) {
    case tensorflow::DT_BOOL:
    case tensorflow::DT_INT32:
    case tensorflow::DT_INT64:
    case tensorflow::DT_FLOAT:
    case tensorflow::DT_DOUBLE:
    case tensorflow::DT_STRING:
      return true;
    default:
      return false;
  }
}

std::string ElementString(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case tensorflow::DT_STRING:
      return absl::StrCat("\"", t.data<std::string>()[i], "\"");
    case tensorflow::DT_BOOL:
      return t.data<bool>()[i] ? "true" : "false";
    case tensorflow::DT_INT32:
      return absl::StrCat(t.data<int32_t>()[i]);
    case tensorflow::DT_INT64:
      return absl::StrCat(t.data<int64_t>()[i]);
    case tensorflow::DT_FLOAT:
      return absl::StrCat(t.data<float>()[i]);
    case tensorflow::DT_DOUBLE:
      return absl::StrCat(t.data<double>()[i]);
    default:
      return "?";
  }
}

int64_t LookupTable::IndexOf(const Tensor& keys, int64_t i) const {
  if (key_dtype_ == tensorflow::DT_STRING) {
    auto it = string_index_.find(keys.data<std::string>()[i]);
    return it == string_index_.end() ? -1 : it->second;
  }
  auto it = int_index_.find(IntKey(keys, i));
  return it == int_index_.end() ? -1 : it->second;
}

absl::Status LookupTable::SameContents(const Tensor& keys, const Tensor& values) const {
  const absl::Status different = absl::FailedPreconditionError(
      absl::StrCat("Table ", name_, " was already initialized with different data."));
  int64_t size = values_.num_elements();
  if (keys.num_elements() < size) return different;
  for (int64_t i = 0; i < keys.num_elements(); ++i) {
    const int64_t at = IndexOf(keys, i);
    if (at < 0 || !SameElement(values, i, values_, at)) return different;
  }
  return absl::OkStatus();
}

absl::Status LookupTable::Initialize(const Tensor& keys, const Tensor& values) {
  if (keys.dtype() != key_dtype_ || values.dtype() != value_dtype_) {
    return absl::InvalidArgumentError(
        absl::StrCat("table ", name_, " maps ", DataTypeName(key_dtype_), " to ",
                     DataTypeName(value_dtype_), ", given ", DataTypeName(keys.dtype()),
                     " keys and ", DataTypeName(values.dtype()), " values"));
  }
  if (keys.num_elements() != values.num_elements()) {
    return absl::InvalidArgumentError(absl::StrCat("Keys and values must have the same size ",
                                                   keys.num_elements(), " vs ",
                                                   values.num_elements()));
  }
  absl::MutexLock lock(&mu_);
  if (initialized_) return SameContents(keys, values);
  const int64_t n = keys.num_elements();
  std::vector<int64_t> first;  // for each key: where its value is in `values`
  first.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t next = static_cast<int64_t>(first.size());
    int64_t at;
    bool inserted;
    if (key_dtype_ == tensorflow::DT_STRING) {
      auto r = string_index_.emplace(keys.data<std::string>()[i], next);
      at = r.first->second;
      inserted = r.second;
    } else {
      auto r = int_index_.emplace(IntKey(keys, i), next);
      at = r.first->second;
      inserted = r.second;
    }
    if (inserted) {
      first.push_back(i);
    } else if (!SameElement(values, first[at], values, i)) {
      const std::string message = absl::StrCat(
          "HashTable has different value for same key. Key ", ElementString(keys, i), " has ",
          ElementString(values, first[at]), " and trying to add value ", ElementString(values, i));
      int_index_.clear();
      string_index_.clear();
      return absl::FailedPreconditionError(message);
    }
  }
  values_ = Tensor(value_dtype_, TensorShape{static_cast<int64_t>(first.size())});
  for (size_t j = 0; j < first.size(); ++j) CopyElement(values, first[j], &values_, j);
  initialized_ = true;
  return absl::OkStatus();
}

bool LookupTable::initialized() const {
  absl::ReaderMutexLock lock(&mu_);
  return initialized_;
}

int64_t LookupTable::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return initialized_ ? values_.num_elements() : 0;
}

absl::Status LookupTable::Find(const Tensor& keys, const Tensor& default_value, Tensor* out) const {
  if (keys.dtype() != key_dtype_ || default_value.dtype() != value_dtype_) {
    return absl::InvalidArgumentError(
        absl::StrCat("table ", name_, " maps ", DataTypeName(key_dtype_), " to ",
                     DataTypeName(value_dtype_), ", given ", DataTypeName(keys.dtype()),
                     " keys and a ", DataTypeName(default_value.dtype()), " default value"));
  }
  const bool per_key_default = default_value.shape().rank() != 0;
  if (per_key_default && default_value.shape() != keys.shape()) {
    return absl::InvalidArgumentError(
        absl::StrCat("default_value must be a scalar or have the keys' shape ",
                     keys.shape().DebugString(), ", got ", default_value.shape().DebugString()));
  }
  absl::ReaderMutexLock lock(&mu_);
  if (!initialized_) {
    return absl::FailedPreconditionError(absl::StrCat("Table ", name_, " not initialized."));
  }
  *out = Tensor(value_dtype_, keys.shape());
  for (int64_t i = 0; i < keys.num_elements(); ++i) {
    const int64_t at = IndexOf(keys, i);
    if (at >= 0) {
      CopyElement(values_, at, out, i);
    } else {
      CopyElement(default_value, per_key_default ? i : 0, out, i);
    }
  }
  return absl::OkStatus();
}

}  // namespace savedserve
