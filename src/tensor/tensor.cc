#include "tensor/tensor.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "tensor/buffer_pool.h"
#include "tensor/variant.h"

namespace savedserve {
namespace {

// Raw bytes from std::aligned_alloc, or from the BufferPool for large buffers; zero-filled
// unless `zero` is false. Never empty, so data() is never null.
class AlignedBuffer final : public TensorBuffer {
 public:
  AlignedBuffer(size_t bytes, bool zero) : bytes_(bytes) {
    constexpr size_t kMask = Tensor::kAlignment - 1;
    if (bytes > std::numeric_limits<size_t>::max() - kMask) throw std::bad_alloc();
    // aligned_alloc wants a multiple of the alignment; allocate at least one block.
    const size_t rounded = bytes == 0 ? Tensor::kAlignment : (bytes + kMask) & ~kMask;
    if (rounded >= BufferPool::kMinPooledBytes) {
      pooled_ = BufferPool::Global().Take(rounded);
      data_ = pooled_.data;
    } else {
      data_ = std::aligned_alloc(Tensor::kAlignment, rounded);
    }
    if (data_ == nullptr) throw std::bad_alloc();
    if (zero) std::memset(data_, 0, rounded);
  }
  ~AlignedBuffer() override {
    if (pooled_.data != nullptr) {
      BufferPool::Global().Give(pooled_);
    } else {
      std::free(data_);
    }
  }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;

  void* data() override { return data_; }
  size_t size_bytes() const override { return bytes_; }

 private:
  void* data_ = nullptr;
  size_t bytes_;
  BufferPool::Block pooled_;  // set when data_ came from the pool
};

// An array of std::string, constructed empty and destroyed with the buffer. Holds the
// elements of DT_STRING, DT_RESOURCE and DT_VARIANT tensors. The storage comes from malloc
// so that an impossible element count fails with bad_alloc rather than aborting (a
// sanitizer's operator new aborts on failure instead of throwing).
class StringBuffer final : public TensorBuffer {
 public:
  explicit StringBuffer(size_t count) : count_(count) {
    if (count > std::numeric_limits<size_t>::max() / sizeof(std::string)) throw std::bad_alloc();
    void* raw = std::malloc(std::max<size_t>(count, 1) * sizeof(std::string));
    if (raw == nullptr) throw std::bad_alloc();
    strings_ = static_cast<std::string*>(raw);
    std::uninitialized_value_construct_n(strings_, count);
  }
  ~StringBuffer() override {
    std::destroy_n(strings_, count_);
    std::free(strings_);
  }
  StringBuffer(const StringBuffer&) = delete;
  StringBuffer& operator=(const StringBuffer&) = delete;

  void* data() override { return strings_; }
  size_t size_bytes() const override { return count_ * sizeof(std::string); }

 private:
  size_t count_;
  std::string* strings_ = nullptr;
};

// The elements of a DT_VARIANT tensor that holds in-memory values: each value beside its
// string (its type name as a serialized VariantTensorDataProto), so code that sees only
// strings still sees valid variant elements.
class VariantBuffer final : public TensorBuffer {
 public:
  explicit VariantBuffer(std::vector<std::shared_ptr<const VariantValue>> values)
      : values_(std::move(values)), strings_(values_.size()) {
    for (size_t i = 0; i < values_.size(); ++i) {
      tensorflow::VariantTensorDataProto proto;
      proto.set_type_name(std::string(values_[i]->TypeName()));
      strings_[i] = proto.SerializeAsString();
    }
  }

  void* data() override { return strings_.data(); }
  size_t size_bytes() const override { return strings_.size() * sizeof(std::string); }
  const std::vector<std::shared_ptr<const VariantValue>>& values() const { return values_; }

 private:
  const std::vector<std::shared_ptr<const VariantValue>> values_;
  std::vector<std::string> strings_;
};

const VariantBuffer* AsVariantBuffer(const std::shared_ptr<TensorBuffer>& buffer) {
  return dynamic_cast<const VariantBuffer*>(buffer.get());
}

std::string FormatFloat8E4M3(uint8_t bits) {
  // 1 sign, 4 exponent (bias 7), 3 mantissa bits; no infinities, S.1111.111 is NaN.
  const bool negative = bits & 0x80;
  const int exponent = (bits >> 3) & 0xf;
  const int mantissa = bits & 0x7;
  if (exponent == 0xf && mantissa == 0x7) return "nan";
  const float magnitude = exponent == 0 ? std::ldexp(static_cast<float>(mantissa), -9)
                                        : std::ldexp(1.0f + mantissa / 8.0f, exponent - 7);
  return absl::StrCat(negative ? -magnitude : magnitude);
}

// One element of a numeric tensor as text ("%g"-like for floating point).
std::string FormatElement(DataType dtype, const char* base, int64_t i) {
  auto at = [&](auto sample) {
    decltype(sample) value;
    std::memcpy(&value, base + i * sizeof(value), sizeof(value));
    return value;
  };
  switch (dtype) {
    case tensorflow::DT_FLOAT:
      return absl::StrCat(at(float{}));
    case tensorflow::DT_DOUBLE:
      return absl::StrCat(at(double{}));
    case tensorflow::DT_HALF:
      return absl::StrCat(HalfToFloat(at(Half{})));
    case tensorflow::DT_BFLOAT16:
      return absl::StrCat(BFloat16ToFloat(at(BFloat16{})));
    case tensorflow::DT_INT8:
    case tensorflow::DT_QINT8:
    case tensorflow::DT_INT4:
      return absl::StrCat(at(int8_t{}));
    case tensorflow::DT_UINT8:
    case tensorflow::DT_QUINT8:
    case tensorflow::DT_UINT4:
      return absl::StrCat(at(uint8_t{}));
    case tensorflow::DT_INT16:
    case tensorflow::DT_QINT16:
      return absl::StrCat(at(int16_t{}));
    case tensorflow::DT_UINT16:
    case tensorflow::DT_QUINT16:
      return absl::StrCat(at(uint16_t{}));
    case tensorflow::DT_INT32:
    case tensorflow::DT_QINT32:
      return absl::StrCat(at(int32_t{}));
    case tensorflow::DT_UINT32:
      return absl::StrCat(at(uint32_t{}));
    case tensorflow::DT_INT64:
      return absl::StrCat(at(int64_t{}));
    case tensorflow::DT_UINT64:
      return absl::StrCat(at(uint64_t{}));
    case tensorflow::DT_BOOL:
      return at(uint8_t{}) ? "true" : "false";
    case tensorflow::DT_COMPLEX64: {
      auto c = at(std::complex<float>{});
      return absl::StrCat("(", c.real(), ",", c.imag(), ")");
    }
    case tensorflow::DT_COMPLEX128: {
      auto c = at(std::complex<double>{});
      return absl::StrCat("(", c.real(), ",", c.imag(), ")");
    }
    case tensorflow::DT_FLOAT8_E5M2:  // the high byte of an IEEE half
      return absl::StrCat(HalfToFloat(Half{static_cast<uint16_t>(at(uint8_t{}) << 8)}));
    case tensorflow::DT_FLOAT8_E4M3FN:
      return FormatFloat8E4M3(at(uint8_t{}));
    default:
      return "?";
  }
}

}  // namespace

std::shared_ptr<TensorBuffer> AllocateBuffer(size_t bytes) {
  return std::make_shared<AlignedBuffer>(bytes, /*zero=*/true);
}

std::shared_ptr<TensorBuffer> AllocateBufferForOverwrite(size_t bytes) {
  return std::make_shared<AlignedBuffer>(bytes, /*zero=*/false);
}

Tensor::Tensor(DataType dtype, TensorShape shape) : Tensor(dtype, std::move(shape), true) {}

Tensor::Tensor(DataType dtype, TensorShape shape, bool zero)
    : dtype_(BaseType(dtype)), shape_(std::move(shape)) {
  const size_t count = static_cast<size_t>(shape_.num_elements());
  if (IsStringLike(dtype_)) {
    buffer_ = std::make_shared<StringBuffer>(count);
    return;
  }
  const size_t element_size = DataTypeSize(dtype_);
  if (element_size == 0) return;  // DT_INVALID or an unknown enum value: no storage
  if (count > std::numeric_limits<size_t>::max() / element_size) throw std::bad_alloc();
  buffer_ = zero ? AllocateBuffer(count * element_size)
                 : AllocateBufferForOverwrite(count * element_size);
}

Tensor Tensor::FromVariant(std::shared_ptr<const VariantValue> value) {
  assert(value != nullptr);
  std::vector<std::shared_ptr<const VariantValue>> values = {std::move(value)};
  return Tensor(tensorflow::DT_VARIANT, TensorShape{},
                std::make_shared<VariantBuffer>(std::move(values)));
}

const std::shared_ptr<const VariantValue>& Tensor::variant_value(int64_t i) const {
  static const std::shared_ptr<const VariantValue> kNone;
  const VariantBuffer* variants = AsVariantBuffer(buffer_);
  if (variants == nullptr || i < 0 || i >= static_cast<int64_t>(variants->values().size())) {
    return kNone;
  }
  return variants->values()[i];
}

Tensor Tensor::ForOverwrite(DataType dtype, TensorShape shape) {
  return Tensor(dtype, std::move(shape), /*zero=*/false);
}

Tensor::Tensor(DataType dtype, TensorShape shape, std::shared_ptr<TensorBuffer> buffer)
    : dtype_(BaseType(dtype)), shape_(std::move(shape)), buffer_(std::move(buffer)) {
  assert(buffer_ == nullptr || IsStringLike(dtype_) ||
         buffer_->size_bytes() >= num_elements() * DataTypeSize(dtype_));
}

absl::string_view Tensor::tensor_data() const {
  assert(!IsStringLike(dtype_));
  if (buffer_ == nullptr) return {};
  return {static_cast<const char*>(raw_data()),
          static_cast<size_t>(num_elements()) * DataTypeSize(dtype_)};
}

size_t Tensor::TotalBytes() const {
  if (buffer_ == nullptr) return 0;
  if (!IsStringLike(dtype_)) return tensor_data().size();
  size_t total = 0;
  for (const std::string& s : flat<std::string>()) total += s.size();
  return total;
}

Tensor Tensor::Reshaped(TensorShape shape) const {
  assert(shape.num_elements() == num_elements());
  return Tensor(dtype_, std::move(shape), buffer_);
}

Tensor Tensor::Clone() const {
  if (buffer_ == nullptr) return *this;
  // Values are immutable: a copy of the tensor may share them.
  if (const VariantBuffer* variants = AsVariantBuffer(buffer_)) {
    return Tensor(dtype_, shape_, std::make_shared<VariantBuffer>(variants->values()));
  }
  Tensor copy(dtype_, shape_);
  if (IsStringLike(dtype_)) {
    std::span<const std::string> from = flat<std::string>();
    std::copy(from.begin(), from.end(), copy.data<std::string>());
  } else {
    absl::string_view bytes = tensor_data();
    if (!bytes.empty()) std::memcpy(copy.raw_data(), bytes.data(), bytes.size());
  }
  return copy;
}

bool Tensor::Identical(const Tensor& other) const {
  if (dtype_ != other.dtype_ || shape_ != other.shape_) return false;
  if (buffer_ == nullptr || other.buffer_ == nullptr) {
    return buffer_ == other.buffer_ || num_elements() == 0;
  }
  if (IsStringLike(dtype_)) {
    std::span<const std::string> a = flat<std::string>(), b = other.flat<std::string>();
    if (!std::equal(a.begin(), a.end(), b.begin())) return false;
    for (int64_t i = 0; dtype_ == tensorflow::DT_VARIANT && i < num_elements(); ++i) {
      if (variant_value(i) != other.variant_value(i)) return false;
    }
    return true;
  }
  return tensor_data() == other.tensor_data();
}

std::string Tensor::DebugString(int max_entries) const {
  std::string out = absl::StrCat(DataTypeName(dtype_), " ", shape_.DebugString());
  if (buffer_ == nullptr) return absl::StrCat(out, " <no data>");
  const int64_t shown = std::min<int64_t>(num_elements(), std::max(max_entries, 0));
  const char* base = static_cast<const char*>(raw_data());
  absl::StrAppend(&out, " {");
  for (int64_t i = 0; i < shown; ++i) {
    if (i > 0) absl::StrAppend(&out, ", ");
    if (const std::shared_ptr<const VariantValue>& value = variant_value(i)) {
      absl::StrAppend(&out, value->DebugString());
    } else if (IsStringLike(dtype_)) {
      absl::StrAppend(&out, "\"", absl::CEscape(data<std::string>()[i]), "\"");
    } else {
      absl::StrAppend(&out, FormatElement(dtype_, base, i));
    }
  }
  if (shown < num_elements()) absl::StrAppend(&out, shown > 0 ? ", ..." : "...");
  absl::StrAppend(&out, "}");
  return out;
}

}  // namespace savedserve
