// A TensorFlow HashTable (HashTable / HashTableV2): an immutable map from scalar keys
// (int32, int64 or string) to scalar values, created empty once per loaded model in its
// ResourceManager and filled once by an initializer op (InitializeTableV2,
// InitializeTableFromTextFileV2, LookupTableImportV2), usually the model's init op.
// Safe for concurrent use: lookups take a reader lock; initialising happens once.
#pragma once

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "tensor/tensor.h"

namespace savedserve {

class LookupTable {
 public:
  LookupTable(std::string name, DataType key_dtype, DataType value_dtype)
      : name_(std::move(name)), key_dtype_(key_dtype), value_dtype_(value_dtype) {}

  const std::string& name() const { return name_; }
  DataType key_dtype() const { return key_dtype_; }
  DataType value_dtype() const { return value_dtype_; }

  // Fills the table from parallel tensors of the same number of elements (any shapes, read
  // flat). A key given twice with different values is an error. A table already initialised
  // accepts the same contents again (TensorFlow re-runs init ops) and refuses different ones.
  absl::Status Initialize(const Tensor& keys, const Tensor& values) ABSL_LOCKS_EXCLUDED(mu_);
  bool initialized() const ABSL_LOCKS_EXCLUDED(mu_);
  int64_t size() const ABSL_LOCKS_EXCLUDED(mu_);
  // The value of each key, or `default_value` (a scalar, or one per key in keys' shape)
  // where absent; `out` gets the value dtype and keys' shape. An uninitialised table is
  // FailedPrecondition, as in TensorFlow.
  absl::Status Find(const Tensor& keys, const Tensor& default_value, Tensor* out) const
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Index of `key` (element i of a key-dtype tensor) in values_, or -1.
  int64_t IndexOf(const Tensor& keys, int64_t i) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Status SameContents(const Tensor& keys, const Tensor& values) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  const std::string name_;
  const DataType key_dtype_;
  const DataType value_dtype_;
  mutable absl::Mutex mu_;
  bool initialized_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<int64_t, int64_t> int_index_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, int64_t> string_index_ ABSL_GUARDED_BY(mu_);
  Tensor values_ ABSL_GUARDED_BY(mu_);  // 1-D, value dtype, one per distinct key
};

// Whether a HashTable may have these key and value dtypes (TensorFlow's registered kernels).
bool IsSupportedTableKey(DataType dtype);
bool IsSupportedTableValue(DataType dtype);

// Where InitializeTableFromTextFile takes keys and values from in each line of a file.
struct TextFileColumns {
  static constexpr int64_t kLineNumber = -1;  // the line's number, from 0
  static constexpr int64_t kWholeLine = -2;   // the line itself
  int64_t key_index = kWholeLine;             // >= 0: that field of the line split at `delimiter`
  int64_t value_index = kLineNumber;
  char delimiter = '\t';
  int64_t vocab_size = -1;  // read only this many lines (and fail on fewer); -1: all
};

// Parses a vocabulary file's `contents` (lines end in \n or \r\n) into 1-D `keys` and
// `values` of the given dtypes, as TensorFlow's TextFileLineIterator does. Errors name
// `filename` and the line.
absl::Status ParseTableTextFile(absl::string_view contents, const std::string& filename,
                                const TextFileColumns& columns, DataType key_dtype,
                                DataType value_dtype, Tensor* keys, Tensor* values);

// Element i of `t` as text, for error messages.
std::string ElementString(const Tensor& t, int64_t i);

}  // namespace savedserve
