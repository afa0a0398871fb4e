// Reference Conv2DBackpropInput checked by hand, against a scatter formulation of TF's
// definition in double precision (every out_backprop element spread through the filter onto
// the input pixels its forward window covered), and against the forward convolution by the
// adjoint identity <conv2d(x, w), dy> == <x, conv2d_backprop_input(dy, w)>, with the forward
// convolution computed independently (nn_testing::Im2ColConv2D).
#include "kernels/ops/conv2d_backprop_input.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/nn_test_util.h"

namespace savedserve {
namespace {

using nn_testing::CaseGeometry;
using nn_testing::Floats;
using nn_testing::InputSizes;
using nn_testing::Values;
using nn_testing::WindowCase;
constexpr auto kRef = KernelVariant::kReference;

Tensor Sizes(const std::vector<int32_t>& v) {
  return Tensor::FromVector<int32_t>(v, TensorShape({static_cast<int64_t>(v.size())}));
}

absl::StatusOr<Tensor> BackpropInput(const WindowCase& c, const Tensor& input_sizes,
                                     const Tensor& filter, const Tensor& dy,
                                     KernelVariant variant = kRef) {
  OpRunner r("Conv2DBackpropInput");
  nn_testing::SetWindowAttrs(r, c, /*dilations=*/true);
  auto out = r.Run({input_sizes, filter, dy}, variant);
  if (!out.ok()) return out.status();
  return (*out)[0];
}

// TF's definition as a scatter: dx[n, o*s - p + k*d] += w[k] . dy[n, o], in double.
Tensor ScatterBackpropInput(const Tensor& dy, const Tensor& filter, const WindowGeometry& g) {
  std::vector<double> dx(g.batch * g.in_h * g.in_w * g.in_c, 0.0);
  const float* w = filter.data<float>();
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t oy = 0; oy < g.out_h; ++oy)
      for (int64_t ox = 0; ox < g.out_w; ++ox)
        for (int64_t ky = 0; ky < g.window_h; ++ky)
          for (int64_t kx = 0; kx < g.window_w; ++kx) {
            const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
            const int64_t ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
            if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w) continue;
            for (int64_t c = 0; c < g.in_c; ++c)
              for (int64_t o = 0; o < g.out_c; ++o)
                dx[((n * g.in_h + iy) * g.in_w + ix) * g.in_c + c] +=
                    static_cast<double>(w[((ky * g.window_w + kx) * g.in_c + c) * g.out_c + o]) *
                    dy.data<float>()[((n * g.out_h + oy) * g.out_w + ox) * g.out_c + o];
          }
  Tensor out(tensorflow::DT_FLOAT, TensorShape({g.batch, g.in_h, g.in_w, g.in_c}));
  for (size_t i = 0; i < dx.size(); ++i) out.data<float>()[i] = static_cast<float>(dx[i]);
  return out;
}

double Dot(const Tensor& a, const Tensor& b) {
  double sum = 0;
  for (int64_t i = 0; i < a.num_elements(); ++i)
    sum += static_cast<double>(a.data<float>()[i]) * b.data<float>()[i];
  return sum;
}

TEST(Conv2DBackpropInputReference, HandComputedStride2Valid) {
  // Each out_backprop pixel paints its own 2x2 block: dx[2y + ky, 2x + kx] = dy[y, x] * w[ky, kx].
  WindowCase c{1, 4, 4, 1, 2, 2, 1, 2, 2, 1, 1, "VALID"};
  auto dx = BackpropInput(c, InputSizes(c), Floats({2, 2, 1, 1}, {1, 10, 100, 1000}),
                          Floats({1, 2, 2, 1}, {1, 2, 3, 4}));
  ASSERT_TRUE(dx.ok()) << dx.status();
  EXPECT_EQ(Values(*dx), (std::vector<float>{1, 10, 2, 20, 100, 1000, 200, 2000,  //
                                             3, 30, 4, 40, 300, 3000, 400, 4000}));
}

TEST(Conv2DBackpropInputReference, HandComputedSameStride1) {
  // 3x3 input, 2x2 filter, SAME pads one row below and one column right (as in Conv2D's
  // hand-computed test), so dx[i, j] = sum over taps of w[ky, kx] * dy[i - ky, j - kx].
  WindowCase c{1, 3, 3, 1, 2, 2, 1, 1, 1, 1, 1, "SAME"};
  auto dx = BackpropInput(c, InputSizes(c), Floats({2, 2, 1, 1}, {1, 2, 3, 4}),
                          Floats({1, 3, 3, 1}, {1, 0, 0, 0, 0, 0, 0, 0, 1}));
  ASSERT_TRUE(dx.ok()) << dx.status();
  // dy[0,0] = 1 paints w at (0,0); dy[2,2] = 1 reaches only dx[2,2] through w[0,0].
  EXPECT_EQ(Values(*dx), (std::vector<float>{1, 2, 0, 3, 4, 0, 0, 0, 1}));
  auto dx2 = BackpropInput(c, InputSizes(c), Floats({2, 2, 1, 1}, {1, 2, 3, 4}),
                           Floats({1, 3, 3, 1}, {0, 0, 0, 0, 1, 0, 0, 0, 0}));
  ASSERT_TRUE(dx2.ok()) << dx2.status();
  EXPECT_EQ(Values(*dx2), (std::vector<float>{0, 0, 0, 0, 1, 2, 0, 3, 4}));
}

// Odd sizes, strides 1/2/3, SAME/VALID/EXPLICIT, dilations, batch 1 and N; SAME stride 2
// over 7 and 8 pixels gives the same out_backprop, so input_sizes decides.
const std::vector<WindowCase>& Cases() {
  static const auto* cases = new std::vector<WindowCase>{
      {1, 7, 9, 3, 3, 3, 5, 1, 1, 1, 1, "SAME"},
      {2, 8, 8, 4, 3, 3, 6, 2, 2, 1, 1, "SAME"},
      {2, 7, 7, 4, 3, 3, 6, 2, 2, 1, 1, "SAME"},
      {1, 9, 8, 3, 4, 4, 2, 2, 2, 1, 1, "SAME"},
      {1, 11, 10, 3, 5, 5, 4, 3, 2, 1, 1, "VALID"},
      {3, 12, 12, 5, 2, 2, 3, 2, 2, 1, 1, "VALID"},
      {1, 13, 13, 2, 3, 3, 3, 1, 1, 2, 3, "SAME"},
      {2, 9, 7, 5, 3, 2, 3, 2, 1, 1, 2, "EXPLICIT", {1, 2, 0, 3}},
      {1, 5, 5, 7, 1, 1, 9, 1, 1, 1, 1, "VALID"},
      {1, 6, 5, 3, 3, 3, 4, 3, 3, 1, 1, "SAME"},
  };
  return *cases;
}

TEST(Conv2DBackpropInputReference, MatchesScatterDefinition) {
  for (const WindowCase& c : Cases()) {
    SCOPED_TRACE(c.Name());
    const WindowGeometry g = CaseGeometry(c);
    Tensor filter = RandomTensor(tensorflow::DT_FLOAT, c.filter_shape(), 1);
    Tensor dy = RandomTensor(tensorflow::DT_FLOAT, g.output_shape(), 2);
    auto dx = BackpropInput(c, InputSizes(c), filter, dy);
    ASSERT_TRUE(dx.ok()) << dx.status();
    EXPECT_TRUE(TensorsNear(*dx, ScatterBackpropInput(dy, filter, g), 1e-5));
  }
}

TEST(Conv2DBackpropInputReference, IsTheAdjointOfConv2D) {
  for (const WindowCase& c : Cases()) {
    SCOPED_TRACE(c.Name());
    const WindowGeometry g = CaseGeometry(c);
    Tensor x = RandomTensor(tensorflow::DT_FLOAT, c.input_shape(), 3);
    Tensor filter = RandomTensor(tensorflow::DT_FLOAT, c.filter_shape(), 4);
    Tensor dy = RandomTensor(tensorflow::DT_FLOAT, g.output_shape(), 5);
    auto dx = BackpropInput(c, InputSizes(c), filter, dy);
    ASSERT_TRUE(dx.ok()) << dx.status();
    const double forward = Dot(nn_testing::Im2ColConv2D(x, filter, g), dy);
    const double backward = Dot(x, *dx);
    EXPECT_NEAR(forward, backward, 1e-4 * std::max(1.0, std::abs(forward)));
  }
}

TEST(Conv2DBackpropInputReference, TwoElementInputSizes) {
  // [H, W]: batch from out_backprop, channels from the filter.
  WindowCase c{2, 7, 5, 3, 3, 3, 4, 2, 2, 1, 1, "SAME"};
  const WindowGeometry g = CaseGeometry(c);
  Tensor filter = RandomTensor(tensorflow::DT_FLOAT, c.filter_shape(), 6);
  Tensor dy = RandomTensor(tensorflow::DT_FLOAT, g.output_shape(), 7);
  auto full = BackpropInput(c, InputSizes(c), filter, dy);
  auto two = BackpropInput(c, Sizes({7, 5}), filter, dy);
  ASSERT_TRUE(full.ok() && two.ok());
  EXPECT_TRUE(two->Identical(*full));
}

TEST(Conv2DBackpropInputReference, EmptyBatchAndEmptyOutBackprop) {
  WindowCase c{0, 6, 6, 3, 3, 3, 2, 2, 2, 1, 1, "SAME"};
  auto dx = BackpropInput(c, InputSizes(c), RandomTensor(tensorflow::DT_FLOAT, c.filter_shape(), 1),
                          Tensor(tensorflow::DT_FLOAT, TensorShape({0, 3, 3, 2})));
  ASSERT_TRUE(dx.ok()) << dx.status();
  EXPECT_EQ(dx->shape(), TensorShape({0, 6, 6, 3}));
}

TEST(Conv2DBackpropInputReference, RejectsInconsistentShapesAndAttrs) {
  WindowCase c{1, 8, 8, 3, 3, 3, 4, 2, 2, 1, 1, "SAME"};
  Tensor filter = RandomTensor(tensorflow::DT_FLOAT, c.filter_shape(), 1);
  Tensor dy = RandomTensor(tensorflow::DT_FLOAT, TensorShape({1, 4, 4, 4}), 2);
  auto code = [&](const Tensor& sizes, const Tensor& f, const Tensor& d) {
    return BackpropInput(c, sizes, f, d).status().code();
  };
  EXPECT_EQ(code(InputSizes(c), filter, dy), absl::StatusCode::kOk);
  // 10x10 would convolve to 5x5, not out_backprop's 4x4.
  EXPECT_EQ(code(Sizes({1, 10, 10, 3}), filter, dy), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Sizes({2, 8, 8, 3}), filter, dy), absl::StatusCode::kInvalidArgument);  // batch
  EXPECT_EQ(code(Sizes({1, 8, 8, 5}), filter, dy), absl::StatusCode::kInvalidArgument);  // depth
  EXPECT_EQ(code(Sizes({1, 8, 8}), filter, dy), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Sizes({1, -8, 8, 3}), filter, dy), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      code(InputSizes(c), filter, RandomTensor(tensorflow::DT_FLOAT, TensorShape({1, 4, 4, 5}), 3)),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(InputSizes(c), Floats({3, 3}, std::vector<float>(9)), dy),
            absl::StatusCode::kInvalidArgument);
  // A hostile stride lets input_sizes grow without bound: an error, never a crash.
  WindowCase huge{1, 1, 1, 3, 1, 1, 4, 1 << 30, 1 << 30, 1, 1, "SAME"};
  auto big = BackpropInput(huge, Sizes({1, 1 << 30, 1 << 30, 3}),
                           RandomTensor(tensorflow::DT_FLOAT, huge.filter_shape(), 1),
                           RandomTensor(tensorflow::DT_FLOAT, TensorShape({1, 1, 1, 4}), 1));
  EXPECT_FALSE(big.ok());

  OpRunner nchw("Conv2DBackpropInput");
  nn_testing::SetWindowAttrs(nchw, c, true);
  nchw.Attr("data_format", "NCHW");
  EXPECT_EQ(nchw.Run({InputSizes(c), filter, dy}, kRef).status().code(),
            absl::StatusCode::kUnimplemented);
  OpRunner half("Conv2DBackpropInput");
  nn_testing::SetWindowAttrs(half, c, true);
  half.Attr("T", tensorflow::DT_HALF);
  EXPECT_EQ(half.Run({InputSizes(c), filter, dy}, kRef).status().code(),
            absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace savedserve
