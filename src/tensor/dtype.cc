#include "tensor/dtype.h"

#include <algorithm>
#include <array>
#include <bit>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace savedserve {
namespace {

// TensorFlow numbers every `_REF` flavour as base + 100 (types.proto).
constexpr int kRefOffset = 100;

struct NameEntry {
  absl::string_view name;
  DataType dtype;
};

// Short (numpy / TF python) spellings accepted by ParseDataType. The first entry for a
// dtype is the canonical short name returned by DataTypeShortName.
constexpr std::array<NameEntry, 34> kShortNames = {{
    {"float32", tensorflow::DT_FLOAT},
    {"float", tensorflow::DT_FLOAT},
    {"float64", tensorflow::DT_DOUBLE},
    {"double", tensorflow::DT_DOUBLE},
    {"float16", tensorflow::DT_HALF},
    {"half", tensorflow::DT_HALF},
    {"bfloat16", tensorflow::DT_BFLOAT16},
    {"int8", tensorflow::DT_INT8},
    {"int16", tensorflow::DT_INT16},
    {"int32", tensorflow::DT_INT32},
    {"int64", tensorflow::DT_INT64},
    {"uint8", tensorflow::DT_UINT8},
    {"uint16", tensorflow::DT_UINT16},
    {"uint32", tensorflow::DT_UINT32},
    {"uint64", tensorflow::DT_UINT64},
    {"bool", tensorflow::DT_BOOL},
    {"string", tensorflow::DT_STRING},
    {"bytes", tensorflow::DT_STRING},
    {"str", tensorflow::DT_STRING},
    {"complex64", tensorflow::DT_COMPLEX64},
    {"complex128", tensorflow::DT_COMPLEX128},
    {"qint8", tensorflow::DT_QINT8},
    {"quint8", tensorflow::DT_QUINT8},
    {"qint16", tensorflow::DT_QINT16},
    {"quint16", tensorflow::DT_QUINT16},
    {"qint32", tensorflow::DT_QINT32},
    {"resource", tensorflow::DT_RESOURCE},
    {"variant", tensorflow::DT_VARIANT},
    {"float8_e5m2", tensorflow::DT_FLOAT8_E5M2},
    {"float8_e4m3fn", tensorflow::DT_FLOAT8_E4M3FN},
    {"int4", tensorflow::DT_INT4},
    {"uint4", tensorflow::DT_UINT4},
    {"invalid", tensorflow::DT_INVALID},
    {"complex", tensorflow::DT_COMPLEX64},
}};

}  // namespace

DataType BaseType(DataType dtype) {
  return IsRefType(dtype) ? static_cast<DataType>(dtype - kRefOffset) : dtype;
}

bool IsRefType(DataType dtype) { return static_cast<int>(dtype) > kRefOffset; }

size_t DataTypeSize(DataType dtype) {
  switch (BaseType(dtype)) {
    case tensorflow::DT_FLOAT:
      return 4;
    case tensorflow::DT_DOUBLE:
      return 8;
    case tensorflow::DT_INT8:
    case tensorflow::DT_UINT8:
    case tensorflow::DT_BOOL:
    case tensorflow::DT_QINT8:
    case tensorflow::DT_QUINT8:
    case tensorflow::DT_FLOAT8_E5M2:
    case tensorflow::DT_FLOAT8_E4M3FN:
    case tensorflow::DT_INT4:  // one element per byte in memory, as in TF
    case tensorflow::DT_UINT4:
      return 1;
    case tensorflow::DT_INT16:
    case tensorflow::DT_UINT16:
    case tensorflow::DT_QINT16:
    case tensorflow::DT_QUINT16:
    case tensorflow::DT_HALF:
    case tensorflow::DT_BFLOAT16:
      return 2;
    case tensorflow::DT_INT32:
    case tensorflow::DT_UINT32:
    case tensorflow::DT_QINT32:
      return 4;
    case tensorflow::DT_INT64:
    case tensorflow::DT_UINT64:
    case tensorflow::DT_COMPLEX64:
      return 8;
    case tensorflow::DT_COMPLEX128:
      return 16;
    default:
      return 0;  // DT_INVALID, string-like and unknown numbers
  }
}

bool IsStringLike(DataType dtype) {
  DataType base = BaseType(dtype);
  return base == tensorflow::DT_STRING || base == tensorflow::DT_RESOURCE ||
         base == tensorflow::DT_VARIANT;
}

std::string DataTypeName(DataType dtype) {
  const std::string& name = tensorflow::DataType_Name(dtype);
  if (!name.empty()) return name;
  return absl::StrCat("<unknown dtype ", static_cast<int>(dtype), ">");
}

absl::string_view DataTypeShortName(DataType dtype) {
  DataType base = BaseType(dtype);
  for (const NameEntry& entry : kShortNames) {
    if (entry.dtype == base) return entry.name;
  }
  return "unknown";
}

absl::StatusOr<DataType> ParseDataType(absl::string_view name) {
  const std::string text(name);
  std::string lower = absl::AsciiStrToLower(text);
  DataType dtype = tensorflow::DT_INVALID;
  bool found = false;
  if (lower.rfind("dt_", 0) == 0) {
    found = tensorflow::DataType_Parse(absl::AsciiStrToUpper(text), &dtype);
  } else {
    for (const NameEntry& entry : kShortNames) {
      if (entry.name == lower) {
        dtype = entry.dtype;
        found = true;
        break;
      }
    }
  }
  if (!found) {
    return absl::InvalidArgumentError(absl::StrCat("unknown dtype \"", text, "\""));
  }
  if (BaseType(dtype) == tensorflow::DT_INVALID) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a usable dtype"));
  }
  return dtype;
}

// ---- 16-bit floats -------------------------------------------------------------------

float HalfToFloat(Half h) {
  const uint32_t sign = static_cast<uint32_t>(h.bits & 0x8000u) << 16;
  const uint32_t exponent = (h.bits >> 10) & 0x1fu;
  const uint32_t mantissa = h.bits & 0x3ffu;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24 is exact in float.
    float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 0x1f) {  // inf / NaN keep their payload
    return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  }
  // Rebias the exponent from 15 to 127.
  return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

Half FloatToHalf(float f) {
  const uint32_t x = std::bit_cast<uint32_t>(f);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const uint32_t abs = x & 0x7fffffffu;
  if (abs >= 0x7f800000u) {  // inf or NaN
    if (abs == 0x7f800000u) return Half{static_cast<uint16_t>(sign | 0x7c00u)};
    // Keep the top payload bits and force the quiet bit so a NaN never becomes inf.
    return Half{static_cast<uint16_t>(sign | 0x7e00u | ((abs >> 13) & 0x3ffu))};
  }
  // 65520 is halfway between the largest half (65504) and 2^16; ties-to-even goes up.
  if (abs >= 0x477ff000u) return Half{static_cast<uint16_t>(sign | 0x7c00u)};
  if (abs < 0x38800000u) {  // below 2^-14: a half subnormal (or zero)
    const uint32_t exponent = abs >> 23;
    const uint32_t mantissa = (abs & 0x7fffffu) | (exponent ? 0x800000u : 0);
    // value = mantissa * 2^(max(exponent,1) - 150); in units of 2^-24 shift right by:
    const uint32_t shift = 126 - std::max<uint32_t>(exponent, 1);
    if (shift > 24) return Half{sign};  // below half of the smallest subnormal
    uint32_t result = mantissa >> shift;
    const uint32_t remainder = mantissa & ((1u << shift) - 1);
    const uint32_t halfway = 1u << (shift - 1);
    if (remainder > halfway || (remainder == halfway && (result & 1))) ++result;
    return Half{static_cast<uint16_t>(sign | result)};
  }
  // Normal: rebias (127 -> 15) and round the low 13 mantissa bits to nearest even; a
  // carry into the exponent is exactly the right answer.
  const uint32_t rebased = abs - (112u << 23);
  const uint32_t rounded = rebased + 0xfffu + ((rebased >> 13) & 1u);
  return Half{static_cast<uint16_t>(sign | (rounded >> 13))};
}

float BFloat16ToFloat(BFloat16 b) {
  return std::bit_cast<float>(static_cast<uint32_t>(b.bits) << 16);
}

BFloat16 FloatToBFloat16(float f) {
  const uint32_t x = std::bit_cast<uint32_t>(f);
  if ((x & 0x7fffffffu) > 0x7f800000u) {  // NaN: canonical quiet NaN, sign kept (as TF)
    return BFloat16{static_cast<uint16_t>((x & 0x80000000u) ? 0xffc0u : 0x7fc0u)};
  }
  const uint32_t rounded = x + 0x7fffu + ((x >> 16) & 1u);
  return BFloat16{static_cast<uint16_t>(rounded >> 16)};
}

}  // namespace savedserve
