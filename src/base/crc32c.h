// CRC32C (Castagnoli), as TensorFlow and LevelDB use it, plus their "masked" form that is
// stored next to data so that a CRC of data containing CRCs stays well distributed.
// Pure functions; safe for concurrent use.
#pragma once

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace savedserve::crc32c {

// Returns the CRC32C of data[0,n) continuing from `init_crc` (0 for a fresh CRC).
uint32_t Extend(uint32_t init_crc, const void* data, size_t n);
inline uint32_t Value(const void* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(absl::string_view s) { return Extend(0, s.data(), s.size()); }

constexpr uint32_t kMaskDelta = 0xa282ead8u;
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace savedserve::crc32c
