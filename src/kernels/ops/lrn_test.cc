// LRN against values worked by hand and a direct double-precision evaluation of TF's
// definition (lrn.cc's header): a window sum per element rather than the kernel's prefix sums.
#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"

namespace savedserve {
namespace {

struct Params {
  int depth_radius = 5;
  float bias = 1, alpha = 1, beta = 0.5f;
};

absl::StatusOr<Tensor> Lrn(const Tensor& x, const Params& p) {
  OpRunner r("LRN");
  r.Attr("T", x.dtype()).Attr("depth_radius", p.depth_radius).Attr("bias", p.bias);
  r.Attr("alpha", p.alpha).Attr("beta", p.beta);
  auto out = r.Run({x});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

Tensor Direct(const Tensor& x, const Params& p) {
  const int64_t depth = x.shape().dim(3);
  Tensor y(tensorflow::DT_FLOAT, x.shape());
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    const int64_t d = i % depth, row = i - d;
    double sum = 0;
    for (int64_t j = d - p.depth_radius; j <= d + p.depth_radius; ++j) {
      if (j < 0 || j >= depth) continue;
      const double v = x.data<float>()[row + j];
      sum += v * v;
    }
    y.data<float>()[i] =
        static_cast<float>(x.data<float>()[i] / std::pow(p.bias + p.alpha * sum, p.beta));
  }
  return y;
}

TEST(Lrn, HandComputed) {
  const Tensor x = Tensor::FromVector<float>(std::vector<float>{1, 2, 3}, {1, 1, 1, 3});
  // Radius 1, bias 1, alpha 1, beta 1: windows {1,2}, {1,2,3}, {2,3} -> 5, 14, 13.
  auto y = Lrn(x, {1, 1, 1, 1});
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_TRUE(TensorsNear(
      *y,
      Tensor::FromVector<float>(std::vector<float>{1 / 6.0f, 2 / 15.0f, 3 / 14.0f}, {1, 1, 1, 3}),
      1e-6));
  // The defaults (radius 5, bias 1, alpha 1, beta 0.5) over [3, 4]: x / sqrt(26).
  auto d = Lrn(Tensor::FromVector<float>(std::vector<float>{3, 4}, {1, 1, 1, 2}), Params{});
  ASSERT_TRUE(d.ok()) << d.status();
  const float s = std::sqrt(26.0f);
  EXPECT_TRUE(TensorsNear(
      *d, Tensor::FromVector<float>(std::vector<float>{3 / s, 4 / s}, {1, 1, 1, 2}), 1e-6));
}

TEST(Lrn, MatchesDirectEvaluation) {
  const std::vector<Params> params = {
      {5, 1, 1, 0.5f}, {2, 2, 1e-4f, 0.75f}, {0, 1, 0.5f, 1}, {20, 0.5f, 0.1f, 0.25f}};
  uint32_t seed = 1;
  for (const Params& p : params) {
    for (const TensorShape& shape : {TensorShape({2, 3, 4, 7}), TensorShape({1, 5, 5, 32})}) {
      SCOPED_TRACE(::testing::Message()
                   << "radius " << p.depth_radius << " " << shape.DebugString());
      const Tensor x = RandomTensor(tensorflow::DT_FLOAT, shape, seed++, -3, 3);
      auto y = Lrn(x, p);
      ASSERT_TRUE(y.ok()) << y.status();
      EXPECT_TRUE(TensorsNear(*y, Direct(x, p), 1e-6));
    }
  }
}

TEST(Lrn, HalfAndErrors) {
  const Tensor h =
      Tensor::FromVector<Half>(std::vector<Half>{FloatToHalf(3), FloatToHalf(4)}, {1, 1, 1, 2});
  auto y = Lrn(h, Params{});
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(y->dtype(), tensorflow::DT_HALF);
  EXPECT_NEAR(HalfToFloat(y->data<Half>()[1]), 4 / std::sqrt(26.0f), 1e-3);
  EXPECT_FALSE(Lrn(Tensor(tensorflow::DT_FLOAT, TensorShape({2, 3, 4})), Params{}).ok());
  EXPECT_FALSE(Lrn(Tensor(tensorflow::DT_FLOAT, TensorShape({1, 1, 1, 2})), {-1, 1, 1, 1}).ok());
  EXPECT_FALSE(Lrn(Tensor(tensorflow::DT_INT32, TensorShape({1, 1, 1, 2})), Params{}).ok());
  auto empty = Lrn(Tensor(tensorflow::DT_FLOAT, TensorShape({0, 2, 2, 3})), Params{});
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->shape(), TensorShape({0, 2, 2, 3}));
}

}  // namespace
}  // namespace savedserve
