#include "frontend/rest/float_format.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

namespace savedserve {
namespace {

// Powers of ten that are exact doubles.
constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
constexpr int kMaxExactPow10 = 22;

// value · 10^k with one rounding (both factors exact); false when 10^|k| is not exact.
bool ScaleByPow10(double value, int k, double* out) {
  if (k > kMaxExactPow10 || k < -kMaxExactPow10) return false;
  *out = k >= 0 ? value * kPow10[k] : value / kPow10[-k];
  return true;
}

// A decimal with `digits` significant digits: value ≈ mantissa · 10^(exponent − digits + 1),
// 10^(digits−1) <= mantissa < 10^digits.
struct Decimal {
  uint64_t mantissa = 0;
  int exponent = 0;  // of the leading digit
};

// 10^k as the nearest double, for every k a float's decimal exponent can have (and one past).
constexpr int kMinPow = -46, kMaxPow = 40;
const double* NearestPow10() {
  static const auto table = [] {
    std::array<double, kMaxPow - kMinPow + 1> t{};
    for (int k = kMinPow; k <= kMaxPow; ++k) {
      t[k - kMinPow] = std::strtod(("1e" + std::to_string(k)).c_str(), nullptr);
    }
    return t;
  }();
  return table.data();
}

// floor(log10(value)) for a positive float's exact value, from the binary exponent and one
// comparison (a value within an ulp of a power of ten may land one off; the caller checks).
int DecimalExponent(double value) {
  const int binary = static_cast<int>((std::bit_cast<uint64_t>(value) >> 52) & 0x7ff) - 1023;
  // floor(binary · log10(2)) in integer arithmetic (exact for |binary| < 1650).
  const int estimate = (binary * 78913) >> 18;
  return value >= NearestPow10()[estimate + 1 - kMinPow] ? estimate + 1 : estimate;
}

// Rounds the positive finite `value` (a float) to nine significant digits, to nearest, and
// returns the scaled value's distance from the rounding boundary through *margin. False when
// the exponent is outside the range where 10^k is an exact double.
bool RoundToNineDigits(double value, Decimal* out, double* fraction_out) {
  constexpr double kLow = 1e8, kHigh = 1e9;
  int exponent = DecimalExponent(value);
  double scaled = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (!ScaleByPow10(value, 8 - exponent, &scaled)) return false;
    if (scaled >= kHigh) {
      ++exponent;
    } else if (scaled < kLow) {
      --exponent;
    } else {
      break;
    }
  }
  if (scaled < kLow || scaled >= kHigh) return false;
  const uint64_t whole = static_cast<uint64_t>(scaled);  // floor: scaled > 0
  const double fraction = scaled - static_cast<double>(whole);
  out->mantissa = whole + (fraction > 0.5 ? 1 : 0);
  out->exponent = exponent;
  if (out->mantissa == static_cast<uint64_t>(kHigh)) {  // 999999999.7 -> 1000000000
    out->mantissa /= 10;
    ++out->exponent;
  }
  *fraction_out = fraction;
  return true;
}

// The float next to `value` (> 0, finite) away from or towards zero.
float NextFloat(float value, bool up) {
  const uint32_t bits = std::bit_cast<uint32_t>(value);
  return std::bit_cast<float>(up ? bits + 1 : bits - 1);
}

enum class ReadBack { kSame, kDifferent, kUnsure };

// Whether `decimal` (with `digits` digits) reads back (round to nearest) as the float
// `value`: inside the interval of reals that round to `value`. The interval's ends are scaled
// to the mantissa's units (multiplying, which is cheaper than dividing the mantissa), and
// the few rounding errors that adds are covered by a slack of 2^-50.
ReadBack ReadsBackAs(const Decimal& decimal, int digits, float value) {
  const int k = digits - 1 - decimal.exponent;
  if (k < 0 || k > kMaxExactPow10) return ReadBack::kUnsure;
  const double scale = kPow10[k];
  const double exact = value;
  const double low = (exact + static_cast<double>(NextFloat(value, false))) / 2 * scale;
  const double high = (exact + static_cast<double>(NextFloat(value, true))) / 2 * scale;
  const double mantissa = static_cast<double>(decimal.mantissa);
  const double slack = mantissa * 0x1p-50;
  if (mantissa > low + slack && mantissa < high - slack) return ReadBack::kSame;
  if (mantissa < low - slack || mantissa > high + slack) return ReadBack::kDifferent;
  return ReadBack::kUnsure;
}

// printf's %.<digits>g layout of `decimal`: trailing zeros dropped, scientific notation when
// the exponent is < -4 or >= digits; whole numbers end in ".0" (9e+06 already reads as a
// float).
// "00".."99".
constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// Writes `value` (< 10^count, count <= 9) as exactly `count` digits, two at a time. The
// fixed-size copies in WriteGeneral also move (and then overwrite or drop) the bytes after
// them, which need no value.
void WriteFixedDigits(uint64_t value, int count, char* out) {
  uint32_t v = static_cast<uint32_t>(value);
  int i = count;
  while (i >= 2) {
    std::memcpy(out + i - 2, kDigitPairs + 2 * (v % 100), 2);
    v /= 100;
    i -= 2;
  }
  if (i == 1) out[0] = static_cast<char>('0' + v);
}

size_t WriteGeneral(const Decimal& decimal, int digits, bool negative, char* buf) {
  // The digits (exactly `digits` of them, since the mantissa is normalised), then the count
  // left after dropping trailing zeros. Copies below move a fixed 16 bytes (inlined, no
  // library call); both buffers have room for that.
  char digit_text[32];
  WriteFixedDigits(decimal.mantissa, digits, digit_text);
  int length = digits;
  while (length > 1 && digit_text[length - 1] == '0') --length;
  char* p = buf;
  if (negative) *p++ = '-';
  const int exponent = decimal.exponent;
  if (exponent < -4 || exponent >= digits) {
    p[0] = digit_text[0];
    p[1] = '.';
    std::memcpy(p + 2, digit_text + 1, 16);
    p += length > 1 ? length + 1 : 1;
    *p++ = 'e';
    *p++ = exponent < 0 ? '-' : '+';
    const int magnitude = exponent < 0 ? -exponent : exponent;
    *p++ = static_cast<char>('0' + magnitude / 10);
    *p++ = static_cast<char>('0' + magnitude % 10);
  } else if (exponent >= 0) {
    // exponent < digits, so the integer part is the first exponent + 1 digits.
    std::memcpy(p, digit_text, 16);
    p += exponent + 1;
    *p++ = '.';
    if (length > exponent + 1) {
      std::memcpy(p, digit_text + exponent + 1, 16);
      p += length - exponent - 1;
    } else {
      *p++ = '0';  // a whole number: ".0" so clients see a float, not an int
    }
  } else {
    *p++ = '0';
    *p++ = '.';
    std::memcpy(p, "0000", 4);  // -exponent - 1 <= 3 zeros
    p += -exponent - 1;
    std::memcpy(p, digit_text, 16);
    p += length;
  }
  return p - buf;
}

// The <charconv> path: %.6g when it reads back, else max_digits10 (%.9g for float, %.17g for
// double); ".0" after whole numbers.
template <typename T>
size_t FormatWithCharconv(T value, char* buf) {
  char* const end = buf + kJsonFloatBufferSize - 2;  // room for ".0"
  char* last = std::to_chars(buf, end, value, std::chars_format::general, 6).ptr;
  T parsed;
  const auto [ptr, ec] = std::from_chars(buf, last, parsed);
  if (ec != std::errc() || ptr != last || parsed != value) {
    last = std::to_chars(buf, end, value, std::chars_format::general,
                         std::numeric_limits<T>::max_digits10)
               .ptr;
  }
  if (std::find_if(buf, last, [](char c) { return c == '.' || c == 'e'; }) == last) {
    *last++ = '.';
    *last++ = '0';
  }
  return last - buf;
}

size_t CopyText(const char* text, char* buf) {
  const size_t n = std::strlen(text);
  std::memcpy(buf, text, n);
  return n;
}

// `magnitude` (> 0, finite, not the largest float) with the sign given separately. The nine
// digit rounding comes first; six digits follow from it unless its last three digits are a
// half (500), where rounding twice could differ from rounding once.
size_t FormatPositive(float magnitude, bool negative, char* buf) {
  const float value = negative ? -magnitude : magnitude;
  Decimal nine;
  double fraction = 0;
  // The scaled value is within 1e9 · 2^-53 (< 1.2e-7) of the exact product; deciding the
  // rounding needs it clear of the half by more than that.
  if (!RoundToNineDigits(magnitude, &nine, &fraction) || std::fabs(fraction - 0.5) < 1e-6 ||
      nine.mantissa % 1000 == 500) {
    return FormatWithCharconv(value, buf);
  }
  // Six digits can only read back when the three dropped ones are close to a multiple of
  // 1000: a normal float's half-ulp is below value · 2^-24 < 10^9 · 2^-24 ≈ 59.6 units of
  // the ninth digit, and nine is itself within half a unit. Most values end here.
  const uint64_t dropped = nine.mantissa % 1000;
  if (std::min(dropped, 1000 - dropped) > 64) return WriteGeneral(nine, 9, negative, buf);
  Decimal six{nine.mantissa / 1000 + (dropped > 500 ? 1 : 0), nine.exponent};
  if (six.mantissa == 1000000) {
    six.mantissa = 100000;
    ++six.exponent;
  }
  switch (ReadsBackAs(six, 6, magnitude)) {
    case ReadBack::kSame:
      return WriteGeneral(six, 6, negative, buf);
    case ReadBack::kDifferent:
      return WriteGeneral(nine, 9, negative, buf);
    case ReadBack::kUnsure:
      break;
  }
  return FormatWithCharconv(value, buf);
}

}  // namespace

size_t FormatJsonFloat(float value, char* buf) {
  if (std::isnan(value)) return CopyText("NaN", buf);
  if (std::isinf(value)) return CopyText(value < 0 ? "-Infinity" : "Infinity", buf);
  const bool negative = std::signbit(value);
  const float magnitude = std::fabs(value);
  if (magnitude == 0) return CopyText(negative ? "-0.0" : "0.0", buf);
  if (magnitude == std::numeric_limits<float>::max()) {
    return FormatWithCharconv(value, buf);  // no float above it for ReadsBackAs
  }
  return FormatPositive(magnitude, negative, buf);
}

size_t FormatJsonDouble(double value, char* buf) {
  if (std::isnan(value)) return CopyText("NaN", buf);
  if (std::isinf(value)) return CopyText(value < 0 ? "-Infinity" : "Infinity", buf);
  return FormatWithCharconv(value, buf);
}

}  // namespace savedserve
