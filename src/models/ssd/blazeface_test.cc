// BlazeFace anchors and decoding on hand-built outputs (the real model is checked end to end
// against TF.js and the README's faces in tests/tfjs/blazeface_test.cc).
#include "models/ssd/blazeface.h"

#include <cmath>

#include "gtest/gtest.h"

namespace savedserve::ssd {
namespace {

TEST(BlazeFace, AnchorsAreCellCentresHeadByHead) {
  auto heads = BlazeFaceHeads();
  auto anchors = BlazeFaceAnchors(heads);
  ASSERT_EQ(anchors.size(), 896u);  // 16*16*2 + 8*8*6
  // Head 0: cell (y=0, x=0) twice, then (0, 1): centres (i + 0.5) / 16.
  EXPECT_FLOAT_EQ(anchors[0].cx, 0.5f / 16);
  EXPECT_FLOAT_EQ(anchors[1].cy, 0.5f / 16);
  EXPECT_FLOAT_EQ(anchors[2].cx, 1.5f / 16);
  EXPECT_FLOAT_EQ(anchors[511].cx, 15.5f / 16);
  EXPECT_FLOAT_EQ(anchors[511].cy, 15.5f / 16);
  // Head 1 starts at 512 with six anchors in cell (0, 0) of the 8x8 grid.
  for (int i = 512; i < 518; ++i) EXPECT_FLOAT_EQ(anchors[i].cx, 0.5f / 8);
  EXPECT_FLOAT_EQ(anchors[518].cx, 1.5f / 8);
  EXPECT_FLOAT_EQ(anchors[895].cy, 7.5f / 8);
}

TEST(BlazeFace, DecodesBoxesScoresAndSuppressesOverlaps) {
  std::vector<BlazeFaceHead> heads = {{2, 1}};  // 4 anchors at (0.25|0.75, 0.25|0.75)
  auto anchors = BlazeFaceAnchors(heads);
  const int size = 128, k = 4;
  std::vector<float> logits = {2.0f, -3.0f, 1.0f, 0.2f};
  std::vector<float> raw(anchors.size() * k, 0.0f);
  // Anchor 0 (cx 0.25, cy 0.25): shifted by (+16, -8) px, 32 x 24 px.
  raw[0] = 16, raw[1] = -8, raw[2] = 32, raw[3] = 24;
  // Anchor 2 (cx 0.25, cy 0.75): a box far from anchor 0's.
  raw[8] = 0, raw[9] = 0, raw[10] = 20, raw[11] = 20;
  // Anchor 3: the same box as anchor 2 with a score under the threshold.
  raw[12] = -64, raw[13] = 0, raw[14] = 20, raw[15] = 20;
  auto detections = DecodeBlazeFace(anchors, logits, raw, k, size, BlazeFaceSelection());
  ASSERT_TRUE(detections.ok()) << detections.status();
  // Anchor 1 scores sigmoid(-3) < 0.6; anchor 3's 0.55 too; anchor 2's box stays.
  ASSERT_EQ(detections->size(), 2u);
  const Detection& first = (*detections)[0];
  EXPECT_NEAR(first.score, 1 / (1 + std::exp(-2.0f)), 1e-6);
  EXPECT_NEAR(first.box.xmin, 0.25f + 16.0f / size - 16.0f / size, 1e-6);
  EXPECT_NEAR(first.box.xmax, 0.25f + 16.0f / size + 16.0f / size, 1e-6);
  EXPECT_NEAR(first.box.ymin, 0.25f - 8.0f / size - 12.0f / size, 1e-6);
  EXPECT_NEAR(first.box.ymax, 0.25f - 8.0f / size + 12.0f / size, 1e-6);
  EXPECT_NEAR((*detections)[1].box.ymin, 0.75f - 10.0f / size, 1e-6);
}

TEST(BlazeFace, OverlappingFacesKeepTheBestOne) {
  std::vector<BlazeFaceHead> heads = {{1, 3}};  // three anchors at the centre
  auto anchors = BlazeFaceAnchors(heads);
  std::vector<float> logits = {1.0f, 3.0f, 2.0f};
  std::vector<float> raw = {0, 0, 50, 50, 2, 2, 50, 50, 30, 30, 20, 20};
  auto detections = DecodeBlazeFace(anchors, logits, raw, 4, 100, BlazeFaceSelection());
  ASSERT_TRUE(detections.ok());
  ASSERT_EQ(detections->size(), 2u);  // anchor 0 overlaps anchor 1 (IoU > 0.3)
  EXPECT_NEAR((*detections)[0].score, 1 / (1 + std::exp(-3.0f)), 1e-6);
  EXPECT_NEAR((*detections)[1].score, 1 / (1 + std::exp(-2.0f)), 1e-6);
}

TEST(BlazeFace, SizeMismatchesAreErrors) {
  auto anchors = BlazeFaceAnchors(BlazeFaceHeads());
  std::vector<float> logits(896), raw(896 * 16);
  EXPECT_TRUE(DecodeBlazeFace(anchors, logits, raw, 16, 256, BlazeFaceSelection()).ok());
  logits.pop_back();
  EXPECT_FALSE(DecodeBlazeFace(anchors, logits, raw, 16, 256, BlazeFaceSelection()).ok());
  logits.push_back(0);
  raw.pop_back();
  EXPECT_FALSE(DecodeBlazeFace(anchors, logits, raw, 16, 256, BlazeFaceSelection()).ok());
}

}  // namespace
}  // namespace savedserve::ssd
