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

constexpr KernelVariant kBoth[] = {KernelVariant::kReference, KernelVariant::kOptimized};
const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

absl::StatusOr<std::vector<Tensor>> RunSoftmax(const Tensor& x, KernelVariant v, int threads = 1,
                                               const std::string& op = "Softmax") {
  OpRunner r(op, "softmax/node");
  r.Attr("T", x.dtype()).Threads(threads);
  return r.Run({x}, v);
}

Tensor Softmax(const Tensor& x, KernelVariant v) {
  auto out = RunSoftmax(x, v);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? (*out)[0] : Tensor();
}

TEST(Softmax, HandComputedRows) {
  // Row [0, ln 2, ln 5] -> [1, 2, 5] / 8; row [7, 7, 7] -> thirds.
  const Tensor x = Make<float>({2, 3}, {0, std::log(2.0f), std::log(5.0f), 7, 7, 7});
  for (KernelVariant v : kBoth) {
    EXPECT_TRUE(ValuesNear(
        Softmax(x, v),
        MakeAs(tensorflow::DT_FLOAT, {2, 3}, {0.125, 0.25, 0.625, 1 / 3.0, 1 / 3.0, 1 / 3.0}),
        1e-6));
  }
}

TEST(Softmax, LargeLogitsDoNotOverflow) {
  for (KernelVariant v : kBoth) {
    EXPECT_TRUE(ValuesNear(Softmax(Vec<float>({1000, 1000 + std::log(3.0f)}), v),
                           MakeAs(tensorflow::DT_FLOAT, {2}, {0.25, 0.75}), 1e-4));
  }
}

TEST(Softmax, SpecialValues) {
  for (KernelVariant v : kBoth) {
    // -inf logits get probability 0.
    EXPECT_EQ(Values<float>(Softmax(Vec<float>({-kInf, 0, -kInf}), v)),
              (std::vector<float>{0, 1, 0}));
    // A NaN, a +inf, or only -inf make the whole row NaN, as TF.
    for (const std::vector<float>& row :
         std::vector<std::vector<float>>{{1, kNan, 2}, {1, kInf, 2}, {-kInf, -kInf, -kInf}}) {
      for (float y : Values<float>(Softmax(Vec<float>(row), v))) EXPECT_TRUE(std::isnan(y));
    }
  }
}

TEST(Softmax, ScalarIsAnErrorAndEmptyIsFine) {
  for (KernelVariant v : kBoth) {
    auto out = RunSoftmax(Tensor::Scalar<float>(1), v);
    SS_EXPECT_ERROR_CONTAINS(out, "logits must have >= 1 dimension");
    SS_EXPECT_ERROR_CONTAINS(out, "softmax/node");
    EXPECT_EQ(Softmax(Tensor(tensorflow::DT_FLOAT, {0, 4}), v).shape(), TensorShape({0, 4}));
    EXPECT_EQ(Softmax(Tensor(tensorflow::DT_FLOAT, {3, 0}), v).shape(), TensorShape({3, 0}));
  }
}

TEST(Softmax, OtherTypes) {
  for (DataType dtype : {tensorflow::DT_DOUBLE, tensorflow::DT_HALF, tensorflow::DT_BFLOAT16}) {
    const Tensor out = Softmax(MakeAs(dtype, {1, 2}, {0, std::log(3.0)}), kBoth[1]);
    EXPECT_EQ(out.dtype(), dtype);
    EXPECT_TRUE(ValuesNear(out, MakeAs(dtype, {1, 2}, {0.25, 0.75}),
                           dtype == tensorflow::DT_DOUBLE ? 1e-15 : 1e-2));
  }
  SS_EXPECT_ERROR_CONTAINS(RunSoftmax(Vec<int32_t>({1}), kBoth[1]), "unsupported dtype");
}

// The optimized float32 kernel against the reference over rows of odd and vector-width
// lengths, on one and two threads: relative 1e-6 (a few ulp: vector exp, reciprocal
// multiply, and a different summation order), absolute 1e-9 for probabilities near 0.
TEST(Softmax, OptimizedMatchesReference) {
  uint32_t seed = 3;
  for (const TensorShape& shape :
       std::vector<TensorShape>{{1}, {7}, {8}, {9}, {3, 17}, {64, 1000}, {5, 3, 33}, {4096, 2}}) {
    const Tensor x = RandomTensor(tensorflow::DT_FLOAT, shape, seed++, -20, 20);
    auto ref = RunSoftmax(x, KernelVariant::kReference);
    ASSERT_TRUE(ref.ok()) << ref.status();
    for (int threads : {1, 2}) {
      auto fast = RunSoftmax(x, KernelVariant::kOptimized, threads);
      ASSERT_TRUE(fast.ok()) << fast.status();
      EXPECT_TRUE(ValuesNear((*fast)[0], (*ref)[0], 1e-6, 1e-9)) << shape.DebugString();
    }
  }
}

Tensor LogSoftmax(const Tensor& x) {
  auto out = RunSoftmax(x, KernelVariant::kReference, 1, "LogSoftmax");
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? (*out)[0] : Tensor();
}

TEST(LogSoftmax, HandComputedRows) {
  // Row [0, ln 2, ln 5] -> ln([1, 2, 5] / 8); row [7, 7, 7] -> -ln 3.
  const Tensor x = Make<float>({2, 3}, {0, std::log(2.0f), std::log(5.0f), 7, 7, 7});
  const double third = -std::log(3.0);
  EXPECT_TRUE(
      ValuesNear(LogSoftmax(x),
                 MakeAs(tensorflow::DT_FLOAT, {2, 3},
                        {std::log(0.125), std::log(0.25), std::log(0.625), third, third, third}),
                 1e-6));
}

TEST(LogSoftmax, StableWhereSoftmaxUnderflowsOrOverflows) {
  EXPECT_TRUE(ValuesNear(LogSoftmax(Vec<float>({1000, 1000 + std::log(3.0f)})),
                         MakeAs(tensorflow::DT_FLOAT, {2}, {std::log(0.25), std::log(0.75)}),
                         1e-4));
  // exp(-200) underflows float, so log(softmax) would be -inf; log-softmax is -200 - log1p(e^-200).
  EXPECT_EQ(Values<float>(LogSoftmax(Vec<float>({0, -200}))), (std::vector<float>{0, -200}));
}

TEST(LogSoftmax, SpecialValues) {
  EXPECT_EQ(Values<float>(LogSoftmax(Vec<float>({-kInf, 0, -kInf}))),
            (std::vector<float>{-kInf, 0, -kInf}));
  for (const std::vector<float>& row :
       std::vector<std::vector<float>>{{1, kNan, 2}, {1, kInf, 2}, {-kInf, -kInf, -kInf}}) {
    for (float y : Values<float>(LogSoftmax(Vec<float>(row)))) EXPECT_TRUE(std::isnan(y));
  }
  EXPECT_EQ(LogSoftmax(Tensor(tensorflow::DT_FLOAT, {3, 0})).shape(), TensorShape({3, 0}));
  SS_EXPECT_ERROR_CONTAINS(RunSoftmax(Tensor::Scalar<float>(1), kBoth[0], 1, "LogSoftmax"),
                           "logits must have >= 1 dimension");
}

TEST(LogSoftmax, OtherTypes) {
  for (DataType dtype : {tensorflow::DT_DOUBLE, tensorflow::DT_HALF, tensorflow::DT_BFLOAT16}) {
    const Tensor out = LogSoftmax(MakeAs(dtype, {1, 2}, {0, std::log(3.0)}));
    EXPECT_EQ(out.dtype(), dtype);
    EXPECT_TRUE(ValuesNear(out, MakeAs(dtype, {1, 2}, {std::log(0.25), std::log(0.75)}),
                           dtype == tensorflow::DT_DOUBLE ? 1e-15 : 1e-2));
  }
  SS_EXPECT_ERROR_CONTAINS(RunSoftmax(Vec<int32_t>({1}), kBoth[0], 1, "LogSoftmax"),
                           "unsupported dtype");
}

// exp(LogSoftmax) is Softmax, row by row, over random logits.
TEST(LogSoftmax, ExponentIsSoftmax) {
  const Tensor x = RandomTensor(tensorflow::DT_FLOAT, TensorShape({5, 3, 33}), 9, -20, 20);
  const std::vector<float> log_p = Values<float>(LogSoftmax(x));
  const std::vector<float> p = Values<float>(Softmax(x, KernelVariant::kReference));
  ASSERT_EQ(log_p.size(), p.size());
  for (size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(std::exp(log_p[i]), p[i], 1e-6 + 1e-5 * p[i]);
}

}  // namespace
}  // namespace savedserve
