// Test-only helpers for the math-op tests (element-wise, reductions, softmax, cast):
// tensors of any numeric dtype from doubles, values back as doubles, running one op in
// both variants, and the table of shapes the differential tests sweep.
#pragma once

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/dispatch.h"
#include "kernels/ops/numeric.h"
#include "tensor/tensor.h"

namespace savedserve {
namespace testing_util {

// A `dtype` tensor of `shape` holding `values` converted from double (row-major).
inline Tensor MakeAs(DataType dtype, const TensorShape& shape, const std::vector<double>& values) {
  Tensor t(dtype, shape);
  EXPECT_EQ(static_cast<int64_t>(values.size()), t.num_elements());
  const bool ok = VisitDType<NumberAndBoolTypes>(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (int64_t i = 0; i < t.num_elements(); ++i) {
      if constexpr (std::is_same_v<T, bool>) {
        t.data<T>()[i] = values[i] != 0;
      } else {
        t.data<T>()[i] = FromMath<T>(static_cast<MathType<T>>(values[i]));
      }
    }
  });
  EXPECT_TRUE(ok) << DataTypeName(dtype);
  return t;
}

// The elements of a numeric or bool tensor as doubles.
inline std::vector<double> AsDoubles(const Tensor& t) {
  std::vector<double> out;
  VisitDType<NumberAndBoolTypes>(t.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (int64_t i = 0; i < t.num_elements(); ++i) {
      out.push_back(static_cast<double>(ToMath(t.data<T>()[i])));
    }
  });
  return out;
}

// Runs `runner` on `inputs` with `variant`, expecting success and one output.
inline Tensor RunOk(OpRunner& runner, const std::vector<Tensor>& inputs,
                    KernelVariant variant = KernelVariant::kOptimized) {
  absl::StatusOr<std::vector<Tensor>> out = runner.Run(inputs, variant);
  EXPECT_TRUE(out.ok()) << out.status();
  if (!out.ok() || out->empty()) return Tensor();
  return (*out)[0];
}

// Compares element by element, NaN matching NaN and infinities matching exactly;
// otherwise |a - e| <= abs_tol + rel_tol * |e|.
inline ::testing::AssertionResult ValuesNear(const Tensor& actual, const Tensor& expected,
                                             double rel_tol, double abs_tol = 0) {
  if (actual.dtype() != expected.dtype() || actual.shape() != expected.shape()) {
    return ::testing::AssertionFailure()
           << "got " << DataTypeName(actual.dtype()) << " " << actual.shape().DebugString()
           << ", want " << DataTypeName(expected.dtype()) << " " << expected.shape().DebugString();
  }
  const std::vector<double> a = AsDoubles(actual), e = AsDoubles(expected);
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(e[i]) && std::isnan(a[i])) continue;
    if (std::isinf(e[i]) && a[i] == e[i]) continue;
    if (!(std::fabs(a[i] - e[i]) <= abs_tol + rel_tol * std::fabs(e[i]))) {
      return ::testing::AssertionFailure()
             << "element " << i << ": got " << a[i] << ", want " << e[i] << " (rel_tol " << rel_tol
             << ", abs_tol " << abs_tol << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

// Shapes the differential tests sweep: empty, single elements, odd sizes around the
// 8-lane vector width, and sizes large enough to be split across threads.
inline std::vector<TensorShape> UnaryTestShapes() {
  return {{0},  {1},    {7},       {8},          {9},        {15},       {17},
          {33}, {3, 5}, {2, 3, 4}, {1, 1, 1, 1}, {1000, 37}, {257, 129}, {100003}};
}

// Pairs of operand shapes the binary differential tests sweep, covering each broadcast
// pattern: same shape, scalar on either side, [N,C] + [C], [N,1] vs [1,M], rank mismatch,
// middle-dimension broadcast, and empty tensors.
inline std::vector<std::pair<TensorShape, TensorShape>> BinaryTestShapes() {
  return {
      {{1}, {1}},
      {{7}, {7}},
      {{17}, {17}},
      {{3, 5}, {3, 5}},
      {{100003}, {100003}},
      {{}, {}},
      {{}, {13}},
      {{13}, {}},
      {{1}, {100003}},
      {{100003}, {1}},
      {{4, 9}, {9}},
      {{9}, {4, 9}},
      {{1000, 37}, {37}},
      {{5, 1}, {1, 11}},
      {{301, 1}, {1, 257}},
      {{6, 1}, {6, 19}},
      {{2, 3, 4}, {3, 1}},
      {{2, 1, 4}, {2, 3, 4}},
      {{8, 1, 16, 1}, {1, 5, 1, 3}},
      {{0, 3}, {3}},
      {{0}, {}},
  };
}

}  // namespace testing_util
}  // namespace savedserve
