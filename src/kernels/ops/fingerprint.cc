// Written from FarmHash's description of farmhashna::Hash64 (Geoff Pike, 2014): inputs of
// up to 16, 32 and 64 bytes each have their own mix; longer ones run a 64-byte block loop
// over a 56-byte state and finish on the last 64 bytes. Loads are little-endian.
#include "kernels/ops/fingerprint.h"

#include <bit>
#include <cstring>
#include <utility>

namespace savedserve {
namespace {

static_assert(std::endian::native == std::endian::little, "FarmHash reads little-endian words");

constexpr uint64_t kK0 = 0xc3a5c85c97cb3127ULL;
constexpr uint64_t kK1 = 0xb492b66fbe98f273ULL;
constexpr uint64_t kK2 = 0x9ae16a3b2f90404fULL;

uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

uint64_t Rot(uint64_t v, int shift) { return (v >> shift) | (v << (64 - shift)); }
uint64_t ShiftMix(uint64_t v) { return v ^ (v >> 47); }

// Murmur-style mix of two words.
uint64_t Mix16(uint64_t u, uint64_t v, uint64_t mul) {
  uint64_t a = ShiftMix((u ^ v) * mul);
  uint64_t b = ShiftMix((v ^ a) * mul);
  return b * mul;
}

uint64_t HashUpTo16(const char* s, size_t len) {
  if (len >= 8) {
    const uint64_t mul = kK2 + len * 2;
    const uint64_t a = Load64(s) + kK2;
    const uint64_t b = Load64(s + len - 8);
    return Mix16(Rot(b, 37) * mul + a, (Rot(a, 25) + b) * mul, mul);
  }
  if (len >= 4) {
    const uint64_t mul = kK2 + len * 2;
    const uint64_t a = Load32(s);
    return Mix16(len + (a << 3), Load32(s + len - 4), mul);
  }
  if (len > 0) {
    const uint8_t first = s[0], middle = s[len >> 1], last = s[len - 1];
    const uint32_t y = static_cast<uint32_t>(first) + (static_cast<uint32_t>(middle) << 8);
    const uint32_t z = static_cast<uint32_t>(len) + (static_cast<uint32_t>(last) << 2);
    return ShiftMix(y * kK2 ^ z * kK0) * kK2;
  }
  return kK2;
}

uint64_t HashUpTo32(const char* s, size_t len) {
  const uint64_t mul = kK2 + len * 2;
  const uint64_t a = Load64(s) * kK1;
  const uint64_t b = Load64(s + 8);
  const uint64_t c = Load64(s + len - 8) * mul;
  const uint64_t d = Load64(s + len - 16) * kK2;
  return Mix16(Rot(a + b, 43) + Rot(c, 30) + d, a + Rot(b + kK2, 18) + c, mul);
}

uint64_t HashUpTo64(const char* s, size_t len) {
  const uint64_t mul = kK2 + len * 2;
  const uint64_t a = Load64(s) * kK2;
  const uint64_t b = Load64(s + 8);
  const uint64_t c = Load64(s + len - 8) * mul;
  const uint64_t d = Load64(s + len - 16) * kK2;
  const uint64_t y = Rot(a + b, 43) + Rot(c, 30) + d;
  const uint64_t z = Mix16(y, a + Rot(b + kK2, 18) + c, mul);
  const uint64_t e = Load64(s + 16) * mul;
  const uint64_t f = Load64(s + 24);
  const uint64_t g = (y + Load64(s + len - 32)) * mul;
  const uint64_t h = (z + Load64(s + len - 24)) * mul;
  return Mix16(Rot(e + f, 43) + Rot(g, 30) + h, e + Rot(f + a, 18) + g, mul);
}

using Pair = std::pair<uint64_t, uint64_t>;

// Mixes the 32 bytes at `s` into seeds (a, b).
Pair Mix32(const char* s, uint64_t a, uint64_t b) {
  const uint64_t w = Load64(s), x = Load64(s + 8), y = Load64(s + 16), z = Load64(s + 24);
  a += w;
  b = Rot(b + a + z, 21);
  const uint64_t c = a;
  a += x + y;
  b += Rot(a, 44);
  return {a + z, b + c};
}

uint64_t HashLong(const char* s, size_t len) {
  constexpr uint64_t kSeed = 81;
  uint64_t x = kSeed * kK2 + Load64(s);
  uint64_t y = kSeed * kK1 + 113;
  uint64_t z = ShiftMix(y * kK2 + 113) * kK2;
  Pair v{0, 0}, w{0, 0};
  const char* end = s + ((len - 1) / 64) * 64;  // leaves 1 to 64 bytes after the loop
  const char* last64 = s + len - 64;
  do {
    x = Rot(x + y + v.first + Load64(s + 8), 37) * kK1;
    y = Rot(y + v.second + Load64(s + 48), 42) * kK1;
    x ^= w.second;
    y += v.first + Load64(s + 40);
    z = Rot(z + w.first, 33) * kK1;
    v = Mix32(s, v.second * kK1, x + w.first);
    w = Mix32(s + 32, z + w.second, y + Load64(s + 16));
    std::swap(z, x);
    s += 64;
  } while (s != end);
  const uint64_t mul = kK1 + ((z & 0xff) << 1);
  s = last64;
  w.first += (len - 1) & 63;
  v.first += w.first;
  w.first += v.first;
  x = Rot(x + y + v.first + Load64(s + 8), 37) * mul;
  y = Rot(y + v.second + Load64(s + 48), 42) * mul;
  x ^= w.second * 9;
  y += v.first * 9 + Load64(s + 40);
  z = Rot(z + w.first, 33) * mul;
  v = Mix32(s, v.second * mul, x + w.first);
  w = Mix32(s + 32, z + w.second, y + Load64(s + 16));
  std::swap(z, x);
  return Mix16(Mix16(v.first, w.first, mul) + ShiftMix(y) * kK0 + z,
               Mix16(v.second, w.second, mul) + x, mul);
}

}  // namespace

uint64_t Fingerprint64(absl::string_view bytes) {
  const char* s = bytes.data();
  const size_t len = bytes.size();
  if (len <= 16) return HashUpTo16(s, len);
  if (len <= 32) return HashUpTo32(s, len);
  if (len <= 64) return HashUpTo64(s, len);
  return HashLong(s, len);
}

}  // namespace savedserve
