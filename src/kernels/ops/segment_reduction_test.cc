// Expected values: TensorFlow's documented examples for tf.math.(unsorted_)segment_* and
// tf.sparse.segment_*, and small cases worked by hand from the documented definitions.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Iota;
using testing_util::Make;
using testing_util::Values;
using testing_util::Vec;

absl::StatusOr<Tensor> RunOp(const std::string& op, const std::vector<Tensor>& inputs) {
  OpRunner r(op, "seg");
  r.Attr("T", inputs[0].dtype());
  auto out = r.Run(inputs);
  if (!out.ok()) return out.status();
  return (*out)[0];
}

Tensor DocData() {  // the [3,4] tensor of TF's segment examples
  return Make<float>({3, 4}, {1, 2, 3, 4, 4, 3, 2, 1, 5, 6, 7, 8});
}

TEST(UnsortedSegment, SumDocExample) {
  // tf.math.unsorted_segment_sum(c, [0, 1, 0], num_segments=2)
  auto out = RunOp("UnsortedSegmentSum", {Make<float>({3, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 4, 3, 2, 1}),
                                          Vec<int32_t>({0, 1, 0}), Tensor::Scalar<int32_t>(2)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 4}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{5, 5, 5, 5, 5, 6, 7, 8}));
}

TEST(UnsortedSegment, MaxMinDropNegativeIdsAndFillEmpty) {
  const float lowest = std::numeric_limits<float>::lowest();
  auto out = RunOp("UnsortedSegmentMax", {Vec<float>({1, 5, 3, 2}), Vec<int64_t>({0, 0, 2, -1}),
                                          Tensor::Scalar<int64_t>(4)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{5, lowest, 3, lowest}));
  out = RunOp("UnsortedSegmentMin",
              {Vec<int32_t>({3, 1, 2}), Vec<int32_t>({1, 1, 0}), Tensor::Scalar<int32_t>(3)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>(*out),
            (std::vector<int32_t>{2, 1, std::numeric_limits<int32_t>::max()}));
}

TEST(UnsortedSegment, ProdWithMatrixIds) {
  // data[i][j] is a row of 2; ids [[0,1],[1,0]]: seg0 = [0,1]*[6,7], seg1 = [2,3]*[4,5];
  // seg2 is empty and holds 1.
  auto out = RunOp("UnsortedSegmentProd", {Iota<int64_t>({2, 2, 2}),
                                           Make<int32_t>({2, 2}, {0, 1, 1, 0}),
                                           Tensor::Scalar<int32_t>(3)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({3, 2}));
  EXPECT_EQ(Values<int64_t>(*out), (std::vector<int64_t>{0, 7, 8, 15, 1, 1}));
  // ids of data's full shape reduce scalars; int16 ids as TF allows.
  out = RunOp("UnsortedSegmentSum", {Vec<double>({1.5, 2, 4}), Vec<int16_t>({1, 1, 1}),
                                     Tensor::Scalar<int32_t>(2)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<double>(*out), (std::vector<double>{0, 7.5}));
}

TEST(UnsortedSegment, Errors) {
  SS_EXPECT_ERROR_CONTAINS(RunOp("UnsortedSegmentSum", {Vec<float>({1, 2, 3}),
                                                        Vec<int32_t>({0, 1, 2}),
                                                        Tensor::Scalar<int32_t>(2)}),
                           "segment_ids[2] = 2 is out of range [0, 2)");
  SS_EXPECT_ERROR_CONTAINS(RunOp("UnsortedSegmentSum", {Vec<float>({1, 2, 3}),
                                                        Vec<int32_t>({0, 1}),
                                                        Tensor::Scalar<int32_t>(2)}),
                           "does not start with segment_ids");
  SS_EXPECT_ERROR_CONTAINS(RunOp("UnsortedSegmentMax", {Vec<float>({1}), Vec<int32_t>({0}),
                                                        Tensor::Scalar<int32_t>(-1)}),
                           "num_segments = -1 must be >= 0");
  SS_EXPECT_ERROR_CONTAINS(RunOp("UnsortedSegmentMax", {Vec<float>({1}), Vec<int32_t>({0}),
                                                        Vec<int32_t>({1})}),
                           "num_segments must be a scalar");
  SS_EXPECT_ERROR_CONTAINS(RunOp("UnsortedSegmentSum", {Vec<float>({1}), Vec<float>({0}),
                                                        Tensor::Scalar<int32_t>(1)}),
                           "int32 or int64");
  // A hostile segment count with nothing to reduce is an empty output, not an allocation.
  auto out = RunOp("UnsortedSegmentSum", {Make<float>({2, 0}, {}), Vec<int32_t>({0, 0}),
                                          Tensor::Scalar<int64_t>(int64_t{1} << 60)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->num_elements(), 0);
  SS_EXPECT_ERROR_CONTAINS(RunOp("UnsortedSegmentSum", {Make<float>({1, 4}, {1, 2, 3, 4}),
                                                        Vec<int32_t>({0}),
                                                        Tensor::Scalar<int64_t>(int64_t{1} << 62)}),
                           "");
}

TEST(SortedSegment, DocExamples) {
  // tf.math.segment_sum(c, [0, 0, 1]) and segment_prod / max / min / mean.
  struct Want {
    const char* op;
    std::vector<float> values;
  };
  const Want wants[] = {
      {"SegmentSum", {5, 5, 5, 5, 5, 6, 7, 8}},
      {"SegmentProd", {4, 6, 6, 4, 5, 6, 7, 8}},
      {"SegmentMax", {4, 3, 3, 4, 5, 6, 7, 8}},
      {"SegmentMin", {1, 2, 2, 1, 5, 6, 7, 8}},
      {"SegmentMean", {2.5, 2.5, 2.5, 2.5, 5, 6, 7, 8}},
  };
  for (const Want& w : wants) {
    auto out = RunOp(w.op, {DocData(), Vec<int32_t>({0, 0, 1})});
    ASSERT_TRUE(out.ok()) << w.op << ": " << out.status();
    EXPECT_EQ(out->shape(), TensorShape({2, 4})) << w.op;
    EXPECT_EQ(Values<float>(*out), w.values) << w.op;
  }
}

TEST(SortedSegment, GapsAreZeroAndIntegerMeanTruncates) {
  for (const char* op : {"SegmentMax", "SegmentMin", "SegmentProd", "SegmentSum"}) {
    auto out = RunOp(op, {Vec<float>({-3, 2}), Vec<int64_t>({1, 3})});
    ASSERT_TRUE(out.ok()) << op << ": " << out.status();
    EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, -3, 0, 2})) << op;
  }
  auto out = RunOp("SegmentMean", {Vec<int32_t>({1, 2, 4}), Vec<int32_t>({0, 0, 1})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{1, 4}));
  out = RunOp("SegmentSum", {Make<float>({0, 3}, {}), Vec<int32_t>({})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({0, 3}));
}

TEST(SortedSegment, Errors) {
  SS_EXPECT_ERROR_CONTAINS(RunOp("SegmentSum", {Vec<float>({1, 2, 3}), Vec<int32_t>({0, 2, 1})}),
                           "segment ids are not increasing");
  SS_EXPECT_ERROR_CONTAINS(RunOp("SegmentSum", {Vec<float>({1, 2}), Vec<int32_t>({-1, 0})}),
                           "segment_ids[0] = -1 is out of range [0, 1)");
  SS_EXPECT_ERROR_CONTAINS(RunOp("SegmentMax", {Vec<float>({1, 2}), Vec<int32_t>({0, -2})}),
                           "segment ids must be >= 0");
  SS_EXPECT_ERROR_CONTAINS(RunOp("SegmentMin", {Vec<float>({1, 2}), Vec<int32_t>({0})}),
                           "data's first dimension is 2");
  SS_EXPECT_ERROR_CONTAINS(RunOp("SegmentMin", {Tensor::Scalar<float>(1), Vec<int32_t>({0})}),
                           "scalar");
  SS_EXPECT_ERROR_CONTAINS(
      RunOp("SegmentSum", {Vec<float>({1}), Vec<int64_t>({std::numeric_limits<int64_t>::max()})}),
      "too large");
  SS_EXPECT_ERROR_CONTAINS(
      RunOp("SegmentSum", {Make<float>({1, 8}, {0, 0, 0, 0, 0, 0, 0, 0}),
                           Vec<int64_t>({std::numeric_limits<int64_t>::max() - 1})}),
      "");
  SS_EXPECT_ERROR_CONTAINS(RunOp("SegmentSum", {Vec<bool>({true}), Vec<int32_t>({0})}),
                           "unsupported dtype");
}

Tensor SparseData() {  // tf.sparse.segment_sum's documented example
  return Make<float>({3, 4}, {1, 2, 3, 4, -1, -2, -3, -4, 5, 6, 7, 8});
}

TEST(SparseSegment, SumDocExamples) {
  auto out = RunOp("SparseSegmentSum", {SparseData(), Vec<int32_t>({0, 1}), Vec<int32_t>({0, 0})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({1, 4}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 0, 0, 0}));
  out = RunOp("SparseSegmentSum", {SparseData(), Vec<int32_t>({0, 1}), Vec<int32_t>({0, 1})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{1, 2, 3, 4, -1, -2, -3, -4}));
  out = RunOp("SparseSegmentSum",
              {SparseData(), Vec<int64_t>({0, 1, 2}), Vec<int64_t>({0, 0, 1})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 0, 0, 0, 5, 6, 7, 8}));
  // tf.sparse.segment_sum(c, [0, 1], [0, 2], num_segments=4)
  out = RunOp("SparseSegmentSumWithNumSegments",
              {SparseData(), Vec<int32_t>({0, 1}), Vec<int32_t>({0, 2}), Tensor::Scalar<int32_t>(4)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({4, 4}));
  EXPECT_EQ(Values<float>(*out),
            (std::vector<float>{1, 2, 3, 4, 0, 0, 0, 0, -1, -2, -3, -4, 0, 0, 0, 0}));
  out = RunOp("SparseSegmentSum", {Vec<int32_t>({7, 9}), Vec<int32_t>({1, 1, 0}),
                                   Vec<int32_t>({0, 0, 0})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{25}));
}

TEST(SparseSegment, MeanAndSqrtN) {
  const Tensor data = Make<float>({3, 2}, {1, 2, 3, 4, 5, 6});
  auto out = RunOp("SparseSegmentMean", {data, Vec<int32_t>({0, 2, 1}), Vec<int32_t>({0, 0, 2})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{3, 4, 0, 0, 3, 4}));
  out = RunOp("SparseSegmentSqrtN", {data, Vec<int32_t>({0, 1}), Vec<int32_t>({0, 0})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear(*out, Make<float>({1, 2}, {4 / std::sqrt(2.0f), 6 / std::sqrt(2.0f)})));
  out = RunOp("SparseSegmentSqrtNWithNumSegments",
              {data, Vec<int32_t>({1}), Vec<int32_t>({1}), Tensor::Scalar<int64_t>(3)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 0, 3, 4, 0, 0}));
  out = RunOp("SparseSegmentMeanWithNumSegments",
              {Make<double>({2, 1}, {1, 4}), Vec<int32_t>({0, 1, 1}), Vec<int32_t>({1, 1, 1}),
               Tensor::Scalar<int32_t>(2)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<double>(*out), (std::vector<double>{0, 3}));
}

TEST(SparseSegment, Errors) {
  SS_EXPECT_ERROR_CONTAINS(
      RunOp("SparseSegmentSum", {SparseData(), Vec<int32_t>({0, 3}), Vec<int32_t>({0, 0})}),
      "indices[1] = 3 is out of range [0, 3)");
  SS_EXPECT_ERROR_CONTAINS(
      RunOp("SparseSegmentSum", {SparseData(), Vec<int32_t>({-1}), Vec<int32_t>({0})}),
      "indices[0] = -1 is out of range [0, 3)");
  SS_EXPECT_ERROR_CONTAINS(
      RunOp("SparseSegmentMean", {SparseData(), Vec<int32_t>({0, 1}), Vec<int32_t>({1, 0})}),
      "segment ids are not increasing");
  SS_EXPECT_ERROR_CONTAINS(
      RunOp("SparseSegmentSqrtN", {SparseData(), Vec<int32_t>({0, 1}), Vec<int32_t>({0})}),
      "differ in size");
  SS_EXPECT_ERROR_CONTAINS(RunOp("SparseSegmentSumWithNumSegments",
                                 {SparseData(), Vec<int32_t>({0}), Vec<int32_t>({3}),
                                  Tensor::Scalar<int32_t>(2)}),
                           "segment_ids[0] = 3 is out of range [0, 2)");
  SS_EXPECT_ERROR_CONTAINS(RunOp("SparseSegmentSumWithNumSegments",
                                 {SparseData(), Vec<int32_t>({}), Vec<int32_t>({}),
                                  Tensor::Scalar<int32_t>(-2)}),
                           "num_segments = -2 must be >= 0");
  SS_EXPECT_ERROR_CONTAINS(
      RunOp("SparseSegmentSum", {SparseData(), Make<int32_t>({1, 1}, {0}), Vec<int32_t>({0})}),
      "indices must be a vector");
  SS_EXPECT_ERROR_CONTAINS(
      RunOp("SparseSegmentMean", {Vec<int32_t>({1}), Vec<int32_t>({0}), Vec<int32_t>({0})}),
      "unsupported dtype");
}

}  // namespace
}  // namespace savedserve
