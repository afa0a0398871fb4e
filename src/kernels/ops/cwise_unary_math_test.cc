// Rounding, sign, predicates, logical not and the activations Softplus, Softsign and Selu
// (cwise_unary.cc). Expected values are worked by hand from TF's documented semantics or
// computed in double with the C library (for the transcendental functions).
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

const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

absl::StatusOr<std::vector<Tensor>> RunUnary(const std::string& op, const Tensor& x) {
  OpRunner r(op, "unary/node");
  if (x.dtype() != tensorflow::DT_BOOL) r.Attr("T", x.dtype());
  return r.Run({x}, KernelVariant::kReference);
}

Tensor Unary(const std::string& op, const Tensor& x) {
  auto out = RunUnary(op, x);
  EXPECT_TRUE(out.ok()) << op << ": " << out.status();
  return out.ok() ? (*out)[0] : Tensor();
}

// Expected values of `fn` (in double) at each element of x, as float.
Tensor Expected(const std::vector<float>& x, double (*fn)(double)) {
  std::vector<float> y;
  for (float v : x) y.push_back(static_cast<float>(fn(v)));
  return Vec<float>(y);
}

TEST(CwiseUnaryMath, RoundingHalvesGoToEven) {
  const Tensor x = Vec<float>({-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f, -0.7f, 3.2f});
  for (const char* op : {"Round", "Rint"}) {
    EXPECT_EQ(Values<float>(Unary(op, x)), (std::vector<float>{-2, -2, 0, 0, 2, 2, -1, 3})) << op;
  }
  EXPECT_EQ(Values<float>(Unary("Floor", x)), (std::vector<float>{-3, -2, -1, 0, 1, 2, -1, 3}));
  EXPECT_EQ(Values<float>(Unary("Ceil", x)), (std::vector<float>{-2, -1, 0, 1, 2, 3, 0, 4}));
  EXPECT_EQ(AsDoubles(Unary("Round", MakeAs(tensorflow::DT_HALF, {3}, {2.5, 3.5, -4.5}))),
            (std::vector<double>{2, 4, -4}));
  // Round of an integer is the integer; Rint, Floor and Ceil take floats only.
  EXPECT_EQ(Values<int64_t>(Unary("Round", Vec<int64_t>({-3, 7}))), (std::vector<int64_t>{-3, 7}));
  SS_EXPECT_ERROR_CONTAINS(RunUnary("Rint", Vec<int32_t>({1})), "unsupported dtype DT_INT32");
  SS_EXPECT_ERROR_CONTAINS(RunUnary("Floor", Vec<int32_t>({1})), "unsupported dtype DT_INT32");
  std::vector<float> special = Values<float>(Unary("Round", Vec<float>({kNan, -kInf, 1e30f})));
  EXPECT_TRUE(std::isnan(special[0]));
  EXPECT_EQ(special[1], -kInf);
  EXPECT_EQ(special[2], 1e30f);
}

TEST(CwiseUnaryMath, AbsAndSign) {
  const Tensor x = Vec<float>({-2.5f, -0.0f, 0, 3, -kInf, kNan});
  std::vector<float> abs = Values<float>(Unary("Abs", x));
  EXPECT_EQ(std::vector<float>(abs.begin(), abs.end() - 1),
            (std::vector<float>{2.5f, 0, 0, 3, kInf}));
  EXPECT_TRUE(std::isnan(abs.back()));
  // Sign(NaN) is NaN (TensorFlow 2; TensorFlow 1 gave 0).
  std::vector<float> sign = Values<float>(Unary("Sign", x));
  EXPECT_EQ(std::vector<float>(sign.begin(), sign.end() - 1),
            (std::vector<float>{-1, 0, 0, 1, -1}));
  EXPECT_TRUE(std::isnan(sign.back()));
  const int32_t min = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(Values<int32_t>(Unary("Abs", Vec<int32_t>({-7, 0, 7, min}))),
            (std::vector<int32_t>{7, 0, 7, min}));  // |lowest| wraps, as in TF
  EXPECT_EQ(Values<int8_t>(Unary("Sign", Vec<int8_t>({-7, 0, 7}))),
            (std::vector<int8_t>{-1, 0, 1}));
  SS_EXPECT_ERROR_CONTAINS(RunUnary("Abs", Vec<uint8_t>({1})), "unsupported dtype DT_UINT8");
}

TEST(CwiseUnaryMath, ReciprocalAndInv) {
  for (const char* op : {"Reciprocal", "Inv"}) {
    EXPECT_EQ(Values<float>(Unary(op, Vec<float>({2, -0.25f, 0, -0.0f, kInf}))),
              (std::vector<float>{0.5f, -4, kInf, -kInf, 0}))
        << op;
    SS_EXPECT_ERROR_CONTAINS(RunUnary(op, Vec<int32_t>({1})), "unsupported dtype DT_INT32");
  }
}

TEST(CwiseUnaryMath, Transcendentals) {
  const std::vector<float> x = {-3, -0.5f, -1e-6f, 0, 1e-6f, 0.75f, 2, 10};
  EXPECT_TRUE(ValuesNear(Unary("Sin", Vec<float>(x)), Expected(x, std::sin), 2e-7, 1e-7));
  EXPECT_TRUE(ValuesNear(Unary("Cos", Vec<float>(x)), Expected(x, std::cos), 2e-7, 1e-7));
  EXPECT_TRUE(ValuesNear(Unary("Erf", Vec<float>(x)), Expected(x, std::erf), 2e-7, 1e-7));
  EXPECT_TRUE(ValuesNear(Unary("Erfc", Vec<float>(x)), Expected(x, std::erfc), 2e-7, 2e-45));
  EXPECT_TRUE(ValuesNear(Unary("Expm1", Vec<float>(x)), Expected(x, std::expm1), 2e-7));
  // Log1p keeps tiny arguments accurate where log(1 + x) would lose them.
  const std::vector<float> positive = {-0.5f, -1e-6f, 0, 1e-6f, 0.75f, 2, 1e6f};
  EXPECT_TRUE(
      ValuesNear(Unary("Log1p", Vec<float>(positive)), Expected(positive, std::log1p), 2e-7));
  std::vector<float> edges = Values<float>(Unary("Log1p", Vec<float>({-1, -2})));
  EXPECT_EQ(edges[0], -kInf);
  EXPECT_TRUE(std::isnan(edges[1]));
  EXPECT_EQ(Values<float>(Unary("Expm1", Vec<float>({-kInf, kInf}))),
            (std::vector<float>{-1, kInf}));
  EXPECT_EQ(Values<float>(Unary("Erf", Vec<float>({-kInf, kInf}))), (std::vector<float>{-1, 1}));
  EXPECT_TRUE(ValuesNear(Unary("Sin", MakeAs(tensorflow::DT_DOUBLE, {1}, {M_PI / 6})),
                         MakeAs(tensorflow::DT_DOUBLE, {1}, {0.5}), 1e-15));
}

TEST(CwiseUnaryMath, TrigonometricAndHyperbolic) {
  const std::vector<float> x = {-3, -0.5f, -1e-6f, 0, 1e-6f, 0.75f, 2, 10};
  EXPECT_TRUE(ValuesNear(Unary("Tan", Vec<float>(x)), Expected(x, std::tan), 4e-7, 1e-7));
  EXPECT_TRUE(ValuesNear(Unary("Atan", Vec<float>(x)), Expected(x, std::atan), 2e-7));
  EXPECT_TRUE(ValuesNear(Unary("Sinh", Vec<float>(x)), Expected(x, std::sinh), 2e-7));
  EXPECT_TRUE(ValuesNear(Unary("Cosh", Vec<float>(x)), Expected(x, std::cosh), 2e-7));
  EXPECT_TRUE(ValuesNear(Unary("Asinh", Vec<float>(x)), Expected(x, std::asinh), 2e-7));
  // Inverse functions on their domains, and NaN outside them.
  const std::vector<float> unit = {-1, -0.5f, -1e-6f, 0, 0.3f, 0.99f, 1, 1.5f};
  EXPECT_TRUE(ValuesNear(Unary("Asin", Vec<float>(unit)), Expected(unit, std::asin), 2e-7));
  EXPECT_TRUE(ValuesNear(Unary("Acos", Vec<float>(unit)), Expected(unit, std::acos), 2e-7));
  EXPECT_TRUE(ValuesNear(Unary("Atanh", Vec<float>(unit)), Expected(unit, std::atanh), 2e-7));
  const std::vector<float> above_one = {0.5f, 1, 1.5f, 10, 1e30f};
  EXPECT_TRUE(
      ValuesNear(Unary("Acosh", Vec<float>(above_one)), Expected(above_one, std::acosh), 2e-7));
  EXPECT_TRUE(std::isnan(Values<float>(Unary("Asin", Vec<float>({2})))[0]));
  EXPECT_EQ(Values<float>(Unary("Atanh", Vec<float>({-1, 1}))), (std::vector<float>{-kInf, kInf}));
  EXPECT_TRUE(ValuesNear(Unary("Tan", MakeAs(tensorflow::DT_DOUBLE, {1}, {M_PI / 4})),
                         MakeAs(tensorflow::DT_DOUBLE, {1}, {1}), 1e-15));
  SS_EXPECT_ERROR_CONTAINS(RunUnary("Tan", Vec<int32_t>({1})), "unsupported dtype DT_INT32");
}

double Softplus(double x) { return std::log1p(std::exp(x)); }
double Softsign(double x) { return x / (1 + std::fabs(x)); }
double Selu(double x) {
  const double alpha = 1.6732632423543772848170429916717;
  const double scale = 1.0507009873554804934193349852946;
  return x < 0 ? scale * alpha * std::expm1(x) : scale * x;
}

TEST(CwiseUnaryMath, Activations) {
  const std::vector<float> x = {-20, -3, -0.5f, 0, 0.5f, 3, 13, 20};
  EXPECT_TRUE(ValuesNear(Unary("Softplus", Vec<float>(x)), Expected(x, Softplus), 1e-6));
  EXPECT_TRUE(ValuesNear(Unary("Softsign", Vec<float>(x)), Expected(x, Softsign), 1e-7));
  EXPECT_TRUE(ValuesNear(Unary("Selu", Vec<float>(x)), Expected(x, Selu), 1e-6));
  // Softplus switches to x and exp(x) beyond +-(log(epsilon) + 2): 13.94 for float, 4.93
  // for half, where softplus(5) would otherwise round to 5.0078.
  EXPECT_EQ(Values<float>(Unary("Softplus", Vec<float>({100, -100}))),
            (std::vector<float>{100, static_cast<float>(std::exp(-100.0))}));
  EXPECT_EQ(AsDoubles(Unary("Softplus", MakeAs(tensorflow::DT_HALF, {1}, {5}))),
            std::vector<double>{5});
  std::vector<float> nan = Values<float>(Unary("Softplus", Vec<float>({kNan})));
  EXPECT_TRUE(std::isnan(nan[0]));
}

TEST(CwiseUnaryMath, PredicatesGiveBools) {
  const Tensor x = Vec<float>({kNan, kInf, -kInf, 0, -1.5f, 3e38f});
  const std::vector<std::pair<std::string, std::vector<bool>>> cases = {
      {"IsNan", {true, false, false, false, false, false}},
      {"IsInf", {false, true, true, false, false, false}},
      {"IsFinite", {false, false, false, true, true, true}},
  };
  for (const auto& [op, want] : cases) {
    Tensor out = Unary(op, x);
    ASSERT_EQ(out.dtype(), tensorflow::DT_BOOL) << op;
    EXPECT_EQ(Values<bool>(out), want) << op;
    Tensor half = Unary(op, MakeAs(tensorflow::DT_HALF, {2}, {kInf, 1}));
    EXPECT_EQ(Values<bool>(half), (std::vector<bool>{op == "IsInf", op == "IsFinite"})) << op;
    SS_EXPECT_ERROR_CONTAINS(RunUnary(op, Vec<int32_t>({1})), "unsupported dtype DT_INT32");
  }
}

TEST(CwiseUnaryMath, LogicalNot) {
  EXPECT_EQ(Values<bool>(Unary("LogicalNot", Vec<bool>({true, false}))),
            (std::vector<bool>{false, true}));
  SS_EXPECT_ERROR_CONTAINS(RunUnary("LogicalNot", Vec<float>({1})), "input 0 is DT_FLOAT");
}

}  // namespace
}  // namespace savedserve
