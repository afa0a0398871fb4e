// Tensor: a dtype, a shape and a reference-counted buffer. Copying a Tensor is cheap and
// shares the buffer (like TF's Tensor); use Clone() for a deep copy. Numeric buffers are
// 64-byte aligned, except tensors read from a checkpoint, which may be read-only views of
// the mapped file aligned to their element size (never write to a tensor you did not
// allocate). DT_STRING / DT_RESOURCE / DT_VARIANT elements are std::string (resource
// and variant values hold their serialized protos: opaque to everything but the runtime);
// a DT_VARIANT tensor made by FromVariant also holds an in-memory value such as a
// TensorList (tensor/variant.h).
// A Tensor object is one-thread-at-a-time; distinct Tensors sharing a buffer may be read
// concurrently.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "absl/strings/string_view.h"
#include "tensor/dtype.h"
#include "tensor/shape.h"

namespace savedserve {

class VariantValue;  // tensor/variant.h

// Storage behind a Tensor. Either raw bytes or an array of strings.
class TensorBuffer {
 public:
  virtual ~TensorBuffer() = default;
  virtual void* data() = 0;
  virtual size_t size_bytes() const = 0;
  // A hint that the contents will not be read again soon: storage that can get them back
  // cheaply (a file mapping) drops them from memory. The contents do not change.
  virtual void Evict() const {}
};

class Tensor {
 public:
  static constexpr size_t kAlignment = 64;

  Tensor() = default;  // DT_INVALID, no buffer
  // Allocates a zero-filled (or empty-string-filled) tensor.
  Tensor(DataType dtype, TensorShape shape);
  // Allocates a tensor whose numeric elements are left uninitialized, for a caller that
  // writes every one (strings are still constructed empty).
  static Tensor ForOverwrite(DataType dtype, TensorShape shape);
  // Wraps an existing buffer without copying. REQUIRES: buffer holds at least
  // shape.num_elements() elements of dtype.
  Tensor(DataType dtype, TensorShape shape, std::shared_ptr<TensorBuffer> buffer);

  // Convenience constructors for tests and literals.
  template <typename T>
  static Tensor FromVector(std::span<const T> values, TensorShape shape);
  template <typename T>
  static Tensor Scalar(T value) {
    Tensor t(DataTypeOf<T>(), TensorShape{});
    t.data<T>()[0] = value;
    return t;
  }

  // A DT_VARIANT scalar holding `value`, whose string is the value's type name as a
  // serialized VariantTensorDataProto. REQUIRES: value != nullptr.
  static Tensor FromVariant(std::shared_ptr<const VariantValue> value);

  DataType dtype() const { return dtype_; }
  const TensorShape& shape() const { return shape_; }
  int64_t num_elements() const { return shape_.num_elements(); }
  bool is_initialized() const { return buffer_ != nullptr; }

  // Element access. REQUIRES: sizeof(T) matches the dtype's element (strings: std::string).
  template <typename T>
  T* data() {
    assert(buffer_ != nullptr);
    return static_cast<T*>(buffer_->data());
  }
  template <typename T>
  const T* data() const {
    assert(buffer_ != nullptr);
    return static_cast<const T*>(buffer_->data());
  }
  template <typename T>
  std::span<T> flat() {
    return {data<T>(), static_cast<size_t>(num_elements())};
  }
  template <typename T>
  std::span<const T> flat() const {
    return {data<T>(), static_cast<size_t>(num_elements())};
  }
  void* raw_data() { return buffer_ ? buffer_->data() : nullptr; }
  const void* raw_data() const { return buffer_ ? buffer_->data() : nullptr; }
  // Bytes of numeric data (num_elements * DataTypeSize). REQUIRES: !IsStringLike(dtype).
  absl::string_view tensor_data() const;
  size_t TotalBytes() const;  // numeric bytes, or sum of string sizes

  // DT_VARIANT element i's in-memory value, or null when the element has only its serialized
  // form (read from a TensorProto, or copied element by element by a kernel).
  const std::shared_ptr<const VariantValue>& variant_value(int64_t i) const;

  // A tensor of `shape` sharing this buffer. REQUIRES: same element count.
  Tensor Reshaped(TensorShape shape) const;
  Tensor Clone() const;
  bool SharesBufferWith(const Tensor& other) const { return buffer_ == other.buffer_; }
  const std::shared_ptr<TensorBuffer>& buffer() const { return buffer_; }

  // Element-wise equality of dtype, shape and values (bitwise for floats).
  bool Identical(const Tensor& other) const;
  // "DT_FLOAT [3] {2.5, 3, 4.5}", truncating after `max_entries` values.
  std::string DebugString(int max_entries = 16) const;

 private:
  Tensor(DataType dtype, TensorShape shape, bool zero);

  DataType dtype_ = tensorflow::DT_INVALID;
  TensorShape shape_;
  std::shared_ptr<TensorBuffer> buffer_;
};

// Allocates aligned, zero-filled storage of `bytes` bytes.
std::shared_ptr<TensorBuffer> AllocateBuffer(size_t bytes);
// Allocates aligned storage of `bytes` bytes, uninitialized (for a caller that writes it all).
std::shared_ptr<TensorBuffer> AllocateBufferForOverwrite(size_t bytes);

template <typename T>
Tensor Tensor::FromVector(std::span<const T> values, TensorShape shape) {
  Tensor t(DataTypeOf<T>(), std::move(shape));
  assert(static_cast<int64_t>(values.size()) == t.num_elements());
  std::copy(values.begin(), values.end(), t.data<T>());
  return t;
}

}  // namespace savedserve
