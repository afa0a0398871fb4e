#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Iota;
using testing_util::Make;
using testing_util::Values;
using testing_util::Vec;

absl::StatusOr<Tensor> RunOp(const char* op, const Tensor& in, const Tensor& block,
                             const Tensor& margins) {
  OpRunner r(op);
  auto out = r.Run({in, block, margins});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

// Expected values: TensorFlow's definition (pad, reshape to [B, P_1/b_1, b_1, ..., R],
// move the block offsets first, reshape) worked in numpy on np.arange inputs.
TEST(SpaceToBatchND, MovesBlockOffsetsIntoTheBatch) {
  // The 4x4 example of tf.space_to_batch_nd's documentation (values minus one).
  auto out = RunOp("SpaceToBatchND", Iota<float>({1, 4, 4, 1}), Vec<int32_t>({2, 2}),
                   Make<int32_t>({2, 2}, {0, 0, 0, 0}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({4, 2, 2, 1}));
  EXPECT_EQ(Values<float>(*out),
            (std::vector<float>{0, 2, 8, 10, 1, 3, 9, 11, 4, 6, 12, 14, 5, 7, 13, 15}));
  // Batch 2, padded [1,0] and [0,2]: padding is zeros.
  out = RunOp("SpaceToBatchND", Iota<int32_t>({2, 3, 2, 1}), Vec<int64_t>({2, 2}),
              Make<int64_t>({2, 2}, {1, 0, 0, 2}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({8, 2, 2, 1}));
  EXPECT_EQ(Values<int32_t>(*out),
            (std::vector<int32_t>{0, 0, 2, 0, 0, 0, 8,  0, 0, 0, 3, 0, 0, 0, 9,  0,
                                  0, 0, 4, 0, 6, 0, 10, 0, 1, 0, 5, 0, 7, 0, 11, 0}));
  // One block dimension, a remaining dimension of 2.
  out = RunOp("SpaceToBatchND", Iota<float>({2, 5, 2}), Vec<int32_t>({3}),
              Make<int32_t>({1, 2}, {1, 0}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({6, 2, 2}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0,  0,  4,  5, 0, 0, 14, 15, 0,  1,  6, 7, 10,
                                                     11, 16, 17, 2, 3, 8, 9,  12, 13, 18, 19}));
}

TEST(BatchToSpaceND, InvertsSpaceToBatchND) {
  struct Trip {
    TensorShape shape;
    std::vector<int32_t> block, margins;
  };
  for (const Trip& t :
       {Trip{{1, 4, 4, 1}, {2, 2}, {0, 0, 0, 0}}, Trip{{2, 3, 2, 3}, {2, 2}, {1, 0, 0, 2}},
        Trip{{2, 5, 2}, {3}, {1, 0}}, Trip{{3, 2}, {}, {}}}) {
    const Tensor x = Iota<float>(t.shape);
    const int64_t m = static_cast<int64_t>(t.block.size());
    const Tensor block = Make<int32_t>({m}, t.block);
    const Tensor margins = Make<int32_t>({m, 2}, t.margins);
    auto batched = RunOp("SpaceToBatchND", x, block, margins);
    ASSERT_TRUE(batched.ok()) << batched.status();
    auto back = RunOp("BatchToSpaceND", *batched, block, margins);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->shape(), t.shape);
    EXPECT_EQ(Values<float>(*back), Values<float>(x)) << t.shape.DebugString();
  }
}

TEST(BatchToSpaceND, CropsAndEmpty) {
  // The inverse of the documentation example, cropped by one row at the end.
  auto out =
      RunOp("BatchToSpaceND",
            Make<float>({4, 2, 2, 1}, {0, 2, 8, 10, 1, 3, 9, 11, 4, 6, 12, 14, 5, 7, 13, 15}),
            Vec<int32_t>({2, 2}), Make<int32_t>({2, 2}, {0, 1, 0, 0}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({1, 3, 4, 1}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  out = RunOp("BatchToSpaceND", Tensor(tensorflow::DT_FLOAT, {4, 0, 2, 3}), Vec<int32_t>({2, 2}),
              Make<int32_t>({2, 2}, {0, 0, 0, 0}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({1, 0, 4, 3}));
}

TEST(SpaceToBatchND, Errors) {
  const Tensor x = Iota<float>({1, 4, 4, 1});
  const Tensor no_pads = Make<int32_t>({2, 2}, {0, 0, 0, 0});
  SS_EXPECT_ERROR_CONTAINS(RunOp("SpaceToBatchND", x, Vec<int32_t>({3, 2}), no_pads),
                           "padded_shape[0]=4 is not divisible by block_shape[0]=3");
  SS_EXPECT_ERROR_CONTAINS(RunOp("SpaceToBatchND", x, Vec<int32_t>({0, 2}), no_pads),
                           "block_shape[0] = 0 must be >= 1");
  SS_EXPECT_ERROR_CONTAINS(
      RunOp("SpaceToBatchND", x, Vec<int32_t>({2, 2}), Make<int32_t>({2, 2}, {0, -2, 0, 0})),
      "paddings[0] = [0, -2] must be non-negative");
  SS_EXPECT_ERROR_CONTAINS(RunOp("SpaceToBatchND", x, Vec<int32_t>({2, 2}), Vec<int32_t>({0, 0})),
                           "paddings should have shape [2, 2] instead of [2]");
  SS_EXPECT_ERROR_CONTAINS(
      RunOp("SpaceToBatchND", Iota<float>({4}), Vec<int32_t>({2}), Make<int32_t>({1, 2}, {0, 0})),
      "input rank should be >= 2 instead of 1");
  SS_EXPECT_ERROR_CONTAINS(
      RunOp("SpaceToBatchND", x, Vec<int64_t>({INT64_MAX, 1}), Make<int32_t>({2, 2}, {0, 0, 0, 0})),
      "not divisible");
  SS_EXPECT_ERROR_CONTAINS(RunOp("SpaceToBatchND", x, Vec<int64_t>({INT64_MAX / 2 + 1, 4}),
                                 Make<int64_t>({2, 2}, {0, INT64_MAX / 2 - 3, 0, 0})),
                           "overflows int64");
  Tensor strings(tensorflow::DT_STRING, {1, 2, 1});
  SS_EXPECT_ERROR_CONTAINS(
      RunOp("SpaceToBatchND", strings, Vec<int32_t>({2}), Make<int32_t>({1, 2}, {0, 0})),
      "unsupported dtype DT_STRING");
}

TEST(BatchToSpaceND, Errors) {
  SS_EXPECT_ERROR_CONTAINS(RunOp("BatchToSpaceND", Iota<float>({3, 2, 2, 1}), Vec<int32_t>({2, 2}),
                                 Make<int32_t>({2, 2}, {0, 0, 0, 0})),
                           "Input batch dimension (3) is not divisible by product of block "
                           "sizes (4)");
  SS_EXPECT_ERROR_CONTAINS(RunOp("BatchToSpaceND", Iota<float>({4, 2, 2, 1}), Vec<int32_t>({2, 2}),
                                 Make<int32_t>({2, 2}, {3, 2, 0, 0})),
                           "Cropped size must be non-negative: start: 3 end: 2 size 4");
  SS_EXPECT_ERROR_CONTAINS(RunOp("BatchToSpaceND", Iota<float>({4, 2, 2, 1}),
                                 Vec<int64_t>({INT64_MAX, 1}), Make<int32_t>({2, 2}, {0, 0, 0, 0})),
                           "not divisible by product of block sizes");
}

}  // namespace
}  // namespace savedserve
