// CropAndResize on a 3x3 ramp image (value = 3y + x, so bilinear samples equal 3*y + x at
// the fractional source coordinates), with expectations worked out by hand from the
// mapping src = y1 * (H - 1) + i * (y2 - y1) * (H - 1) / (crop - 1).
#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"

namespace savedserve {
namespace {

Tensor Ramp(DataType dtype = tensorflow::DT_FLOAT) {
  Tensor t(dtype, TensorShape({1, 3, 3, 1}));
  for (int i = 0; i < 9; ++i) {
    if (dtype == tensorflow::DT_UINT8) {
      t.data<uint8_t>()[i] = static_cast<uint8_t>(i);
    } else {
      t.data<float>()[i] = static_cast<float>(i);
    }
  }
  return t;
}

absl::StatusOr<Tensor> Crop(const std::vector<float>& box, int h, int w,
                            const char* method = "bilinear", const Tensor& image = Ramp(),
                            int index = 0) {
  OpRunner runner("CropAndResize", "crop");
  runner.Attr("method", method).Attr("extrapolation_value", -7.0f);
  auto out = runner.Run({image, Tensor::FromVector<float>(box, TensorShape({1, 4})),
                         Tensor::FromVector<int32_t>(std::vector<int32_t>{index}, {1}),
                         Tensor::FromVector<int32_t>(std::vector<int32_t>{h, w}, {2})});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

Tensor Expect(std::vector<float> v, int h, int w) {
  return Tensor::FromVector<float>(v, TensorShape({1, h, w, 1}));
}

TEST(CropAndResize, BilinearByHand) {
  auto whole = Crop({0, 0, 1, 1}, 3, 3);
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_TRUE(TensorsNear(*whole, Expect({0, 1, 2, 3, 4, 5, 6, 7, 8}, 3, 3), 1e-6));

  auto corner = Crop({0, 0, 0.5f, 0.5f}, 2, 2);  // sources 0 and 1
  ASSERT_TRUE(corner.ok());
  EXPECT_TRUE(TensorsNear(*corner, Expect({0, 1, 3, 4}, 2, 2), 1e-6));

  auto inner = Crop({0.25f, 0.25f, 0.75f, 0.75f}, 2, 2);  // sources 0.5 and 1.5
  ASSERT_TRUE(inner.ok());
  EXPECT_TRUE(TensorsNear(*inner, Expect({2, 3, 5, 6}, 2, 2), 1e-6));

  auto flipped = Crop({1, 1, 0, 0}, 3, 3);
  ASSERT_TRUE(flipped.ok());
  EXPECT_TRUE(TensorsNear(*flipped, Expect({8, 7, 6, 5, 4, 3, 2, 1, 0}, 3, 3), 1e-6));

  auto centre = Crop({0, 0, 1, 1}, 1, 1);  // a 1x1 crop samples the box centre (1, 1)
  ASSERT_TRUE(centre.ok());
  EXPECT_TRUE(TensorsNear(*centre, Expect({4}, 1, 1), 1e-6));

  auto u8 = Crop({0.25f, 0.25f, 0.75f, 0.75f}, 2, 2, "bilinear", Ramp(tensorflow::DT_UINT8));
  ASSERT_TRUE(u8.ok()) << u8.status();
  EXPECT_TRUE(TensorsNear(*u8, Expect({2, 3, 5, 6}, 2, 2), 1e-6));
}

TEST(CropAndResize, ExtrapolatesOutsideTheImage) {
  auto out = Crop({-1, 0, 0, 1}, 2, 2);  // rows at source -2 (outside) and 0
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear(*out, Expect({-7, -7, 0, 2}, 2, 2), 1e-6));
}

TEST(CropAndResize, NearestRoundsHalfAwayFromZero) {
  auto out = Crop({0, 0, 0.5f, 0.5f}, 3, 3, "nearest");  // sources 0, 0.5, 1 -> 0, 1, 1
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear(*out, Expect({0, 1, 1, 3, 4, 4, 3, 4, 4}, 3, 3), 0));
}

TEST(CropAndResize, InvalidInputsAreErrors) {
  auto bad_index = Crop({0, 0, 1, 1}, 2, 2, "bilinear", Ramp(), 1);
  ASSERT_FALSE(bad_index.ok());
  EXPECT_EQ(bad_index.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_FALSE(Crop({0, 0, NAN, 1}, 2, 2).ok());
  EXPECT_FALSE(Crop({0, 0, 1, 1}, 0, 2).ok());
  EXPECT_FALSE(Crop({0, 0, 1, 1}, 2, 2, "bicubic").ok());
}

}  // namespace
}  // namespace savedserve
