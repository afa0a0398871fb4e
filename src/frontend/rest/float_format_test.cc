// FormatJsonFloat against printf itself (glibc's correctly rounded %.6g / %.9g and strtof):
// TF Serving's rule is "%.6g if it reads back, else %.9g", then ".0" for whole numbers.
#include "frontend/rest/float_format.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "gtest/gtest.h"

namespace savedserve {
namespace {

std::string PrintfReference(float value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value < 0 ? "-Infinity" : "Infinity";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.6g", value);
  if (std::strtof(buf, nullptr) != value) std::snprintf(buf, sizeof(buf), "%.9g", value);
  std::string text = buf;
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string Format(float value) {
  char buf[kJsonFloatBufferSize];
  return std::string(buf, FormatJsonFloat(value, buf));
}

TEST(FormatJsonFloatTest, MatchesPrintfOnChosenValues) {
  const float values[] = {0.0f,
                          -0.0f,
                          1.0f,
                          -1.0f,
                          0.1f,
                          0.2f,
                          0.5f,
                          1e-4f,
                          1e-5f,
                          3e-5f,
                          0.0003f,
                          999999,
                          1e6f,
                          9e6f,
                          123456,
                          1234567,
                          1e38f,
                          3.4028235e38f,
                          1.17549435e-38f,
                          1e-45f,
                          2.5f,
                          1.5e10f,
                          100000,
                          99999.95f,
                          0.999999f,
                          0.9999995f,
                          16777216.0f,
                          33554434.0f,
                          std::nanf(""),
                          INFINITY,
                          -INFINITY};
  for (float v : values) EXPECT_EQ(Format(v), PrintfReference(v)) << std::hexfloat << v;
}

TEST(FormatJsonFloatTest, MatchesPrintfOnPowersOfTenAndNeighbours) {
  for (int e = -45; e <= 38; ++e) {
    const float p = std::strtof(("1e" + std::to_string(e)).c_str(), nullptr);
    for (float v : {p, std::nextafter(p, 0.0f), std::nextafter(p, INFINITY), 5 * p, 0.5f * p}) {
      ASSERT_EQ(Format(v), PrintfReference(v)) << std::hexfloat << v;
      ASSERT_EQ(Format(-v), PrintfReference(-v)) << std::hexfloat << -v;
    }
  }
}

TEST(FormatJsonFloatTest, MatchesPrintfOnRandomBitPatterns) {
  std::mt19937 rng(20261125);
  for (int i = 0; i < 300000; ++i) {
    const float v = std::bit_cast<float>(static_cast<uint32_t>(rng()));
    ASSERT_EQ(Format(v), PrintfReference(v)) << std::hexfloat << v;
  }
}

TEST(FormatJsonFloatTest, MatchesPrintfOnTypicalModelOutputs) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f), wide(-300.0f, 300.0f);
  for (int i = 0; i < 300000; ++i) {
    const float a = unit(rng), b = wide(rng);
    ASSERT_EQ(Format(a), PrintfReference(a)) << std::hexfloat << a;
    ASSERT_EQ(Format(b), PrintfReference(b)) << std::hexfloat << b;
  }
  // Short decimals as clients send them.
  for (int k = -100000; k <= 100000; ++k) {
    const float v = static_cast<float>(k) / 1000.0f;
    ASSERT_EQ(Format(v), PrintfReference(v)) << std::hexfloat << v;
  }
}

}  // namespace
}  // namespace savedserve
