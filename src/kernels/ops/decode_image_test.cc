// DecodeImage / DecodeBmp: format detection, dtype conversion, BMP layouts, unsupported
// formats.
#include <string>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/image_test_util.h"
#include "kernels/ops/image_util.h"

namespace savedserve {
namespace {

using testing::EncodeJpegForTest;
using testing::EncodePngForTest;
using testing::StringScalar;
using testing::SyntheticImage;

absl::StatusOr<Tensor> RunDecode(const std::string& op, const std::string& bytes,
                                 DataType dtype = tensorflow::DT_UINT8, int channels = 0) {
  OpRunner runner(op, "img");
  runner.Attr("channels", channels);
  if (op == "DecodeImage") runner.Attr("dtype", dtype);
  auto out = runner.Run({StringScalar(bytes)});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

void PutLe(std::string& s, size_t at, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s[at + i] = static_cast<char>(v >> (8 * i));
}

// A BMP with a 40-byte info header; `pixels` are RGB(A) rows top to bottom.
std::string MakeBmp(const std::vector<uint8_t>& pixels, int height, int width, int channels,
                    bool top_down) {
  const int row = (width * channels + 3) / 4 * 4;
  std::string bmp(54 + row * height, '\0');
  bmp[0] = 'B';
  bmp[1] = 'M';
  PutLe(bmp, 2, static_cast<uint32_t>(bmp.size()), 4);
  PutLe(bmp, 10, 54, 4);
  PutLe(bmp, 14, 40, 4);
  PutLe(bmp, 18, width, 4);
  PutLe(bmp, 22, static_cast<uint32_t>(top_down ? -height : height), 4);
  PutLe(bmp, 26, 1, 2);
  PutLe(bmp, 28, channels * 8, 2);
  for (int y = 0; y < height; ++y) {
    const int file_row = top_down ? y : height - 1 - y;
    for (int x = 0; x < width; ++x) {
      const uint8_t* p = &pixels[(y * width + x) * channels];
      char* q = &bmp[54 + file_row * row + x * channels];
      q[0] = static_cast<char>(p[2]);  // stored as BGR(A)
      q[1] = static_cast<char>(p[1]);
      q[2] = static_cast<char>(p[0]);
      if (channels == 4) q[3] = static_cast<char>(p[3]);
    }
  }
  return bmp;
}

TEST(DecodeImage, DetectsFormats) {
  EXPECT_EQ(DetectImageFormat("\xff\xd8\xff\xe0"), ImageFormat::kJpeg);
  EXPECT_EQ(DetectImageFormat("\x89PNG\r\n\x1a\nrest"), ImageFormat::kPng);
  EXPECT_EQ(DetectImageFormat("GIF89a"), ImageFormat::kGif);
  EXPECT_EQ(DetectImageFormat("BM...."), ImageFormat::kBmp);
  EXPECT_EQ(DetectImageFormat(absl::string_view("RIFF\x10\0\0\0WEBPVP8 ", 16)), ImageFormat::kWebp);
  EXPECT_EQ(DetectImageFormat("hello"), ImageFormat::kUnknown);
}

TEST(DecodeImage, PngWithEveryDtype) {
  const auto pixels = SyntheticImage(9, 11, 3);
  const std::string png = EncodePngForTest(pixels.data(), 9, 11, 3);
  auto u8 = RunDecode("DecodeImage", png);
  ASSERT_TRUE(u8.ok()) << u8.status();
  EXPECT_TRUE(u8->Identical(Tensor::FromVector<uint8_t>(pixels, TensorShape({9, 11, 3}))));
  auto f32 = RunDecode("DecodeImage", png, tensorflow::DT_FLOAT);
  ASSERT_TRUE(f32.ok()) << f32.status();
  for (size_t i = 0; i < pixels.size(); ++i) {
    ASSERT_NEAR(f32->data<float>()[i], pixels[i] / 255.0, 1e-6);  // via 16 bits: x*257/65535
  }
  auto u16 = RunDecode("DecodeImage", png, tensorflow::DT_UINT16);
  ASSERT_TRUE(u16.ok()) << u16.status();
  EXPECT_EQ(u16->data<uint16_t>()[5], pixels[5] * 257);
}

TEST(DecodeImage, JpegWithEveryDtype) {
  const auto pixels = SyntheticImage(16, 24, 3);
  const std::string jpeg = EncodeJpegForTest(pixels, 16, 24, 3, 90);
  auto u8 = RunDecode("DecodeImage", jpeg);
  ASSERT_TRUE(u8.ok()) << u8.status();
  auto f32 = RunDecode("DecodeImage", jpeg, tensorflow::DT_FLOAT);
  ASSERT_TRUE(f32.ok()) << f32.status();
  auto u16 = RunDecode("DecodeImage", jpeg, tensorflow::DT_UINT16);
  ASSERT_TRUE(u16.ok()) << u16.status();
  for (int64_t i = 0; i < u8->num_elements(); ++i) {
    const int v = u8->data<uint8_t>()[i];
    ASSERT_FLOAT_EQ(f32->data<float>()[i], v * (1.0f / 255));
    ASSERT_EQ(u16->data<uint16_t>()[i], v * 256);  // TF scales 8-bit JPEG samples by 256
  }
}

TEST(DecodeImage, BmpLayouts) {
  for (int channels : {3, 4}) {
    for (bool top_down : {false, true}) {
      const auto pixels = SyntheticImage(5, 7, channels);  // width 7: rows need padding
      const std::string bmp = MakeBmp(pixels, 5, 7, channels, top_down);
      auto out = RunDecode("DecodeBmp", bmp);
      ASSERT_TRUE(out.ok()) << out.status();
      EXPECT_TRUE(
          out->Identical(Tensor::FromVector<uint8_t>(pixels, TensorShape({5, 7, channels}))))
          << channels << " " << top_down;
      auto via_image = RunDecode("DecodeImage", bmp);
      ASSERT_TRUE(via_image.ok()) << via_image.status();
      EXPECT_TRUE(via_image->Identical(*out));
    }
  }
  const auto rgb = SyntheticImage(5, 7, 3);
  auto rgba = RunDecode("DecodeBmp", MakeBmp(rgb, 5, 7, 3, false), tensorflow::DT_UINT8, 4);
  ASSERT_TRUE(rgba.ok()) << rgba.status();
  EXPECT_EQ(rgba->data<uint8_t>()[3], 255);

  std::string truncated = MakeBmp(rgb, 5, 7, 3, false);
  truncated.resize(truncated.size() - 10);
  auto bad = RunDecode("DecodeImage", truncated);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("BMP"), std::string::npos) << bad.status();
  // DecodeJpeg does not read BMP, as in TensorFlow.
  EXPECT_FALSE(RunDecode("DecodeJpeg", MakeBmp(rgb, 5, 7, 3, false)).ok());
}

TEST(DecodeImage, UnsupportedAndUnknownFormats) {
  auto gif = RunDecode("DecodeImage", "GIF89a\x01\x00\x01\x00");
  ASSERT_FALSE(gif.ok());
  EXPECT_EQ(gif.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(gif.status().message().find("GIF"), std::string::npos);
  auto unknown = RunDecode("DecodeImage", "plain text");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("img"), std::string::npos);  // names the node
}

TEST(DecodeImage, RgbHelperForClients) {
  const auto gray = SyntheticImage(6, 8, 1);
  auto from_png = DecodeImageToRgb(EncodePngForTest(gray.data(), 6, 8, 1));
  ASSERT_TRUE(from_png.ok()) << from_png.status();
  EXPECT_EQ(from_png->channels, 3);
  EXPECT_EQ(from_png->data[3 * 5 + 1], gray[5]);
  EXPECT_FALSE(DecodeImageToRgb("nope").ok());
}

}  // namespace
}  // namespace savedserve
