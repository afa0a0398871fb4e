#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "models/ssd/anchors.h"
#include "models/ssd/box_decoder.h"

namespace savedserve::ssd {
namespace {

constexpr float kEps = 1e-6f;

TEST(SsdAnchorsTest, DefaultConfigIsValid) {
  EXPECT_TRUE(ValidateAnchorConfig(SsdAnchorConfig{}).ok());
  SsdAnchorConfig bad;
  bad.steps.pop_back();
  EXPECT_FALSE(ValidateAnchorConfig(bad).ok());
  SsdAnchorConfig bad_ratio;
  bad_ratio.ratios[0][0] = 0;
  EXPECT_FALSE(ValidateAnchorConfig(bad_ratio).ok());
}

TEST(SsdAnchorsTest, CountsMatchSsd300) {
  const SsdAnchorConfig config;
  const std::vector<int> per_cell = {4, 6, 6, 6, 4, 4};
  size_t total = 0;
  for (size_t l = 0; l < config.feature_shapes.size(); ++l) {
    EXPECT_EQ(AnchorsPerCell(config, l), per_cell[l]) << "layer " << l;
    const size_t f = config.feature_shapes[l];
    EXPECT_EQ(NumLayerAnchors(config, l), f * f * per_cell[l]) << "layer " << l;
    total += NumLayerAnchors(config, l);
  }
  EXPECT_EQ(total, 8732u);
  EXPECT_EQ(NumAnchors(config), 8732u);
  EXPECT_EQ(GenerateAnchors(config).size(), 8732u);
}

TEST(SsdAnchorsTest, FirstCellOfFirstLayer) {
  const std::vector<Anchor> anchors = GenerateAnchors(SsdAnchorConfig{});
  const float c = 0.5f * 8 / 300;
  // Square s0.
  EXPECT_NEAR(anchors[0].cy, c, kEps);
  EXPECT_NEAR(anchors[0].cx, c, kEps);
  EXPECT_NEAR(anchors[0].h, 21.0f / 300, kEps);
  EXPECT_NEAR(anchors[0].w, 21.0f / 300, kEps);
  // Square sqrt(s0*s1).
  const float s01 = std::sqrt(21.0f * 45.0f) / 300;
  EXPECT_NEAR(anchors[1].cy, c, kEps);
  EXPECT_NEAR(anchors[1].h, s01, kEps);
  EXPECT_NEAR(anchors[1].w, s01, kEps);
  // Ratios 2 and 1/2: w/h = r, h = s0/sqrt(r), w = s0*sqrt(r).
  EXPECT_NEAR(anchors[2].w / anchors[2].h, 2.0f, 1e-5f);
  EXPECT_NEAR(anchors[2].h, 21.0f / 300 / std::sqrt(2.0f), kEps);
  EXPECT_NEAR(anchors[2].w, 21.0f / 300 * std::sqrt(2.0f), kEps);
  EXPECT_NEAR(anchors[3].w / anchors[3].h, 0.5f, 1e-5f);
  // Next anchor: cell (0, 1).
  EXPECT_NEAR(anchors[4].cy, c, kEps);
  EXPECT_NEAR(anchors[4].cx, 1.5f * 8 / 300, kEps);
  // Row-major: cell (1, 0) starts at 38 cells * 4 anchors.
  EXPECT_NEAR(anchors[38 * 4].cy, 1.5f * 8 / 300, kEps);
  EXPECT_NEAR(anchors[38 * 4].cx, c, kEps);
}

TEST(SsdAnchorsTest, LayerOrderingAndRatios) {
  const SsdAnchorConfig config;
  const std::vector<Anchor> anchors = GenerateAnchors(config);
  // Layer 2 starts after 38*38*4 anchors; six anchors per cell with ratios 2, 1/2, 3, 1/3.
  const size_t start = 38 * 38 * 4;
  EXPECT_NEAR(anchors[start].cy, 0.5f * 16 / 300, kEps);
  EXPECT_NEAR(anchors[start].h, 45.0f / 300, kEps);
  EXPECT_NEAR(anchors[start + 1].w, std::sqrt(45.0f * 99.0f) / 300, kEps);
  const float ratios[] = {2, 0.5f, 3, 1.0f / 3};
  for (int r = 0; r < 4; ++r) {
    EXPECT_NEAR(anchors[start + 2 + r].w / anchors[start + 2 + r].h, ratios[r], 1e-5f);
    EXPECT_NEAR(anchors[start + 2 + r].w * anchors[start + 2 + r].h,
                (45.0f / 300) * (45.0f / 300), 1e-6f);
  }
  // Last layer: one cell at the image centre, four anchors.
  const Anchor& last = anchors.back();
  EXPECT_NEAR(last.cy, 0.5f, kEps);
  EXPECT_NEAR(last.cx, 0.5f, kEps);
  EXPECT_NEAR(last.w / last.h, 0.5f, 1e-5f);
  EXPECT_NEAR(anchors[anchors.size() - 4].h, 261.0f / 300, kEps);
}

TEST(SsdDecodeTest, ZeroOffsetsGiveAnchorBox) {
  const Anchor a{0.5f, 0.4f, 0.2f, 0.3f};
  const float loc[4] = {0, 0, 0, 0};
  const Box b = DecodeBox(a, loc);
  EXPECT_NEAR(b.ymin, 0.4f, kEps);
  EXPECT_NEAR(b.xmin, 0.25f, kEps);
  EXPECT_NEAR(b.ymax, 0.6f, kEps);
  EXPECT_NEAR(b.xmax, 0.55f, kEps);
}

TEST(SsdDecodeTest, HandBuiltOffset) {
  const Anchor a{0.5f, 0.5f, 0.2f, 0.4f};
  // cx = 1*0.4*0.1 + 0.5 = 0.54; cy = -2*0.2*0.1 + 0.5 = 0.46;
  // w = 0.4*exp(5 ln 0.5 * 0.2) = 0.2; h = 0.2*exp(5 ln 2 * 0.2) = 0.4.
  const float loc[4] = {1.0f, -2.0f, 5 * std::log(0.5f), 5 * std::log(2.0f)};
  const Box b = DecodeBox(a, loc);
  EXPECT_NEAR(b.ymin, 0.26f, 1e-5f);
  EXPECT_NEAR(b.xmin, 0.44f, 1e-5f);
  EXPECT_NEAR(b.ymax, 0.66f, 1e-5f);
  EXPECT_NEAR(b.xmax, 0.64f, 1e-5f);
}

TEST(SsdDecodeTest, ClipsToUnitSquareAndChecksSizes) {
  const Anchor anchors[2] = {{0.05f, 0.95f, 0.2f, 0.2f}, {0.5f, 0.5f, 0.1f, 0.1f}};
  const float loc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  auto boxes = DecodeBoxes(anchors, loc);
  ASSERT_TRUE(boxes.ok()) << boxes.status();
  ASSERT_EQ(boxes->size(), 2u);
  EXPECT_EQ((*boxes)[0].ymin, 0.0f);
  EXPECT_EQ((*boxes)[0].xmax, 1.0f);
  EXPECT_NEAR((*boxes)[0].ymax, 0.15f, kEps);
  EXPECT_NEAR((*boxes)[0].xmin, 0.85f, kEps);
  EXPECT_FALSE(DecodeBoxes(anchors, std::span<const float>(loc, 7)).ok());
}

TEST(SsdNmsTest, BoxIou) {
  EXPECT_NEAR(BoxIou({0, 0, 1, 1}, {0, 0, 1, 1}), 1.0f, kEps);
  EXPECT_NEAR(BoxIou({0, 0, 0.5f, 1}, {0, 0, 1, 1}), 0.5f, kEps);
  EXPECT_EQ(BoxIou({0, 0, 0.5f, 0.5f}, {0.6f, 0.6f, 1, 1}), 0.0f);
  EXPECT_EQ(BoxIou({0, 0, 0, 0}, {0, 0, 0, 0}), 0.0f);
}

// Three classes: 0 background, 1 and 2.
constexpr int kClasses = 3;

TEST(SsdNmsTest, OverlappingSameClassKeepsHigher) {
  const Box boxes[] = {{0.1f, 0.1f, 0.5f, 0.5f}, {0.12f, 0.1f, 0.52f, 0.5f}};
  ASSERT_GT(BoxIou(boxes[0], boxes[1]), 0.45f);
  const float scores[] = {0.1f, 0.7f, 0.0f,   // box 0: class 1 at 0.7
                          0.1f, 0.9f, 0.0f};  // box 1: class 1 at 0.9
  auto dets = SelectDetections(boxes, scores, kClasses);
  ASSERT_TRUE(dets.ok()) << dets.status();
  ASSERT_EQ(dets->size(), 1u);
  EXPECT_EQ((*dets)[0].class_id, 1);
  EXPECT_FLOAT_EQ((*dets)[0].score, 0.9f);
  EXPECT_FLOAT_EQ((*dets)[0].box.ymin, 0.12f);
}

TEST(SsdNmsTest, LowOverlapSameClassBothKept) {
  const Box boxes[] = {{0.1f, 0.1f, 0.3f, 0.3f}, {0.6f, 0.6f, 0.9f, 0.9f}};
  const float scores[] = {0, 0.8f, 0, 0, 0.6f, 0};
  auto dets = SelectDetections(boxes, scores, kClasses);
  ASSERT_TRUE(dets.ok());
  ASSERT_EQ(dets->size(), 2u);
  EXPECT_FLOAT_EQ((*dets)[0].score, 0.8f);
  EXPECT_FLOAT_EQ((*dets)[1].score, 0.6f);
}

TEST(SsdNmsTest, DifferentClassesNotSuppressed) {
  const Box boxes[] = {{0.1f, 0.1f, 0.5f, 0.5f}, {0.1f, 0.1f, 0.5f, 0.5f}};
  const float scores[] = {0.0f, 0.9f, 0.1f,   // box 0: class 1
                          0.0f, 0.1f, 0.8f};  // box 1: class 2, same box
  auto dets = SelectDetections(boxes, scores, kClasses);
  ASSERT_TRUE(dets.ok());
  ASSERT_EQ(dets->size(), 2u);
  EXPECT_EQ((*dets)[0].class_id, 1);
  EXPECT_FLOAT_EQ((*dets)[0].score, 0.9f);
  EXPECT_EQ((*dets)[1].class_id, 2);
  EXPECT_FLOAT_EQ((*dets)[1].score, 0.8f);
}

TEST(SsdNmsTest, ScoreThresholdAndBackground) {
  const Box boxes[] = {{0.1f, 0.1f, 0.2f, 0.2f}, {0.5f, 0.5f, 0.7f, 0.7f}};
  const float scores[] = {0.99f, 0.005f, 0.005f,  // background only
                          0.55f, 0.4f, 0.05f};    // below threshold 0.5
  auto dets = SelectDetections(boxes, scores, kClasses);
  ASSERT_TRUE(dets.ok());
  EXPECT_TRUE(dets->empty());
  SelectionOptions low;
  low.score_threshold = 0.3f;
  dets = SelectDetections(boxes, scores, kClasses, low);
  ASSERT_TRUE(dets.ok());
  ASSERT_EQ(dets->size(), 1u);
  EXPECT_EQ((*dets)[0].class_id, 1);
  EXPECT_FLOAT_EQ((*dets)[0].score, 0.4f);
  // With no background class, class 0 is a detection like any other.
  low.background_class = -1;
  dets = SelectDetections(boxes, scores, kClasses, low);
  ASSERT_TRUE(dets.ok());
  ASSERT_EQ(dets->size(), 3u);
  EXPECT_EQ((*dets)[0].class_id, 0);
}

TEST(SsdNmsTest, TopKLimitsCount) {
  // Five disjoint boxes of class 1 with descending scores.
  std::vector<Box> boxes;
  std::vector<float> scores;
  for (int i = 0; i < 5; ++i) {
    const float y = 0.2f * i;
    boxes.push_back({y, 0.0f, y + 0.1f, 0.1f});
    scores.insert(scores.end(), {0.0f, 0.9f - 0.05f * i, 0.0f});
  }
  SelectionOptions opts;
  opts.max_detections = 3;
  auto dets = SelectDetections(boxes, scores, kClasses, opts);
  ASSERT_TRUE(dets.ok());
  ASSERT_EQ(dets->size(), 3u);
  EXPECT_FLOAT_EQ((*dets)[0].score, 0.9f);
  EXPECT_FLOAT_EQ((*dets)[2].score, 0.8f);
  opts.max_detections = 200;
  opts.pre_nms_top_k = 2;
  dets = SelectDetections(boxes, scores, kClasses, opts);
  ASSERT_TRUE(dets.ok());
  EXPECT_EQ(dets->size(), 2u);
}

TEST(SsdNmsTest, RejectsMismatchedSizes) {
  const Box boxes[] = {{0, 0, 1, 1}};
  const float scores[] = {0.1f, 0.9f};
  EXPECT_FALSE(SelectDetections(boxes, scores, kClasses).ok());
  EXPECT_FALSE(SelectDetections(boxes, scores, 0).ok());
}

TEST(SsdNmsTest, GreedyNmsOrdersAndSuppresses) {
  const Box boxes[] = {{0, 0, 0.5f, 0.5f}, {0, 0, 0.5f, 0.55f}, {0.6f, 0.6f, 1, 1}};
  const float scores[] = {0.5f, 0.9f, 0.7f};
  const std::vector<int> kept = GreedyNms(boxes, scores, 0.45f, 0);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0], 1);
  EXPECT_EQ(kept[1], 2);
  EXPECT_EQ(GreedyNms(boxes, scores, 0.45f, 1).size(), 1u);
}

}  // namespace
}  // namespace savedserve::ssd
