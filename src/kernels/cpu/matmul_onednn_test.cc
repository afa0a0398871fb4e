// Differential tests: oneDNN MatMul / _FusedMatMul / BatchMatMulV2 against the reference
// kernels. Tolerance 1e-4 of the output range, as for convolutions.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "kernels/cpu/onednn_test_util.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/nn_test_util.h"

namespace savedserve {
namespace {

using nn_testing::RunOne;
constexpr double kTolerance = 1e-4;

struct MatMulCase {
  int64_t m, k, n;
};

const std::vector<MatMulCase> kMatMulCases = {
    {1, 1, 1},     {1, 7, 5},       {3, 17, 33},   {16, 64, 16},
    {31, 100, 47}, {1, 1024, 1001}, {8, 4096, 21}, {129, 65, 3},
};

TEST(MatMulOneDnn, MatchesReference) {
  for (const MatMulCase& c : kMatMulCases) {
    for (int flags = 0; flags < 8; ++flags) {
      const bool ta = flags & 1, tb = flags & 2, constant = flags & 4;
      SCOPED_TRACE(absl::StrCat(c.m, "x", c.k, "x", c.n, " ta", ta, " tb", tb, " const", constant));
      Tensor a = RandomTensor(tensorflow::DT_FLOAT,
                              ta ? TensorShape({c.k, c.m}) : TensorShape({c.m, c.k}), 1);
      Tensor b = RandomTensor(tensorflow::DT_FLOAT,
                              tb ? TensorShape({c.n, c.k}) : TensorShape({c.k, c.n}), 2);
      OpRunner r("MatMul");
      r.Attr("T", tensorflow::DT_FLOAT).Attr("transpose_a", ta).Attr("transpose_b", tb);
      r.Threads(1 + flags % 2);
      if (constant) r.ConstantInput(1);
      EXPECT_TRUE(
          TensorsNear(RunOne(r, {a, b}), RunOne(r, {a, b}, KernelVariant::kReference), kTolerance));
    }
  }
}

TEST(FusedMatMulOneDnn, MatchesReference) {
  for (const char* act : {"", "Relu", "Relu6", "Elu", "LeakyRelu", "Tanh", "Sigmoid",
                          "GeluApproximate", "GeluExact"}) {
    for (bool constant : {false, true}) {
      SCOPED_TRACE(absl::StrCat(act, constant ? " const" : " var"));
      std::vector<std::string> ops = {"BiasAdd"};
      if (*act) ops.push_back(act);
      OpRunner r("_FusedMatMul");
      r.Attr("fused_ops", ops).Attr("num_args", 1).Attr("leakyrelu_alpha", 0.25f).Threads(2);
      if (constant) r.ConstantInput(1).ConstantInput(2);
      std::vector<Tensor> in = {RandomTensor(tensorflow::DT_FLOAT, TensorShape({5, 37}), 1),
                                RandomTensor(tensorflow::DT_FLOAT, TensorShape({37, 19}), 2),
                                RandomTensor(tensorflow::DT_FLOAT, TensorShape({19}), 3)};
      EXPECT_TRUE(TensorsNear(RunOne(r, in), RunOne(r, in, KernelVariant::kReference), kTolerance));
    }
  }
}

TEST(BatchMatMulOneDnn, MatchesReferenceWithBroadcasting) {
  struct Case {
    TensorShape x, y;
    bool adj_x, adj_y;
  };
  const std::vector<Case> cases = {
      {{2, 3, 4}, {2, 4, 5}, false, false},         {{2, 4, 3}, {2, 4, 5}, true, false},
      {{2, 3, 4}, {2, 5, 4}, false, true},          {{2, 1, 3, 7}, {4, 7, 6}, false, false},
      {{1, 5, 9}, {3, 9, 2}, false, false},         {{6, 9}, {2, 3, 9, 4}, false, false},
      {{3, 2, 17, 33}, {3, 2, 33, 17}, true, true}, {{8, 100, 64}, {8, 64, 100}, false, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.x.DebugString() + " " + c.y.DebugString());
    OpRunner r("BatchMatMulV2");
    r.Attr("T", tensorflow::DT_FLOAT).Attr("adj_x", c.adj_x).Attr("adj_y", c.adj_y).Threads(2);
    std::vector<Tensor> in = {RandomTensor(tensorflow::DT_FLOAT, c.x, 1),
                              RandomTensor(tensorflow::DT_FLOAT, c.y, 2)};
    EXPECT_TRUE(TensorsNear(RunOne(r, in), RunOne(r, in, KernelVariant::kReference), kTolerance));
  }
}

TEST(MatMulOneDnn, UsesJitImplementations) {
  for (const MatMulCase& c : {MatMulCase{1, 1024, 1000}, MatMulCase{32, 512, 512}}) {
    OpRunner r("MatMul");
    r.ConstantInput(1);
    std::vector<Tensor> in = {Tensor(tensorflow::DT_FLOAT, TensorShape({c.m, c.k})),
                              Tensor(tensorflow::DT_FLOAT, TensorShape({c.k, c.n}))};
    std::string impl = nn_testing::ImplementationOf(r, in, 2);
    EXPECT_TRUE(onednn::IsJitImplementation(impl)) << impl;
  }
  OpRunner r("BatchMatMulV2");
  std::vector<Tensor> in = {Tensor(tensorflow::DT_FLOAT, TensorShape({8, 64, 64})),
                            Tensor(tensorflow::DT_FLOAT, TensorShape({8, 64, 64}))};
  std::string impl = nn_testing::ImplementationOf(r, in, 2);
  EXPECT_TRUE(onednn::IsJitImplementation(impl)) << impl;
}

}  // namespace
}  // namespace savedserve
