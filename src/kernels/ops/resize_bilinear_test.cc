// ResizeBilinear against values worked out by hand and against an independent
// double-precision evaluation of TF's documented coordinate mappings:
//   legacy:             src = dst * in / out
//   align_corners:      src = dst * (in - 1) / (out - 1)
//   half_pixel_centers: src = (dst + 0.5) * in / out - 0.5
// then neighbours floor(src) (at least 0) and ceil(src) (at most in - 1), weight src - floor.
#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"

namespace savedserve {
namespace {

enum class Mode { kLegacy, kAlignCorners, kHalfPixel };

absl::StatusOr<Tensor> Resize(const Tensor& images, int height, int width, Mode mode) {
  OpRunner runner("ResizeBilinear");
  runner.Attr("align_corners", mode == Mode::kAlignCorners);
  runner.Attr("half_pixel_centers", mode == Mode::kHalfPixel);
  auto out =
      runner.Run({images, Tensor::FromVector<int32_t>(std::vector<int32_t>{height, width}, {2})});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

Tensor Floats(std::vector<float> v, TensorShape shape) {
  return Tensor::FromVector<float>(v, std::move(shape));
}

// The 2x2 image [[0, 1], [2, 3]] (value = 2y + x): every output is 2 * fy + fx where fy, fx
// are the interpolated source coordinates, so expectations are easy to derive by hand.
const Tensor kTwoByTwo = Floats({0, 1, 2, 3}, {1, 2, 2, 1});

TEST(ResizeBilinear, LegacyMappingByHand) {
  // scale 0.5: sources 0, 0.5, 1, 1.5 -> clamped coordinates 0, 0.5, 1, 1.
  auto out = Resize(kTwoByTwo, 4, 4, Mode::kLegacy);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear(
      *out, Floats({0, 0.5, 1, 1, 1, 1.5, 2, 2, 2, 2.5, 3, 3, 2, 2.5, 3, 3}, {1, 4, 4, 1}), 1e-6));
}

TEST(ResizeBilinear, AlignCornersByHand) {
  // scale (2-1)/(3-1) = 0.5: sources 0, 0.5, 1.
  auto out = Resize(kTwoByTwo, 3, 3, Mode::kAlignCorners);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear(*out, Floats({0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3}, {1, 3, 3, 1}), 1e-6));
}

TEST(ResizeBilinear, HalfPixelCentersByHand) {
  // scale 0.5: sources -0.25, 0.25, 0.75, 1.25 -> coordinates 0, 0.25, 0.75, 1.
  auto out = Resize(kTwoByTwo, 4, 4, Mode::kHalfPixel);
  ASSERT_TRUE(out.ok()) << out.status();
  const float f[] = {0, 0.25f, 0.75f, 1};
  std::vector<float> want;
  for (float fy : f) {
    for (float fx : f) want.push_back(2 * fy + fx);
  }
  EXPECT_TRUE(TensorsNear(*out, Floats(want, {1, 4, 4, 1}), 1e-6));
}

// Independent reference: the mapping formulas above, in double precision.
double SourceCoord(int64_t dst, int64_t in, int64_t out, Mode mode) {
  switch (mode) {
    case Mode::kLegacy:
      return dst * static_cast<double>(in) / out;
    case Mode::kAlignCorners:
      return out > 1 ? dst * static_cast<double>(in - 1) / (out - 1) : dst * double(in) / out;
    case Mode::kHalfPixel:
      return (dst + 0.5) * static_cast<double>(in) / out - 0.5;
  }
  return 0;
}

Tensor Reference(const Tensor& in_f, int64_t oh, int64_t ow, Mode mode) {
  const auto& d = in_f.shape().dims();
  const int64_t n = d[0], h = d[1], w = d[2], c = d[3];
  Tensor out(tensorflow::DT_FLOAT, TensorShape({n, oh, ow, c}));
  auto at = [&](int64_t b, int64_t y, int64_t x, int64_t k) {
    return static_cast<double>(in_f.data<float>()[((b * h + y) * w + x) * c + k]);
  };
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t y = 0; y < oh; ++y) {
      const double sy = SourceCoord(y, h, oh, mode);
      const int64_t y0 = std::max<int64_t>(std::floor(sy), 0);
      const int64_t y1 = std::min<int64_t>(std::ceil(sy), h - 1);
      const double fy = sy - std::floor(sy);
      for (int64_t x = 0; x < ow; ++x) {
        const double sx = SourceCoord(x, w, ow, mode);
        const int64_t x0 = std::max<int64_t>(std::floor(sx), 0);
        const int64_t x1 = std::min<int64_t>(std::ceil(sx), w - 1);
        const double fx = sx - std::floor(sx);
        for (int64_t k = 0; k < c; ++k) {
          const double top = at(b, y0, x0, k) * (1 - fx) + at(b, y0, x1, k) * fx;
          const double bottom = at(b, y1, x0, k) * (1 - fx) + at(b, y1, x1, k) * fx;
          out.data<float>()[((b * oh + y) * ow + x) * c + k] =
              static_cast<float>(top * (1 - fy) + bottom * fy);
        }
      }
    }
  }
  return out;
}

Tensor ToFloat(const Tensor& t) {
  Tensor f(tensorflow::DT_FLOAT, t.shape());
  for (int64_t i = 0; i < t.num_elements(); ++i) f.data<float>()[i] = t.data<uint8_t>()[i];
  return f;
}

TEST(ResizeBilinear, MatchesIndependentReferenceOverShapesAndModes) {
  const Tensor u8 = RandomTensor(tensorflow::DT_UINT8, TensorShape({2, 5, 7, 3}), 7, 0, 256);
  const Tensor f32 = RandomTensor(tensorflow::DT_FLOAT, TensorShape({2, 5, 7, 3}), 8, -2, 2);
  const std::pair<int, int> sizes[] = {{3, 4}, {11, 13}, {5, 7}, {1, 1}, {10, 3}};
  for (Mode mode : {Mode::kLegacy, Mode::kAlignCorners, Mode::kHalfPixel}) {
    for (auto [oh, ow] : sizes) {
      SCOPED_TRACE(::testing::Message()
                   << "mode " << static_cast<int>(mode) << " size " << oh << "x" << ow);
      auto a = Resize(u8, oh, ow, mode);
      ASSERT_TRUE(a.ok()) << a.status();
      EXPECT_TRUE(TensorsNear(*a, Reference(ToFloat(u8), oh, ow, mode), 1e-5));
      auto b = Resize(f32, oh, ow, mode);
      ASSERT_TRUE(b.ok()) << b.status();
      EXPECT_TRUE(TensorsNear(*b, Reference(f32, oh, ow, mode), 1e-5));
    }
  }
}

TEST(ResizeBilinear, SameSizeLegacyIsIdentity) {
  const Tensor f32 = RandomTensor(tensorflow::DT_FLOAT, TensorShape({1, 4, 6, 2}), 3);
  auto out = Resize(f32, 4, 6, Mode::kLegacy);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->Identical(f32));
}

TEST(ResizeBilinear, InvalidArgumentsAreErrors) {
  OpRunner both("ResizeBilinear");
  both.Attr("align_corners", true).Attr("half_pixel_centers", true);
  auto out = both.Run({kTwoByTwo, Tensor::FromVector<int32_t>(std::vector<int32_t>{2, 2}, {2})});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("align_corners"), std::string::npos);

  EXPECT_FALSE(Resize(kTwoByTwo, 0, 3, Mode::kLegacy).ok());
  // TF wants at least one channel.
  EXPECT_FALSE(
      Resize(Tensor(tensorflow::DT_FLOAT, TensorShape({1, 2, 2, 0})), 3, 3, Mode::kLegacy).ok());
  EXPECT_FALSE(Resize(Floats({1, 2, 3, 4}, {2, 2, 1}), 3, 3, Mode::kLegacy).ok());  // 3-D
  OpRunner runner("ResizeBilinear");
  EXPECT_FALSE(
      runner.Run({kTwoByTwo, Tensor::FromVector<int32_t>(std::vector<int32_t>{2, 2, 2}, {3})})
          .ok());
}

}  // namespace
}  // namespace savedserve
