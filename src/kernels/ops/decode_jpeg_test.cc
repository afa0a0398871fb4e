// DecodeJpeg: round trips through an independent libjpeg encoder, the real sample photo,
// truncated files and a few hundred seeded corruptions (which must fail cleanly, never
// crash).
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/image_test_util.h"
#include "kernels/ops/image_util.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

using testing::EncodeJpegForTest;
using testing::StringScalar;
using testing::SyntheticImage;

constexpr int kHeight = 48, kWidth = 64;

// A DecodeJpeg runner (OpRunner is not movable, hence the pointer).
std::unique_ptr<OpRunner> Jpeg(int channels = 0) {
  auto runner = std::make_unique<OpRunner>("DecodeJpeg", "decode");
  runner->Attr("channels", channels);
  return runner;
}

absl::StatusOr<Tensor> RunDecodeJpeg(const std::string& bytes,
                                     const std::unique_ptr<OpRunner>& runner) {
  auto out = runner->Run({StringScalar(bytes)});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

// Mean and max absolute difference between decoded samples and the original.
std::pair<double, int> Error(const Tensor& decoded, const std::vector<uint8_t>& original) {
  double sum = 0;
  int worst = 0;
  for (size_t i = 0; i < original.size(); ++i) {
    const int d = std::abs(int{decoded.data<uint8_t>()[i]} - int{original[i]});
    sum += d;
    worst = std::max(worst, d);
  }
  return {sum / original.size(), worst};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(DecodeJpeg, RgbRoundTripAtQuality100) {
  const auto pixels = SyntheticImage(kHeight, kWidth, 3);
  const std::string jpeg = EncodeJpegForTest(pixels, kHeight, kWidth, 3, 100);
  for (const char* dct : {"INTEGER_ACCURATE", "INTEGER_FAST", ""}) {
    auto runner = Jpeg(0);
    runner->Attr("dct_method", dct);
    auto out = RunDecodeJpeg(jpeg, runner);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->dtype(), tensorflow::DT_UINT8);
    EXPECT_EQ(out->shape(), TensorShape({kHeight, kWidth, 3}));
    auto [mean, worst] = Error(*out, pixels);
    EXPECT_LT(mean, 1.5) << dct;
    // The fast integer IDCT (TF's default) is a little less exact than the accurate one.
    EXPECT_LE(worst, std::string(dct) == "INTEGER_ACCURATE" ? 6 : 16) << dct;
  }
}

TEST(DecodeJpeg, GrayscaleAndChannelConversions) {
  const auto gray = SyntheticImage(kHeight, kWidth, 1);
  const std::string jpeg = EncodeJpegForTest(gray, kHeight, kWidth, 1, 100);
  auto as_stored = RunDecodeJpeg(jpeg, Jpeg(0));
  ASSERT_TRUE(as_stored.ok()) << as_stored.status();
  EXPECT_EQ(as_stored->shape(), TensorShape({kHeight, kWidth, 1}));
  EXPECT_LT(Error(*as_stored, gray).first, 1.0);

  auto rgb = RunDecodeJpeg(jpeg, Jpeg(3));
  ASSERT_TRUE(rgb.ok()) << rgb.status();
  ASSERT_EQ(rgb->shape(), TensorShape({kHeight, kWidth, 3}));
  for (int64_t i = 0; i < kHeight * kWidth; ++i) {
    const uint8_t* p = rgb->data<uint8_t>() + 3 * i;
    ASSERT_EQ(p[0], p[1]);
    ASSERT_EQ(p[1], p[2]);
  }

  const auto color = SyntheticImage(kHeight, kWidth, 3);
  auto to_gray = RunDecodeJpeg(EncodeJpegForTest(color, kHeight, kWidth, 3, 95), Jpeg(1));
  ASSERT_TRUE(to_gray.ok()) << to_gray.status();
  EXPECT_EQ(to_gray->shape(), TensorShape({kHeight, kWidth, 1}));
}

TEST(DecodeJpeg, RatioScalesWhileDecoding) {
  const auto pixels = SyntheticImage(kHeight, kWidth, 3);
  const std::string jpeg = EncodeJpegForTest(pixels, kHeight, kWidth, 3, 90);
  for (int ratio : {2, 4, 8}) {
    auto runner = Jpeg(3);
    runner->Attr("ratio", ratio);
    auto out = RunDecodeJpeg(jpeg, runner);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->shape(),
              TensorShape({(kHeight + ratio - 1) / ratio, (kWidth + ratio - 1) / ratio, 3}));
  }
  auto bad = Jpeg(3);
  bad->Attr("ratio", 3);
  EXPECT_FALSE(RunDecodeJpeg(jpeg, bad).ok());
}

TEST(DecodeJpeg, SamplePhoto) {
  SS_REQUIRE_TESTDATA();
  const std::string jpeg = ReadFile(testdata + "/images/faces-sample1.jpg");
  ASSERT_FALSE(jpeg.empty());
  auto out = RunDecodeJpeg(jpeg, Jpeg(3));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({1280, 1920, 3}));
  double mean = 0;
  for (int64_t i = 0; i < out->num_elements(); ++i) mean += out->data<uint8_t>()[i];
  mean /= out->num_elements();
  EXPECT_GT(mean, 20);  // a real photo, not a blank buffer
  EXPECT_LT(mean, 235);

  auto eighth = Jpeg(0);
  eighth->Attr("ratio", 8);
  auto small = RunDecodeJpeg(jpeg, eighth);
  ASSERT_TRUE(small.ok()) << small.status();
  EXPECT_EQ(small->shape(), TensorShape({160, 240, 3}));

  auto rgb = DecodeImageToRgb(jpeg);  // the helper `savedserve detect` uses
  ASSERT_TRUE(rgb.ok()) << rgb.status();
  EXPECT_EQ(rgb->height, 1280);
  EXPECT_EQ(rgb->width, 1920);
  EXPECT_EQ(rgb->channels, 3);
}

TEST(DecodeJpeg, TruncatedFiles) {
  const auto pixels = SyntheticImage(128, 96, 3);
  const std::string jpeg = EncodeJpegForTest(pixels, 128, 96, 3, 90);
  const std::string cut = jpeg.substr(0, jpeg.size() * 6 / 10);

  auto strict = RunDecodeJpeg(cut, Jpeg(3));
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(strict.status().message().find("truncated"), std::string::npos) << strict.status();
  EXPECT_NE(strict.status().message().find("decode"), std::string::npos);  // node name

  auto lenient = Jpeg(3);
  lenient->Attr("acceptable_fraction", 0.2f);
  auto partial = RunDecodeJpeg(cut, lenient);
  ASSERT_TRUE(partial.ok()) << partial.status();
  EXPECT_EQ(partial->shape(), TensorShape({128, 96, 3}));
  EXPECT_EQ(partial->data<uint8_t>()[partial->num_elements() - 1], 0);  // missing rows: zero

  auto recover = Jpeg(3);
  recover->Attr("try_recover_truncated", true);
  auto recovered = RunDecodeJpeg(cut, recover);
  ASSERT_TRUE(recovered.ok()) << recovered.status();
  EXPECT_EQ(recovered->shape(), TensorShape({128, 96, 3}));

  auto header_only = RunDecodeJpeg(jpeg.substr(0, 20), Jpeg(3));
  ASSERT_FALSE(header_only.ok());
  EXPECT_NE(header_only.status().message().find("truncated"), std::string::npos);
}

TEST(DecodeJpeg, SeededCorruptionsNeverCrash) {
  const auto pixels = SyntheticImage(40, 56, 3);
  const std::string jpeg = EncodeJpegForTest(pixels, 40, 56, 3, 85);
  std::mt19937 rng(12345);
  int failures = 0;
  for (int trial = 0; trial < 400; ++trial) {
    std::string data = jpeg;
    switch (trial % 4) {
      case 0:
        data.resize(rng() % data.size());
        break;  // truncation
      case 1:   // bit flips
        for (int k = 0; k < 1 + static_cast<int>(rng() % 8); ++k) {
          data[rng() % data.size()] ^= static_cast<char>(1 << (rng() % 8));
        }
        break;
      case 2:  // random bytes over a header-sized prefix
        for (int k = 0; k < 4; ++k) data[rng() % std::min<size_t>(data.size(), 200)] = rng();
        break;
      default:  // a removed chunk
        data.erase(rng() % data.size(), 1 + rng() % 64);
        break;
    }
    auto runner = Jpeg(trial % 2 == 0 ? 0 : 3);
    runner->Attr("try_recover_truncated", trial % 3 == 0);
    auto out = RunDecodeJpeg(data, runner);
    if (!out.ok()) {
      ++failures;
      EXPECT_TRUE(out.status().code() == absl::StatusCode::kInvalidArgument ||
                  out.status().code() == absl::StatusCode::kResourceExhausted)
          << out.status();
      EXPECT_FALSE(out.status().message().empty());
    } else {
      EXPECT_EQ(out->shape().rank(), 3);
    }
  }
  EXPECT_GT(failures, 50);  // corruption is mostly detected
}

TEST(DecodeJpeg, BadInputsAreErrors) {
  EXPECT_FALSE(RunDecodeJpeg("", Jpeg(3)).ok());
  EXPECT_FALSE(RunDecodeJpeg("definitely not an image", Jpeg(3)).ok());
  auto four = Jpeg(4);
  const auto pixels = SyntheticImage(8, 8, 3);
  auto out = RunDecodeJpeg(EncodeJpegForTest(pixels, 8, 8, 3, 90), four);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("4 channels"), std::string::npos);
  auto runner = Jpeg(3);
  Tensor vector(tensorflow::DT_STRING, TensorShape({1}));
  EXPECT_FALSE(runner->Run({vector}).ok());
  auto bad_channels = Jpeg(2);
  EXPECT_FALSE(bad_channels->Run({StringScalar("x")}).ok());
}

}  // namespace
}  // namespace savedserve
