// Accuracy of the vectorised transcendentals against double-precision libm, measured in
// ulps of the float result over dense sweeps of their useful ranges, and the loops'
// handling of lengths around the vector width.
#include "kernels/cpu/vector_math.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <vector>

#include "gtest/gtest.h"

namespace savedserve {
namespace {

const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

// Distance in ulps between `got` and the exact `want`, in units of the float spacing at
// `want` (the smallest subnormal spacing for tiny values).
double UlpError(float got, double want) {
  const double magnitude = std::max(std::fabs(want), static_cast<double>(FLT_MIN));
  const double ulp = std::ldexp(1.0, std::ilogb(magnitude) - 23);
  return std::fabs(static_cast<double>(got) - want) / ulp;
}

// Worst ulp error of `fn` against `exact` over n points evenly spread in [lo, hi].
double WorstUlps(VectorUnaryFn fn, const std::function<double(double)>& exact, double lo, double hi,
                 int n = 200001) {
  std::vector<float> x(n), y(n);
  for (int i = 0; i < n; ++i) x[i] = static_cast<float>(lo + (hi - lo) * i / (n - 1));
  fn(x.data(), y.data(), n);
  double worst = 0;
  for (int i = 0; i < n; ++i) worst = std::max(worst, UlpError(y[i], exact(x[i])));
  return worst;
}

class VectorMathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    math_ = GetVectorMath();
    if (math_ == nullptr) GTEST_SKIP() << "no supported vector ISA on this CPU";
  }
  const VectorMath* math_ = nullptr;
};

TEST_F(VectorMathTest, TranscendentalAccuracy) {
  const auto sigmoid = [](double x) { return 1 / (1 + std::exp(-x)); };
  const struct {
    const char* name;
    VectorUnaryFn fn;
    std::function<double(double)> exact;
    double lo, hi, max_ulps;
  } cases[] = {
      {"exp", math_->exp, [](double x) { return std::exp(x); }, -87, 88.7, 2},
      {"exp subnormal", math_->exp, [](double x) { return std::exp(x); }, -103, -87, 1},
      {"log", math_->log, [](double x) { return std::log(x); }, 1e-30, 10, 2},
      {"log near 1", math_->log, [](double x) { return std::log(x); }, 0.5, 2, 2},
      {"log large", math_->log, [](double x) { return std::log(x); }, 1, 3e38, 2},
      {"tanh", math_->tanh, [](double x) { return std::tanh(x); }, -10, 10, 3},
      {"tanh small", math_->tanh, [](double x) { return std::tanh(x); }, -0.3, 0.3, 3},
      {"sigmoid", math_->sigmoid, sigmoid, -80, 20, 4},
  };
  for (const auto& c : cases) {
    const double worst = WorstUlps(c.fn, c.exact, c.lo, c.hi);
    EXPECT_LE(worst, c.max_ulps) << c.name;
    std::printf("[ accuracy ] %-14s worst %.2f ulp over [%g, %g]\n", c.name, worst, c.lo, c.hi);
  }
}

TEST_F(VectorMathTest, SpecialValues) {
  const std::vector<float> x = {kNan, kInf, -kInf, 0.0f, -0.0f, -1.0f, 100.0f, -200.0f};
  std::vector<float> y(x.size());
  math_->exp(x.data(), y.data(), x.size());
  EXPECT_TRUE(std::isnan(y[0]));
  EXPECT_EQ(y[1], kInf);
  EXPECT_EQ(y[2], 0.0f);
  EXPECT_EQ(y[3], 1.0f);
  EXPECT_EQ(y[6], kInf);
  EXPECT_EQ(y[7], 0.0f);
  math_->log(x.data(), y.data(), x.size());
  EXPECT_TRUE(std::isnan(y[0]));
  EXPECT_EQ(y[1], kInf);
  EXPECT_TRUE(std::isnan(y[2]));
  EXPECT_EQ(y[3], -kInf);
  EXPECT_EQ(y[4], -kInf);
  EXPECT_TRUE(std::isnan(y[5]));
  math_->tanh(x.data(), y.data(), x.size());
  EXPECT_TRUE(std::isnan(y[0]));
  EXPECT_EQ(y[1], 1.0f);
  EXPECT_EQ(y[2], -1.0f);
  EXPECT_TRUE(std::signbit(y[4]));
  EXPECT_EQ(y[6], 1.0f);
  math_->sigmoid(x.data(), y.data(), x.size());
  EXPECT_TRUE(std::isnan(y[0]));
  EXPECT_EQ(y[1], 1.0f);
  EXPECT_EQ(y[2], 0.0f);
  EXPECT_EQ(y[3], 0.5f);
}

// Every length from 0 to 40 touches the vector body and the masked tail; elements past n
// must be left alone.
TEST_F(VectorMathTest, LengthsAroundTheVectorWidth) {
  for (int n = 0; n <= 40; ++n) {
    std::vector<float> x(n + 1), y(n + 1, -7.0f);
    for (int i = 0; i <= n; ++i) x[i] = 0.25f * static_cast<float>(i) - 3;
    math_->relu(x.data(), y.data(), n);
    for (int i = 0; i < n; ++i) EXPECT_EQ(y[i], std::max(x[i], 0.0f)) << n;
    EXPECT_EQ(y[n], -7.0f) << "wrote past the end, n = " << n;

    double want_sum = 0;
    float want_max = -kInf;
    for (int i = 0; i < n; ++i) want_sum += x[i], want_max = std::max(want_max, x[i]);
    EXPECT_EQ(math_->sum(x.data(), n), want_sum) << n;
    EXPECT_EQ(math_->max(x.data(), n), want_max) << n;

    std::vector<double> acc(n + 1, 1.0);
    math_->accumulate_sum(x.data(), acc.data(), n);
    for (int i = 0; i < n; ++i) EXPECT_EQ(acc[i], 1.0 + x[i]) << n;
    EXPECT_EQ(acc[n], 1.0);

    std::fill(y.begin(), y.end(), -7.0f);
    const double sum = math_->exp_shifted_sum(x.data(), 1.0f, y.data(), n);
    double want = 0;
    for (int i = 0; i < n; ++i) want += std::exp(static_cast<double>(x[i]) - 1.0);
    EXPECT_NEAR(sum, want, 1e-5 * std::max(1.0, want)) << n;
    EXPECT_EQ(y[n], -7.0f);
  }
}

TEST_F(VectorMathTest, MaxPropagatesNan) {
  std::vector<float> x(37, 1.0f);
  for (size_t at : {0u, 7u, 15u, 16u, 36u}) {
    std::vector<float> v = x;
    v[at] = kNan;
    EXPECT_TRUE(std::isnan(math_->max(v.data(), v.size()))) << at;
    std::vector<float> acc(v.size(), 0.0f);
    math_->accumulate_max(v.data(), acc.data(), v.size());
    EXPECT_TRUE(std::isnan(acc[at])) << at;
  }
  EXPECT_EQ(math_->max(x.data(), 0), -kInf);
}

TEST_F(VectorMathTest, BinaryStridesAndAliasing) {
  std::vector<float> a = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  const float two = 2;
  auto mul = math_->binary[static_cast<int>(VectorBinaryOp::kMul)];
  std::vector<float> y(a.size());
  mul(a.data(), 1, &two, 0, y.data(), a.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(y[i], 2 * a[i]);
  mul(&two, 0, a.data(), 1, a.data(), a.size());  // in place
  EXPECT_EQ(a, y);
  auto sub = math_->binary[static_cast<int>(VectorBinaryOp::kSub)];
  sub(&two, 0, &two, 0, y.data(), 3);
  EXPECT_EQ(y[0] + y[1] + y[2], 0.0f);
}

}  // namespace
}  // namespace savedserve
