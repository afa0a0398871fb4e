// Differential tests: the oneDNN Einsum (oneDNN matmul for the contraction) against the
// reference kernel over the equation forms of transformer models at realistic sizes, with
// broadcasting batch axes, 1 and 2 threads, and from several threads at once. Tolerance 1e-4
// of the output range (another summation order).
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/cpu/onednn_test_util.h"
#include "kernels/kernel_testing.h"

namespace savedserve {
namespace {

constexpr double kTolerance = 1e-4;

struct Case {
  std::string equation;
  std::vector<std::vector<int64_t>> shapes;
};

void SetAttrs(OpRunner& r, const Case& c) {
  r.Attr("T", tensorflow::DT_FLOAT).Attr("N", static_cast<int>(c.shapes.size()));
  r.Attr("equation", c.equation);
}

std::vector<Tensor> Inputs(const Case& c, uint32_t seed) {
  std::vector<Tensor> inputs;
  for (const auto& shape : c.shapes)
    inputs.push_back(RandomTensor(tensorflow::DT_FLOAT, TensorShape(shape), seed++));
  return inputs;
}

TEST(EinsumOneDnn, MatchesReference) {
  const std::vector<Case> cases = {
      // BERT-base-like MultiHeadAttention: projections, scores, weighted values, output.
      {"abc,cde->abde", {{2, 128, 768}, {768, 12, 64}}},
      {"aecd,abcd->acbe", {{2, 128, 12, 64}, {2, 128, 12, 64}}},
      {"acbe,aecd->abcd", {{2, 12, 128, 128}, {2, 128, 12, 64}}},
      {"abcd,cde->abe", {{2, 128, 12, 64}, {12, 64, 768}}},
      // Odd sizes, broadcasting batch axes, a summed label, transposed operands.
      {"abc,cd->abd", {{3, 17, 33}, {33, 19}}},
      {"...ij,...jk->...ik", {{2, 1, 13, 7}, {5, 7, 9}}},
      {"bij,bkj->bki", {{3, 31, 17}, {3, 23, 17}}},
      {"ijk,jl->il", {{13, 14, 5}, {14, 22}}},
      {"i,i->", {{1000}, {1000}}},
  };
  uint32_t seed = 1;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.equation);
    const std::vector<Tensor> inputs = Inputs(c, seed);
    seed += 10;
    for (int threads : {1, 2}) {
      OpRunner r("Einsum");
      SetAttrs(r, c);
      r.Threads(threads);
      auto want = r.Run(inputs, KernelVariant::kReference);
      auto got = r.Run(inputs, KernelVariant::kOptimized);
      ASSERT_TRUE(want.ok() && got.ok()) << want.status() << got.status();
      EXPECT_TRUE(TensorsNear((*got)[0], (*want)[0], kTolerance));
    }
  }
}

// One kernel, many threads at once with different batch sizes (plans made concurrently too).
TEST(EinsumOneDnn, ConcurrentComputeIsSafe) {
  const Case c{"aecd,abcd->acbe", {{1, 16, 4, 8}, {1, 16, 4, 8}}};
  OpRunner r("Einsum");
  SetAttrs(r, c);
  auto kernel = r.Create(Inputs(c, 1), KernelVariant::kOptimized);
  ASSERT_TRUE(kernel.ok()) << kernel.status();
  auto failures = nn_testing::RunConcurrently(4, 6, [&](int t, int i, ThreadPool* pool) {
    const int64_t batch = 1 + (t + i) % 3;
    const Case sized{c.equation, {{batch, 16, 4, 8}, {batch, 12, 4, 8}}};
    const std::vector<Tensor> inputs = Inputs(sized, 100 * t + i);
    auto got = nn_testing::ComputeOnce(**kernel, r.node(), inputs, pool);
    OpRunner ref("Einsum");
    SetAttrs(ref, sized);
    auto want = ref.Run(inputs, KernelVariant::kReference);
    return got.ok() && want.ok() && TensorsNear(*got, (*want)[0], kTolerance);
  });
  EXPECT_TRUE(failures.empty()) << failures.front();
}

}  // namespace
}  // namespace savedserve
