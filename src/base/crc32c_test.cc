#include "base/crc32c.h"

#include <string>

#include "gtest/gtest.h"

namespace savedserve::crc32c {
namespace {

// Check values from RFC 3720 (iSCSI), section B.4.
TEST(Crc32c, Rfc3720Vectors) {
  std::string zeros(32, '\0');
  EXPECT_EQ(Value(zeros), 0x8a9136aau);
  std::string ones(32, '\xff');
  EXPECT_EQ(Value(ones), 0x62a8ab43u);
  std::string inc(32, '\0');
  for (int i = 0; i < 32; ++i) inc[i] = static_cast<char>(i);
  EXPECT_EQ(Value(inc), 0x46dd794eu);
  EXPECT_EQ(Value("123456789"), 0xe3069283u);
}

TEST(Crc32c, ExtendEqualsWhole) {
  std::string s = "hello world, this is a longer string to cross 8-byte words";
  for (size_t cut = 0; cut <= s.size(); ++cut) {
    uint32_t part = Extend(Value(s.data(), cut), s.data() + cut, s.size() - cut);
    EXPECT_EQ(part, Value(s));
  }
}

TEST(Crc32c, MaskRoundTrips) {
  uint32_t crc = Value("foo");
  EXPECT_NE(Mask(crc), crc);
  EXPECT_EQ(Unmask(Mask(crc)), crc);
  EXPECT_EQ(Unmask(Mask(Mask(crc))), Mask(crc));
}

}  // namespace
}  // namespace savedserve::crc32c
