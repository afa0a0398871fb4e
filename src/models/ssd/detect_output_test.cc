// What `savedserve detect` shows: the bitmap font, drawing (pixels set where the boxes and
// captions are, nowhere else), PNG output, labels, the table and the JSON shape.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "models/ssd/annotate.h"
#include "models/ssd/bitmap_font.h"
#include "models/ssd/detection_output.h"
#include "models/ssd/labels.h"
#include "rapidjson/document.h"
#include "test_util/memory_env.h"

namespace savedserve::ssd {
namespace {

DecodedImage Blank(int64_t height, int64_t width) {
  return DecodedImage{height, width, 3, 8, std::vector<uint8_t>(height * width * 3, 0)};
}

Rgb PixelAt(const DecodedImage& image, int64_t x, int64_t y) {
  const uint8_t* p = image.data.data() + (y * image.width + x) * 3;
  return Rgb{p[0], p[1], p[2]};
}

TEST(BitmapFontTest, PrintableGlyphsDifferAndOthersAreQuestionMarks) {
  EXPECT_EQ(Glyph('\n'), Glyph('?'));
  EXPECT_EQ(Glyph('\x7f'), Glyph('?'));
  for (char c = '!'; c <= '~'; ++c) {
    int set = 0;
    for (int y = 0; y < kGlyphHeight; ++y) {
      EXPECT_EQ(Glyph(c)[y] >> kGlyphWidth, 0) << c;  // five columns only
      for (int x = 0; x < kGlyphWidth; ++x) set += GlyphPixel(c, x, y);
    }
    EXPECT_GT(set, 0) << c;
    for (char d = '!'; d < c; ++d) EXPECT_NE(Glyph(c), Glyph(d)) << c << " vs " << d;
  }
}

TEST(AnnotateTest, TextSetsExactlyTheGlyphPixels) {
  DecodedImage image = Blank(20, 30);
  const Rgb white{255, 255, 255};
  DrawText(image, 3, 4, "F1", 2, white);
  EXPECT_EQ(TextWidth("F1", 2), (2 * kGlyphAdvance - 1) * 2);
  for (int64_t y = 0; y < image.height; ++y) {
    for (int64_t x = 0; x < image.width; ++x) {
      bool want = false;
      for (int i = 0; i < 2; ++i) {
        const int64_t gx = (x - 3 - i * kGlyphAdvance * 2), gy = y - 4;
        if (gx >= 0 && gx < kGlyphWidth * 2 && gy >= 0 && gy < kGlyphHeight * 2) {
          want |= GlyphPixel("F1"[i], gx / 2, gy / 2);
        }
      }
      EXPECT_EQ(PixelAt(image, x, y) == white, want) << x << "," << y;
    }
  }
}

TEST(AnnotateTest, BoxOutlineLiesInsideTheBoxAndClips) {
  DecodedImage image = Blank(20, 20);
  const Rgb red{255, 0, 0};
  DrawBoxOutline(image, {5, 5, 15, 15}, 2, red);
  for (int64_t y = 0; y < 20; ++y) {
    for (int64_t x = 0; x < 20; ++x) {
      const bool inside = x >= 5 && x < 15 && y >= 5 && y < 15;
      const bool inner = x >= 7 && x < 13 && y >= 7 && y < 13;
      EXPECT_EQ(PixelAt(image, x, y) == red, inside && !inner) << x << "," << y;
    }
  }
  DrawBoxOutline(image, {-10, -10, 40, 40}, 3, red);  // no crash, edges clipped away
  EXPECT_EQ(PixelAt(image, 0, 10), Rgb{});
}

TEST(AnnotateTest, DetectionsGetBoxAndCaptionTagInTheClassColour) {
  DecodedImage image = Blank(200, 300);
  const std::vector<PixelDetection> found = {{1, 0.987f, {100, 80, 200, 180}}};
  DrawDetections(image, found, DefaultLabels(3), {.line_width = 2, .text_scale = 1});
  const Rgb color = ClassColor(1);
  EXPECT_EQ(PixelAt(image, 150, 80), color);   // top edge
  EXPECT_EQ(PixelAt(image, 199, 130), color);  // right edge
  EXPECT_EQ(PixelAt(image, 150, 130), Rgb{});  // inside stays
  // The tag sits above the box: kGlyphHeight + 2 rows, as wide as the caption + 2.
  const std::string caption = DetectionCaption("face", 0.987f);
  EXPECT_EQ(caption, "face 0.98");
  EXPECT_EQ(DetectionCaption("face", 0.996f), "face 0.99");
  EXPECT_EQ(DetectionCaption("face", 1.0f), "face 1.00");
  const int64_t tag_top = 80 - (kGlyphHeight + 2);
  EXPECT_EQ(PixelAt(image, 100, tag_top), color);
  EXPECT_EQ(PixelAt(image, 100 + TextWidth(caption, 1) + 1, tag_top), color);
  EXPECT_EQ(PixelAt(image, 100 + TextWidth(caption, 1) + 2, tag_top), Rgb{});
  EXPECT_EQ(PixelAt(image, 100, tag_top - 1), Rgb{});
  EXPECT_NE(ClassColor(1), ClassColor(2));
}

TEST(AnnotateTest, PngRoundTrip) {
  DecodedImage image = Blank(30, 40);
  DrawDetections(image, std::vector<PixelDetection>{{7, 0.5f, {1, 2, 30, 25}}}, {});
  auto png = EncodePng(image);
  ASSERT_TRUE(png.ok()) << png.status();
  auto back = DecodePngToRgb(*png);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->height, 30);
  EXPECT_EQ(back->width, 40);
  EXPECT_EQ(back->data, image.data);
  image.channels = 5;
  EXPECT_FALSE(EncodePng(image).ok());
}

TEST(LabelsTest, BuiltInListsFilesAndFallback) {
  EXPECT_EQ(DefaultLabels(21).size(), 21u);
  EXPECT_EQ(DefaultLabels(21)[15], "person");
  EXPECT_EQ(DefaultLabels(3)[1], "face");
  EXPECT_TRUE(DefaultLabels(5).empty());
  EXPECT_EQ(LabelFor({}, 4), "class_4");
  EXPECT_EQ(LabelFor({"bg", ""}, 1), "class_1");
  MemoryEnv env;
  ASSERT_TRUE(env.WriteFile("/labels.txt", "background\r\ncat \ndog\n").ok());
  auto labels = ReadLabels("/labels.txt", &env);
  ASSERT_TRUE(labels.ok()) << labels.status();
  EXPECT_EQ(*labels, (std::vector<std::string>{"background", "cat", "dog"}));
  EXPECT_FALSE(ReadLabels("/missing.txt", &env).ok());
}

std::vector<ImageDetections> SampleResults() {
  return {{"a \"quoted\"\\path.jpg",
           {{1, 0.99531f, {414.04f, 355.26f, 591.5f, 595.0f}}, {2, 0.5f, {0, 0, 10, 10}}}},
          {"empty.png", {}}};
}

TEST(DetectionOutputTest, JsonShape) {
  const std::string json = FormatDetectionJson(SampleResults(), {"bg", "face"});
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(json.c_str()).HasParseError()) << json;
  ASSERT_TRUE(doc.IsArray());
  ASSERT_EQ(doc.Size(), 2u);
  EXPECT_STREQ(doc[0]["image"].GetString(), "a \"quoted\"\\path.jpg");
  const auto& dets = doc[0]["detections"];
  ASSERT_EQ(dets.Size(), 2u);
  EXPECT_EQ(dets[0]["class_id"].GetInt(), 1);
  EXPECT_STREQ(dets[0]["label"].GetString(), "face");
  EXPECT_NEAR(dets[0]["score"].GetDouble(), 0.99531, 1e-4);
  EXPECT_NEAR(dets[0]["box"]["x0"].GetDouble(), 414.04, 0.05);
  EXPECT_NEAR(dets[0]["box"]["y0"].GetDouble(), 355.26, 0.05);
  EXPECT_NEAR(dets[0]["box"]["x1"].GetDouble(), 591.5, 0.05);
  EXPECT_NEAR(dets[0]["box"]["y1"].GetDouble(), 595.0, 0.05);
  EXPECT_EQ(dets[0]["box"].MemberCount(), 4u);
  EXPECT_EQ(dets[0].MemberCount(), 4u);
  EXPECT_STREQ(dets[1]["label"].GetString(), "class_2");
  EXPECT_TRUE(doc[1]["detections"].IsArray());
  EXPECT_EQ(doc[1]["detections"].Size(), 0u);
}

TEST(DetectionOutputTest, TableHasAHeaderAndARowPerDetection) {
  const std::string table = FormatDetectionTable(SampleResults(), {"bg", "face"});
  std::vector<std::string> lines;
  for (size_t at = 0, next; (next = table.find('\n', at)) != std::string::npos; at = next + 1) {
    lines.push_back(table.substr(at, next - at));
  }
  ASSERT_EQ(lines.size(), 3u) << table;
  EXPECT_NE(lines[0].find("score"), std::string::npos);
  EXPECT_NE(lines[1].find("face"), std::string::npos);
  EXPECT_NE(lines[1].find("0.9953"), std::string::npos);
  EXPECT_NE(lines[1].find("414.0"), std::string::npos);
  EXPECT_NE(lines[2].find("class_2"), std::string::npos);
}

}  // namespace
}  // namespace savedserve::ssd
