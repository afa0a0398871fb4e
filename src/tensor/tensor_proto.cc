#include "tensor/tensor_proto.h"

#include <algorithm>
#include <bit>
#include <complex>
#include <cstring>
#include <limits>
#include <new>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/status.h"
#include "tensor/variant.h"
#include "tensorflow/core/framework/resource_handle.pb.h"

namespace savedserve {
namespace {

// tensor_content is little-endian on the wire; we copy bytes straight through.
static_assert(std::endian::native == std::endian::little, "big-endian hosts unsupported");

using tensorflow::TensorProto;

std::string Describe(DataType dtype, const TensorShape& shape) {
  return absl::StrCat(DataTypeName(dtype), " ", shape.DebugString());
}

// Tensor allocation that reports an impossible size as an error instead of throwing:
// the element count of a proto is attacker-controlled.
absl::StatusOr<Tensor> NewTensor(DataType dtype, const TensorShape& shape) {
  try {
    return Tensor(dtype, shape);
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot allocate a tensor of ", Describe(dtype, shape)));
  }
}

// TF's rule for typed lists: `in_n` values from get(i), then the last one repeated up to
// the shape; none at all leaves the zeros (or empty strings) of a fresh tensor.
template <typename T, typename Get>
absl::StatusOr<Tensor> FromValues(DataType dtype, const TensorShape& shape, const char* field,
                                  int64_t in_n, Get get) {
  const int64_t n = shape.num_elements();
  if (in_n > n) {
    return absl::InvalidArgumentError(
        absl::StrCat("TensorProto ", Describe(dtype, shape), ": ", field, " has ", in_n,
                     " values but the shape has only ", n, " elements"));
  }
  ASSIGN_OR_RETURN(Tensor tensor, NewTensor(dtype, shape));
  if (n == 0) return tensor;
  T* out = tensor.data<T>();
  for (int64_t i = 0; i < in_n; ++i) out[i] = static_cast<T>(get(static_cast<int>(i)));
  if (in_n > 0) std::fill(out + in_n, out + n, out[in_n - 1]);
  return tensor;
}

// Complex lists are flat (real, imag) pairs; TF pads with the last pair.
template <typename C, typename Field>
absl::StatusOr<Tensor> FromComplexValues(DataType dtype, const TensorShape& shape,
                                         const char* field, const Field& values) {
  if (values.size() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("TensorProto ", Describe(dtype, shape), ": ", field, " has ", values.size(),
                     " numbers; complex values are (real, imag) pairs"));
  }
  return FromValues<C>(dtype, shape, field, values.size() / 2,
                       [&](int i) { return C(values.Get(2 * i), values.Get(2 * i + 1)); });
}

// Each element keeps its serialized message; TF pads variants with empty values.
template <typename Field>
absl::StatusOr<Tensor> FromMessages(DataType dtype, const TensorShape& shape, const char* field,
                                    const Field& values, bool pad_last) {
  ASSIGN_OR_RETURN(Tensor tensor,
                   FromValues<std::string>(dtype, shape, field, values.size(), [&](int i) {
                     return values.Get(i).SerializeAsString();
                   }));
  if (!pad_last && tensor.num_elements() > values.size()) {
    std::span<std::string> rest = tensor.flat<std::string>().subspan(values.size());
    for (std::string& s : rest) s.clear();
  }
  return tensor;
}

absl::StatusOr<Tensor> FromTypedValues(DataType dtype, const TensorShape& shape,
                                       const TensorProto& p) {
  auto ints = [&](int i) { return p.int_val(i); };
  const int64_t n_int = p.int_val_size();
  switch (dtype) {
    case tensorflow::DT_FLOAT:
      return FromValues<float>(dtype, shape, "float_val", p.float_val_size(),
                               [&](int i) { return p.float_val(i); });
    case tensorflow::DT_DOUBLE:
      return FromValues<double>(dtype, shape, "double_val", p.double_val_size(),
                                [&](int i) { return p.double_val(i); });
    case tensorflow::DT_INT32:
    case tensorflow::DT_QINT32:
      return FromValues<int32_t>(dtype, shape, "int_val", n_int, ints);
    case tensorflow::DT_INT16:
    case tensorflow::DT_QINT16:
      return FromValues<int16_t>(dtype, shape, "int_val", n_int, ints);
    case tensorflow::DT_UINT16:
    case tensorflow::DT_QUINT16:
      return FromValues<uint16_t>(dtype, shape, "int_val", n_int, ints);
    case tensorflow::DT_INT8:
    case tensorflow::DT_QINT8:
    case tensorflow::DT_INT4:
      return FromValues<int8_t>(dtype, shape, "int_val", n_int, ints);
    case tensorflow::DT_UINT8:
    case tensorflow::DT_QUINT8:
    case tensorflow::DT_UINT4:
      return FromValues<uint8_t>(dtype, shape, "int_val", n_int, ints);
    case tensorflow::DT_INT64:
      return FromValues<int64_t>(dtype, shape, "int64_val", p.int64_val_size(),
                                 [&](int i) { return p.int64_val(i); });
    case tensorflow::DT_UINT32:
      return FromValues<uint32_t>(dtype, shape, "uint32_val", p.uint32_val_size(),
                                  [&](int i) { return p.uint32_val(i); });
    case tensorflow::DT_UINT64:
      return FromValues<uint64_t>(dtype, shape, "uint64_val", p.uint64_val_size(),
                                  [&](int i) { return p.uint64_val(i); });
    case tensorflow::DT_BOOL:
      return FromValues<bool>(dtype, shape, "bool_val", p.bool_val_size(),
                              [&](int i) { return p.bool_val(i); });
    case tensorflow::DT_HALF:
    case tensorflow::DT_BFLOAT16:  // bit patterns, truncated to 16 bits as TF does
      return FromValues<uint16_t>(dtype, shape, "half_val", p.half_val_size(),
                                  [&](int i) { return p.half_val(i); });
    case tensorflow::DT_FLOAT8_E5M2:
    case tensorflow::DT_FLOAT8_E4M3FN:
      return FromValues<uint8_t>(dtype, shape, "float8_val", p.float8_val().size(),
                                 [&](int i) { return p.float8_val()[i]; });
    case tensorflow::DT_COMPLEX64:
      return FromComplexValues<std::complex<float>>(dtype, shape, "scomplex_val", p.scomplex_val());
    case tensorflow::DT_COMPLEX128:
      return FromComplexValues<std::complex<double>>(dtype, shape, "dcomplex_val",
                                                     p.dcomplex_val());
    case tensorflow::DT_STRING:
      return FromValues<std::string>(dtype, shape, "string_val", p.string_val_size(),
                                     [&](int i) { return p.string_val(i); });
    case tensorflow::DT_RESOURCE:
      return FromMessages(dtype, shape, "resource_handle_val", p.resource_handle_val(), true);
    case tensorflow::DT_VARIANT:
      return FromMessages(dtype, shape, "variant_val", p.variant_val(), false);
    default:
      return absl::UnimplementedError(
          absl::StrCat("TensorProto has unsupported dtype ", DataTypeName(dtype)));
  }
}

bool ReadVarint32(absl::string_view* in, uint32_t* value) {
  uint32_t result = 0;
  for (int shift = 0; shift <= 28 && !in->empty(); shift += 7) {
    const uint8_t byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    result |= static_cast<uint32_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *value = result;
      return true;
    }
  }
  return false;
}

// TF's string-list encoding (port::EncodeStringList): n varint32 lengths, then the bytes
// back to back. Used by DT_STRING / DT_RESOURCE / DT_VARIANT tensor_content.
absl::StatusOr<Tensor> FromStringList(DataType dtype, const TensorShape& shape,
                                      absl::string_view content) {
  const int64_t n = shape.num_elements();
  auto bad = [&](const std::string& why) {
    return absl::InvalidArgumentError(absl::StrCat("TensorProto ", Describe(dtype, shape),
                                                   ": tensor_content is not a list of ", n,
                                                   " strings (", content.size(), " bytes): ", why));
  };
  // Each length takes at least one byte, so this also bounds the allocation below.
  if (static_cast<uint64_t>(n) > content.size()) return bad("too short for the lengths");
  std::vector<uint32_t> sizes(n);
  uint64_t total = 0;
  for (uint32_t& size : sizes) {
    if (!ReadVarint32(&content, &size)) return bad("truncated or malformed length");
    total += size;
  }
  if (total != content.size()) {
    return bad(
        absl::StrCat("lengths add up to ", total, " but ", content.size(), " bytes follow them"));
  }
  ASSIGN_OR_RETURN(Tensor tensor, NewTensor(dtype, shape));
  std::string* out = tensor.data<std::string>();
  for (int64_t i = 0; i < n; ++i) {
    out[i].assign(content.data(), sizes[i]);
    content.remove_prefix(sizes[i]);
  }
  return tensor;
}

absl::StatusOr<Tensor> FromContent(DataType dtype, const TensorShape& shape,
                                   absl::string_view content) {
  if (IsStringLike(dtype)) return FromStringList(dtype, shape, content);
  if (dtype == tensorflow::DT_INT4 || dtype == tensorflow::DT_UINT4) {
    return absl::UnimplementedError(absl::StrCat("TensorProto ", Describe(dtype, shape),
                                                 ": packed 4-bit tensor_content is not supported"));
  }
  const uint64_t n = static_cast<uint64_t>(shape.num_elements());
  const size_t element_size = DataTypeSize(dtype);
  if (n > std::numeric_limits<uint64_t>::max() / element_size ||
      n * element_size != content.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("TensorProto ", Describe(dtype, shape), ": tensor_content has ",
                     content.size(), " bytes but ", n, " elements of ", element_size,
                     " bytes need ", n > content.size() ? "more" : absl::StrCat(n * element_size)));
  }
  ASSIGN_OR_RETURN(Tensor tensor, NewTensor(dtype, shape));
  if (!content.empty()) std::memcpy(tensor.raw_data(), content.data(), content.size());
  if (dtype == tensorflow::DT_BOOL) {
    // Any non-zero byte is true; keep the storage a valid C++ bool.
    auto* bytes = static_cast<uint8_t*>(tensor.raw_data());
    for (uint64_t i = 0; i < n; ++i) bytes[i] = bytes[i] != 0;
  }
  return tensor;
}

template <typename T, typename Field>
void AppendAll(const Tensor& tensor, Field* field) {
  std::span<const T> values = tensor.flat<T>();
  field->Reserve(static_cast<int>(values.size()));
  for (const T& v : values) field->Add(v);
}

// Floats of a complex tensor, in (real, imag) order.
template <typename F, typename Field>
void AppendComplex(const Tensor& tensor, Field* field) {
  const F* values = static_cast<const F*>(tensor.raw_data());
  field->Add(values, values + 2 * tensor.num_elements());
}

template <typename Message, typename Field>
void AppendMessages(const Tensor& tensor, Field* field) {
  for (const std::string& serialized : tensor.flat<std::string>()) {
    if (!field->Add()->ParseFromString(serialized)) {
      SS_LOG(WARNING) << "writing " << DataTypeName(tensor.dtype())
                      << " tensor: an element is not a serialized " << Message().GetTypeName()
                      << "; written as an empty message";
    }
  }
}

// In-memory values (a TensorList) are encoded as TensorFlow encodes them; the others keep
// their serialized message.
template <typename Field>
void AppendVariants(const Tensor& tensor, Field* field) {
  for (int64_t i = 0; i < tensor.num_elements(); ++i) {
    if (const std::shared_ptr<const VariantValue>& value = tensor.variant_value(i)) {
      value->Encode(field->Add());
    } else if (!field->Add()->ParseFromString(tensor.data<std::string>()[i])) {
      SS_LOG(WARNING) << "writing a DT_VARIANT tensor: element " << i
                      << " is not a serialized VariantTensorDataProto; written as an empty one";
    }
  }
}

void ToTypedValues(const Tensor& t, TensorProto* p) {
  switch (t.dtype()) {
    case tensorflow::DT_FLOAT:
      return AppendAll<float>(t, p->mutable_float_val());
    case tensorflow::DT_DOUBLE:
      return AppendAll<double>(t, p->mutable_double_val());
    case tensorflow::DT_INT32:
    case tensorflow::DT_QINT32:
      return AppendAll<int32_t>(t, p->mutable_int_val());
    case tensorflow::DT_INT16:
    case tensorflow::DT_QINT16:
      return AppendAll<int16_t>(t, p->mutable_int_val());
    case tensorflow::DT_UINT16:
    case tensorflow::DT_QUINT16:
      return AppendAll<uint16_t>(t, p->mutable_int_val());
    case tensorflow::DT_INT8:
    case tensorflow::DT_QINT8:
    case tensorflow::DT_INT4:
      return AppendAll<int8_t>(t, p->mutable_int_val());
    case tensorflow::DT_UINT8:
    case tensorflow::DT_QUINT8:
    case tensorflow::DT_UINT4:
      return AppendAll<uint8_t>(t, p->mutable_int_val());
    case tensorflow::DT_INT64:
      return AppendAll<int64_t>(t, p->mutable_int64_val());
    case tensorflow::DT_UINT32:
      return AppendAll<uint32_t>(t, p->mutable_uint32_val());
    case tensorflow::DT_UINT64:
      return AppendAll<uint64_t>(t, p->mutable_uint64_val());
    case tensorflow::DT_BOOL:
      return AppendAll<bool>(t, p->mutable_bool_val());
    case tensorflow::DT_HALF:
    case tensorflow::DT_BFLOAT16:
      return AppendAll<uint16_t>(t, p->mutable_half_val());
    case tensorflow::DT_FLOAT8_E5M2:
    case tensorflow::DT_FLOAT8_E4M3FN:
      return p->set_float8_val(std::string(t.tensor_data()));
    case tensorflow::DT_COMPLEX64:
      return AppendComplex<float>(t, p->mutable_scomplex_val());
    case tensorflow::DT_COMPLEX128:
      return AppendComplex<double>(t, p->mutable_dcomplex_val());
    default:
      return;  // no typed field: left empty
  }
}

}  // namespace

absl::StatusOr<Tensor> TensorFromProto(const TensorProto& proto) {
  const DataType dtype = BaseType(proto.dtype());
  if (dtype == tensorflow::DT_INVALID) {
    return absl::InvalidArgumentError("TensorProto has no dtype (DT_INVALID)");
  }
  if (DataTypeSize(dtype) == 0 && !IsStringLike(dtype)) {
    return absl::UnimplementedError(
        absl::StrCat("TensorProto has unsupported dtype ", DataTypeName(proto.dtype())));
  }
  absl::StatusOr<TensorShape> shape = TensorShape::FromProto(proto.tensor_shape());
  if (!shape.ok()) return Annotate(shape.status(), "TensorProto tensor_shape");
  // As in TF, non-empty tensor_content wins over the typed fields.
  if (!proto.tensor_content().empty()) return FromContent(dtype, *shape, proto.tensor_content());
  return FromTypedValues(dtype, *shape, proto);
}

void TensorToProto(const Tensor& tensor, TensorProto* proto, ProtoEncoding encoding) {
  proto->Clear();
  proto->set_dtype(tensor.dtype());
  tensor.shape().ToProto(proto->mutable_tensor_shape());
  if (!tensor.is_initialized() || tensor.num_elements() == 0) return;
  switch (tensor.dtype()) {
    case tensorflow::DT_STRING: {
      std::span<const std::string> values = tensor.flat<std::string>();
      proto->mutable_string_val()->Reserve(static_cast<int>(values.size()));
      for (const std::string& s : values) proto->add_string_val(s);
      return;
    }
    case tensorflow::DT_RESOURCE:
      return AppendMessages<tensorflow::ResourceHandleProto>(tensor,
                                                             proto->mutable_resource_handle_val());
    case tensorflow::DT_VARIANT:
      return AppendVariants(tensor, proto->mutable_variant_val());
    case tensorflow::DT_INT4:  // packed layout unknown to us: always the int_val form
    case tensorflow::DT_UINT4:
      return ToTypedValues(tensor, proto);
    default:
      if (encoding == ProtoEncoding::kTypedValues) return ToTypedValues(tensor, proto);
      proto->set_tensor_content(std::string(tensor.tensor_data()));
  }
}

}  // namespace savedserve
