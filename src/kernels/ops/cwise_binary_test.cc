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
using testing_util::RunOk;
using testing_util::Values;
using testing_util::Vec;

constexpr KernelVariant kBoth[] = {KernelVariant::kReference, KernelVariant::kOptimized};
const std::vector<std::string> kOps = {"Add",     "AddV2",   "Sub",    "Mul",
                                       "RealDiv", "Maximum", "Minimum"};
const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

absl::StatusOr<std::vector<Tensor>> RunBinary(const std::string& op, const Tensor& a,
                                              const Tensor& b, KernelVariant v, int threads = 1) {
  OpRunner r(op, "bin/node");
  r.Attr("T", a.dtype()).Threads(threads);
  return r.Run({a, b}, v);
}

Tensor Binary(const std::string& op, const Tensor& a, const Tensor& b, KernelVariant v) {
  absl::StatusOr<std::vector<Tensor>> out = RunBinary(op, a, b, v);
  EXPECT_TRUE(out.ok()) << op << ": " << out.status();
  return out.ok() ? (*out)[0] : Tensor();
}

TEST(CwiseBinary, HandComputedFloat) {
  const Tensor a = Vec<float>({1, -2, 3.5f, 0});
  const Tensor b = Vec<float>({2, 4, -0.5f, 3});
  const std::vector<std::pair<std::string, std::vector<float>>> cases = {
      {"Add", {3, 2, 3, 3}},
      {"AddV2", {3, 2, 3, 3}},
      {"Sub", {-1, -6, 4, -3}},
      {"Mul", {2, -8, -1.75f, 0}},
      {"RealDiv", {0.5f, -0.5f, -7, 0}},
      {"Maximum", {2, 4, 3.5f, 3}},
      {"Minimum", {1, -2, -0.5f, 0}},
  };
  for (const auto& [op, want] : cases) {
    for (KernelVariant v : kBoth) {
      EXPECT_EQ(Values<float>(Binary(op, a, b, v)), want) << op;
    }
  }
}

TEST(CwiseBinary, BroadcastColumnByRow) {
  // [[1],[2]] + [[10, 20, 30]] = [[11, 21, 31], [12, 22, 32]]
  for (KernelVariant v : kBoth) {
    Tensor out = Binary("Add", Make<float>({2, 1}, {1, 2}), Make<float>({1, 3}, {10, 20, 30}), v);
    EXPECT_EQ(out.shape(), TensorShape({2, 3}));
    EXPECT_EQ(Values<float>(out), (std::vector<float>{11, 21, 31, 12, 22, 32}));
  }
}

TEST(CwiseBinary, BroadcastVectorAndScalar) {
  for (KernelVariant v : kBoth) {
    Tensor out = Binary("Sub", Make<float>({2, 3}, {1, 2, 3, 4, 5, 6}), Vec<float>({1, 2, 3}), v);
    EXPECT_EQ(Values<float>(out), (std::vector<float>{0, 0, 0, 3, 3, 3}));
    out = Binary("Sub", Tensor::Scalar<float>(10), Make<float>({2, 2}, {1, 2, 3, 4}), v);
    EXPECT_EQ(out.shape(), TensorShape({2, 2}));
    EXPECT_EQ(Values<float>(out), (std::vector<float>{9, 8, 7, 6}));
    out = Binary("RealDiv", Vec<float>({2, 4}), Tensor::Scalar<float>(4), v);
    EXPECT_EQ(Values<float>(out), (std::vector<float>{0.5f, 1}));
  }
}

TEST(CwiseBinary, BroadcastRankMismatch) {
  // [2,1,3] * [4,1] -> [2,4,3]: out[i,j,k] = a[i,0,k] * b[j,0].
  std::vector<float> a_values = {1, 2, 3, 4, 5, 6}, b_values = {1, 10, 100, 1000};
  std::vector<float> want;
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 4; ++j) {
      for (int k = 0; k < 3; ++k) want.push_back(a_values[i * 3 + k] * b_values[j]);
    }
  }
  for (KernelVariant v : kBoth) {
    Tensor out = Binary("Mul", Make<float>({2, 1, 3}, a_values), Make<float>({4, 1}, b_values), v);
    EXPECT_EQ(out.shape(), TensorShape({2, 4, 3}));
    EXPECT_EQ(Values<float>(out), want);
  }
}

TEST(CwiseBinary, IncompatibleShapesNameTheNode) {
  for (KernelVariant v : kBoth) {
    auto out =
        RunBinary("Add", Make<float>({2, 3}, {1, 2, 3, 4, 5, 6}), Vec<float>({1, 2, 3, 4}), v);
    SS_EXPECT_ERROR_CONTAINS(out, "Incompatible shapes: [2,3] vs. [4]");
    SS_EXPECT_ERROR_CONTAINS(out, "bin/node");
    EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(CwiseBinary, EmptyTensors) {
  for (KernelVariant v : kBoth) {
    Tensor out = Binary("Mul", Tensor(tensorflow::DT_FLOAT, {0, 3}), Vec<float>({1, 2, 3}), v);
    EXPECT_EQ(out.shape(), TensorShape({0, 3}));
  }
}

TEST(CwiseBinary, EveryNumberType) {
  // Values exactly representable in every type, including uint8 and bfloat16.
  const std::vector<double> a = {2, 6, 8, 3}, b = {1, 3, 4, 1};
  const std::vector<std::pair<std::string, std::vector<double>>> cases = {
      {"Add", {3, 9, 12, 4}},    {"Sub", {1, 3, 4, 2}},     {"Mul", {2, 18, 32, 3}},
      {"Maximum", {2, 6, 8, 3}}, {"Minimum", {1, 3, 4, 1}},
  };
  for (DataType dtype : {tensorflow::DT_FLOAT, tensorflow::DT_DOUBLE, tensorflow::DT_HALF,
                         tensorflow::DT_BFLOAT16, tensorflow::DT_INT8, tensorflow::DT_INT16,
                         tensorflow::DT_INT32, tensorflow::DT_INT64, tensorflow::DT_UINT8,
                         tensorflow::DT_UINT16, tensorflow::DT_UINT32, tensorflow::DT_UINT64}) {
    for (const auto& [op, want] : cases) {
      for (KernelVariant v : kBoth) {
        Tensor out = Binary(op, MakeAs(dtype, {4}, a), MakeAs(dtype, {4}, b), v);
        EXPECT_EQ(out.dtype(), dtype);
        EXPECT_EQ(AsDoubles(out), want) << op << " " << DataTypeName(dtype);
      }
    }
    const std::vector<double> quotient = AsDoubles(
        Binary("RealDiv", MakeAs(dtype, {2}, {6, 7}), MakeAs(dtype, {2}, {3, 2}), kBoth[1]));
    const bool is_float = dtype == tensorflow::DT_FLOAT || dtype == tensorflow::DT_DOUBLE ||
                          dtype == tensorflow::DT_HALF || dtype == tensorflow::DT_BFLOAT16;
    EXPECT_EQ(quotient, (std::vector<double>{2, is_float ? 3.5 : 3})) << DataTypeName(dtype);
  }
}

TEST(CwiseBinary, IntegersWrapAround) {
  const int32_t max = std::numeric_limits<int32_t>::max();
  const int32_t min = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(Values<int32_t>(Binary("Add", Vec<int32_t>({max}), Vec<int32_t>({1}), kBoth[0])),
            std::vector<int32_t>{min});
  EXPECT_EQ(Values<uint8_t>(Binary("Sub", Vec<uint8_t>({1}), Vec<uint8_t>({2}), kBoth[0])),
            std::vector<uint8_t>{255});
  EXPECT_EQ(
      Values<uint16_t>(Binary("Mul", Vec<uint16_t>({65535}), Vec<uint16_t>({65535}), kBoth[0])),
      std::vector<uint16_t>{1});
  // Integer division truncates toward zero; lowest / -1 wraps instead of trapping.
  EXPECT_EQ(Values<int32_t>(
                Binary("RealDiv", Vec<int32_t>({7, -7, min}), Vec<int32_t>({-2, 2, -1}), kBoth[0])),
            (std::vector<int32_t>{-3, -3, min}));
}

TEST(CwiseBinary, IntegerDivisionByZeroIsAnError) {
  auto out = RunBinary("RealDiv", Vec<int64_t>({1, 2}), Vec<int64_t>({1, 0}), kBoth[1]);
  SS_EXPECT_ERROR_CONTAINS(out, "Integer division by zero");
}

TEST(CwiseBinary, FloatSpecialValues) {
  const Tensor a = Vec<float>({kNan, 1, kNan, kInf, 1, -1, 0, -0.0f});
  const Tensor b = Vec<float>({1, kNan, kNan, -kInf, 0, 0, 0, 0});
  for (KernelVariant v : kBoth) {
    // TF's Maximum/Minimum propagate NaN from either side.
    std::vector<float> max = Values<float>(Binary("Maximum", a, b, v));
    std::vector<float> min = Values<float>(Binary("Minimum", a, b, v));
    for (int i = 0; i < 3; ++i) {
      EXPECT_TRUE(std::isnan(max[i])) << i;
      EXPECT_TRUE(std::isnan(min[i])) << i;
    }
    EXPECT_EQ(max[3], kInf);
    EXPECT_EQ(min[3], -kInf);
    std::vector<float> sum = Values<float>(Binary("Add", a, b, v));
    EXPECT_TRUE(std::isnan(sum[3]));  // inf + -inf
    std::vector<float> quotient = Values<float>(Binary("RealDiv", a, b, v));
    EXPECT_EQ(quotient[4], kInf);
    EXPECT_EQ(quotient[5], -kInf);
    EXPECT_TRUE(std::isnan(quotient[6]));  // 0 / 0
  }
}

TEST(CwiseBinary, StringAddConcatenates) {
  for (const char* op : {"Add", "AddV2"}) {
    Tensor a(tensorflow::DT_STRING, {2, 1});
    a.data<std::string>()[0] = "a";
    a.data<std::string>()[1] = "b";
    Tensor b(tensorflow::DT_STRING, {3});
    b.data<std::string>()[0] = "x";
    b.data<std::string>()[1] = "y";
    b.data<std::string>()[2] = "";
    for (KernelVariant v : kBoth) {
      Tensor out = Binary(op, a, b, v);
      EXPECT_EQ(out.shape(), TensorShape({2, 3}));
      EXPECT_EQ(Values<std::string>(out),
                (std::vector<std::string>{"ax", "ay", "a", "bx", "by", "b"}));
    }
  }
}

TEST(CwiseBinary, UnsupportedTypesFailAtCreation) {
  Tensor s(tensorflow::DT_STRING, {1});
  auto sub = RunBinary("Sub", s, s, kBoth[1]);
  SS_EXPECT_ERROR_CONTAINS(sub, "unsupported dtype DT_STRING");
  SS_EXPECT_ERROR_CONTAINS(sub, "bin/node");
  Tensor flag(tensorflow::DT_BOOL, {1});
  SS_EXPECT_ERROR_CONTAINS(RunBinary("Mul", flag, flag, kBoth[0]), "unsupported dtype DT_BOOL");
}

TEST(CwiseBinary, MismatchedInputTypeIsAnError) {
  OpRunner r("Add", "bin/node");
  r.Attr("T", tensorflow::DT_FLOAT);
  SS_EXPECT_ERROR_CONTAINS(r.Run({Vec<float>({1}), Vec<int32_t>({1})}), "input 1 is DT_INT32");
}

TEST(CwiseBinary, FlopsCountOutputElements) {
  OpRunner r("Mul", "bin/node");
  r.Attr("T", tensorflow::DT_FLOAT);
  auto kernel = r.Create({Vec<float>({1}), Vec<float>({1})}, KernelVariant::kOptimized);
  ASSERT_TRUE(kernel.ok()) << kernel.status();
  EXPECT_EQ((*kernel)->Flops({TensorShape({5, 1}), TensorShape({1, 7})}), 35);
}

// The optimized float32 kernels against the reference over every broadcast pattern, on
// one and two threads. Both compute each element with one IEEE operation, so results
// must be bit-identical (tolerance 0; NaN matches NaN).
TEST(CwiseBinary, OptimizedMatchesReference) {
  ASSERT_TRUE(KernelRegistry::Global().HasVariant("Add", KernelVariant::kOptimized));
  uint32_t seed = 1;
  for (const auto& [a_shape, b_shape] : testing_util::BinaryTestShapes()) {
    Tensor a = RandomTensor(tensorflow::DT_FLOAT, a_shape, seed++, -3, 3);
    Tensor b = RandomTensor(tensorflow::DT_FLOAT, b_shape, seed++, 0.5, 4);
    if (a.num_elements() > 2) a.data<float>()[1] = kNan;
    if (b.num_elements() > 3) b.data<float>()[2] = -kInf;
    for (const std::string& op : kOps) {
      auto ref = RunBinary(op, a, b, KernelVariant::kReference);
      ASSERT_TRUE(ref.ok()) << ref.status();
      for (int threads : {1, 2}) {
        auto fast = RunBinary(op, a, b, KernelVariant::kOptimized, threads);
        ASSERT_TRUE(fast.ok()) << fast.status();
        EXPECT_TRUE(TensorsNear((*fast)[0], (*ref)[0], 0))
            << op << " " << a_shape.DebugString() << " vs " << b_shape.DebugString() << " threads "
            << threads;
      }
    }
  }
}

}  // namespace
}  // namespace savedserve
