// WinogradF43Conv against a direct convolution in double precision over the same blocked
// band (a plain loop: out[n][oc][y][x] = sum over ky, kx, ic of
// in[n][ic][y + ky][x + kx - pad_left] * w[ky][kx][ic][oc], columns outside the band zero).
#include "kernels/cpu/winograd_f43.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"

namespace savedserve {
namespace {

struct Case {
  int64_t batch, in_rows, in_w, pad_left, pad_right, in_c, out_c;
  bool bias;
  Activation activation;
  int threads;
};

std::string Name(const Case& c) {
  return absl::StrCat("batch ", c.batch, " rows ", c.in_rows, " w ", c.in_w, " pad ", c.pad_left,
                      "/", c.pad_right, " ", c.in_c, "->", c.out_c, " bias ", c.bias, " act ",
                      static_cast<int>(c.activation), " threads ", c.threads);
}

// Largest |error| / output range over the case; the output checked elementwise.
double RunCase(const Case& c, double input_lo) {
  const WinogradF43Conv::Band band{c.batch, c.in_rows, c.in_w, c.pad_left, c.pad_right};
  const int64_t out_rows = band.out_rows(), out_w = band.out_w();
  const Tensor input =
      RandomTensor(tensorflow::DT_FLOAT, TensorShape({c.batch, c.in_c / 16, c.in_rows, c.in_w, 16}),
                   1, input_lo, 1.0);
  const Tensor filter =
      RandomTensor(tensorflow::DT_FLOAT, TensorShape({3, 3, c.in_c, c.out_c}), 2, -0.2, 0.2);
  const Tensor bias = RandomTensor(tensorflow::DT_FLOAT, TensorShape({c.out_c}), 3);
  auto conv = WinogradF43Conv::Create(filter, c.bias ? &bias : nullptr, c.activation, 0.1f);
  EXPECT_TRUE(conv.ok()) << conv.status();
  if (!conv.ok()) return 1;

  const size_t scratch_bytes = (*conv)->ScratchBytes(band, c.threads);
  std::vector<float> scratch(scratch_bytes / sizeof(float) + 16);
  float* aligned =
      reinterpret_cast<float*>((reinterpret_cast<uintptr_t>(scratch.data()) + 63) / 64 * 64);
  const int64_t out_size = c.batch * c.out_c * out_rows * out_w;
  std::vector<float> out(out_size, std::nanf(""));
  (*conv)->Run(band, input.data<float>(), out.data(), aligned, c.threads);

  const float* in = input.data<float>();
  const float* w = filter.data<float>();
  auto at = [&](int64_t n, int64_t ch, int64_t y, int64_t x) {
    return in[(((n * (c.in_c / 16) + ch / 16) * c.in_rows + y) * c.in_w + x) * 16 + ch % 16];
  };
  std::vector<double> ref(out_size);
  double range = 0;
  for (int64_t n = 0; n < c.batch; ++n) {
    for (int64_t oc = 0; oc < c.out_c; ++oc) {
      for (int64_t y = 0; y < out_rows; ++y) {
        for (int64_t x = 0; x < out_w; ++x) {
          double sum = c.bias ? bias.data<float>()[oc] : 0.0;
          for (int64_t ky = 0; ky < 3; ++ky) {
            for (int64_t kx = 0; kx < 3; ++kx) {
              const int64_t ix = x + kx - c.pad_left;
              if (ix < 0 || ix >= c.in_w) continue;
              for (int64_t ic = 0; ic < c.in_c; ++ic) {
                sum +=
                    double{at(n, ic, y + ky, ix)} * w[((ky * 3 + kx) * c.in_c + ic) * c.out_c + oc];
              }
            }
          }
          range = std::max(range, std::abs(sum));
          ref[(((n * (c.out_c / 16) + oc / 16) * out_rows + y) * out_w + x) * 16 + oc % 16] =
              Activate(c.activation, 0.1f, static_cast<float>(sum));
        }
      }
    }
  }
  double worst = 0;
  for (int64_t i = 0; i < out_size; ++i) {
    const double error = std::abs(out[i] - ref[i]) / std::max(range, 1e-30);
    if (!(error <= 1e-4)) {  // also catches NaN: an element never written
      ADD_FAILURE() << Name(c) << ": element " << i << " is " << out[i] << ", want " << ref[i];
      return error;
    }
    worst = std::max(worst, error);
  }
  return worst;
}

TEST(WinogradF43Test, MatchesDirectConvolution) {
  std::vector<Case> cases = {
      {1, 6, 4, 0, 0, 16, 16, false, Activation::kNone, 1},  // one whole tile
      {1, 3, 7, 1, 1, 16, 32, true, Activation::kNone, 2},   // one row, partial tiles
      {1, 30, 19, 1, 1, 32, 48, true, Activation::kRelu, 2},
      {1, 22, 75, 1, 1, 64, 64, true, Activation::kRelu, 2},
      {3, 9, 7, 1, 0, 16, 80, false, Activation::kRelu6, 2},
      {3, 11, 19, 0, 1, 48, 16, true, Activation::kLeakyRelu, 3},
      {1, 10, 75, 0, 0, 128, 128, true, Activation::kRelu, 2},
      {1, 14, 23, 1, 1, 256, 256, true, Activation::kRelu, 2},
      {2, 8, 38, 1, 1, 256, 64, false, Activation::kNone, 1},
      {1, 5, 3, 1, 1, 16, 16, true, Activation::kRelu6, 2},  // out_w 3: one partial column
      {1, 4, 300, 1, 1, 64, 64, true, Activation::kRelu, 2},
      {1, 7, 13, 1, 1, 96, 96, true, Activation::kRelu, 2},     // 2 IC blocks of 32, OC 48s
      {1, 9, 11, 1, 1, 192, 160, false, Activation::kNone, 2},  // 3 IC blocks, OC in 32s
      {1, 3, 3, 1, 1, 16, 16, true, Activation::kNone, 3},      // one tile, idle threads
  };
  for (int64_t rows = 3; rows <= 12; ++rows) {  // every row remainder, both paddings
    cases.push_back({1, rows, 9, rows % 2, (rows / 2) % 2, 16, 32, rows % 3 == 0,
                     rows % 2 ? Activation::kRelu : Activation::kNone, 2});
  }
  // Inputs in [0, 1] as activations after a ReLU are, and signed ones (more cancellation,
  // so larger error relative to the output's range).
  double worst_activations = 0, worst_signed = 0;
  for (const Case& c : cases) {
    worst_activations = std::max(worst_activations, RunCase(c, 0.0));
    worst_signed = std::max(worst_signed, RunCase(c, -1.0));
  }
  // Measured: 2.6e-6 and 5.8e-6 of the output range (oneDNN's Winograd: ~2.5e-6 on
  // activation-like inputs, conv2d_onednn_test.cc).
  EXPECT_LT(worst_activations, 5e-6);
  EXPECT_LT(worst_signed, 1.5e-5);
  std::printf("max |error| / output range: %g (inputs in [0, 1]), %g (in [-1, 1])\n",
              worst_activations, worst_signed);
}

// Run from several threads at once (each with its own scratch and an OpenMP team of 2) gives
// what one run alone gives, bit for bit (the same split, so the same order of operations).
TEST(WinogradF43Test, ConcurrentRunsAgree) {
  if (!WinogradF43Conv::Supported()) GTEST_SKIP() << "no AVX-512";
  const WinogradF43Conv::Band band{2, 13, 21, 1, 1};
  const Tensor input =
      RandomTensor(tensorflow::DT_FLOAT, TensorShape({2, 8, band.in_rows, band.in_w, 16}), 1);
  const Tensor filter = RandomTensor(tensorflow::DT_FLOAT, TensorShape({3, 3, 128, 96}), 2);
  auto conv = WinogradF43Conv::Create(filter, nullptr, Activation::kRelu);
  ASSERT_TRUE(conv.ok()) << conv.status();
  const size_t out_size = 2 * 96 * band.out_rows() * band.out_w();
  auto run = [&](std::vector<float>* out) {
    Tensor scratch(tensorflow::DT_FLOAT,
                   TensorShape({static_cast<int64_t>((*conv)->ScratchBytes(band, 2) / 4)}));
    out->assign(out_size, 0.0f);
    (*conv)->Run(band, input.data<float>(), out->data(), scratch.raw_data(), 2);
  };
  std::vector<float> want;
  run(&want);
  std::vector<std::vector<float>> got(4);
  std::vector<std::thread> threads;
  for (auto& out : got) threads.emplace_back(run, &out);
  for (std::thread& t : threads) t.join();
  for (const auto& out : got) EXPECT_EQ(out, want);
}

TEST(WinogradF43Test, CreateRejectsWhatItCannotRun) {
  if (!WinogradF43Conv::Supported()) GTEST_SKIP() << "no AVX-512";
  auto code = [](const TensorShape& filter, Activation activation, int64_t bias_size) {
    const Tensor bias = RandomTensor(tensorflow::DT_FLOAT, TensorShape({bias_size}), 3);
    return WinogradF43Conv::Create(RandomTensor(tensorflow::DT_FLOAT, filter, 1),
                                   bias_size > 0 ? &bias : nullptr, activation)
        .status()
        .code();
  };
  using absl::StatusCode;
  EXPECT_EQ(code({5, 5, 16, 16}, Activation::kNone, 0), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({3, 3, 24, 16}, Activation::kNone, 0), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({3, 3, 16, 8}, Activation::kNone, 0), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({3, 3, 16, 16}, Activation::kElu, 0), StatusCode::kUnimplemented);
  EXPECT_EQ(code({3, 3, 16, 16}, Activation::kSigmoid, 16), StatusCode::kUnimplemented);
  EXPECT_EQ(code({3, 3, 16, 16}, Activation::kNone, 8), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({3, 3, 16, 16}, Activation::kRelu, 16), StatusCode::kOk);
}

}  // namespace
}  // namespace savedserve
