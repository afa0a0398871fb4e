#include "kernels/ops/broadcast.h"

#include <vector>

#include "gtest/gtest.h"

namespace savedserve {
namespace {

TensorShape Shape(std::vector<int64_t> dims) { return TensorShape(std::move(dims)); }

TEST(BroadcastShapes, NumpyRules) {
  const std::vector<TensorShape> a = {Shape({2, 1, 3}), Shape({4, 1})};
  EXPECT_EQ(*BroadcastShapes(a), Shape({2, 4, 3}));
  const std::vector<TensorShape> b = {Shape({}), Shape({5})};
  EXPECT_EQ(*BroadcastShapes(b), Shape({5}));
  const std::vector<TensorShape> c = {Shape({0, 1}), Shape({1, 7})};
  EXPECT_EQ(*BroadcastShapes(c), Shape({0, 7}));
  const std::vector<TensorShape> bad = {Shape({2, 3}), Shape({4})};
  auto out = BroadcastShapes(bad);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(), "Incompatible shapes: [2,3] vs. [4]");
  const std::vector<TensorShape> zero_vs_two = {Shape({0}), Shape({2})};
  EXPECT_FALSE(BroadcastShapes(zero_vs_two).ok());
  EXPECT_EQ(BroadcastElementCount(bad), 0);
}

TEST(BroadcastPlan, SameShapesAreOneRow) {
  auto plan = BroadcastPlan::Create({Shape({4, 5, 6}), Shape({4, 5, 6})});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->num_rows(), 1);
  EXPECT_EQ(plan->row_length(), 120);
  EXPECT_EQ(plan->row_stride(0), 1);
  EXPECT_EQ(plan->row_stride(1), 1);
  EXPECT_TRUE(plan->IsFullInput(0));
}

TEST(BroadcastPlan, ScalarOperandRepeats) {
  auto plan = BroadcastPlan::Create({Shape({}), Shape({3, 4})});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->num_rows(), 1);
  EXPECT_EQ(plan->row_length(), 12);
  EXPECT_EQ(plan->row_stride(0), 0);
  EXPECT_EQ(plan->row_stride(1), 1);
  EXPECT_TRUE(plan->IsScalarInput(0));
}

TEST(BroadcastPlan, BiasAddIsRowsOfVectors) {
  auto plan = BroadcastPlan::Create({Shape({8, 2, 5}), Shape({5})});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->num_rows(), 16);
  EXPECT_EQ(plan->row_length(), 5);
  EXPECT_EQ(plan->RowOffset(0, 3), 15);
  EXPECT_EQ(plan->RowOffset(1, 3), 0);
  EXPECT_EQ(plan->row_stride(1), 1);
}

TEST(BroadcastPlan, ColumnTimesRow) {
  auto plan = BroadcastPlan::Create({Shape({3, 1}), Shape({1, 4})});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->output_shape(), Shape({3, 4}));
  EXPECT_EQ(plan->num_rows(), 3);
  EXPECT_EQ(plan->row_length(), 4);
  EXPECT_EQ(plan->row_stride(0), 0);
  EXPECT_EQ(plan->row_stride(1), 1);
  EXPECT_EQ(plan->RowOffset(0, 2), 2);
  EXPECT_EQ(plan->RowOffset(1, 2), 0);
}

// Every output element's input offsets agree with a direct index computation.
TEST(BroadcastPlan, OffsetsMatchDirectIndexing) {
  const std::vector<TensorShape> shapes = {Shape({2, 1, 4, 1}), Shape({3, 1, 5}),
                                           Shape({1, 1, 1, 5})};
  auto plan = BroadcastPlan::Create(shapes);
  ASSERT_TRUE(plan.ok());
  const TensorShape& out = plan->output_shape();
  ASSERT_EQ(out, Shape({2, 3, 4, 5}));
  for (int64_t flat = 0; flat < out.num_elements(); ++flat) {
    std::vector<int64_t> index(4);
    for (int64_t d = 3, rest = flat; d >= 0; --d) index[d] = rest % out.dim(d), rest /= out.dim(d);
    const int64_t row = flat / plan->row_length(), col = flat % plan->row_length();
    for (int i = 0; i < 3; ++i) {
      const TensorShape& s = shapes[i];
      int64_t want = 0;
      for (int d = 0; d < s.rank(); ++d) {
        const int od = d + 4 - s.rank();
        want = want * s.dim(d) + (s.dim(d) == 1 ? 0 : index[od]);
      }
      EXPECT_EQ(plan->RowOffset(i, row) + col * plan->row_stride(i), want)
          << "input " << i << " element " << flat;
    }
  }
}

TEST(BroadcastPlan, EmptyOutput) {
  auto plan = BroadcastPlan::Create({Shape({0, 3}), Shape({3})});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->num_elements(), 0);
  EXPECT_EQ(plan->num_rows(), 0);
}

}  // namespace
}  // namespace savedserve
