#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"
#include "kernels/ops/math_test_util.h"

namespace savedserve {
namespace {

using testing_util::AsDoubles;
using testing_util::MakeAs;
using testing_util::Values;
using testing_util::ValuesNear;
using testing_util::Vec;

constexpr KernelVariant kBoth[] = {KernelVariant::kReference, KernelVariant::kOptimized};
const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

absl::StatusOr<std::vector<Tensor>> RunUnary(const std::string& op, const Tensor& x,
                                             KernelVariant v, int threads = 1, float alpha = -1) {
  OpRunner r(op, "unary/node");
  r.Attr("T", x.dtype()).Threads(threads);
  if (alpha >= 0) r.Attr("alpha", alpha);
  return r.Run({x}, v);
}

Tensor Unary(const std::string& op, const Tensor& x, KernelVariant v, float alpha = -1) {
  auto out = RunUnary(op, x, v, 1, alpha);
  EXPECT_TRUE(out.ok()) << op << ": " << out.status();
  return out.ok() ? (*out)[0] : Tensor();
}

TEST(CwiseUnary, HandComputedFloat) {
  const Tensor x = Vec<float>({-2, -0.5f, 0, 1, 4, 7});
  const std::vector<std::pair<std::string, std::vector<double>>> cases = {
      {"Neg", {2, 0.5, 0, -1, -4, -7}},
      {"Square", {4, 0.25, 0, 1, 16, 49}},
      {"Relu", {0, 0, 0, 1, 4, 7}},
      {"Relu6", {0, 0, 0, 1, 4, 6}},
      {"LeakyRelu", {-0.4, -0.1, 0, 1, 4, 7}},  // default alpha 0.2
  };
  for (const auto& [op, want] : cases) {
    for (KernelVariant v : kBoth) {
      EXPECT_TRUE(ValuesNear(Unary(op, x, v), MakeAs(tensorflow::DT_FLOAT, {6}, want), 1e-7)) << op;
    }
  }
}

TEST(CwiseUnary, HandComputedTranscendentals) {
  const Tensor x = Vec<float>({0.25f, 1, 4});
  const std::vector<std::pair<std::string, std::vector<double>>> cases = {
      {"Sqrt", {0.5, 1, 2}},
      {"Rsqrt", {2, 1, 0.5}},
      {"Exp", {std::exp(0.25), std::exp(1.0), std::exp(4.0)}},
      {"Log", {std::log(0.25), 0, std::log(4.0)}},
      {"Sigmoid", {1 / (1 + std::exp(-0.25)), 1 / (1 + std::exp(-1.0)), 1 / (1 + std::exp(-4.0))}},
      {"Tanh", {std::tanh(0.25), std::tanh(1.0), std::tanh(4.0)}},
      {"Elu", {0.25, 1, 4}},
  };
  for (const auto& [op, want] : cases) {
    for (KernelVariant v : kBoth) {
      EXPECT_TRUE(ValuesNear(Unary(op, x, v), MakeAs(tensorflow::DT_FLOAT, {3}, want), 4e-7)) << op;
    }
  }
}

TEST(CwiseUnary, EluBelowZeroIsExpMinusOne) {
  for (KernelVariant v : kBoth) {
    EXPECT_TRUE(ValuesNear(Unary("Elu", Vec<float>({-3, -0.5f, 0, 2}), v),
                           MakeAs(tensorflow::DT_FLOAT, {4},
                                  {std::exp(-3.0) - 1, std::exp(-0.5) - 1, 0, 2}),
                           1e-7));
  }
}

TEST(CwiseUnary, LeakyReluAlpha) {
  for (KernelVariant v : kBoth) {
    // alpha may exceed 1 (then it is not a max) or be 0.
    EXPECT_EQ(Values<float>(Unary("LeakyRelu", Vec<float>({-2, 3}), v, 1.5f)),
              (std::vector<float>{-3, 3}));
    EXPECT_EQ(Values<float>(Unary("LeakyRelu", Vec<float>({-2, 3}), v, 0.0f)),
              (std::vector<float>{0, 3}));
  }
}

// TF: Relu/Relu6/LeakyRelu keep NaN; sqrt/log of negatives are NaN; log(0) = -inf;
// exp(-inf) = 0; tanh and sigmoid saturate at infinities.
TEST(CwiseUnary, FloatSpecialValues) {
  const Tensor x = Vec<float>({kNan, -kInf, kInf, -1, 0, -0.0f});
  const std::vector<std::pair<std::string, std::vector<double>>> cases = {
      {"Relu", {kNan, 0, kInf, 0, 0, 0}},
      {"Relu6", {kNan, 0, 6, 0, 0, 0}},
      {"LeakyRelu", {kNan, -kInf, kInf, -0.2, 0, 0}},
      {"Neg", {kNan, kInf, -kInf, 1, 0, 0}},
      {"Square", {kNan, kInf, kInf, 1, 0, 0}},
      {"Sqrt", {kNan, kNan, kInf, kNan, 0, 0}},
      {"Rsqrt", {kNan, kNan, 0, kNan, kInf, -kInf}},
      {"Exp", {kNan, 0, kInf, std::exp(-1.0), 1, 1}},
      {"Log", {kNan, kNan, kInf, kNan, -kInf, -kInf}},
      {"Sigmoid", {kNan, 0, 1, 1 / (1 + std::exp(1.0)), 0.5, 0.5}},
      {"Tanh", {kNan, -1, 1, std::tanh(-1.0), 0, 0}},
  };
  for (const auto& [op, want] : cases) {
    for (KernelVariant v : kBoth) {
      EXPECT_TRUE(ValuesNear(Unary(op, x, v), MakeAs(tensorflow::DT_FLOAT, {6}, want), 4e-7))
          << op << (v == KernelVariant::kReference ? " reference" : " optimized");
    }
  }
}

TEST(CwiseUnary, ExpAndLogExtremes) {
  // Overflow, underflow into subnormals, and subnormal inputs.
  const Tensor x = Vec<float>({88.5f, 89, -87.5f, -100, -104, 1e-40f, 3e-45f, 3.4e38f});
  for (KernelVariant v : kBoth) {
    std::vector<double> want_exp, want_log;
    for (double e : AsDoubles(x)) {
      want_exp.push_back(static_cast<float>(std::exp(e)));
      want_log.push_back(std::log(e));
    }
    EXPECT_TRUE(
        ValuesNear(Unary("Exp", x, v), MakeAs(tensorflow::DT_FLOAT, {8}, want_exp), 4e-7, 1e-45));
    EXPECT_TRUE(ValuesNear(Unary("Log", x, v), MakeAs(tensorflow::DT_FLOAT, {8}, want_log), 4e-7));
  }
}

TEST(CwiseUnary, OtherTypes) {
  for (DataType dtype : {tensorflow::DT_DOUBLE, tensorflow::DT_HALF, tensorflow::DT_BFLOAT16}) {
    const Tensor x = MakeAs(dtype, {3}, {-1, 0.5, 2});
    EXPECT_EQ(AsDoubles(Unary("Relu6", x, kBoth[1])), (std::vector<double>{0, 0.5, 2}));
    EXPECT_EQ(AsDoubles(Unary("Square", x, kBoth[1])), (std::vector<double>{1, 0.25, 4}));
    EXPECT_TRUE(ValuesNear(Unary("Exp", x, kBoth[1]),
                           MakeAs(dtype, {3}, {std::exp(-1.0), std::exp(0.5), std::exp(2.0)}),
                           dtype == tensorflow::DT_DOUBLE ? 1e-15 : 1e-2));
  }
  // Half: alpha is rounded to half before multiplying, as TF does.
  EXPECT_EQ(AsDoubles(Unary("LeakyRelu", MakeAs(tensorflow::DT_HALF, {1}, {-1}), kBoth[0])),
            std::vector<double>{-HalfToFloat(FloatToHalf(0.2f))});
  // Integers: Neg and Square wrap around; Relu clamps.
  const int32_t min = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(Values<int32_t>(Unary("Neg", Vec<int32_t>({min, 5}), kBoth[1])),
            (std::vector<int32_t>{min, -5}));
  EXPECT_EQ(Values<int64_t>(Unary("Relu", Vec<int64_t>({-3, 3}), kBoth[1])),
            (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(Values<int8_t>(Unary("Relu6", Vec<int8_t>({-3, 3, 9}), kBoth[1])),
            (std::vector<int8_t>{0, 3, 6}));
  EXPECT_EQ(Values<uint8_t>(Unary("Square", Vec<uint8_t>({16, 3}), kBoth[1])),
            (std::vector<uint8_t>{0, 9}));
}

TEST(CwiseUnary, UnsupportedTypesFailAtCreation) {
  SS_EXPECT_ERROR_CONTAINS(RunUnary("Exp", Vec<int32_t>({1}), kBoth[1]),
                           "unsupported dtype DT_INT32");
  SS_EXPECT_ERROR_CONTAINS(RunUnary("Neg", Vec<uint8_t>({1}), kBoth[0]),
                           "unsupported dtype DT_UINT8");
  SS_EXPECT_ERROR_CONTAINS(RunUnary("LeakyRelu", Vec<int32_t>({1}), kBoth[0]), "unary/node");
}

// The optimized float32 kernels against the reference over the shape table, on one and two
// threads. Exact ops must match bit for bit; the vectorised transcendentals are within a
// relative 1e-6 (about 8 ulp; measured worst cases are 1-3 ulp, see vector_math_test.cc)
// plus an absolute 1e-37 for results in float's subnormal range.
TEST(CwiseUnary, OptimizedMatchesReference) {
  const std::vector<std::pair<std::string, double>> ops = {
      {"Neg", 0},    {"Square", 0},     {"Sqrt", 0},      {"Rsqrt", 0},
      {"Relu", 0},   {"Relu6", 0},      {"LeakyRelu", 0}, {"Exp", 1e-6},
      {"Log", 1e-6}, {"Sigmoid", 1e-6}, {"Tanh", 1e-6},
  };
  uint32_t seed = 7;
  for (const TensorShape& shape : testing_util::UnaryTestShapes()) {
    for (const auto& [op, tol] : ops) {
      const bool positive = op == "Log" || op == "Sqrt" || op == "Rsqrt";
      Tensor x = RandomTensor(tensorflow::DT_FLOAT, shape, seed++, positive ? 1e-6 : -12,
                              positive ? 50 : 12);
      if (x.num_elements() > 3) x.data<float>()[3] = kNan;
      auto ref = RunUnary(op, x, KernelVariant::kReference);
      ASSERT_TRUE(ref.ok()) << ref.status();
      for (int threads : {1, 2}) {
        auto fast = RunUnary(op, x, KernelVariant::kOptimized, threads);
        ASSERT_TRUE(fast.ok()) << fast.status();
        EXPECT_TRUE(ValuesNear((*fast)[0], (*ref)[0], tol, tol > 0 ? 1e-37 : 0))
            << op << " " << shape.DebugString() << " threads " << threads;
      }
    }
  }
}

}  // namespace
}  // namespace savedserve
