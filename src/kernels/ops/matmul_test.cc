// Reference MatMul / _FusedMatMul / BatchMatMulV2 on hand-computed cases and against a
// naive double-precision triple loop.
#include <cmath>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/nn_test_util.h"

namespace savedserve {
namespace {

using nn_testing::Floats;
using nn_testing::RunOne;
using nn_testing::Values;
constexpr auto kRef = KernelVariant::kReference;

// Element (i, j) of op(x) for x stored row-major with `cols` columns; op transposes when `t`.
float At(const float* p, int64_t cols, bool t, int64_t i, int64_t j) {
  return t ? p[j * cols + i] : p[i * cols + j];
}

TEST(MatMulReference, HandComputed) {
  Tensor a = Floats({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = Floats({3, 2}, {7, 8, 9, 10, 11, 12});
  OpRunner r("MatMul");
  r.Attr("T", tensorflow::DT_FLOAT);
  EXPECT_EQ(Values(RunOne(r, {a, b}, kRef)), (std::vector<float>{58, 64, 139, 154}));
  OpRunner ta("MatMul");
  ta.Attr("transpose_a", true).Attr("transpose_b", true);
  // a^T (3x2) * b^T (2x3).
  EXPECT_EQ(Values(RunOne(ta, {a, b}, kRef)),
            (std::vector<float>{39, 49, 59, 54, 68, 82, 69, 87, 105}));
}

TEST(MatMulReference, TransposesMatchNaiveLoop) {
  const int64_t m = 5, k = 7, n = 3;
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      Tensor a =
          RandomTensor(tensorflow::DT_FLOAT, ta ? TensorShape({k, m}) : TensorShape({m, k}), 1);
      Tensor b =
          RandomTensor(tensorflow::DT_FLOAT, tb ? TensorShape({n, k}) : TensorShape({k, n}), 2);
      OpRunner r("MatMul");
      r.Attr("transpose_a", ta).Attr("transpose_b", tb);
      std::vector<float> got = Values(RunOne(r, {a, b}, kRef));
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double sum = 0;
          for (int64_t p = 0; p < k; ++p)
            sum += At(a.data<float>(), ta ? m : k, ta, i, p) *
                   At(b.data<float>(), tb ? k : n, tb, p, j);
          EXPECT_NEAR(got[i * n + j], sum, 1e-5) << ta << tb << " " << i << "," << j;
        }
    }
  }
}

TEST(FusedMatMulReference, BiasAndActivation) {
  Tensor a = Floats({1, 2}, {1, -1});
  Tensor b = Floats({2, 3}, {1, 2, 3, 4, 5, 6});  // a*b = {-3, -3, -3}
  Tensor bias = Floats({3}, {1, 5, 10});
  OpRunner r("_FusedMatMul");
  r.Attr("fused_ops", std::vector<std::string>{"BiasAdd", "Relu6"}).Attr("num_args", 1);
  EXPECT_EQ(Values(RunOne(r, {a, b, bias}, kRef)), (std::vector<float>{0, 2, 6}));
  OpRunner tanh("_FusedMatMul");
  tanh.Attr("fused_ops", std::vector<std::string>{"BiasAdd", "Tanh"}).Attr("num_args", 1);
  std::vector<float> got = Values(RunOne(tanh, {a, b, bias}, kRef));
  EXPECT_NEAR(got[0], std::tanh(-2.0f), 1e-6);
  EXPECT_NEAR(got[2], std::tanh(7.0f), 1e-6);
}

TEST(BatchMatMulReference, BroadcastsBatchDimensions) {
  // x [2,1,2,3], y [3,3,2] -> [2,3,2,2]; adj_y reads y[b] transposed.
  Tensor x = RandomTensor(tensorflow::DT_FLOAT, TensorShape({2, 1, 2, 3}), 3);
  Tensor y = RandomTensor(tensorflow::DT_FLOAT, TensorShape({3, 2, 3}), 4);
  OpRunner r("BatchMatMulV2");
  r.Attr("T", tensorflow::DT_FLOAT).Attr("adj_x", false).Attr("adj_y", true);
  Tensor got = RunOne(r, {x, y}, kRef);
  ASSERT_EQ(got.shape(), TensorShape({2, 3, 2, 2}));
  for (int64_t b0 = 0; b0 < 2; ++b0)
    for (int64_t b1 = 0; b1 < 3; ++b1)
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 2; ++j) {
          double sum = 0;
          for (int64_t p = 0; p < 3; ++p)
            sum += x.data<float>()[(b0 * 2 + i) * 3 + p] * y.data<float>()[(b1 * 2 + j) * 3 + p];
          EXPECT_NEAR(got.data<float>()[((b0 * 3 + b1) * 2 + i) * 2 + j], sum, 1e-5);
        }
}

TEST(BatchMatMulReference, AdjXAndShapeErrors) {
  Tensor x = Floats({1, 2, 2}, {1, 2, 3, 4});  // x^T = {1,3; 2,4}
  Tensor y = Floats({1, 2, 1}, {1, 1});
  OpRunner r("BatchMatMulV2");
  r.Attr("adj_x", true);
  EXPECT_EQ(Values(RunOne(r, {x, y}, kRef)), (std::vector<float>{4, 6}));
  OpRunner bad("BatchMatMulV2");
  EXPECT_EQ(bad.Run({Floats({2, 1, 2}, {1, 2, 3, 4}), Floats({3, 2, 1}, {1, 2, 3, 4, 5, 6})}, kRef)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace savedserve
