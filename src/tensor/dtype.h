// Facts about TensorFlow's DataType enum (tensorflow::DataType from types.proto).
// Pure functions; safe for concurrent use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tensorflow/core/framework/types.pb.h"

namespace savedserve {

using DataType = tensorflow::DataType;

// Strips the legacy `_REF` flavour (DT_FLOAT_REF -> DT_FLOAT); others unchanged.
DataType BaseType(DataType dtype);
bool IsRefType(DataType dtype);
// Bytes per element for fixed-size types; 0 for DT_STRING, DT_RESOURCE, DT_VARIANT and
// DT_INVALID, whose elements are held as std::string (see Tensor).
size_t DataTypeSize(DataType dtype);
// True for DT_STRING, DT_RESOURCE and DT_VARIANT (elements stored as std::string).
bool IsStringLike(DataType dtype);
// "DT_FLOAT" etc., as saved_model_cli prints them; ref types keep their "_REF" suffix.
std::string DataTypeName(DataType dtype);
// "float32", "int64", "string", ... (numpy-style names, used by CLI literals and .npy).
absl::string_view DataTypeShortName(DataType dtype);
// Parses "DT_FLOAT", "float", "float32", ... (case-insensitive).
absl::StatusOr<DataType> ParseDataType(absl::string_view name);

// Maps a C++ element type to its DataType (DataTypeOf<float>() == DT_FLOAT).
template <typename T>
constexpr DataType DataTypeOf();

// 16-bit floats are stored as their raw bits.
struct Half {
  uint16_t bits;
};
struct BFloat16 {
  uint16_t bits;
};
float HalfToFloat(Half h);
Half FloatToHalf(float f);  // round to nearest even
float BFloat16ToFloat(BFloat16 b);
BFloat16 FloatToBFloat16(float f);  // round to nearest even, as TF does

#define SS_DTYPE_OF(T, DT)             \
  template <>                          \
  constexpr DataType DataTypeOf<T>() { \
    return tensorflow::DT;             \
  }
SS_DTYPE_OF(float, DT_FLOAT)
SS_DTYPE_OF(double, DT_DOUBLE)
SS_DTYPE_OF(int8_t, DT_INT8)
SS_DTYPE_OF(int16_t, DT_INT16)
SS_DTYPE_OF(int32_t, DT_INT32)
SS_DTYPE_OF(int64_t, DT_INT64)
SS_DTYPE_OF(uint8_t, DT_UINT8)
SS_DTYPE_OF(uint16_t, DT_UINT16)
SS_DTYPE_OF(uint32_t, DT_UINT32)
SS_DTYPE_OF(uint64_t, DT_UINT64)
SS_DTYPE_OF(bool, DT_BOOL)
SS_DTYPE_OF(Half, DT_HALF)
SS_DTYPE_OF(BFloat16, DT_BFLOAT16)
SS_DTYPE_OF(std::string, DT_STRING)
#undef SS_DTYPE_OF

}  // namespace savedserve
