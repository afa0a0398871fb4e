// Test-only helpers for the neural-network kernel tests (conv, depthwise, pooling, matmul,
// batch norm): building nodes, running one variant, and independent ("by another method")
// implementations the reference kernels are checked against.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/conv_util.h"
#include "tensor/tensor.h"

namespace savedserve {
namespace nn_testing {

inline Tensor Floats(const TensorShape& shape, const std::vector<float>& values) {
  return Tensor::FromVector<float>(values, shape);
}

inline std::vector<float> Values(const Tensor& t) {
  return std::vector<float>(t.data<float>(), t.data<float>() + t.num_elements());
}

// Runs `runner` on `inputs` with `variant` and returns output `index`; fails the test (and
// returns an empty tensor) on error.
inline Tensor RunOne(OpRunner& runner, const std::vector<Tensor>& inputs,
                     KernelVariant variant = KernelVariant::kOptimized, int index = 0) {
  auto out = runner.Run(inputs, variant);
  EXPECT_TRUE(out.ok()) << out.status();
  if (!out.ok() || static_cast<int>(out->size()) <= index) return Tensor();
  return (*out)[index];
}

// One convolution / pooling configuration of a differential test table.
struct WindowCase {
  int64_t batch, height, width, channels;
  int64_t window_h, window_w;
  int64_t out_channels;  // conv: output channels; depthwise: multiplier; pooling: unused
  int64_t stride_h, stride_w;
  int64_t dilation_h, dilation_w;
  std::string padding;             // "SAME", "VALID", "EXPLICIT"
  std::vector<int64_t> pads = {};  // top, bottom, left, right for EXPLICIT

  std::string Name() const {
    std::string s = std::to_string(batch) + "x" + std::to_string(height) + "x" +
                    std::to_string(width) + "x" + std::to_string(channels) + " k" +
                    std::to_string(window_h) + "x" + std::to_string(window_w) + " o" +
                    std::to_string(out_channels) + " s" + std::to_string(stride_h) +
                    std::to_string(stride_w) + " d" + std::to_string(dilation_h) +
                    std::to_string(dilation_w) + " " + padding;
    for (int64_t p : pads) s += " " + std::to_string(p);
    return s;
  }
  TensorShape input_shape() const { return TensorShape({batch, height, width, channels}); }
  TensorShape filter_shape() const {
    return TensorShape({window_h, window_w, channels, out_channels});
  }
};

// Sets strides, dilations (when `dilations`), padding and explicit_paddings on `r`.
inline void SetWindowAttrs(OpRunner& r, const WindowCase& c, bool dilations) {
  r.Attr("T", tensorflow::DT_FLOAT);
  r.Attr("strides", std::vector<int64_t>{1, c.stride_h, c.stride_w, 1});
  if (dilations) r.Attr("dilations", std::vector<int64_t>{1, c.dilation_h, c.dilation_w, 1});
  r.Attr("padding", c.padding);
  if (c.padding == "EXPLICIT") {
    r.Attr("explicit_paddings",
           std::vector<int64_t>{0, 0, c.pads[0], c.pads[1], c.pads[2], c.pads[3], 0, 0});
  }
  r.Attr("data_format", "NHWC");
}

// input_sizes of a Conv2DBackpropInput whose forward convolution is case `c`: its input shape.
inline Tensor InputSizes(const WindowCase& c) {
  const std::vector<int32_t> dims = {static_cast<int32_t>(c.batch), static_cast<int32_t>(c.height),
                                     static_cast<int32_t>(c.width),
                                     static_cast<int32_t>(c.channels)};
  return Tensor::FromVector<int32_t>(dims, TensorShape({4}));
}

// The geometry of a forward convolution (or pooling window) of case `c`; fails the test when
// it cannot be computed.
inline WindowGeometry CaseGeometry(const WindowCase& c) {
  WindowAttrs w;
  w.stride_h = c.stride_h, w.stride_w = c.stride_w;
  w.dilation_h = c.dilation_h, w.dilation_w = c.dilation_w;
  w.padding = c.padding == "SAME"    ? Padding::kSame
              : c.padding == "VALID" ? Padding::kValid
                                     : Padding::kExplicit;
  if (!c.pads.empty()) w.explicit_pads = {c.pads[0], c.pads[1], c.pads[2], c.pads[3]};
  auto g = ComputeWindowGeometry(w, c.input_shape(), c.window_h, c.window_w, c.out_channels);
  EXPECT_TRUE(g.ok()) << g.status();
  return g.ok() ? *g : WindowGeometry();
}

// Convolution computed as TF documents it but by a different route than the kernels:
// zero-pad the input explicitly, build the im2col matrix [N*OH*OW, KH*KW*IC] and multiply
// it by the filter viewed as [KH*KW*IC, OC] in double precision.
inline Tensor Im2ColConv2D(const Tensor& input, const Tensor& filter, const WindowGeometry& g) {
  const int64_t ph = g.in_h + g.pad_top + g.pad_bottom, pw = g.in_w + g.pad_left + g.pad_right;
  std::vector<double> padded(g.batch * ph * pw * g.in_c, 0.0);
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t y = 0; y < g.in_h; ++y)
      for (int64_t x = 0; x < g.in_w; ++x)
        for (int64_t c = 0; c < g.in_c; ++c)
          padded[((n * ph + y + g.pad_top) * pw + x + g.pad_left) * g.in_c + c] =
              input.data<float>()[((n * g.in_h + y) * g.in_w + x) * g.in_c + c];
  const int64_t cols = g.window_h * g.window_w * g.in_c;
  Tensor out(tensorflow::DT_FLOAT, g.output_shape());
  std::vector<double> patch(cols);
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t oy = 0; oy < g.out_h; ++oy)
      for (int64_t ox = 0; ox < g.out_w; ++ox) {
        int64_t j = 0;
        for (int64_t ky = 0; ky < g.window_h; ++ky)
          for (int64_t kx = 0; kx < g.window_w; ++kx)
            for (int64_t c = 0; c < g.in_c; ++c) {
              const int64_t y = oy * g.stride_h + ky * g.dilation_h;
              const int64_t x = ox * g.stride_w + kx * g.dilation_w;
              patch[j++] = padded[((n * ph + y) * pw + x) * g.in_c + c];
            }
        for (int64_t o = 0; o < g.out_c; ++o) {
          double sum = 0;
          for (int64_t r = 0; r < cols; ++r)
            sum += patch[r] * filter.data<float>()[r * g.out_c + o];
          out.data<float>()[((n * g.out_h + oy) * g.out_w + ox) * g.out_c + o] =
              static_cast<float>(sum);
        }
      }
  return out;
}

}  // namespace nn_testing
}  // namespace savedserve
