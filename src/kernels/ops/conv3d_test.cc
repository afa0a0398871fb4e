// Reference Conv3D checked by hand, against Conv2D frame by frame (a filter one frame deep),
// and against a naive double-precision evaluation with the input zero-padded explicitly by
// TF's SAME rule.
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/nn_test_util.h"

namespace savedserve {
namespace {

using nn_testing::WindowCase;
constexpr auto kRef = KernelVariant::kReference;

struct Case3D {
  std::vector<int64_t> input;               // N, D, H, W, C
  std::vector<int64_t> filter;              // KD, KH, KW, C, O
  std::vector<int64_t> strides, dilations;  // D, H, W
  std::string padding;
};

absl::StatusOr<Tensor> Conv3D(const Case3D& c, const Tensor& input, const Tensor& filter) {
  OpRunner r("Conv3D");
  r.Attr("T", tensorflow::DT_FLOAT).Attr("padding", c.padding).Attr("data_format", "NDHWC");
  r.Attr("strides", std::vector<int64_t>{1, c.strides[0], c.strides[1], c.strides[2], 1});
  r.Attr("dilations", std::vector<int64_t>{1, c.dilations[0], c.dilations[1], c.dilations[2], 1});
  auto out = r.Run({input, filter}, kRef);
  if (!out.ok()) return out.status();
  return (*out)[0];
}

// Pads explicitly (SAME: total = max((out - 1) * s + (k - 1) * d + 1 - in, 0), half before)
// and sums every tap in double.
Tensor Naive(const Case3D& c, const Tensor& input, const Tensor& filter) {
  const int64_t n = c.input[0], ic = c.input[4], oc = c.filter[4];
  int64_t in[3], k[3], out[3], before[3];
  for (int d = 0; d < 3; ++d) {
    in[d] = c.input[d + 1];
    k[d] = c.filter[d];
    const int64_t extent = (k[d] - 1) * c.dilations[d] + 1;
    if (c.padding == "SAME") {
      out[d] = (in[d] + c.strides[d] - 1) / c.strides[d];
      before[d] = std::max<int64_t>((out[d] - 1) * c.strides[d] + extent - in[d], 0) / 2;
    } else {
      out[d] = (in[d] - extent) / c.strides[d] + 1;
      before[d] = 0;
    }
  }
  Tensor result(tensorflow::DT_FLOAT, TensorShape({n, out[0], out[1], out[2], oc}));
  auto at = [&](int64_t b, int64_t z, int64_t y, int64_t x, int64_t ch) -> double {
    if (z < 0 || z >= in[0] || y < 0 || y >= in[1] || x < 0 || x >= in[2]) return 0;
    return input.data<float>()[(((b * in[0] + z) * in[1] + y) * in[2] + x) * ic + ch];
  };
  float* r = result.data<float>();
  for (int64_t b = 0; b < n; ++b)
    for (int64_t z = 0; z < out[0]; ++z)
      for (int64_t y = 0; y < out[1]; ++y)
        for (int64_t x = 0; x < out[2]; ++x)
          for (int64_t o = 0; o < oc; ++o) {
            double sum = 0;
            for (int64_t kz = 0; kz < k[0]; ++kz)
              for (int64_t ky = 0; ky < k[1]; ++ky)
                for (int64_t kx = 0; kx < k[2]; ++kx)
                  for (int64_t ch = 0; ch < ic; ++ch)
                    sum +=
                        at(b, z * c.strides[0] - before[0] + kz * c.dilations[0],
                           y * c.strides[1] - before[1] + ky * c.dilations[1],
                           x * c.strides[2] - before[2] + kx * c.dilations[2], ch) *
                        filter.data<float>()[(((kz * k[1] + ky) * k[2] + kx) * ic + ch) * oc + o];
            *r++ = static_cast<float>(sum);
          }
  return result;
}

TEST(Conv3DReference, HandComputed) {
  // A 2x2x2 cube of 1..8 (value 1 + 4z + 2y + x) and a 2x2x2 filter of ones.
  std::vector<float> cube(8);
  for (int i = 0; i < 8; ++i) cube[i] = i + 1;
  const Tensor input = Tensor::FromVector<float>(cube, {1, 2, 2, 2, 1});
  const Tensor ones = Tensor::FromVector<float>(std::vector<float>(8, 1), {2, 2, 2, 1, 1});
  auto valid =
      Conv3D({{1, 2, 2, 2, 1}, {2, 2, 2, 1, 1}, {1, 1, 1}, {1, 1, 1}, "VALID"}, input, ones);
  ASSERT_TRUE(valid.ok()) << valid.status();
  EXPECT_EQ(valid->data<float>()[0], 36);
  // SAME pads one after in each dimension: out[z, y, x] sums the values at z' >= z, y' >= y,
  // x' >= x.
  auto same = Conv3D({{1, 2, 2, 2, 1}, {2, 2, 2, 1, 1}, {1, 1, 1}, {1, 1, 1}, "SAME"}, input, ones);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(std::vector<float>(same->data<float>(), same->data<float>() + 8),
            (std::vector<float>{36, 20, 22, 12, 26, 14, 15, 8}));
}

TEST(Conv3DReference, OneFrameDeepFilterIsConv2DPerFrame) {
  const std::vector<WindowCase> cases = {
      {1, 7, 9, 3, 3, 3, 5, 1, 1, 1, 1, "SAME"},
      {1, 8, 6, 4, 3, 3, 6, 2, 2, 1, 1, "SAME"},
      {1, 11, 10, 3, 5, 5, 4, 3, 2, 1, 1, "VALID"},
      {1, 13, 13, 2, 3, 3, 3, 1, 1, 2, 3, "SAME"},
  };
  const int64_t frames = 3;
  for (const WindowCase& w : cases) {
    SCOPED_TRACE(w.Name());
    const Tensor video = RandomTensor(tensorflow::DT_FLOAT,
                                      TensorShape({1, frames, w.height, w.width, w.channels}), 1);
    const Tensor filter2d = RandomTensor(tensorflow::DT_FLOAT, w.filter_shape(), 2);
    const Case3D c{{1, frames, w.height, w.width, w.channels},
                   {1, w.window_h, w.window_w, w.channels, w.out_channels},
                   {1, w.stride_h, w.stride_w},
                   {1, w.dilation_h, w.dilation_w},
                   w.padding};
    auto got = Conv3D(c, video, filter2d.Reshaped(TensorShape(c.filter)));
    ASSERT_TRUE(got.ok()) << got.status();
    const int64_t frame_in = w.height * w.width * w.channels;
    const int64_t frame_out = got->num_elements() / frames;
    for (int64_t f = 0; f < frames; ++f) {
      Tensor frame(tensorflow::DT_FLOAT, w.input_shape());
      std::copy_n(video.data<float>() + f * frame_in, frame_in, frame.data<float>());
      OpRunner conv("Conv2D");
      nn_testing::SetWindowAttrs(conv, w, true);
      Tensor want = nn_testing::RunOne(conv, {frame, filter2d}, kRef);
      Tensor slice(tensorflow::DT_FLOAT, want.shape());
      std::copy_n(got->data<float>() + f * frame_out, frame_out, slice.data<float>());
      EXPECT_TRUE(TensorsNear(slice, want, 1e-5));
    }
  }
}

TEST(Conv3DReference, MatchesNaiveEvaluation) {
  const std::vector<Case3D> cases = {
      {{1, 5, 6, 7, 3}, {3, 3, 3, 3, 4}, {1, 1, 1}, {1, 1, 1}, "SAME"},
      {{2, 7, 8, 6, 2}, {3, 3, 3, 2, 5}, {2, 2, 2}, {1, 1, 1}, "SAME"},
      {{1, 9, 7, 8, 3}, {2, 3, 4, 3, 2}, {1, 2, 3}, {1, 1, 1}, "VALID"},
      {{1, 8, 9, 9, 2}, {3, 3, 3, 2, 3}, {1, 1, 1}, {2, 1, 2}, "SAME"},
      {{2, 6, 6, 6, 4}, {1, 1, 1, 4, 6}, {1, 1, 1}, {1, 1, 1}, "VALID"},
  };
  uint32_t seed = 10;
  for (const Case3D& c : cases) {
    SCOPED_TRACE(TensorShape(c.input).DebugString() + " " + c.padding);
    const Tensor input = RandomTensor(tensorflow::DT_FLOAT, TensorShape(c.input), seed++);
    const Tensor filter = RandomTensor(tensorflow::DT_FLOAT, TensorShape(c.filter), seed++);
    auto got = Conv3D(c, input, filter);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_TRUE(TensorsNear(*got, Naive(c, input, filter), 1e-5));
  }
}

TEST(Conv3DReference, RejectsWhatItCannotRun) {
  const Case3D c{{1, 4, 4, 4, 2}, {3, 3, 3, 2, 2}, {1, 1, 1}, {1, 1, 1}, "SAME"};
  const Tensor input = RandomTensor(tensorflow::DT_FLOAT, TensorShape(c.input), 1);
  const Tensor filter = RandomTensor(tensorflow::DT_FLOAT, TensorShape(c.filter), 2);
  EXPECT_TRUE(Conv3D(c, input, filter).ok());
  const Tensor wrong_depth = RandomTensor(tensorflow::DT_FLOAT, TensorShape({3, 3, 3, 1, 2}), 3);
  EXPECT_EQ(Conv3D(c, input, wrong_depth).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Conv3D(c, RandomTensor(tensorflow::DT_FLOAT, TensorShape({4, 4, 4, 2}), 4), filter)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  Case3D explicit_padding = c;
  explicit_padding.padding = "EXPLICIT";
  EXPECT_EQ(Conv3D(explicit_padding, input, filter).status().code(),
            absl::StatusCode::kInvalidArgument);
  OpRunner ncdhw("Conv3D");
  ncdhw.Attr("T", tensorflow::DT_FLOAT).Attr("padding", "SAME").Attr("data_format", "NCDHW");
  ncdhw.Attr("strides", std::vector<int64_t>{1, 1, 1, 1, 1});
  EXPECT_EQ(ncdhw.Run({input, filter}, kRef).status().code(), absl::StatusCode::kUnimplemented);
  OpRunner four("Conv3D");
  four.Attr("T", tensorflow::DT_FLOAT).Attr("padding", "SAME");
  four.Attr("strides", std::vector<int64_t>{1, 1, 1, 1});
  EXPECT_EQ(four.Run({input, filter}, kRef).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace savedserve
