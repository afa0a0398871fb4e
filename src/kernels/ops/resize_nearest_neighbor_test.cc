// ResizeNearestNeighbor against source indices worked out by hand from TF's mappings
// (resize_nearest_neighbor.cc's header), in every mode, for up- and downscaling, several
// dtypes, batches and channels. TF.js is the independent oracle in tests/tfjs.
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/address_space_cap.h"
#include "kernels/kernel_testing.h"

namespace savedserve {
namespace {

enum class Mode { kLegacy, kAlignCorners, kHalfPixel };

absl::StatusOr<Tensor> Resize(const Tensor& images, int height, int width, Mode mode) {
  OpRunner runner("ResizeNearestNeighbor");
  runner.Attr("T", images.dtype());
  runner.Attr("align_corners", mode == Mode::kAlignCorners);
  runner.Attr("half_pixel_centers", mode == Mode::kHalfPixel);
  auto out =
      runner.Run({images, Tensor::FromVector<int32_t>(std::vector<int32_t>{height, width}, {2})});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

// An image whose every element names its own coordinates: 1000 b + 100 y + 10 x + c.
template <typename T>
Tensor Coded(int64_t batch, int64_t height, int64_t width, int64_t channels) {
  std::vector<T> v;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t y = 0; y < height; ++y)
      for (int64_t x = 0; x < width; ++x)
        for (int64_t c = 0; c < channels; ++c)
          v.push_back(static_cast<T>(1000 * b + 100 * y + 10 * x + c));
  return Tensor::FromVector<T>(v, TensorShape({batch, height, width, channels}));
}

// The coded output of picking rows `ys` and columns `xs` of a Coded image.
template <typename T>
std::vector<T> Picked(int64_t batch, const std::vector<int>& ys, const std::vector<int>& xs,
                      int64_t channels) {
  std::vector<T> v;
  for (int64_t b = 0; b < batch; ++b)
    for (int y : ys)
      for (int x : xs)
        for (int64_t c = 0; c < channels; ++c)
          v.push_back(static_cast<T>(1000 * b + 100 * y + 10 * x + c));
  return v;
}

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

struct Case {
  int in_h, in_w, out_h, out_w;
  Mode mode;
  std::vector<int> ys, xs;  // by hand
};

// scale = in / out (align_corners: (in - 1) / (out - 1)); see the kernel's header.
const std::vector<Case>& Cases() {
  static const auto* cases = new std::vector<Case>{
      // 2 -> 4, scale 0.5: floor(0, .5, 1, 1.5); half-pixel floor(.25, .75, 1.25, 1.75).
      {2, 2, 4, 4, Mode::kLegacy, {0, 0, 1, 1}, {0, 0, 1, 1}},
      {2, 2, 4, 4, Mode::kHalfPixel, {0, 0, 1, 1}, {0, 0, 1, 1}},
      // 2 -> 3 aligned, scale 0.5: round(0, .5, 1) with halves away from zero.
      {2, 2, 3, 3, Mode::kAlignCorners, {0, 1, 1}, {0, 1, 1}},
      // 4 -> 2, scale 2: legacy floor(0, 2); half-pixel floor(1, 3); aligned scale 3: round(0, 3).
      {4, 4, 2, 2, Mode::kLegacy, {0, 2}, {0, 2}},
      {4, 4, 2, 2, Mode::kHalfPixel, {1, 3}, {1, 3}},
      {4, 4, 2, 2, Mode::kAlignCorners, {0, 3}, {0, 3}},
      // 3 -> 5, scale 0.6: legacy floor(0, .6, 1.2, 1.8, 2.4); half-pixel floor(.3, .9, 1.5,
      // 2.1, 2.7); aligned scale 0.5: round(0, .5, 1, 1.5, 2).
      {3, 3, 5, 5, Mode::kLegacy, {0, 0, 1, 1, 2}, {0, 0, 1, 1, 2}},
      {3, 3, 5, 5, Mode::kHalfPixel, {0, 0, 1, 2, 2}, {0, 0, 1, 2, 2}},
      {3, 3, 5, 5, Mode::kAlignCorners, {0, 1, 1, 2, 2}, {0, 1, 1, 2, 2}},
      // Rows and columns differ: 5 -> 2 (scale 2.5) by 2 -> 3 (scale 2/3).
      {5, 2, 2, 3, Mode::kLegacy, {0, 2}, {0, 0, 1}},
      {5, 2, 2, 3, Mode::kHalfPixel, {1, 3}, {0, 1, 1}},
      {5, 2, 2, 3, Mode::kAlignCorners, {0, 4}, {0, 1, 1}},
      // To 1x1: aligned falls back to scale in / out, picking the first pixel.
      {3, 4, 1, 1, Mode::kAlignCorners, {0}, {0}},
      {3, 4, 1, 1, Mode::kHalfPixel, {1}, {2}},
  };
  return *cases;
}

template <typename T>
void CheckAll(DataType dtype) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(::testing::Message()
                 << DataTypeName(dtype) << " " << c.in_h << "x" << c.in_w << "->" << c.out_h << "x"
                 << c.out_w << " mode " << static_cast<int>(c.mode));
    auto out = Resize(Coded<T>(2, c.in_h, c.in_w, 3), c.out_h, c.out_w, c.mode);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->dtype(), dtype);
    EXPECT_EQ(out->shape(), TensorShape({2, c.out_h, c.out_w, 3}));
    EXPECT_EQ(Values<T>(*out), Picked<T>(2, c.ys, c.xs, 3));
  }
}

TEST(ResizeNearestNeighbor, PicksTensorFlowsSourcePixels) {
  CheckAll<float>(tensorflow::DT_FLOAT);
  CheckAll<int32_t>(tensorflow::DT_INT32);
  CheckAll<int64_t>(tensorflow::DT_INT64);
  CheckAll<double>(tensorflow::DT_DOUBLE);
  CheckAll<int16_t>(tensorflow::DT_INT16);
}

TEST(ResizeNearestNeighbor, Uint8KeepsItsType) {
  Tensor img = Tensor::FromVector<uint8_t>(std::vector<uint8_t>{10, 20, 30, 40}, {1, 2, 2, 1});
  auto out = Resize(img, 4, 4, Mode::kHalfPixel);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<uint8_t>(*out), (std::vector<uint8_t>{10, 10, 20, 20, 10, 10, 20, 20,  //
                                                         30, 30, 40, 40, 30, 30, 40, 40}));
}

TEST(ResizeNearestNeighbor, RefusesIndexTablesTooLargeToAllocate) {
  // A 1x2^29 uint8 output (512 MiB) needs a 4 GiB column index table: with 1 GiB of address
  // space to spare that is ResourceExhausted, not an escaping bad_alloc (kernel_fuzz_test).
  ScopedAddressSpaceCap cap(size_t{1} << 30);
  if (!cap.active()) GTEST_SKIP() << "no address-space cap (sanitizer build)";
  auto out = Resize(Tensor(tensorflow::DT_UINT8, TensorShape{1, 1, 1, 1}), 1, 1 << 29,
                    Mode::kLegacy);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kResourceExhausted) << out.status();
}

TEST(ResizeNearestNeighbor, InvalidArgumentsAreErrors) {
  const Tensor img = Coded<float>(1, 2, 2, 1);
  OpRunner both("ResizeNearestNeighbor");
  both.Attr("align_corners", true).Attr("half_pixel_centers", true);
  EXPECT_FALSE(both.Run({img, Tensor::FromVector<int32_t>(std::vector<int32_t>{2, 2}, {2})}).ok());
  EXPECT_FALSE(Resize(img, 0, 3, Mode::kLegacy).ok());
  EXPECT_FALSE(Resize(Coded<float>(1, 2, 0, 1), 3, 3, Mode::kLegacy).ok());  // empty image
  EXPECT_FALSE(Resize(Coded<float>(1, 2, 2, 0), 3, 3, Mode::kLegacy).ok());  // no channels
  EXPECT_FALSE(Resize(Tensor::FromVector<float>(std::vector<float>{1, 2, 3, 4}, {2, 2, 1}), 3, 3,
                      Mode::kLegacy)
                   .ok());  // 3-D
  OpRunner three("ResizeNearestNeighbor");
  EXPECT_FALSE(
      three.Run({img, Tensor::FromVector<int32_t>(std::vector<int32_t>{2, 2, 2}, {3})}).ok());
  Tensor strings(tensorflow::DT_STRING, TensorShape({1, 1, 1, 1}));
  EXPECT_FALSE(Resize(strings, 2, 2, Mode::kLegacy).ok());
  // An empty batch is fine.
  auto empty = Resize(Coded<float>(0, 2, 2, 1), 3, 3, Mode::kLegacy);
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->shape(), TensorShape({0, 3, 3, 1}));
}

}  // namespace
}  // namespace savedserve
