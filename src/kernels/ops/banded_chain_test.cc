// The line-buffer arithmetic of _BandedChain (banded_chain.h), worked by hand.
#include "kernels/ops/banded_chain.h"

#include <vector>

#include "gtest/gtest.h"

namespace savedserve {
namespace {

// Checks what every layout must satisfy: stage s's input buffer (kept rows, then its
// producer's new rows) starts where its window does, the bands cover the last output, and
// the rows kept before band 0 lie above the image.
void ExpectConsistent(const std::vector<StageRows>& stages, const LineLayout& l) {
  ASSERT_EQ(l.rows.size(), stages.size());
  for (size_t s = 0; s < stages.size(); ++s) {
    const int i = static_cast<int>(s);
    EXPECT_GE(l.lag[s], 0) << s;
    EXPECT_EQ(l.kept[s], stages[s].extent - stages[s].stride) << s;
    if (s > 0) {
      EXPECT_EQ(l.rows[s - 1], l.rows[s] * stages[s].stride) << s;
      EXPECT_EQ(l.InRows(stages, i), l.kept[s] + l.rows[s - 1]) << s;
      for (int64_t b : {0, 1, 5}) {
        // The window's first input row = the first producer row of the buffer.
        EXPECT_EQ(l.OutStart(i, b) * stages[s].stride - stages[s].pad_top,
                  l.OutStart(i - 1, b) - l.kept[s])
            << s << " band " << b;
      }
    } else {
      EXPECT_EQ(l.in_rows, l.InRows(stages, 0));
      EXPECT_EQ(l.InStart(3), l.OutStart(0, 3) * stages[0].stride - stages[0].pad_top);
    }
  }
  const int last = static_cast<int>(stages.size()) - 1;
  EXPECT_GE(l.OutStart(last, l.bands - 1) + l.rows[last], stages.back().out_h);
  EXPECT_LT(l.OutStart(last, l.bands - 1), stages.back().out_h);
}

TEST(LineLayoutTest, ConvThenPool) {
  // conv 3x3 SAME (pad 1) on 10 rows -> pool 2x2 stride 2 VALID on 10 rows -> 5 rows.
  const std::vector<StageRows> stages = {{1, 3, 1, 10, 100}, {2, 2, 0, 5, 50}};
  ASSERT_TRUE(LinesFit(stages));
  const LineLayout one = MakeLineLayout(stages, 1);
  EXPECT_EQ(one.rows, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(one.kept, (std::vector<int64_t>{2, 0}));
  EXPECT_EQ(one.lag, (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(one.in_rows, 4);
  EXPECT_EQ(one.InStart(0), -1);  // the padding row above the image
  EXPECT_EQ(one.InStart(4), 7);
  EXPECT_EQ(one.bands, 5);
  ExpectConsistent(stages, one);
  // The new rows of a band cost 2 * 100 + 50 bytes per pool row.
  EXPECT_EQ(ChooseLines(stages, 1).rows, (std::vector<int64_t>{2, 1}));
  const LineLayout four = ChooseLines(stages, 1000);
  EXPECT_EQ(four.rows, (std::vector<int64_t>{8, 4}));
  EXPECT_EQ(four.bands, 2);
  ExpectConsistent(stages, four);
  const LineLayout all = ChooseLines(stages, 1 << 20);
  EXPECT_EQ(all.rows, (std::vector<int64_t>{10, 5}));
  EXPECT_EQ(all.bands, 1);
  ExpectConsistent(stages, all);
  // Room for 3 pool rows, but the convolution prefers multiples of 4 rows: 2 (4 conv rows).
  std::vector<StageRows> tiled = stages;
  tiled[0].row_multiple = 4;
  EXPECT_EQ(ChooseLines(stages, 750).rows, (std::vector<int64_t>{6, 3}));
  EXPECT_EQ(ChooseLines(tiled, 750).rows, (std::vector<int64_t>{4, 2}));
  // Room for 1 pool row only: whole tiles are worth more than the budget.
  EXPECT_EQ(ChooseLines(tiled, 250).rows, (std::vector<int64_t>{4, 2}));
  // At least 8 conv rows: within the budget (1000: 4 pool rows); above it (250), one band
  // of 6 pool rows computes 6, two of 4 would compute 8.
  tiled[0].min_rows = 8;
  EXPECT_EQ(ChooseLines(tiled, 1000).rows, (std::vector<int64_t>{8, 4}));
  EXPECT_EQ(ChooseLines(tiled, 250).rows, (std::vector<int64_t>{12, 6}));
  tiled[0].min_rows = 9;  // 12 conv rows are the fewest that suit, more than the image's 10
  EXPECT_EQ(ChooseLines(tiled, 250).rows, (std::vector<int64_t>{12, 6}));
}

TEST(LineLayoutTest, VggBlocksWithAnInteriorPool) {
  // conv1_1, conv1_2, pool1 (2x2/2 VALID), conv2_1, conv2_2, pool2 (2x2/2 SAME, odd 75 rows).
  const std::vector<StageRows> stages = {{1, 3, 1, 150, 1}, {1, 3, 1, 150, 1},
                                         {2, 2, 0, 75, 1},  {1, 3, 1, 75, 1},
                                         {1, 3, 1, 75, 1},  {2, 2, 0, 38, 1}};
  const LineLayout l = MakeLineLayout(stages, 2);
  // lag[5] = c; lag[4] = 2c; lag[3] = 2c - 1; lag[2] = 2c - 2; lag[1] = 4c - 4;
  // lag[0] = 4c - 5 >= 0: c = 2.
  EXPECT_EQ(l.lag, (std::vector<int64_t>{3, 4, 2, 3, 4, 2}));
  EXPECT_EQ(l.rows, (std::vector<int64_t>{8, 8, 4, 4, 4, 2}));
  EXPECT_EQ(l.kept, (std::vector<int64_t>{2, 2, 0, 2, 2, 0}));
  EXPECT_EQ(l.in_rows, 10);
  EXPECT_EQ(l.InStart(0), -4);  // rows -4..5: stage 0's rows -3..4
  EXPECT_EQ(l.bands, 20);       // (38 + 2) / 2
  ExpectConsistent(stages, l);
  // One image's new rows per pool2 row: 4 + 4 + 2 + 2 + 2 + 1 = 15 bytes here.
  const LineLayout chosen = ChooseLines(stages, 15 * 3);
  EXPECT_EQ(chosen.rows.back(), 3);
  ExpectConsistent(stages, chosen);
}

TEST(LineLayoutTest, StrideTwoConvolution) {
  // conv 3x3 stride 2 SAME on 10 rows (5 rows, pad_top 0) -> conv 3x3 SAME.
  const std::vector<StageRows> stages = {{2, 3, 0, 5, 1}, {1, 3, 1, 5, 1}};
  const LineLayout l = MakeLineLayout(stages, 2);
  EXPECT_EQ(l.kept, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(l.lag, (std::vector<int64_t>{0, 1}));  // lag[0] = c + 1 - 2
  EXPECT_EQ(l.in_rows, 5);
  EXPECT_EQ(l.InStart(1), 4);
  EXPECT_EQ(l.bands, 3);  // (5 + 1 + 1) / 2
  ExpectConsistent(stages, l);
  for (int64_t r = 1; r <= 6; ++r) ExpectConsistent(stages, MakeLineLayout(stages, r));
}

TEST(LineLayoutTest, PoolsOfEveryKind) {
  // SAME pool 3x3/2 (pad_top 1 on 75 rows -> 38), VALID pool 3x3/1, 1-row image.
  for (const std::vector<StageRows>& stages : std::vector<std::vector<StageRows>>{
           {{1, 3, 1, 75, 1}, {2, 3, 1, 38, 1}, {1, 3, 0, 36, 1}},
           {{1, 2, 0, 74, 1}, {2, 2, 0, 37, 1}, {1, 5, 2, 37, 1}, {2, 3, 0, 18, 1}},
           {{1, 3, 1, 1, 1}, {1, 1, 0, 1, 1}}}) {
    ASSERT_TRUE(LinesFit(stages));
    for (int64_t r = 1; r <= 40; ++r) ExpectConsistent(stages, MakeLineLayout(stages, r));
  }
  EXPECT_FALSE(LinesFit({{2, 1, 0, 5, 1}}));  // a 1x1 stride-2 window skips rows
}

}  // namespace
}  // namespace savedserve
