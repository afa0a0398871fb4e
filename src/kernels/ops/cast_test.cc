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
using testing_util::Vec;

const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

absl::StatusOr<std::vector<Tensor>> RunCast(const Tensor& x, DataType dst, bool truncate = false) {
  OpRunner r("Cast", "cast/node");
  r.Attr("SrcT", x.dtype()).Attr("DstT", dst).Attr("Truncate", truncate);
  return r.Run({x});
}

Tensor Cast(const Tensor& x, DataType dst, bool truncate = false) {
  auto out = RunCast(x, dst, truncate);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? (*out)[0] : Tensor();
}

const std::vector<DataType> kAllTypes = {
    tensorflow::DT_FLOAT, tensorflow::DT_DOUBLE, tensorflow::DT_HALF,   tensorflow::DT_BFLOAT16,
    tensorflow::DT_INT8,  tensorflow::DT_INT16,  tensorflow::DT_INT32,  tensorflow::DT_INT64,
    tensorflow::DT_UINT8, tensorflow::DT_UINT16, tensorflow::DT_UINT32, tensorflow::DT_UINT64,
    tensorflow::DT_BOOL};

// Small non-negative integers survive every conversion pair (bool sees 0 and non-zero).
TEST(Cast, EveryPairKeepsSmallIntegers) {
  for (DataType src : kAllTypes) {
    for (DataType dst : kAllTypes) {
      const bool to_bool = dst == tensorflow::DT_BOOL, from_bool = src == tensorflow::DT_BOOL;
      const std::vector<double> in =
          from_bool ? std::vector<double>{0, 1, 1} : std::vector<double>{0, 1, 100};
      const Tensor out = Cast(MakeAs(src, {3}, in), dst);
      EXPECT_EQ(out.dtype(), dst);
      EXPECT_EQ(AsDoubles(out), (to_bool ? std::vector<double>{0, 1, 1} : in))
          << DataTypeName(src) << " -> " << DataTypeName(dst);
    }
  }
}

TEST(Cast, FloatToIntegerTruncatesTowardZero) {
  EXPECT_EQ(Values<int32_t>(Cast(Vec<float>({2.7f, -2.7f, 0.5f, -0.5f}), tensorflow::DT_INT32)),
            (std::vector<int32_t>{2, -2, 0, 0}));
  EXPECT_EQ(Values<int64_t>(Cast(Vec<double>({1e15 + 0.5, -3.9}), tensorflow::DT_INT64)),
            (std::vector<int64_t>{1000000000000000, -3}));
}

// Out-of-range and NaN values give what TF gives on x86 (see cast.cc).
TEST(Cast, FloatToIntegerOutOfRange) {
  const int32_t min32 = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(Values<int32_t>(Cast(Vec<float>({kNan, kInf, -kInf, 3e9f}), tensorflow::DT_INT32)),
            (std::vector<int32_t>{min32, min32, min32, min32}));
  EXPECT_EQ(Values<int16_t>(Cast(Vec<float>({100000, kNan}), tensorflow::DT_INT16)),
            (std::vector<int16_t>{-31072, 0}));
  EXPECT_EQ(Values<uint8_t>(Cast(Vec<float>({-1, 256, 300.5f}), tensorflow::DT_UINT8)),
            (std::vector<uint8_t>{255, 0, 44}));
  EXPECT_EQ(Values<int64_t>(Cast(Vec<double>({kNan, 1e19}), tensorflow::DT_INT64)),
            (std::vector<int64_t>(2, std::numeric_limits<int64_t>::min())));
  EXPECT_EQ(Values<uint64_t>(Cast(Vec<double>({1.5e19, -1}), tensorflow::DT_UINT64)),
            (std::vector<uint64_t>{15000000000000000000u, std::numeric_limits<uint64_t>::max()}));
}

TEST(Cast, IntegersWrap) {
  EXPECT_EQ(Values<uint8_t>(Cast(Vec<int32_t>({300, -1}), tensorflow::DT_UINT8)),
            (std::vector<uint8_t>{44, 255}));
  EXPECT_EQ(Values<int8_t>(Cast(Vec<uint16_t>({200}), tensorflow::DT_INT8)),
            (std::vector<int8_t>{-56}));
  EXPECT_EQ(Values<int32_t>(Cast(Vec<int64_t>({int64_t{1} << 32 | 5}), tensorflow::DT_INT32)),
            (std::vector<int32_t>{5}));
}

TEST(Cast, BoolConversions) {
  Tensor b = Cast(Vec<float>({0, -0.0f, 0.5f, kNan, -kInf}), tensorflow::DT_BOOL);
  EXPECT_EQ(Values<bool>(b), (std::vector<bool>{false, false, true, true, true}));
  EXPECT_EQ(Values<float>(Cast(b, tensorflow::DT_FLOAT)), (std::vector<float>{0, 0, 1, 1, 1}));
}

TEST(Cast, HalfRoundsToNearestEvenUnlessTruncate) {
  // 1 + 3 * 2^-12 lies between the halves 1 and 1 + 2^-10, nearer the latter.
  const float x = 1.0f + 3.0f / 4096.0f;
  EXPECT_EQ(AsDoubles(Cast(Vec<float>({x, -x}), tensorflow::DT_HALF)),
            (std::vector<double>{1 + 1 / 1024.0, -1 - 1 / 1024.0}));
  EXPECT_EQ(AsDoubles(Cast(Vec<float>({x, -x}), tensorflow::DT_HALF, true)),
            (std::vector<double>{1, -1}));
  // bfloat16 keeps 8 significant bits: 1 + 3 * 2^-9 rounds up to 1 + 2^-7, truncates to 1.
  const float y = 1.0f + 3.0f / 512.0f;
  EXPECT_EQ(AsDoubles(Cast(Vec<float>({y}), tensorflow::DT_BFLOAT16)),
            std::vector<double>{1 + 1 / 128.0});
  EXPECT_EQ(AsDoubles(Cast(Vec<float>({y}), tensorflow::DT_BFLOAT16, true)),
            std::vector<double>{1});
  // double -> float truncation; special values pass through untouched.
  const double z = 1.0 + 3.0 / (1 << 25);
  EXPECT_EQ(Values<float>(Cast(Vec<double>({z}), tensorflow::DT_FLOAT, true)),
            std::vector<float>{1.0f});
  std::vector<double> specials =
      AsDoubles(Cast(Vec<float>({kNan, kInf, 70000}), tensorflow::DT_HALF, true));
  EXPECT_TRUE(std::isnan(specials[0]));
  EXPECT_EQ(specials[1], kInf);
  EXPECT_EQ(specials[2], kInf);  // beyond half's range
}

TEST(Cast, SameTypeSharesTheBuffer) {
  const Tensor x = Vec<float>({1, 2});
  EXPECT_TRUE(Cast(x, tensorflow::DT_FLOAT).SharesBufferWith(x));
}

TEST(Cast, UnsupportedTypesNameTheNode) {
  Tensor s(tensorflow::DT_STRING, {1});
  auto out = RunCast(s, tensorflow::DT_FLOAT);
  SS_EXPECT_ERROR_CONTAINS(out, "unsupported dtype DT_STRING");
  SS_EXPECT_ERROR_CONTAINS(out, "cast/node");
  SS_EXPECT_ERROR_CONTAINS(RunCast(Vec<float>({1}), tensorflow::DT_STRING),
                           "unsupported dtype DT_STRING");
}

}  // namespace
}  // namespace savedserve
