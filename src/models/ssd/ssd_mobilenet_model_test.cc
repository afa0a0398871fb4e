// SSD-MobileNetV1 export, checked end to end: export the face detector from its TF.js
// weights, load it with our runtime, run it on a real photo preprocessed as face-api.js does,
// and compare the decoded faces with the reference detections in the testdata README
// (computed with TF.js, an independent oracle).
#include "models/ssd/ssd_mobilenet_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>

#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "kernels/ops/image_util.h"
#include "models/ssd/box_decoder.h"
#include "runtime/loaded_model.h"
#include "test_util/memory_env.h"
#include "test_util/temp_dir.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

using Clock = std::chrono::steady_clock;

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Face {
  float x, y, w, h;  // original-image pixels
  float score;
};

// face-api.js's input: pad bottom/right with zeros to a square, bilinear resize (no
// half-pixel centres, no corner alignment) to 512x512, pixel values 0..255.
Tensor FaceApiInput(const DecodedImage& image) {
  const int64_t side = std::max(image.height, image.width);
  std::vector<uint8_t> square(side * side * 3, 0);
  for (int64_t y = 0; y < image.height; ++y) {
    std::copy_n(image.data.data() + y * image.width * 3, image.width * 3,
                square.data() + y * side * 3);
  }
  const int64_t n = kSsdMobilenetV1InputSize;
  Tensor input(tensorflow::DT_FLOAT, TensorShape({1, n, n, 3}));
  ResizeBilinear(square.data(), ImageBatchShape{1, side, side, 3}, n, n, ResizeOptions(),
                 input.data<float>());
  return input;
}

// Decodes the outputs as face-api.js's outputLayer does: anchors (ymin, xmin, ymax, xmax),
// encodings (ty, tx, th, tw) with scales 10, 10, 5, 5; face score = class 1; score > 0.5;
// NMS at IoU 0.5; boxes scaled by the letterboxed square's side.
std::vector<Face> DecodeFaces(const std::map<std::string, Tensor>& out, float side) {
  const Tensor& anchors = out.at("anchors");
  std::vector<ssd::Box> boxes;
  std::vector<float> scores;
  int64_t k = 0;
  for (int layer = 0; layer < 6; ++layer) {
    const std::string i = std::to_string(layer);
    const float* loc = out.at("localizations_" + i).data<float>();
    const float* cls = out.at("predictions_" + i).data<float>();
    const int64_t n = out.at("localizations_" + i).num_elements() / 4;
    for (int64_t j = 0; j < n; ++j, ++k) {
      const float* a = anchors.data<float>() + 4 * k;
      const ssd::Anchor anchor{(a[0] + a[2]) / 2, (a[1] + a[3]) / 2, a[2] - a[0], a[3] - a[1]};
      const float* t = loc + 4 * j;
      const float txywh[4] = {t[1], t[0], t[3], t[2]};
      if (cls[3 * j + 1] <= 0.5f) continue;
      boxes.push_back(ssd::DecodeBox(anchor, txywh));
      scores.push_back(cls[3 * j + 1]);
    }
  }
  EXPECT_EQ(k, anchors.shape().dim(1));
  std::vector<Face> faces;
  for (int idx : ssd::GreedyNms(boxes, scores, 0.5f, 100)) {
    const ssd::Box& b = boxes[idx];
    faces.push_back({b.xmin * side, b.ymin * side, (b.xmax - b.xmin) * side,
                     (b.ymax - b.ymin) * side, scores[idx]});
  }
  std::sort(faces.begin(), faces.end(), [](const Face& a, const Face& b) { return a.x < b.x; });
  return faces;
}

// The README's reference faces (x, y, w, h), left to right; boxes must agree within 5% of the
// image's width (x, w) and height (y, h), scores be at least 0.9.
void ExpectReferenceFaces(const std::vector<Face>& faces, const DecodedImage& image) {
  const Face reference[] = {
      {414, 355, 177, 240, 0.995f}, {838, 421, 186, 228, 0.989f}, {1476, 199, 203, 241, 0.994f}};
  ASSERT_EQ(faces.size(), 3u);
  const float tx = 0.05f * image.width, ty = 0.05f * image.height;
  for (int i = 0; i < 3; ++i) {
    const Face& f = faces[i];
    const Face& r = reference[i];
    std::cout << "face " << i << ": score " << f.score << " box (" << f.x << ", " << f.y << ", "
              << f.w << ", " << f.h << ") reference (" << r.x << ", " << r.y << ", " << r.w << ", "
              << r.h << ")\n";
    EXPECT_NEAR(f.x, r.x, tx);
    EXPECT_NEAR(f.y, r.y, ty);
    EXPECT_NEAR(f.w, r.w, tx);
    EXPECT_NEAR(f.h, r.h, ty);
    EXPECT_GE(f.score, 0.9f);
  }
}

class SsdMobilenetV1Test : public ::testing::Test {
 protected:
  std::string Weights(const std::string& testdata) {
    return testdata + "/tfjs/face-api-ssd-mobilenetv1";
  }
  TempDir tmp_;
};

TEST_F(SsdMobilenetV1Test, ExportedModelFindsTheReferenceFaces) {
  SS_REQUIRE_TESTDATA();
  auto start = Clock::now();
  auto exported = ExportSsdMobilenetV1({Weights(testdata)}, tmp_.path(), "faces", 1);
  ASSERT_TRUE(exported.ok()) << exported.status();
  std::cout << "export: " << MillisSince(start) << " ms\n";
  auto model = LoadedModel::Load(exported->path);
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_EQ(model.value()->signatures().count("detected_model"), 1u);
  auto jpeg = Env::Default()->ReadFile(testdata + "/images/faces-sample1.jpg");
  ASSERT_TRUE(jpeg.ok());
  auto image = DecodeImageToRgb(*jpeg);
  ASSERT_TRUE(image.ok()) << image.status();
  Tensor input = FaceApiInput(*image);
  absl::StatusOr<std::map<std::string, Tensor>> out;
  for (int run = 0; run < 3; ++run) {  // the first run includes one-time kernel setup
    start = Clock::now();
    out = model.value()->RunSignature("serving_default", {{"images", input}});
    ASSERT_TRUE(out.ok()) << out.status();
    std::cout << "forward " << run << ": " << MillisSince(start) << " ms\n";
  }
  // Every output has the batch dimension, as REST's row format ("instances") needs.
  EXPECT_EQ(out->at("anchors").shape(), TensorShape({1, 5118, 4}));
  for (const auto& [alias, tensor] : *out) EXPECT_EQ(tensor.shape().dim(0), 1) << alias;
  EXPECT_EQ(out->at("predictions_0").shape(), TensorShape({1, 32, 32, 3, 3}));
  EXPECT_EQ(out->at("localizations_5").shape(), TensorShape({1, 1, 1, 6, 4}));
  ExpectReferenceFaces(DecodeFaces(*out, std::max(image->width, image->height)), *image);
  auto labels = Env::Default()->ReadFile(exported->path + "/assets/labels.txt");
  ASSERT_TRUE(labels.ok()) << labels.status();
  EXPECT_EQ(*labels, "background\nface\nunused\n");
}

// --input_format jpeg: the graph decodes and letterboxes itself (export/image_input.h).
TEST_F(SsdMobilenetV1Test, EncodedInputFindsTheReferenceFaces) {
  SS_REQUIRE_TESTDATA();
  SsdMobilenetV1Options options{Weights(testdata), /*encoded_input=*/true};
  auto exported = ExportSsdMobilenetV1(options, tmp_.path(), "faces", 1);
  if (exported.status().code() == absl::StatusCode::kUnimplemented) {
    GTEST_SKIP() << "encoded image input not available yet: " << exported.status();
  }
  ASSERT_TRUE(exported.ok()) << exported.status();
  auto model = LoadedModel::Load(exported->path);
  ASSERT_TRUE(model.ok()) << model.status();
  auto jpeg = Env::Default()->ReadFile(testdata + "/images/faces-sample1.jpg");
  ASSERT_TRUE(jpeg.ok());
  auto image = DecodeImageToRgb(*jpeg);
  ASSERT_TRUE(image.ok());
  Tensor input(tensorflow::DT_STRING, TensorShape({1}));
  input.data<std::string>()[0] = *jpeg;
  auto out = model.value()->RunSignature("detected_model", {{"images", input}});
  ASSERT_TRUE(out.ok()) << out.status();
  ExpectReferenceFaces(DecodeFaces(*out, std::max(image->width, image->height)), *image);
}

TEST_F(SsdMobilenetV1Test, ExportIsDeterministic) {
  SS_REQUIRE_TESTDATA();
  auto first = ExportSsdMobilenetV1({Weights(testdata)}, tmp_.path(), "faces", std::nullopt);
  auto second = ExportSsdMobilenetV1({Weights(testdata)}, tmp_.path(), "faces", std::nullopt);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(first->version, 1);
  EXPECT_EQ(second->version, 2);
  for (const char* file : {"saved_model.pb", "variables/variables.index",
                           "variables/variables.data-00000-of-00001", "assets/labels.txt"}) {
    auto a = Env::Default()->ReadFile(first->path + "/" + file);
    auto b = Env::Default()->ReadFile(second->path + "/" + file);
    ASSERT_TRUE(a.ok() && b.ok()) << file;
    EXPECT_TRUE(*a == *b) << file << " differs between two exports";
  }
}

// Copies the real weights into a MemoryEnv, with `edit` applied to the manifest text.
MemoryEnv* CopyWeights(const std::string& dir, MemoryEnv* env,
                       const std::pair<std::string, std::string>& edit) {
  const std::string manifest = "ssd_mobilenetv1_model-weights_manifest.json";
  env->SetFile("/w/" + manifest,
               absl::StrReplaceAll(*Env::Default()->ReadFile(dir + "/" + manifest), {edit}));
  env->SetFile("/w/ssd_mobilenetv1_model.bin",
               *Env::Default()->ReadFile(dir + "/ssd_mobilenetv1_model.bin"));
  return env;
}

TEST_F(SsdMobilenetV1Test, BadWeightsGiveClearErrors) {
  SS_REQUIRE_TESTDATA();
  auto missing = BuildSsdMobilenetV1({tmp_.path() + "/nowhere"});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nowhere"), std::string::npos) << missing.status();

  struct Case {
    std::pair<std::string, std::string> edit;
    std::string expected;  // in the message
  };
  const Case cases[] = {
      {{"\"paths\"", "\"paths"}, "malformed JSON"},
      {{"Conv2d_5_depthwise/BatchNorm/gamma", "Conv2d_5_depthwise/BatchNorm/gammo"},
       "no weight named 'MobilenetV1/Conv2d_5_depthwise/BatchNorm/gamma'"},
      {{"[1,1,512,9]", "[1,1,256,18]"}, "Prediction/BoxPredictor_0/ClassPredictor"},
      {{"[1,5118,4]", "[1,4,5118]"}, "Output/extra_dim"},
  };
  for (const Case& c : cases) {
    MemoryEnv env;
    auto built = BuildSsdMobilenetV1({"/w"}, CopyWeights(Weights(testdata), &env, c.edit));
    ASSERT_FALSE(built.ok()) << c.expected;
    EXPECT_NE(built.status().message().find(c.expected), std::string::npos) << built.status();
  }
  MemoryEnv env;
  CopyWeights(Weights(testdata), &env, {"paths", "paths"});
  env.MutableFile("/w/ssd_mobilenetv1_model.bin").resize(1000);
  auto short_bin = BuildSsdMobilenetV1({"/w"}, &env);
  EXPECT_NE(short_bin.status().message().find("hold only"), std::string::npos)
      << short_bin.status();
}

}  // namespace
}  // namespace savedserve
