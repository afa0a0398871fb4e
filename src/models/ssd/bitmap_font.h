// A 5x7 bitmap font for printable ASCII (32..126), our own table, for labelling
// annotated images without a font library. Constant data; safe for concurrent use.
#pragma once

#include <array>
#include <cstdint>

namespace savedserve::ssd {

inline constexpr int kGlyphWidth = 5;
inline constexpr int kGlyphHeight = 7;
inline constexpr int kGlyphAdvance = kGlyphWidth + 1;  // one column of spacing

// The rows of `c`'s glyph, top first; bit 4 is the leftmost column. Characters outside
// 32..126 draw as '?'.
const std::array<uint8_t, kGlyphHeight>& Glyph(char c);

// True when pixel (x, y) of `c`'s glyph is set. REQUIRES: 0 <= x < 5, 0 <= y < 7.
inline bool GlyphPixel(char c, int x, int y) { return (Glyph(c)[y] >> (kGlyphWidth - 1 - x)) & 1; }

}  // namespace savedserve::ssd
