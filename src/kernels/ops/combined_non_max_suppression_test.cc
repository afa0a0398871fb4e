// CombinedNonMaxSuppression on hand-built boxes; every expectation is worked by hand from
// TensorFlow's documented semantics (per class NMS with a strict score threshold, merge by
// descending score, clip to [0, 1], zero padding).
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"

namespace savedserve {
namespace {

// Four boxes shared by two classes (q = 1):
//   b0 [0, 0, 1, 1]; b1 [0, 0.1, 1, 1.1] (IoU with b0 0.9 / 1.1 ~ 0.82);
//   b2 [0, 2, 1, 3] (far from all); b3 [0.5, 0.5, 1.5, 1.5] (IoU with b0 0.25 / 1.75,
//   with b1 0.3 / 1.7: both below 0.5).
const std::vector<float> kBoxes = {0, 0, 1, 1, 0,    0.1f, 1,    1.1f,
                                   0, 2, 1, 3, 0.5f, 0.5f, 1.5f, 1.5f};
// scores[box][class]. With score_threshold 0.1 (strict) b0/c1 and b3/c0 drop out.
//   class 0: b0 0.9, b1 0.8 (suppressed by b0), b2 0.2          -> b0 0.9, b2 0.2
//   class 1: b3 0.85, b1 0.7 (IoU 0.18 with b3), b2 0.6         -> b3 0.85, b1 0.7, b2 0.6
//   merged:  0.9 (b0 c0), 0.85 (b3 c1), 0.7 (b1 c1), 0.6 (b2 c1), 0.2 (b2 c0)
const std::vector<float> kScores = {0.9f, 0.1f, 0.8f, 0.7f, 0.2f, 0.6f, 0.05f, 0.85f};

struct Params {
  int per_class = 10;
  int total = 4;
  float iou = 0.5f;
  float score_threshold = 0.1f;
  bool pad_per_class = false;
  bool clip_boxes = true;
};

absl::StatusOr<std::vector<Tensor>> RunCnms(const Tensor& boxes, const Tensor& scores,
                                            const Params& p) {
  OpRunner runner("CombinedNonMaxSuppression");
  runner.Attr("pad_per_class", p.pad_per_class).Attr("clip_boxes", p.clip_boxes).NumOutputs(4);
  return runner.Run({boxes, scores, Tensor::Scalar<int32_t>(p.per_class),
                     Tensor::Scalar<int32_t>(p.total), Tensor::Scalar<float>(p.iou),
                     Tensor::Scalar<float>(p.score_threshold)});
}

Tensor Floats(const std::vector<float>& v, const std::vector<int64_t>& dims) {
  return Tensor::FromVector<float>(v, TensorShape(dims));
}
Tensor SharedBoxes() { return Floats(kBoxes, {1, 4, 1, 4}); }
Tensor SharedScores() { return Floats(kScores, {1, 4, 2}); }

void ExpectOutputs(const std::vector<Tensor>& out, const std::vector<float>& boxes,
                   const std::vector<float>& scores, const std::vector<float>& classes,
                   const std::vector<int32_t>& valid) {
  const int64_t batch = static_cast<int64_t>(valid.size());
  const int64_t rows = static_cast<int64_t>(scores.size()) / batch;
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TRUE(TensorsNear(out[0], Floats(boxes, {batch, rows, 4}), 1e-6));
  EXPECT_TRUE(TensorsNear(out[1], Floats(scores, {batch, rows}), 1e-6));
  EXPECT_TRUE(TensorsNear(out[2], Floats(classes, {batch, rows}), 0));
  EXPECT_TRUE(TensorsNear(out[3], Tensor::FromVector<int32_t>(valid, TensorShape({batch})), 0));
}

TEST(CombinedNonMaxSuppression, SharedBoxesMergedByScoreAndClipped) {
  auto out = RunCnms(SharedBoxes(), SharedScores(), Params{});
  ASSERT_TRUE(out.ok()) << out.status();
  // b3 clips to [0.5, 0.5, 1, 1], b1 to [0, 0.1, 1, 1], b2 to [0, 1, 1, 1].
  ExpectOutputs(*out, {0, 0, 1, 1, 0.5f, 0.5f, 1, 1, 0, 0.1f, 1, 1, 0, 1, 1, 1},
                {0.9f, 0.85f, 0.7f, 0.6f}, {0, 1, 1, 1}, {4});
}

TEST(CombinedNonMaxSuppression, WithoutClippingBoxesAreAsGiven) {
  Params p;
  p.clip_boxes = false;
  auto out = RunCnms(SharedBoxes(), SharedScores(), p);
  ASSERT_TRUE(out.ok()) << out.status();
  ExpectOutputs(*out, {0, 0, 1, 1, 0.5f, 0.5f, 1.5f, 1.5f, 0, 0.1f, 1, 1.1f, 0, 2, 1, 3},
                {0.9f, 0.85f, 0.7f, 0.6f}, {0, 1, 1, 1}, {4});
}

TEST(CombinedNonMaxSuppression, PadsToMaxTotalSizeWithZeros) {
  Params p;
  p.total = 7;
  auto out = RunCnms(SharedBoxes(), SharedScores(), p);
  ASSERT_TRUE(out.ok()) << out.status();
  ExpectOutputs(*out, {0, 0, 1, 1, 0.5f, 0.5f, 1, 1, 0, 0.1f, 1, 1, 0, 1,
                       1, 1, 0, 1, 1,    1,    0, 0, 0, 0,    0, 0, 0, 0},
                {0.9f, 0.85f, 0.7f, 0.6f, 0.2f, 0, 0}, {0, 1, 1, 1, 0, 0, 0}, {5});
}

TEST(CombinedNonMaxSuppression, MaxOutputSizePerClassLimitsEachClass) {
  // One box per class: b0 (c0, 0.9) and b3 (c1, 0.85); max_total_size 3 pads one row.
  Params p;
  p.per_class = 1;
  p.total = 3;
  auto out = RunCnms(SharedBoxes(), SharedScores(), p);
  ASSERT_TRUE(out.ok()) << out.status();
  ExpectOutputs(*out, {0, 0, 1, 1, 0.5f, 0.5f, 1, 1, 0, 0, 0, 0}, {0.9f, 0.85f, 0}, {0, 1, 0}, {2});
}

TEST(CombinedNonMaxSuppression, PadPerClassSizesOutputByPerClassTimesClasses) {
  Params p;
  p.pad_per_class = true;
  // per_class 1 * 2 classes = 2 rows, below max_total_size 100.
  p.per_class = 1;
  p.total = 100;
  auto two = RunCnms(SharedBoxes(), SharedScores(), p);
  ASSERT_TRUE(two.ok()) << two.status();
  ExpectOutputs(*two, {0, 0, 1, 1, 0.5f, 0.5f, 1, 1}, {0.9f, 0.85f}, {0, 1}, {2});

  // per_class 3 * 2 = 6 rows; class 0 has 2 selections and class 1 has 3: one zero row.
  p.per_class = 3;
  auto six = RunCnms(SharedBoxes(), SharedScores(), p);
  ASSERT_TRUE(six.ok()) << six.status();
  ExpectOutputs(*six,
                {0, 0, 1, 1, 0.5f, 0.5f, 1, 1, 0, 0.1f, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0},
                {0.9f, 0.85f, 0.7f, 0.6f, 0.2f, 0}, {0, 1, 1, 1, 0, 0}, {5});

  // per_class 2 * 2 = 4 rows, capped by max_total_size 3. Class 1 keeps b3 and b1 only.
  p.per_class = 2;
  p.total = 3;
  auto three = RunCnms(SharedBoxes(), SharedScores(), p);
  ASSERT_TRUE(three.ok()) << three.status();
  ExpectOutputs(*three, {0, 0, 1, 1, 0.5f, 0.5f, 1, 1, 0, 0.1f, 1, 1}, {0.9f, 0.85f, 0.7f},
                {0, 1, 1}, {3});
}

TEST(CombinedNonMaxSuppression, ClassSpecificBoxes) {
  // q = num_classes = 2. Class 0 uses the shared boxes; class 1's boxes:
  //   b0 [5, 5, 6, 6] (its score 0.1 is not above the threshold anyway),
  //   b1 = b3 = [0.5, 0.5, 1.5, 1.5] (IoU 1: b1 is suppressed by b3),
  //   b2 [0.4, 0.4, 0.2, 0.2], corners swapped (disjoint from b3; output as given).
  const std::vector<float> class1 = {5,    5,    6,    6,    0.5f, 0.5f, 1.5f, 1.5f,
                                     0.4f, 0.4f, 0.2f, 0.2f, 0.5f, 0.5f, 1.5f, 1.5f};
  std::vector<float> boxes;
  for (int i = 0; i < 4; ++i) {
    boxes.insert(boxes.end(), kBoxes.begin() + 4 * i, kBoxes.begin() + 4 * i + 4);
    boxes.insert(boxes.end(), class1.begin() + 4 * i, class1.begin() + 4 * i + 4);
  }
  // merged: 0.9 (b0 c0), 0.85 (b3 c1), 0.6 (b2 c1), 0.2 (b2 c0)
  auto out = RunCnms(Floats(boxes, {1, 4, 2, 4}), SharedScores(), Params{});
  ASSERT_TRUE(out.ok()) << out.status();
  ExpectOutputs(*out, {0, 0, 1, 1, 0.5f, 0.5f, 1, 1, 0.4f, 0.4f, 0.2f, 0.2f, 0, 1, 1, 1},
                {0.9f, 0.85f, 0.6f, 0.2f}, {0, 1, 1, 0}, {4});
}

TEST(CombinedNonMaxSuppression, ScoreThresholdAboveEveryScoreGivesOnlyPadding) {
  Params p;
  p.score_threshold = 0.9f;  // strict: even 0.9 is dropped
  p.total = 2;
  auto out = RunCnms(SharedBoxes(), SharedScores(), p);
  ASSERT_TRUE(out.ok()) << out.status();
  ExpectOutputs(*out, std::vector<float>(8, 0), {0, 0}, {0, 0}, {0});
}

TEST(CombinedNonMaxSuppression, EachImageOfABatchOnItsOwn) {
  // Image 1 has the same boxes; only b2/c0 (0.5) and b0/c1 (0.3) score above 0.1.
  std::vector<float> boxes = kBoxes, scores = kScores;
  boxes.insert(boxes.end(), kBoxes.begin(), kBoxes.end());
  scores.insert(scores.end(), {0, 0.3f, 0, 0, 0.5f, 0, 0, 0});
  Params p;
  p.total = 3;
  auto out = RunCnms(Floats(boxes, {2, 4, 1, 4}), Floats(scores, {2, 4, 2}), p);
  ASSERT_TRUE(out.ok()) << out.status();
  ExpectOutputs(*out, {0, 0, 1, 1, 0.5f, 0.5f, 1, 1, 0, 0.1f, 1, 1,   // image 0
                       0, 1, 1, 1, 0,    0,    1, 1, 0, 0,    0, 0},  // image 1
                {0.9f, 0.85f, 0.7f, 0.5f, 0.3f, 0}, {0, 1, 1, 0, 1, 0}, {3, 2});
}

TEST(CombinedNonMaxSuppression, EqualScoresGoInClassThenBoxOrder) {
  // Three disjoint boxes, every score 0.5 in both classes. TensorFlow leaves the order of
  // equal scores unspecified; here a class lists its boxes in index order, classes in turn.
  const std::vector<float> boxes = {0, 0, 0.1f, 0.1f, 0, 0.2f, 0.1f, 0.3f, 0, 0.4f, 0.1f, 0.5f};
  Params p;
  p.per_class = 2;
  p.total = 4;
  p.score_threshold = 0;
  auto out =
      RunCnms(Floats(boxes, {1, 3, 1, 4}), Floats(std::vector<float>(6, 0.5f), {1, 3, 2}), p);
  ASSERT_TRUE(out.ok()) << out.status();
  ExpectOutputs(*out,
                {0, 0, 0.1f, 0.1f, 0, 0.2f, 0.1f, 0.3f, 0, 0, 0.1f, 0.1f, 0, 0.2f, 0.1f, 0.3f},
                {0.5f, 0.5f, 0.5f, 0.5f}, {0, 0, 1, 1}, {4});
}

TEST(CombinedNonMaxSuppression, InvalidShapesAreErrors) {
  auto expect_error = [](const Tensor& boxes, const Tensor& scores, const std::string& word) {
    auto out = RunCnms(boxes, scores, Params{});
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << out.status();
    EXPECT_NE(out.status().message().find(word), std::string::npos) << out.status();
  };
  expect_error(Floats(kBoxes, {4, 1, 4}), SharedScores(), "boxes must be");  // rank 3
  expect_error(Floats(std::vector<float>(12, 0), {1, 4, 1, 3}), SharedScores(), "boxes");
  expect_error(SharedBoxes(), Floats(kScores, {8, 1}), "scores must be");  // rank 2
  expect_error(SharedBoxes(), Floats(kScores, {1, 2, 4}), "num_boxes");    // 2 vs 4 boxes
  expect_error(SharedBoxes(), Floats(kScores, {2, 4, 1}), "batch");        // 2 vs 1 images
  // q = 3 with 2 classes.
  expect_error(Floats(std::vector<float>(48, 0), {1, 4, 3, 4}), SharedScores(), "third");
  expect_error(Tensor::FromVector<int32_t>(std::vector<int32_t>(16, 0), TensorShape({1, 4, 1, 4})),
               SharedScores(), "float");
}

TEST(CombinedNonMaxSuppression, InvalidSizesAndThresholdsAreErrors) {
  auto expect_error = [](const Params& p, const std::string& word) {
    auto out = RunCnms(SharedBoxes(), SharedScores(), p);
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.status().message().find(word), std::string::npos) << out.status();
  };
  Params p;
  p.per_class = 0;
  expect_error(p, "max_output_size_per_class must be positive");
  p.per_class = -3;
  expect_error(p, "max_output_size_per_class must be positive");
  p = Params{};
  p.total = 0;
  expect_error(p, "max_total_size must be positive");
  p.total = -1;
  expect_error(p, "max_total_size must be positive");
  p = Params{};
  p.iou = 1.5f;
  expect_error(p, "iou_threshold");
  p.iou = std::numeric_limits<float>::quiet_NaN();
  expect_error(p, "iou_threshold");

  OpRunner runner("CombinedNonMaxSuppression");
  runner.NumOutputs(4);
  auto vector_size =
      runner.Run({SharedBoxes(), SharedScores(), Tensor::Scalar<int32_t>(2),
                  Tensor::FromVector<int32_t>(std::vector<int32_t>{4}, TensorShape({1})),
                  Tensor::Scalar<float>(0.5f), Tensor::Scalar<float>(0)});
  ASSERT_FALSE(vector_size.ok());
  EXPECT_NE(vector_size.status().message().find("max_total_size"), std::string::npos);
}

TEST(CombinedNonMaxSuppression, HugeMaxTotalSizeIsRefusedUnlessPadPerClassCapsIt) {
  Params p;
  p.total = std::numeric_limits<int32_t>::max();
  auto huge = RunCnms(SharedBoxes(), SharedScores(), p);
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.status().message().find("max_total_size"), std::string::npos) << huge.status();

  // With pad_per_class the rows are min(max_total_size, 2 per class * 2 classes) = 4; a
  // huge max_output_size_per_class only means "no per-class limit".
  p.pad_per_class = true;
  p.per_class = 2;
  auto capped = RunCnms(SharedBoxes(), SharedScores(), p);
  ASSERT_TRUE(capped.ok()) << capped.status();
  ExpectOutputs(*capped, {0, 0, 1, 1, 0.5f, 0.5f, 1, 1, 0, 0.1f, 1, 1, 0, 1, 1, 1},
                {0.9f, 0.85f, 0.7f, 0.2f}, {0, 1, 1, 0}, {4});
  p = Params{};
  p.per_class = std::numeric_limits<int32_t>::max();
  auto unlimited = RunCnms(SharedBoxes(), SharedScores(), p);
  ASSERT_TRUE(unlimited.ok()) << unlimited.status();
  EXPECT_EQ((*unlimited)[3].data<int32_t>()[0], 4);
}

TEST(CombinedNonMaxSuppression, NoBoxesOrNoClassesGivesPadding) {
  auto no_boxes = RunCnms(Floats({}, {1, 0, 1, 4}), Floats({}, {1, 0, 2}), Params{});
  ASSERT_TRUE(no_boxes.ok()) << no_boxes.status();
  ExpectOutputs(*no_boxes, std::vector<float>(16, 0), std::vector<float>(4, 0),
                std::vector<float>(4, 0), {0});
  Params p;
  p.pad_per_class = true;  // 10 per class * 0 classes = 0 rows
  auto no_classes = RunCnms(Floats(kBoxes, {1, 4, 1, 4}), Floats({}, {1, 4, 0}), p);
  ASSERT_TRUE(no_classes.ok()) << no_classes.status();
  EXPECT_EQ((*no_classes)[0].shape().DebugString(), TensorShape({1, 0, 4}).DebugString());
  EXPECT_EQ((*no_classes)[3].data<int32_t>()[0], 0);
}

}  // namespace
}  // namespace savedserve
