// The division family, Pow, SquaredDifference, DivNoNan and Atan2 (cwise_binary.cc).
// Expected values are numpy's (floor_divide, mod, fmod, power, arctan2) or worked by hand
// from TF's documented semantics.
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
using testing_util::Make;
using testing_util::MakeAs;
using testing_util::Values;
using testing_util::ValuesNear;
using testing_util::Vec;

const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

absl::StatusOr<std::vector<Tensor>> RunBinary(const std::string& op, const Tensor& a,
                                              const Tensor& b) {
  OpRunner r(op, "math/node");
  r.Attr("T", a.dtype());
  return r.Run({a, b}, KernelVariant::kReference);
}

Tensor Binary(const std::string& op, const Tensor& a, const Tensor& b) {
  absl::StatusOr<std::vector<Tensor>> out = RunBinary(op, a, b);
  EXPECT_TRUE(out.ok()) << op << ": " << out.status();
  return out.ok() ? (*out)[0] : Tensor();
}

// Every sign combination: numpy's floor_divide and mod for the floor ops, C's / and % for
// the truncating ones.
TEST(CwiseBinaryMath, IntegerDivisionFamilies) {
  const Tensor a = Vec<int32_t>({7, -7, 7, -7, 0, 5, -1});
  const Tensor b = Vec<int32_t>({2, 2, -2, -2, 3, -3, 4});
  EXPECT_EQ(Values<int32_t>(Binary("FloorDiv", a, b)),
            (std::vector<int32_t>{3, -4, -4, 3, 0, -2, -1}));
  EXPECT_EQ(Values<int32_t>(Binary("FloorMod", a, b)),
            (std::vector<int32_t>{1, 1, -1, -1, 0, -1, 3}));
  for (const char* op : {"Div", "TruncateDiv", "RealDiv"}) {
    EXPECT_EQ(Values<int32_t>(Binary(op, a, b)), (std::vector<int32_t>{3, -3, -3, 3, 0, -1, 0}))
        << op;
  }
  for (const char* op : {"Mod", "TruncateMod"}) {
    EXPECT_EQ(Values<int32_t>(Binary(op, a, b)), (std::vector<int32_t>{1, -1, 1, -1, 0, 2, -1}))
        << op;
  }
}

TEST(CwiseBinaryMath, IntegerDivisionEdges) {
  const int64_t min = std::numeric_limits<int64_t>::min();
  const Tensor a = Vec<int64_t>({min, min, 9});
  const Tensor b = Vec<int64_t>({-1, 1, -1});
  // lowest / -1 wraps instead of trapping; x mod -1 is 0.
  EXPECT_EQ(Values<int64_t>(Binary("FloorDiv", a, b)), (std::vector<int64_t>{min, min, -9}));
  EXPECT_EQ(Values<int64_t>(Binary("FloorMod", a, b)), (std::vector<int64_t>{0, 0, 0}));
  EXPECT_EQ(Values<int64_t>(Binary("TruncateMod", a, b)), (std::vector<int64_t>{0, 0, 0}));
  // Unsigned types.
  EXPECT_EQ(Values<uint8_t>(Binary("FloorDiv", Vec<uint8_t>({255, 7}), Vec<uint8_t>({2, 8}))),
            (std::vector<uint8_t>{127, 0}));
  EXPECT_EQ(Values<uint16_t>(Binary("FloorMod", Vec<uint16_t>({65535}), Vec<uint16_t>({10}))),
            (std::vector<uint16_t>{5}));
}

TEST(CwiseBinaryMath, IntegerDivisionByZeroIsAnError) {
  for (const char* op : {"Div", "TruncateDiv", "FloorDiv", "FloorMod", "Mod", "TruncateMod"}) {
    auto out = RunBinary(op, Vec<int32_t>({1, 2}), Vec<int32_t>({1, 0}));
    SS_EXPECT_ERROR_CONTAINS(out, "Integer division by zero");
    SS_EXPECT_ERROR_CONTAINS(out, "math/node");
  }
}

TEST(CwiseBinaryMath, FloatDivisionFamilies) {
  const Tensor a = Vec<float>({7.5f, -7.5f, 7.5f, -7.5f, 0, -1e-30f, 5});
  const Tensor b = Vec<float>({2, 2, -2, -2, 3, 1, 0.5f});
  EXPECT_EQ(Values<float>(Binary("FloorDiv", a, b)), (std::vector<float>{3, -4, -4, 3, 0, -1, 10}));
  // FloorMod takes the divisor's sign: a tiny negative remainder plus 1 rounds to 1.
  EXPECT_EQ(Values<float>(Binary("FloorMod", a, b)),
            (std::vector<float>{1.5f, 0.5f, -0.5f, -1.5f, 0, 1, 0}));
  EXPECT_EQ(Values<float>(Binary("Mod", a, b)),
            (std::vector<float>{1.5f, -1.5f, 1.5f, -1.5f, 0, -1e-30f, 0}));
  EXPECT_EQ(Values<float>(Binary("Div", a, b)),
            (std::vector<float>{3.75f, -3.75f, -3.75f, 3.75f, 0, -1e-30f, 10}));
  // Floats divide by zero as IEEE does.
  std::vector<float> q =
      Values<float>(Binary("FloorDiv", Vec<float>({1, -1, 0}), Vec<float>({0, 0, 0})));
  EXPECT_EQ(q[0], kInf);
  EXPECT_EQ(q[1], -kInf);
  EXPECT_TRUE(std::isnan(q[2]));
  EXPECT_TRUE(std::isnan(Values<float>(Binary("FloorMod", Vec<float>({1}), Vec<float>({0})))[0]));
}

TEST(CwiseBinaryMath, TruncateDivIsIntegerOnly) {
  SS_EXPECT_ERROR_CONTAINS(RunBinary("TruncateDiv", Vec<float>({1}), Vec<float>({2})),
                           "unsupported dtype DT_FLOAT");
}

TEST(CwiseBinaryMath, Pow) {
  EXPECT_EQ(Values<float>(
                Binary("Pow", Vec<float>({2, -3, 0.5f, 4, 0}), Vec<float>({3, 2, -2, 0.5f, 0}))),
            (std::vector<float>{8, 9, 4, 2, 1}));
  std::vector<float> odd =
      Values<float>(Binary("Pow", Vec<float>({-8, 0}), Vec<float>({1.0f / 3, -1})));
  EXPECT_TRUE(std::isnan(odd[0]));  // a negative base to a non-integer power
  EXPECT_EQ(odd[1], kInf);
  // Integers by repeated squaring; overflow wraps; 0^0 = 1.
  EXPECT_EQ(Values<int32_t>(
                Binary("Pow", Vec<int32_t>({2, -3, 0, 7, 2}), Vec<int32_t>({10, 3, 0, 1, 32}))),
            (std::vector<int32_t>{1024, -27, 1, 7, 0}));
  EXPECT_EQ(Values<int64_t>(Binary("Pow", Vec<int64_t>({3}), Vec<int64_t>({39}))),
            (std::vector<int64_t>{4052555153018976267}));
  SS_EXPECT_ERROR_CONTAINS(RunBinary("Pow", Vec<int32_t>({2, 2}), Vec<int32_t>({1, -1})),
                           "Integers to negative integer powers are not allowed");
}

TEST(CwiseBinaryMath, SquaredDifferenceBroadcasts) {
  Tensor out =
      Binary("SquaredDifference", Make<float>({2, 2}, {2, -3, 0.5f, 4}), Vec<float>({3, 2}));
  EXPECT_EQ(out.shape(), TensorShape({2, 2}));
  EXPECT_EQ(Values<float>(out), (std::vector<float>{1, 25, 6.25f, 4}));
  EXPECT_EQ(Values<int64_t>(Binary("SquaredDifference", Vec<int64_t>({-5}), Vec<int64_t>({7}))),
            std::vector<int64_t>{144});
}

TEST(CwiseBinaryMath, DivNoNanIsZeroWhereTheDivisorIs) {
  const Tensor a = Vec<float>({1, 0, kNan, kInf, 3});
  const Tensor b = Vec<float>({0, 0, 0, 0, 2});
  EXPECT_EQ(Values<float>(Binary("DivNoNan", a, b)), (std::vector<float>{0, 0, 0, 0, 1.5f}));
  EXPECT_EQ(AsDoubles(Binary("DivNoNan", MakeAs(tensorflow::DT_HALF, {2}, {1, 3}),
                             MakeAs(tensorflow::DT_HALF, {2}, {0, 4}))),
            (std::vector<double>{0, 0.75}));
  SS_EXPECT_ERROR_CONTAINS(RunBinary("DivNoNan", Vec<int32_t>({1}), Vec<int32_t>({0})),
                           "unsupported dtype DT_INT32");
}

// MulNoNan is 0 where y is 0, Xlogy and Xdivy where x is 0, whatever the other operand is.
TEST(CwiseBinaryMath, NoNanVariants) {
  const Tensor x = Vec<float>({0, 0, 0, 2, kNan, 3});
  const Tensor y = Vec<float>({0, kNan, kInf, 0, 0, 4});
  // 0 * NaN and 0 * inf stay NaN: only a zero y forces 0.
  std::vector<float> product = Values<float>(Binary("MulNoNan", x, y));
  EXPECT_TRUE(std::isnan(product[1]) && std::isnan(product[2]));
  EXPECT_EQ(product[0], 0);
  EXPECT_EQ(std::vector<float>(product.begin() + 3, product.end()), (std::vector<float>{0, 0, 12}));
  std::vector<float> xlogy = Values<float>(Binary("Xlogy", x, y));
  EXPECT_EQ(std::vector<float>(xlogy.begin(), xlogy.begin() + 4),
            (std::vector<float>{0, 0, 0, -kInf}));
  EXPECT_TRUE(std::isnan(xlogy[4]));
  EXPECT_FLOAT_EQ(xlogy[5], 3 * std::log(4.0f));
  std::vector<float> xdivy = Values<float>(Binary("Xdivy", x, y));
  EXPECT_EQ(std::vector<float>(xdivy.begin(), xdivy.begin() + 4),
            (std::vector<float>{0, 0, 0, kInf}));
  EXPECT_TRUE(std::isnan(xdivy[4]));
  EXPECT_EQ(xdivy[5], 0.75f);
  SS_EXPECT_ERROR_CONTAINS(RunBinary("Xlogy", Vec<int32_t>({1}), Vec<int32_t>({1})),
                           "unsupported dtype DT_INT32");
}

TEST(CwiseBinaryMath, Atan2TakesYThenX) {
  // numpy.arctan2 of the four quadrant boundaries.
  EXPECT_TRUE(ValuesNear(Binary("Atan2", Vec<float>({1, -1, 0, 1}), Vec<float>({1, -1, -1, 0})),
                         Vec<float>({0.7853981256484985f, -2.356194496154785f, 3.1415927410125732f,
                                     1.5707963705062866f}),
                         1e-7));
  EXPECT_TRUE(ValuesNear(Binary("Atan2", MakeAs(tensorflow::DT_DOUBLE, {1}, {1}),
                                MakeAs(tensorflow::DT_DOUBLE, {1}, {std::sqrt(3.0)})),
                         MakeAs(tensorflow::DT_DOUBLE, {1}, {M_PI / 6}), 1e-15));
}

TEST(CwiseBinaryMath, HalfAndBFloat16) {
  for (DataType dtype : {tensorflow::DT_HALF, tensorflow::DT_BFLOAT16}) {
    const Tensor a = MakeAs(dtype, {3}, {7, -7, 2});
    const Tensor b = MakeAs(dtype, {3}, {2, 2, 3});
    EXPECT_EQ(AsDoubles(Binary("FloorDiv", a, b)), (std::vector<double>{3, -4, 0}));
    EXPECT_EQ(AsDoubles(Binary("FloorMod", a, b)), (std::vector<double>{1, 1, 2}));
    EXPECT_EQ(AsDoubles(Binary("Pow", a, b)), (std::vector<double>{49, 49, 8}));
    EXPECT_EQ(AsDoubles(Binary("SquaredDifference", a, b)), (std::vector<double>{25, 81, 1}));
  }
}

}  // namespace
}  // namespace savedserve
