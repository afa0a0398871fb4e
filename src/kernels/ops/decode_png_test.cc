// DecodePng: exact round trips through an independent libpng encoder (all colour types,
// 8 and 16 bits, interlaced), channel conversions, and seeded corruptions.
#include <random>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/image_test_util.h"
#include "kernels/ops/image_util.h"

namespace savedserve {
namespace {

using testing::EncodePngForTest;
using testing::StringScalar;
using testing::SyntheticImage;

constexpr int kHeight = 21, kWidth = 34;  // odd sizes exercise packing and interlacing

absl::StatusOr<Tensor> RunDecodePng(const std::string& bytes, int channels,
                                    DataType dtype = tensorflow::DT_UINT8) {
  OpRunner runner("DecodePng", "png");
  runner.Attr("channels", channels).Attr("dtype", dtype);
  auto out = runner.Run({StringScalar(bytes)});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

Tensor U8(const std::vector<uint8_t>& v, int channels) {
  return Tensor::FromVector<uint8_t>(v, TensorShape({kHeight, kWidth, channels}));
}

TEST(DecodePng, ExactRoundTripForEveryColourType) {
  for (int channels = 1; channels <= 4; ++channels) {
    for (bool interlace : {false, true}) {
      const auto pixels = SyntheticImage(kHeight, kWidth, channels);
      const std::string png =
          EncodePngForTest(pixels.data(), kHeight, kWidth, channels, 8, interlace);
      auto out = RunDecodePng(png, 0);
      ASSERT_TRUE(out.ok()) << out.status();
      EXPECT_TRUE(out->Identical(U8(pixels, channels)))
          << channels << " channels, interlace " << interlace;
    }
  }
}

TEST(DecodePng, ChannelConversions) {
  const auto rgba = SyntheticImage(kHeight, kWidth, 4);
  const std::string png = EncodePngForTest(rgba.data(), kHeight, kWidth, 4);
  auto rgb = RunDecodePng(png, 3);
  ASSERT_TRUE(rgb.ok()) << rgb.status();
  std::vector<uint8_t> want(kHeight * kWidth * 3);
  for (int i = 0; i < kHeight * kWidth; ++i) {
    for (int c = 0; c < 3; ++c) want[3 * i + c] = rgba[4 * i + c];
  }
  EXPECT_TRUE(rgb->Identical(U8(want, 3)));  // alpha stripped, colour untouched

  const auto gray = SyntheticImage(kHeight, kWidth, 1);
  auto gray_rgba = RunDecodePng(EncodePngForTest(gray.data(), kHeight, kWidth, 1), 4);
  ASSERT_TRUE(gray_rgba.ok()) << gray_rgba.status();
  for (int i = 0; i < kHeight * kWidth; ++i) {
    const uint8_t* p = gray_rgba->data<uint8_t>() + 4 * i;
    ASSERT_EQ(p[0], gray[i]);
    ASSERT_EQ(p[2], gray[i]);
    ASSERT_EQ(p[3], 255);  // opaque alpha added
  }

  auto to_gray = RunDecodePng(png, 1);
  ASSERT_TRUE(to_gray.ok()) << to_gray.status();
  ASSERT_EQ(to_gray->shape(), TensorShape({kHeight, kWidth, 1}));
  for (int i = 0; i < kHeight * kWidth; ++i) {  // ITU-R 601 luma, within rounding
    const double luma = 0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2];
    ASSERT_NEAR(to_gray->data<uint8_t>()[i], luma, 1.5) << i;
  }
}

TEST(DecodePng, SixteenBitSamples) {
  std::vector<uint16_t> pixels(kHeight * kWidth * 3);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint16_t>(i * 977 + 13);
  const std::string png = EncodePngForTest(pixels.data(), kHeight, kWidth, 3, 16);
  auto wide = RunDecodePng(png, 0, tensorflow::DT_UINT16);
  ASSERT_TRUE(wide.ok()) << wide.status();
  EXPECT_TRUE(
      wide->Identical(Tensor::FromVector<uint16_t>(pixels, TensorShape({kHeight, kWidth, 3}))));

  auto narrow = RunDecodePng(png, 0);  // uint8 keeps the high byte
  ASSERT_TRUE(narrow.ok()) << narrow.status();
  for (size_t i = 0; i < pixels.size(); ++i) {
    ASSERT_EQ(narrow->data<uint8_t>()[i], pixels[i] >> 8) << i;
  }

  const auto eight = SyntheticImage(kHeight, kWidth, 3);
  auto widened =
      RunDecodePng(EncodePngForTest(eight.data(), kHeight, kWidth, 3), 3, tensorflow::DT_UINT16);
  ASSERT_TRUE(widened.ok()) << widened.status();
  for (size_t i = 0; i < eight.size(); ++i) {
    ASSERT_EQ(widened->data<uint16_t>()[i], eight[i] * 257) << i;
  }
}

TEST(DecodePng, DecodePngAlsoReadsJpeg) {
  const auto pixels = SyntheticImage(16, 16, 3);
  auto out = RunDecodePng(testing::EncodeJpegForTest(pixels, 16, 16, 3, 90), 3);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({16, 16, 3}));
}

TEST(DecodePng, SeededCorruptionsNeverCrash) {
  const auto pixels = SyntheticImage(kHeight, kWidth, 4);
  const std::string png = EncodePngForTest(pixels.data(), kHeight, kWidth, 4, 8, true);
  std::mt19937 rng(2024);
  int failures = 0;
  for (int trial = 0; trial < 400; ++trial) {
    std::string data = png;
    if (trial % 3 == 0) {
      data.resize(8 + rng() % (data.size() - 8));
    } else if (trial % 3 == 1) {
      for (int k = 0; k < 1 + static_cast<int>(rng() % 6); ++k) {
        const size_t at = 8 + rng() % (data.size() - 8);  // keep the signature
        data[at] ^= static_cast<char>(1 << (rng() % 8));
      }
    } else {
      data[8 + rng() % std::min<size_t>(data.size() - 8, 33)] = static_cast<char>(rng());
    }
    static const int kChannels[] = {0, 1, 3, 4};
    auto out = RunDecodePng(data, kChannels[trial % 4]);
    if (!out.ok()) {
      ++failures;
      EXPECT_NE(out.status().message().find("PNG"), std::string::npos) << out.status();
    }
  }
  EXPECT_GT(failures, 100);

  auto truncated = RunDecodePng(png.substr(0, png.size() / 2), 0);
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find("truncated"), std::string::npos)
      << truncated.status();
}

TEST(DecodePng, BadAttributesAreErrors) {
  OpRunner runner("DecodePng");
  runner.Attr("dtype", tensorflow::DT_FLOAT);
  EXPECT_FALSE(runner.Run({StringScalar("x")}).ok());
}

}  // namespace
}  // namespace savedserve
