// NonMaxSuppression V2..V5 on hand-built boxes whose IoUs are worked out by hand.
#include "kernels/ops/non_max_suppression.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"

namespace savedserve {
namespace {

// Two clusters of unit-high boxes and one loner. IoU(0,1) = IoU(0,2) = 0.9/1.1 ~ 0.82;
// IoU(3,4) = 0.9/1.1; the clusters and the loner do not overlap.
const std::vector<float> kBoxes = {0, 0,  1, 1,  0, 0.1f,  1, 1.1f,  0, -0.1f, 1, 0.9f,
                                   0, 10, 1, 11, 0, 10.1f, 1, 11.1f, 0, 100,   1, 101};
const std::vector<float> kScores = {0.9f, 0.75f, 0.6f, 0.95f, 0.5f, 0.3f};

Tensor Boxes(const std::vector<float>& v) {
  return Tensor::FromVector<float>(v, TensorShape({static_cast<int64_t>(v.size() / 4), 4}));
}
Tensor Vec(const std::vector<float>& v) {
  return Tensor::FromVector<float>(v, TensorShape({static_cast<int64_t>(v.size())}));
}
std::vector<int32_t> Indices(const Tensor& t) {
  return std::vector<int32_t>(t.data<int32_t>(), t.data<int32_t>() + t.num_elements());
}

absl::StatusOr<std::vector<Tensor>> RunV3(const std::vector<float>& boxes,
                                          const std::vector<float>& scores, int max_size, float iou,
                                          float score_threshold) {
  OpRunner runner("NonMaxSuppressionV3");
  return runner.Run({Boxes(boxes), Vec(scores), Tensor::Scalar<int32_t>(max_size),
                     Tensor::Scalar<float>(iou), Tensor::Scalar<float>(score_threshold)});
}

TEST(NonMaxSuppression, IouOfHandBuiltBoxes) {
  const float a[] = {0, 0, 1, 1}, b[] = {0, 0.5f, 1, 1.5f}, flipped[] = {1, 1.5f, 0, 0.5f};
  EXPECT_NEAR(BoxIou(a, b), 0.5f / 1.5f, 1e-6);
  EXPECT_NEAR(BoxIou(a, flipped), 0.5f / 1.5f, 1e-6);
  const float empty[] = {0, 0, 0, 1};
  EXPECT_EQ(BoxIou(a, empty), 0.0f);
}

TEST(NonMaxSuppression, V3SelectsBestOfEachCluster) {
  auto out = RunV3(kBoxes, kScores, 3, 0.5f, -INFINITY);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Indices((*out)[0]), (std::vector<int32_t>{3, 0, 5}));

  auto two = RunV3(kBoxes, kScores, 2, 0.5f, -INFINITY);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(Indices((*two)[0]), (std::vector<int32_t>{3, 0}));

  // A threshold above every IoU keeps everything, in score order.
  auto all = RunV3(kBoxes, kScores, 10, 0.9f, -INFINITY);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Indices((*all)[0]), (std::vector<int32_t>{3, 0, 1, 2, 4, 5}));
}

TEST(NonMaxSuppression, V3ScoreThresholdIsStrict) {
  auto out = RunV3(kBoxes, kScores, 6, 0.5f, 0.3f);  // box 5 scores exactly 0.3: dropped
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(Indices((*out)[0]), (std::vector<int32_t>{3, 0}));
}

TEST(NonMaxSuppression, CornerOrderDoesNotMatter) {
  std::vector<float> flipped = kBoxes;
  for (size_t i = 0; i < flipped.size(); i += 4) {
    std::swap(flipped[i], flipped[i + 2]);
    std::swap(flipped[i + 1], flipped[i + 3]);
  }
  auto out = RunV3(flipped, kScores, 3, 0.5f, -INFINITY);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(Indices((*out)[0]), (std::vector<int32_t>{3, 0, 5}));
}

TEST(NonMaxSuppression, EqualScoresGoInIndexOrder) {
  const std::vector<float> boxes = {0, 0, 1, 1, 0, 5, 1, 6, 0, 10, 1, 11};
  auto out = RunV3(boxes, {0.5f, 0.5f, 0.5f}, 3, 0.5f, -INFINITY);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(Indices((*out)[0]), (std::vector<int32_t>{0, 1, 2}));
}

TEST(NonMaxSuppression, V4PadsToMaxOutputSize) {
  OpRunner runner("NonMaxSuppressionV4");
  runner.Attr("pad_to_max_output_size", true).NumOutputs(2);
  auto out = runner.Run({Boxes(kBoxes), Vec(kScores), Tensor::Scalar<int32_t>(6),
                         Tensor::Scalar<float>(0.5f), Tensor::Scalar<float>(0.4f)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Indices((*out)[0]), (std::vector<int32_t>{3, 0, 0, 0, 0, 0}));
  EXPECT_EQ((*out)[1].data<int32_t>()[0], 2);

  runner.Attr("pad_to_max_output_size", false);
  auto unpadded = runner.Run({Boxes(kBoxes), Vec(kScores), Tensor::Scalar<int32_t>(6),
                              Tensor::Scalar<float>(0.5f), Tensor::Scalar<float>(0.4f)});
  ASSERT_TRUE(unpadded.ok());
  EXPECT_EQ(Indices((*unpadded)[0]), (std::vector<int32_t>{3, 0}));
  EXPECT_EQ((*unpadded)[1].data<int32_t>()[0], 2);
}

absl::StatusOr<std::vector<Tensor>> RunV5(const std::vector<float>& boxes,
                                          const std::vector<float>& scores, int max_size,
                                          float score_threshold, float sigma) {
  OpRunner runner("NonMaxSuppressionV5");
  runner.NumOutputs(3);
  return runner.Run({Boxes(boxes), Vec(scores), Tensor::Scalar<int32_t>(max_size),
                     Tensor::Scalar<float>(1.0f), Tensor::Scalar<float>(score_threshold),
                     Tensor::Scalar<float>(sigma)});
}

TEST(NonMaxSuppression, V5SoftNmsDecaysOverlappingScores) {
  // A and B overlap with IoU 1/3; C is far away. With sigma 0.5 B decays to
  // 0.8 * exp(-(1/3)^2 / (2 * 0.5)) ~ 0.7159, below C, so C is picked before B.
  const std::vector<float> boxes = {0, 0, 1, 1, 0, 0.5f, 1, 1.5f, 0, 10, 1, 11};
  const std::vector<float> scores = {0.9f, 0.8f, 0.75f};
  const float decayed = 0.8f * std::exp(-1.0f / 9.0f);
  auto out = RunV5(boxes, scores, 3, 0.0f, 0.5f);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Indices((*out)[0]), (std::vector<int32_t>{0, 2, 1}));
  EXPECT_TRUE(TensorsNear((*out)[1], Vec({0.9f, 0.75f, decayed}), 1e-6));
  EXPECT_EQ((*out)[2].data<int32_t>()[0], 3);

  // A score threshold above the decayed score removes B.
  auto thresholded = RunV5(boxes, scores, 3, 0.72f, 0.5f);
  ASSERT_TRUE(thresholded.ok());
  EXPECT_EQ(Indices((*thresholded)[0]), (std::vector<int32_t>{0, 2}));

  // sigma 0 is plain NMS with the given iou_threshold (1.0: nothing suppressed).
  auto hard = RunV5(boxes, scores, 3, 0.0f, 0.0f);
  ASSERT_TRUE(hard.ok());
  EXPECT_EQ(Indices((*hard)[0]), (std::vector<int32_t>{0, 1, 2}));
  EXPECT_TRUE(TensorsNear((*hard)[1], Vec(scores), 0));
}

TEST(NonMaxSuppression, InvalidArgumentsAreErrors) {
  EXPECT_FALSE(RunV3(kBoxes, kScores, 3, 1.5f, 0).ok());       // iou_threshold > 1
  EXPECT_FALSE(RunV3(kBoxes, kScores, -1, 0.5f, 0).ok());      // negative max_output_size
  EXPECT_FALSE(RunV3(kBoxes, {0.1f, 0.2f}, 3, 0.5f, 0).ok());  // scores size mismatch
  OpRunner runner("NonMaxSuppressionV3");
  auto bad_boxes = runner.Run({Tensor::FromVector<float>(kScores, TensorShape({2, 3})),
                               Vec({0.1f, 0.2f}), Tensor::Scalar<int32_t>(1),
                               Tensor::Scalar<float>(0.5f), Tensor::Scalar<float>(0.f)});
  ASSERT_FALSE(bad_boxes.ok());
  EXPECT_NE(bad_boxes.status().message().find("boxes"), std::string::npos);
  EXPECT_FALSE(RunV5(kBoxes, kScores, 3, 0, -1.0f).ok());  // negative sigma
}

TEST(NonMaxSuppression, V2AndV1UseNoScoreThreshold) {
  OpRunner v2("NonMaxSuppressionV2");
  auto out = v2.Run(
      {Boxes(kBoxes), Vec(kScores), Tensor::Scalar<int32_t>(3), Tensor::Scalar<float>(0.5f)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Indices((*out)[0]), (std::vector<int32_t>{3, 0, 5}));
  OpRunner v1("NonMaxSuppression");
  v1.Attr("iou_threshold", 0.5f);
  auto out1 = v1.Run({Boxes(kBoxes), Vec(kScores), Tensor::Scalar<int32_t>(3)});
  ASSERT_TRUE(out1.ok()) << out1.status();
  EXPECT_EQ(Indices((*out1)[0]), (std::vector<int32_t>{3, 0, 5}));
}

}  // namespace
}  // namespace savedserve
