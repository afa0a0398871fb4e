// Float -> JSON number text the way TF Serving writes it: printf's %.6g when that reads back
// as the same float, else %.9g (max_digits10), then ".0" appended to whole numbers. The
// common case is done with exact-enough double arithmetic (a float has 24 bits; a double
// keeps the scaled value within 2^-53 of the truth), and only values where that margin
// could flip a rounding decision fall back to <charconv>, so the output always equals
// printf's. Pure functions, safe for concurrent use.
#pragma once

#include <cstddef>

namespace savedserve {

// Buffer size FormatJsonFloat needs.
inline constexpr size_t kJsonFloatBufferSize = 48;

// Writes `value` to `buf` (at least kJsonFloatBufferSize bytes) and returns the length.
// NaN and infinities come out as NaN / Infinity / -Infinity (TF Serving's spelling).
size_t FormatJsonFloat(float value, char* buf);

// The same rule for a double (%.6g when it reads back, else %.17g), through <charconv>.
size_t FormatJsonDouble(double value, char* buf);

}  // namespace savedserve
