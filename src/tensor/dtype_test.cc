#include "tensor/dtype.h"

#include <bit>
#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace savedserve {
namespace {

using tensorflow::DataType;

// Every base (non-ref, non-invalid) enum value types.proto defines.
std::vector<DataType> AllBaseTypes() {
  std::vector<DataType> out;
  for (int v = 1; v < 100; ++v) {
    if (tensorflow::DataType_IsValid(v)) out.push_back(static_cast<DataType>(v));
  }
  return out;
}

TEST(DataTypeTest, RefTypesMapToTheirBase) {
  for (DataType base : AllBaseTypes()) {
    const int ref_value = base + 100;
    ASSERT_TRUE(tensorflow::DataType_IsValid(ref_value)) << DataTypeName(base);
    const auto ref = static_cast<DataType>(ref_value);
    EXPECT_TRUE(IsRefType(ref));
    EXPECT_FALSE(IsRefType(base));
    EXPECT_EQ(BaseType(ref), base);
    EXPECT_EQ(BaseType(base), base);
    EXPECT_EQ(DataTypeSize(ref), DataTypeSize(base));
    EXPECT_EQ(IsStringLike(ref), IsStringLike(base));
    EXPECT_EQ(DataTypeName(ref), DataTypeName(base) + "_REF");
  }
  EXPECT_EQ(BaseType(tensorflow::DT_INVALID), tensorflow::DT_INVALID);
}

TEST(DataTypeTest, SizesMatchTensorFlow) {
  // Sizes of TF's C++ element types (complex = 2 floats / 2 doubles).
  const std::vector<std::pair<DataType, size_t>> expected = {
      {tensorflow::DT_FLOAT, 4},       {tensorflow::DT_DOUBLE, 8},
      {tensorflow::DT_HALF, 2},        {tensorflow::DT_BFLOAT16, 2},
      {tensorflow::DT_INT8, 1},        {tensorflow::DT_INT16, 2},
      {tensorflow::DT_INT32, 4},       {tensorflow::DT_INT64, 8},
      {tensorflow::DT_UINT8, 1},       {tensorflow::DT_UINT16, 2},
      {tensorflow::DT_UINT32, 4},      {tensorflow::DT_UINT64, 8},
      {tensorflow::DT_BOOL, 1},        {tensorflow::DT_COMPLEX64, 8},
      {tensorflow::DT_COMPLEX128, 16}, {tensorflow::DT_QINT8, 1},
      {tensorflow::DT_QUINT8, 1},      {tensorflow::DT_QINT16, 2},
      {tensorflow::DT_QUINT16, 2},     {tensorflow::DT_QINT32, 4},
      {tensorflow::DT_STRING, 0},      {tensorflow::DT_RESOURCE, 0},
      {tensorflow::DT_VARIANT, 0},     {tensorflow::DT_INVALID, 0},
      {tensorflow::DT_FLOAT8_E5M2, 1}, {tensorflow::DT_FLOAT8_E4M3FN, 1},
  };
  for (const auto& [dtype, size] : expected) {
    EXPECT_EQ(DataTypeSize(dtype), size) << DataTypeName(dtype);
  }
  EXPECT_EQ(DataTypeSize(static_cast<DataType>(77)), 0u);
}

TEST(DataTypeTest, StringLike) {
  for (DataType dtype : AllBaseTypes()) {
    const bool expected = dtype == tensorflow::DT_STRING || dtype == tensorflow::DT_RESOURCE ||
                          dtype == tensorflow::DT_VARIANT;
    EXPECT_EQ(IsStringLike(dtype), expected) << DataTypeName(dtype);
    // Everything else has a fixed element size.
    EXPECT_EQ(DataTypeSize(dtype) == 0, expected) << DataTypeName(dtype);
  }
}

TEST(DataTypeTest, NamesAreTheProtoEnumNames) {
  EXPECT_EQ(DataTypeName(tensorflow::DT_FLOAT), "DT_FLOAT");
  EXPECT_EQ(DataTypeName(tensorflow::DT_FLOAT_REF), "DT_FLOAT_REF");
  EXPECT_EQ(DataTypeName(tensorflow::DT_INVALID), "DT_INVALID");
  for (DataType dtype : AllBaseTypes()) {
    EXPECT_EQ(DataTypeName(dtype), tensorflow::DataType_Name(dtype));
  }
  EXPECT_NE(DataTypeName(static_cast<DataType>(77)).find("77"), std::string::npos);
}

TEST(DataTypeTest, ParseAcceptsEnumAndShortNames) {
  const std::vector<std::pair<std::string, DataType>> cases = {
      {"DT_FLOAT", tensorflow::DT_FLOAT},
      {"dt_float", tensorflow::DT_FLOAT},
      {"float", tensorflow::DT_FLOAT},
      {"float32", tensorflow::DT_FLOAT},
      {"FLOAT32", tensorflow::DT_FLOAT},
      {"double", tensorflow::DT_DOUBLE},
      {"float64", tensorflow::DT_DOUBLE},
      {"half", tensorflow::DT_HALF},
      {"float16", tensorflow::DT_HALF},
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
      {"complex64", tensorflow::DT_COMPLEX64},
      {"complex128", tensorflow::DT_COMPLEX128},
      {"qint8", tensorflow::DT_QINT8},
      {"quint16", tensorflow::DT_QUINT16},
      {"resource", tensorflow::DT_RESOURCE},
      {"variant", tensorflow::DT_VARIANT},
      {"DT_INT64_REF", tensorflow::DT_INT64_REF},
  };
  for (const auto& [name, dtype] : cases) {
    absl::StatusOr<DataType> parsed = ParseDataType(name);
    ASSERT_TRUE(parsed.ok()) << name << ": " << parsed.status();
    EXPECT_EQ(*parsed, dtype) << name;
  }
}

TEST(DataTypeTest, ParseRejectsUnknownNames) {
  for (const char* name : {"", "floaty", "DT_FLOATY", "int", "DT_INVALID", "invalid", "dt_"}) {
    absl::StatusOr<DataType> parsed = ParseDataType(name);
    EXPECT_FALSE(parsed.ok()) << name;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << name;
  }
}

TEST(DataTypeTest, ShortAndEnumNamesRoundTrip) {
  for (DataType dtype : AllBaseTypes()) {
    absl::StatusOr<DataType> by_short = ParseDataType(DataTypeShortName(dtype));
    ASSERT_TRUE(by_short.ok()) << DataTypeShortName(dtype);
    EXPECT_EQ(*by_short, dtype);
    absl::StatusOr<DataType> by_enum = ParseDataType(DataTypeName(dtype));
    ASSERT_TRUE(by_enum.ok()) << DataTypeName(dtype);
    EXPECT_EQ(*by_enum, dtype);
  }
  EXPECT_EQ(DataTypeShortName(tensorflow::DT_FLOAT), "float32");
  EXPECT_EQ(DataTypeShortName(tensorflow::DT_HALF), "float16");
  EXPECT_EQ(DataTypeShortName(tensorflow::DT_FLOAT_REF), "float32");
}

TEST(DataTypeTest, DataTypeOfMatchesEnum) {
  static_assert(DataTypeOf<float>() == tensorflow::DT_FLOAT);
  static_assert(DataTypeOf<int64_t>() == tensorflow::DT_INT64);
  static_assert(DataTypeOf<Half>() == tensorflow::DT_HALF);
  static_assert(DataTypeOf<std::string>() == tensorflow::DT_STRING);
  EXPECT_EQ(DataTypeSize(DataTypeOf<double>()), sizeof(double));
  EXPECT_EQ(DataTypeSize(DataTypeOf<BFloat16>()), sizeof(BFloat16));
}

// ---- 16-bit floats: expectations are IEEE 754 binary16 / bfloat16 bit patterns. ----

uint16_t HalfBits(float f) { return FloatToHalf(f).bits; }
uint16_t BF16Bits(float f) { return FloatToBFloat16(f).bits; }

TEST(HalfTest, KnownBitPatterns) {
  EXPECT_EQ(HalfBits(1.0f), 0x3C00);
  EXPECT_EQ(HalfBits(-2.0f), 0xC000);
  EXPECT_EQ(HalfBits(0.5f), 0x3800);
  EXPECT_EQ(HalfBits(0.0f), 0x0000);
  EXPECT_EQ(HalfBits(-0.0f), 0x8000);
  EXPECT_EQ(HalfBits(65504.0f), 0x7BFF);                  // largest finite half
  EXPECT_EQ(HalfBits(std::ldexp(1.0f, -14)), 0x0400);     // smallest normal
  EXPECT_EQ(HalfBits(std::ldexp(1.0f, -24)), 0x0001);     // smallest subnormal
  EXPECT_EQ(HalfBits(std::ldexp(1023.0f, -24)), 0x03FF);  // largest subnormal
  EXPECT_EQ(HalfBits(0.1f), 0x2E66);
  EXPECT_EQ(HalfBits(1.0f / 3.0f), 0x3555);
  EXPECT_EQ(HalfBits(std::numeric_limits<float>::infinity()), 0x7C00);
  EXPECT_EQ(HalfBits(-std::numeric_limits<float>::infinity()), 0xFC00);
  EXPECT_EQ(HalfBits(1e10f), 0x7C00);
  EXPECT_EQ(HalfBits(std::ldexp(1.0f, -40)), 0x0000);  // underflows to zero
  EXPECT_EQ(HalfBits(-std::ldexp(1.0f, -40)), 0x8000);
}

TEST(HalfTest, RoundsToNearestEven) {
  // Halfway between 1 and 1+2^-10: ties to the even mantissa (1.0).
  EXPECT_EQ(HalfBits(1.0f + std::ldexp(1.0f, -11)), 0x3C00);
  // Halfway between 1+2^-10 (odd) and 1+2^-9: goes up to even.
  EXPECT_EQ(HalfBits(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);
  // Just above the halfway point rounds up.
  EXPECT_EQ(HalfBits(std::nextafter(1.0f + std::ldexp(1.0f, -11), 2.0f)), 0x3C01);
  // 65519 rounds down to 65504; 65520 is the tie with 2^16 and becomes infinity.
  EXPECT_EQ(HalfBits(65519.0f), 0x7BFF);
  EXPECT_EQ(HalfBits(65520.0f), 0x7C00);
  // Subnormal ties: 2^-25 is half the smallest subnormal (ties to 0); 3*2^-25 ties to 2.
  EXPECT_EQ(HalfBits(std::ldexp(1.0f, -25)), 0x0000);
  EXPECT_EQ(HalfBits(std::nextafter(std::ldexp(1.0f, -25), 1.0f)), 0x0001);
  EXPECT_EQ(HalfBits(3 * std::ldexp(1.0f, -25)), 0x0002);
  // Largest subnormal + half a step rounds (to even) into the smallest normal.
  EXPECT_EQ(HalfBits(std::ldexp(1023.5f, -24)), 0x0400);
}

TEST(HalfTest, DecodesKnownBitPatterns) {
  EXPECT_EQ(HalfToFloat(Half{0x3C00}), 1.0f);
  EXPECT_EQ(HalfToFloat(Half{0xC000}), -2.0f);
  EXPECT_EQ(HalfToFloat(Half{0x7BFF}), 65504.0f);
  EXPECT_EQ(HalfToFloat(Half{0x0001}), std::ldexp(1.0f, -24));
  EXPECT_EQ(HalfToFloat(Half{0x03FF}), std::ldexp(1023.0f, -24));
  EXPECT_TRUE(std::signbit(HalfToFloat(Half{0x8000})));
  EXPECT_EQ(HalfToFloat(Half{0x7C00}), std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(HalfToFloat(Half{0x7E00})));
  EXPECT_TRUE(std::isnan(HalfToFloat(Half{0x7C01})));  // signalling NaN stays NaN
}

TEST(HalfTest, EveryBitPatternRoundTrips) {
  for (uint32_t bits = 0; bits <= 0xFFFF; ++bits) {
    const Half h{static_cast<uint16_t>(bits)};
    const float f = HalfToFloat(h);
    const bool is_nan = (bits & 0x7C00) == 0x7C00 && (bits & 0x03FF) != 0;
    ASSERT_EQ(std::isnan(f), is_nan) << std::hex << bits;
    const uint16_t back = FloatToHalf(f).bits;
    if (is_nan) {
      ASSERT_TRUE(std::isnan(HalfToFloat(Half{back}))) << std::hex << bits;
    } else {
      ASSERT_EQ(back, bits) << std::hex << bits;
    }
  }
}

#if defined(__FLT16_MAX__)
// Differential check against the compiler's own float -> _Float16 conversion (IEEE RNE).
TEST(HalfTest, MatchesCompilerConversionOnManyFloats) {
  uint32_t state = 12345;
  for (int i = 0; i < 2000000; ++i) {
    state = state * 1664525u + 1013904223u;  // LCG over all float bit patterns
    const float f = std::bit_cast<float>(state);
    if (std::isnan(f)) continue;
    const uint16_t expected = std::bit_cast<uint16_t>(static_cast<_Float16>(f));
    ASSERT_EQ(HalfBits(f), expected) << std::hexfloat << f;
  }
}
#endif

TEST(BFloat16Test, KnownBitPatterns) {
  EXPECT_EQ(BF16Bits(1.0f), 0x3F80);
  EXPECT_EQ(BF16Bits(-2.0f), 0xC000);
  EXPECT_EQ(BF16Bits(0.0f), 0x0000);
  EXPECT_EQ(BF16Bits(-0.0f), 0x8000);
  EXPECT_EQ(BF16Bits(std::numeric_limits<float>::infinity()), 0x7F80);
  EXPECT_EQ(BF16Bits(0.1f), 0x3DCD);                               // 0x3DCCCCCD rounds up
  EXPECT_EQ(BF16Bits(std::numeric_limits<float>::max()), 0x7F80);  // rounds to inf
  EXPECT_EQ(BF16Bits(std::bit_cast<float>(0x00010000u)), 0x0001);  // subnormal kept
}

TEST(BFloat16Test, RoundsToNearestEven) {
  EXPECT_EQ(BF16Bits(std::bit_cast<float>(0x3F808000u)), 0x3F80);  // tie, even stays
  EXPECT_EQ(BF16Bits(std::bit_cast<float>(0x3F818000u)), 0x3F82);  // tie, odd goes up
  EXPECT_EQ(BF16Bits(std::bit_cast<float>(0x3F808001u)), 0x3F81);  // above the tie
  EXPECT_EQ(BF16Bits(std::bit_cast<float>(0x3F807FFFu)), 0x3F80);  // below the tie
}

TEST(BFloat16Test, NaNStaysNaN) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(BFloat16ToFloat(FloatToBFloat16(nan))));
  EXPECT_TRUE(std::isnan(BFloat16ToFloat(FloatToBFloat16(-nan))));
  // A NaN whose payload lives only in the low bits must not truncate to infinity.
  EXPECT_TRUE(std::isnan(BFloat16ToFloat(FloatToBFloat16(std::bit_cast<float>(0x7F800001u)))));
}

TEST(BFloat16Test, EveryBitPatternRoundTrips) {
  for (uint32_t bits = 0; bits <= 0xFFFF; ++bits) {
    const float f = BFloat16ToFloat(BFloat16{static_cast<uint16_t>(bits)});
    ASSERT_EQ(std::bit_cast<uint32_t>(f), bits << 16);
    if (std::isnan(f)) continue;
    ASSERT_EQ(FloatToBFloat16(f).bits, bits) << std::hex << bits;
  }
}

}  // namespace
}  // namespace savedserve
