// The detection client's pieces on hand-built signatures and tensors: input parsing, both SSD
// families' decoding (zero encodings give the anchors back, offsets move boxes as the
// formulas say, the >= vs > thresholds), Detector over a fake transport (batching,
// letterbox mapping, errors).
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "models/ssd/detector.h"
#include "models/ssd/ssd_decoders.h"

namespace savedserve::ssd {
namespace {

using tensorflow::SignatureDef;

tensorflow::TensorInfo Info(DataType dtype, const std::vector<int64_t>& dims) {
  tensorflow::TensorInfo info;
  info.set_name("t:0");
  info.set_dtype(dtype);
  for (int64_t d : dims) info.mutable_tensor_shape()->add_dim()->set_size(d);
  return info;
}

// A detection signature: `images` float [-1, size, size, 3] and one output pair per layer.
SignatureDef MakeSignature(const std::vector<SsdLayer>& layers, int num_classes, bool anchors,
                           int64_t size = 300) {
  SignatureDef sig;
  sig.set_method_name("tensorflow/serving/predict");
  (*sig.mutable_inputs())["images"] = Info(tensorflow::DT_FLOAT, {-1, size, size, 3});
  int64_t total = 0;
  for (size_t i = 0; i < layers.size(); ++i) {
    const SsdLayer& l = layers[i];
    (*sig.mutable_outputs())["predictions_" + std::to_string(i)] =
        Info(tensorflow::DT_FLOAT, {-1, l.height, l.width, l.anchors_per_cell, num_classes});
    (*sig.mutable_outputs())["localizations_" + std::to_string(i)] =
        Info(tensorflow::DT_FLOAT, {-1, l.height, l.width, l.anchors_per_cell, 4});
    total += l.height * l.width * l.anchors_per_cell;
  }
  if (anchors) (*sig.mutable_outputs())["anchors"] = Info(tensorflow::DT_FLOAT, {total, 4});
  return sig;
}

std::vector<SsdLayer> Ssd300Layers() {
  const SsdAnchorConfig config;
  std::vector<SsdLayer> layers;
  for (size_t i = 0; i < config.feature_shapes.size(); ++i) {
    const int64_t f = config.feature_shapes[i];
    layers.push_back({f, f, AnchorsPerCell(config, i)});
  }
  return layers;
}

// Zero-filled outputs for `layout` with `batch` elements; Set() writes one anchor's values.
struct FakeOutputs {
  FakeOutputs(const SsdLayout& layout, int64_t batch) : layout(layout), batch(batch) {
    for (size_t i = 0; i < layout.layers.size(); ++i) {
      const SsdLayer& l = layout.layers[i];
      for (auto [name, last] : {std::pair{"predictions_", int64_t{layout.num_classes}},
                                std::pair{"localizations_", int64_t{4}}}) {
        Tensor t(tensorflow::DT_FLOAT, {batch, l.height, l.width, l.anchors_per_cell, last});
        std::fill_n(t.data<float>(), t.num_elements(), 0.0f);
        map[name + std::to_string(i)] = t;
      }
    }
  }
  // Anchor k (global index) of batch element b.
  float* At(const char* prefix, int64_t b, int64_t k, int64_t per_anchor) {
    for (size_t i = 0; i < layout.layers.size(); ++i) {
      const SsdLayer& l = layout.layers[i];
      const int64_t n = l.height * l.width * l.anchors_per_cell;
      if (k < n) return map[prefix + std::to_string(i)].data<float>() + (b * n + k) * per_anchor;
      k -= n;
    }
    return nullptr;
  }
  float* Scores(int64_t b, int64_t k) { return At("predictions_", b, k, layout.num_classes); }
  float* Loc(int64_t b, int64_t k) { return At("localizations_", b, k, 4); }

  SsdLayout layout;
  int64_t batch;
  std::map<std::string, Tensor> map;
};

float Clip(float v) { return std::clamp(v, 0.0f, 1.0f); }

TEST(DetectionInputTest, FloatAndEncodedInputs) {
  SignatureDef sig = MakeSignature(Ssd300Layers(), 21, false, 300);
  auto input = ParseDetectionInput(sig);
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(input->dtype, tensorflow::DT_FLOAT);
  EXPECT_EQ(input->height, 300);
  EXPECT_EQ(input->width, 300);
  EXPECT_EQ(input->batch, 0);  // any

  (*sig.mutable_inputs())["images"] = Info(tensorflow::DT_FLOAT, {1, 128, 128, 3});
  input = ParseDetectionInput(sig);
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(input->batch, 1);

  (*sig.mutable_inputs())["images"] = Info(tensorflow::DT_STRING, {-1});
  input = ParseDetectionInput(sig);
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(input->dtype, tensorflow::DT_STRING);
  EXPECT_EQ(input->height, 0);

  (*sig.mutable_inputs())["images"] = Info(tensorflow::DT_FLOAT, {-1, -1, -1, 3});
  EXPECT_TRUE(absl::IsInvalidArgument(ParseDetectionInput(sig).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(ParseDetectionInput(sig, "pixels").status()));
}

TEST(Ssd300DecoderTest, ZeroEncodingsGiveTheAnchorsAndOffsetsMoveThem) {
  const SignatureDef sig = MakeSignature(Ssd300Layers(), 21, false);
  auto decoder = CreateDetectionDecoder(sig);
  ASSERT_TRUE(decoder.ok()) << decoder.status();
  EXPECT_EQ((*decoder)->family(), "ssd300");
  EXPECT_EQ((*decoder)->resize_mode(), ResizeMode::kStretch);
  EXPECT_EQ((*decoder)->num_classes(), 21);
  const SsdLayout layout = *ParseSsdLayout(sig);
  const std::vector<Anchor> anchors = GenerateAnchors(SsdAnchorConfig());
  ASSERT_EQ(static_cast<int64_t>(anchors.size()), layout.num_anchors());

  FakeOutputs out(layout, 2);
  const int64_t k0 = 1234, k1 = 7000;  // in layers 0 and 1
  out.Scores(0, k0)[7] = 0.9f;
  out.Scores(1, k1)[15] = 0.8f;
  const float loc[4] = {1.0f, -2.0f, 0.5f, std::log(2.0f) / 0.2f};  // tx, ty, tw, th
  std::copy(loc, loc + 4, out.Loc(1, k1));
  ASSERT_EQ(*(*decoder)->BatchSize(out.map), 2);

  auto d0 = (*decoder)->Decode(out.map, 0, (*decoder)->default_selection());
  ASSERT_TRUE(d0.ok()) << d0.status();
  ASSERT_EQ(d0->size(), 1u);
  const Anchor& a = anchors[k0];
  EXPECT_EQ((*d0)[0].class_id, 7);
  EXPECT_FLOAT_EQ((*d0)[0].score, 0.9f);
  EXPECT_NEAR((*d0)[0].box.ymin, Clip(a.cy - a.h / 2), 1e-6);
  EXPECT_NEAR((*d0)[0].box.xmin, Clip(a.cx - a.w / 2), 1e-6);
  EXPECT_NEAR((*d0)[0].box.ymax, Clip(a.cy + a.h / 2), 1e-6);
  EXPECT_NEAR((*d0)[0].box.xmax, Clip(a.cx + a.w / 2), 1e-6);

  auto d1 = (*decoder)->Decode(out.map, 1, (*decoder)->default_selection());
  ASSERT_TRUE(d1.ok()) << d1.status();
  ASSERT_EQ(d1->size(), 1u);
  const Anchor& b = anchors[k1];
  const float cx = b.cx + loc[0] * 0.1f * b.w, cy = b.cy + loc[1] * 0.1f * b.h;
  const float w = b.w * std::exp(loc[2] * 0.2f), h = b.h * 2;  // th = 5 ln 2 doubles h
  EXPECT_EQ((*d1)[0].class_id, 15);
  EXPECT_NEAR((*d1)[0].box.ymin, Clip(cy - h / 2), 1e-5);
  EXPECT_NEAR((*d1)[0].box.xmin, Clip(cx - w / 2), 1e-5);
  EXPECT_NEAR((*d1)[0].box.ymax, Clip(cy + h / 2), 1e-5);
  EXPECT_NEAR((*d1)[0].box.xmax, Clip(cx + w / 2), 1e-5);
}

TEST(Ssd300DecoderTest, ThresholdIsStrictAndDefaultsAreSsd300s) {
  const SignatureDef sig = MakeSignature(Ssd300Layers(), 21, false);
  auto decoder = *CreateDetectionDecoder(sig);
  const SelectionOptions s = decoder->default_selection();
  EXPECT_FLOAT_EQ(s.score_threshold, 0.5f);
  EXPECT_FALSE(s.keep_equal_scores);
  EXPECT_FLOAT_EQ(s.nms_iou_threshold, 0.45f);
  EXPECT_EQ(s.pre_nms_top_k, 400);
  EXPECT_EQ(s.max_detections, 200);
  FakeOutputs out(*ParseSsdLayout(sig), 1);
  out.Scores(0, 10)[3] = 0.5f;  // exactly the threshold: dropped
  EXPECT_TRUE(decoder->Decode(out.map, 0, s)->empty());
}

TEST(Ssd300DecoderTest, RejectsOtherFeatureShapes) {
  std::vector<SsdLayer> layers = Ssd300Layers();
  layers[2].height = layers[2].width = 9;
  auto decoder = CreateDetectionDecoder(MakeSignature(layers, 21, false));
  EXPECT_TRUE(absl::IsInvalidArgument(decoder.status()));
  EXPECT_NE(decoder.status().message().find("SSD300"), std::string::npos) << decoder.status();
}

// Two layers, 6 anchors, 3 classes, as the TF OD API lays them out.
struct AnchoredCase {
  AnchoredCase() : sig(MakeSignature({{2, 2, 1}, {1, 1, 2}}, 3, true, 64)) {
    layout = *ParseSsdLayout(sig);
    decoder = *CreateDetectionDecoder(sig);
  }
  // Anchor k as (ymin, xmin, ymax, xmax): a 0.25-square grid plus two centred boxes.
  Tensor Anchors() const {
    const float a[6][4] = {{0, 0, 0.5, 0.5}, {0, 0.5, 0.5, 1},         {0.5, 0, 1, 0.5},
                           {0.5, 0.5, 1, 1}, {0.25, 0.25, 0.75, 0.75}, {0.2, 0.3, 0.6, 0.5}};
    Tensor t(tensorflow::DT_FLOAT, {6, 4});
    std::copy(&a[0][0], &a[0][0] + 24, t.data<float>());
    return t;
  }
  SignatureDef sig;
  SsdLayout layout;
  std::unique_ptr<DetectionDecoder> decoder;
};

TEST(AnchoredSsdDecoderTest, ZeroEncodingsGiveTheAnchorsAndOffsetsMoveThem) {
  AnchoredCase c;
  EXPECT_EQ(c.decoder->family(), "ssd-anchors");
  EXPECT_EQ(c.decoder->resize_mode(), ResizeMode::kLetterbox);
  FakeOutputs out(c.layout, 1);
  out.map["anchors"] = c.Anchors();
  out.Scores(0, 1)[1] = 0.9f;
  out.Scores(0, 5)[1] = 0.7f;
  // Anchor 5: ty = 10 moves the centre down by one anchor height; th = 5 ln 2 doubles it.
  const float t[4] = {10.0f, 0.0f, 5 * std::log(2.0f), 0.0f};
  std::copy(t, t + 4, out.Loc(0, 5));
  auto found = c.decoder->Decode(out.map, 0, c.decoder->default_selection());
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 2u);
  const Tensor anchors = c.Anchors();
  const float* a = anchors.data<float>();
  EXPECT_EQ((*found)[0].class_id, 1);
  EXPECT_FLOAT_EQ((*found)[0].box.ymin, a[4 + 0]);
  EXPECT_FLOAT_EQ((*found)[0].box.xmin, a[4 + 1]);
  EXPECT_FLOAT_EQ((*found)[0].box.ymax, a[4 + 2]);
  EXPECT_FLOAT_EQ((*found)[0].box.xmax, a[4 + 3]);
  const float* a5 = a + 20;
  const float h = a5[2] - a5[0], cy = (a5[0] + a5[2]) / 2 + h;
  EXPECT_NEAR((*found)[1].box.ymin, Clip(cy - h), 1e-6);
  EXPECT_NEAR((*found)[1].box.ymax, Clip(cy + h), 1e-6);
  EXPECT_NEAR((*found)[1].box.xmin, a5[1], 1e-6);
  EXPECT_NEAR((*found)[1].box.xmax, a5[3], 1e-6);
}

TEST(AnchoredSsdDecoderTest, ThresholdIncludesEqualScoresAndDefaults) {
  AnchoredCase c;
  const SelectionOptions s = c.decoder->default_selection();
  EXPECT_TRUE(s.keep_equal_scores);
  EXPECT_FLOAT_EQ(s.score_threshold, 0.5f);
  EXPECT_FLOAT_EQ(s.nms_iou_threshold, 0.5f);
  EXPECT_EQ(s.max_detections, 100);
  FakeOutputs out(c.layout, 1);
  out.map["anchors"] = c.Anchors();
  out.Scores(0, 2)[2] = 0.5f;
  auto found = c.decoder->Decode(out.map, 0, s);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].class_id, 2);
}

TEST(AnchoredSsdDecoderTest, BatchedAnchorsGiveEachImageItsOwn) {
  // Exports give every output a batch dimension (REST's row format needs it): anchors
  // [batch, anchors, 4]. Here image 1's anchors are image 0's halved.
  AnchoredCase c;
  FakeOutputs out(c.layout, 2);
  const Tensor shared = c.Anchors();
  Tensor batched(tensorflow::DT_FLOAT, {2, 6, 4});
  for (int i = 0; i < 24; ++i) {
    batched.data<float>()[i] = shared.data<float>()[i];
    batched.data<float>()[24 + i] = shared.data<float>()[i] / 2;
  }
  out.map["anchors"] = batched;
  for (int64_t b = 0; b < 2; ++b) out.Scores(b, 4)[1] = 0.9f;
  for (int64_t b = 0; b < 2; ++b) {
    auto found = c.decoder->Decode(out.map, b, c.decoder->default_selection());
    ASSERT_TRUE(found.ok()) << found.status();
    ASSERT_EQ(found->size(), 1u);
    const float* a = batched.data<float>() + b * 24 + 4 * 4;
    EXPECT_FLOAT_EQ((*found)[0].box.ymin, a[0]) << b;
    EXPECT_FLOAT_EQ((*found)[0].box.xmax, a[3]) << b;
  }
  // Fewer anchor sets than images is an error, not a read past the end.
  out.map["anchors"] = Tensor(tensorflow::DT_FLOAT, {1, 6, 4});
  EXPECT_TRUE(absl::IsInvalidArgument(
      c.decoder->Decode(out.map, 1, c.decoder->default_selection()).status()));
}

TEST(AnchoredSsdDecoderTest, BadAnchorsOrOutputsAreErrors) {
  AnchoredCase c;
  FakeOutputs out(c.layout, 1);
  EXPECT_TRUE(absl::IsInvalidArgument(
      c.decoder->Decode(out.map, 0, c.decoder->default_selection()).status()));
  out.map["anchors"] = Tensor(tensorflow::DT_FLOAT, {5, 4});
  EXPECT_TRUE(absl::IsInvalidArgument(
      c.decoder->Decode(out.map, 0, c.decoder->default_selection()).status()));
  out.map.erase("localizations_1");
  EXPECT_TRUE(absl::IsInvalidArgument(c.decoder->BatchSize(out.map).status()));
}

TEST(DetectionDecoderTest, SignatureLayoutErrors) {
  SignatureDef sig = MakeSignature({{2, 2, 1}, {1, 1, 2}}, 3, true);
  sig.mutable_outputs()->erase("localizations_1");
  EXPECT_TRUE(absl::IsInvalidArgument(CreateDetectionDecoder(sig).status()));
  SignatureDef other;
  (*other.mutable_outputs())["scores"] = Info(tensorflow::DT_FLOAT, {-1, 10});
  auto none = CreateDetectionDecoder(other);
  EXPECT_TRUE(absl::IsInvalidArgument(none.status()));
  EXPECT_NE(none.status().message().find("scores"), std::string::npos) << none.status();
  SignatureDef mixed = MakeSignature({{2, 2, 1}, {1, 1, 2}}, 3, true);
  (*mixed.mutable_outputs())["predictions_1"] = Info(tensorflow::DT_FLOAT, {-1, 1, 1, 2, 4});
  EXPECT_TRUE(absl::IsInvalidArgument(CreateDetectionDecoder(mixed).status()));
}

TEST(DetectionImageTest, LetterboxPadsBottomRightAndStretchDoesNot) {
  DecodedImage wide{2, 4, 3, 8, std::vector<uint8_t>(2 * 4 * 3, 100)};
  std::vector<float> out(4 * 4 * 3);
  ResizeForModel(wide, 4, 4, ResizeMode::kLetterbox, out.data());
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 4; ++x) EXPECT_EQ(out[(y * 4 + x) * 3], y < 2 ? 100.0f : 0.0f) << y;
  }
  ResizeForModel(wide, 4, 4, ResizeMode::kStretch, out.data());
  for (float v : out) EXPECT_EQ(v, 100.0f);
}

TEST(DetectionImageTest, BoxesMapBackToPixels) {
  const Box box{0.1f, 0.2f, 0.9f, 0.6f};
  const PixelBox s = ToPixels(box, 1920, 1280, ResizeMode::kStretch);
  EXPECT_FLOAT_EQ(s.x0, 0.2f * 1920);
  EXPECT_FLOAT_EQ(s.y0, 0.1f * 1280);
  EXPECT_FLOAT_EQ(s.x1, 0.6f * 1920);
  EXPECT_FLOAT_EQ(s.y1, 0.9f * 1280);
  const PixelBox l = ToPixels(box, 1920, 1280, ResizeMode::kLetterbox);
  EXPECT_FLOAT_EQ(l.x0, 0.2f * 1920);
  EXPECT_FLOAT_EQ(l.y0, 0.1f * 1920);
  EXPECT_FLOAT_EQ(l.x1, 0.6f * 1920);
  EXPECT_FLOAT_EQ(l.y1, 1280);  // 0.9 of the padded side lies in the padding: clipped
  const PixelBox tall = ToPixels(box, 640, 1280, ResizeMode::kLetterbox);
  EXPECT_FLOAT_EQ(tall.x1, 640);
  EXPECT_FLOAT_EQ(tall.y1, 0.9f * 1280);
}

// A transport answering from memory: one signature, canned outputs, requests recorded.
class FakeTransport : public DetectionTransport {
 public:
  FakeTransport(SignatureDef sig, std::map<std::string, Tensor> outputs,
                const std::string& key = "detected_model")
      : outputs_(std::move(outputs)) {
    (*map_.mutable_signature_def())[key] = std::move(sig);
  }
  absl::StatusOr<tensorflow::serving::SignatureDefMap> GetSignatureDefs(
      const tensorflow::serving::ModelSpec& spec) const override {
    if (spec.name() != "faces") return absl::NotFoundError("Servable not found");
    return map_;
  }
  absl::StatusOr<std::map<std::string, Tensor>> Predict(
      const tensorflow::serving::ModelSpec& spec, const std::map<std::string, Tensor>& inputs,
      const std::map<std::string, DataType>& output_dtypes) const override {
    *last_inputs_ = inputs;
    return outputs_;
  }
  std::string description() const override { return "fake"; }
  std::shared_ptr<std::map<std::string, Tensor>> last_inputs_ =
      std::make_shared<std::map<std::string, Tensor>>();

 private:
  tensorflow::serving::SignatureDefMap map_;
  std::map<std::string, Tensor> outputs_;
};

SourceImage SolidImage(int64_t height, int64_t width) {
  SourceImage image;
  image.path = "solid.png";
  image.rgb = DecodedImage{height, width, 3, 8, std::vector<uint8_t>(height * width * 3, 50)};
  return image;
}

TEST(DetectorTest, SendsOneBatchAndMapsBoxesToEachImage) {
  AnchoredCase c;
  FakeOutputs out(c.layout, 2);
  out.map["anchors"] = c.Anchors();
  out.Scores(0, 4)[1] = 0.99f;
  out.Scores(1, 0)[1] = 0.6f;
  auto fake = std::make_unique<FakeTransport>(c.sig, out.map);
  auto inputs = fake->last_inputs_;
  auto detector = Detector::Create(std::move(fake), {.model_name = "faces"});
  ASSERT_TRUE(detector.ok()) << detector.status();
  const std::vector<SourceImage> images = {SolidImage(120, 200), SolidImage(90, 60)};
  auto found = (*detector)->Detect(images, (*detector)->decoder().default_selection());
  ASSERT_TRUE(found.ok()) << found.status();
  const Tensor& sent = inputs->at("images");
  EXPECT_EQ(sent.shape().dims(), (std::vector<int64_t>{2, 64, 64, 3}));
  ASSERT_EQ(found->size(), 2u);
  ASSERT_EQ((*found)[0].size(), 1u);
  ASSERT_EQ((*found)[1].size(), 1u);
  const Tensor anchors = c.Anchors();
  const float* a = anchors.data<float>();
  const PixelBox& b0 = (*found)[0][0].box;  // anchor 4 on a 200-wide letterboxed image
  EXPECT_FLOAT_EQ(b0.x0, a[17] * 200);
  EXPECT_FLOAT_EQ(b0.y0, a[16] * 200);
  EXPECT_FLOAT_EQ(b0.y1, std::min(a[18] * 200, 120.0f));
  const PixelBox& b1 = (*found)[1][0].box;  // anchor 0 on a 90-high image
  EXPECT_FLOAT_EQ(b1.x1, std::min(a[3] * 90, 60.0f));
  EXPECT_FLOAT_EQ(b1.y1, a[2] * 90);

  const std::vector<SourceImage> three(3, SolidImage(10, 10));
  EXPECT_TRUE(absl::IsInvalidArgument(
      (*detector)->Detect(three, (*detector)->decoder().default_selection()).status()));
}

TEST(DetectorTest, MissingModelOrSignatureIsNamed) {
  AnchoredCase c;
  auto missing =
      Detector::Create(std::make_unique<FakeTransport>(c.sig, std::map<std::string, Tensor>{}),
                       {.model_name = "cats"});
  EXPECT_TRUE(absl::IsNotFound(missing.status()));
  EXPECT_NE(missing.status().message().find("'cats'"), std::string::npos) << missing.status();
  auto no_sig =
      Detector::Create(std::make_unique<FakeTransport>(c.sig, std::map<std::string, Tensor>{}),
                       {.model_name = "faces", .signature_name = "other"});
  EXPECT_TRUE(absl::IsNotFound(no_sig.status()));
  EXPECT_NE(no_sig.status().message().find("detected_model"), std::string::npos);
}

// BlazeFace imported from TF.js: only serving_default, input `input` scaled to -1..1.
TEST(DetectorTest, ImportedModelUsesServingDefaultAndItsInputScaling) {
  SignatureDef sig;
  (*sig.mutable_inputs())["input"] = Info(tensorflow::DT_FLOAT, {1, 256, 256, 3});
  std::map<std::string, Tensor> out;
  for (const auto& [alias, anchors, depth] :
       {std::tuple{"Identity", 512, 1}, std::tuple{"Identity_1", 384, 1},
        std::tuple{"Identity_2", 512, 16}, std::tuple{"Identity_3", 384, 16}}) {
    (*sig.mutable_outputs())[alias] = Info(tensorflow::DT_FLOAT, {1, anchors, depth});
    out[alias] = Tensor(tensorflow::DT_FLOAT, TensorShape({1, anchors, depth}));
    for (float& v : out[alias].flat<float>()) v = -10;
  }
  auto fake = std::make_unique<FakeTransport>(sig, out, "serving_default");
  auto inputs = fake->last_inputs_;
  auto detector = Detector::Create(std::move(fake), {.model_name = "faces"});
  ASSERT_TRUE(detector.ok()) << detector.status();
  EXPECT_EQ((*detector)->decoder().family(), "blazeface");
  const SourceImage image = SolidImage(20, 20);  // every pixel 50
  auto found = (*detector)->Detect({&image, 1}, (*detector)->decoder().default_selection());
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(found->at(0).empty());
  EXPECT_FLOAT_EQ(inputs->at("input").data<float>()[0], 50 / 127.5f - 1);
}

TEST(DetectorTest, EncodedInputSendsTheFileBytes) {
  AnchoredCase c;
  (*c.sig.mutable_inputs())["images"] = Info(tensorflow::DT_STRING, {-1});
  FakeOutputs out(c.layout, 1);
  out.map["anchors"] = c.Anchors();
  auto fake = std::make_unique<FakeTransport>(c.sig, out.map);
  auto inputs = fake->last_inputs_;
  auto detector = *Detector::Create(std::move(fake), {.model_name = "faces"});
  SourceImage image = SolidImage(8, 8);
  image.encoded = "not really a png";
  ASSERT_TRUE(detector->Detect({&image, 1}, detector->decoder().default_selection()).ok());
  EXPECT_EQ(inputs->at("images").data<std::string>()[0], image.encoded);
}

TEST(DetectorTest, AnOnlyInputWithAnotherAliasIsTheImageInput) {
  AnchoredCase c;
  (*c.sig.mutable_inputs())["input_1"] = c.sig.inputs().at("images");
  c.sig.mutable_inputs()->erase("images");
  FakeOutputs out(c.layout, 1);
  out.map["anchors"] = c.Anchors();
  auto detector =
      Detector::Create(std::make_unique<FakeTransport>(c.sig, out.map), {.model_name = "faces"});
  ASSERT_TRUE(detector.ok()) << detector.status();
  EXPECT_EQ((*detector)->input().alias, "input_1");
  (*c.sig.mutable_inputs())["other"] = c.sig.inputs().at("input_1");
  auto two =
      Detector::Create(std::make_unique<FakeTransport>(c.sig, out.map), {.model_name = "faces"});
  EXPECT_TRUE(absl::IsInvalidArgument(two.status()));
}

TEST(TransportTest, RestUrls) {
  EXPECT_TRUE(CreateDetectionTransport({.rest_url = "http://127.0.0.1:8501"}).ok());
  EXPECT_TRUE(CreateDetectionTransport({.rest_url = "localhost:8501/"}).ok());
  EXPECT_TRUE(CreateDetectionTransport({.rest_url = "http://localhost"}).ok());
  EXPECT_FALSE(CreateDetectionTransport({.rest_url = "https://localhost:8501"}).ok());
  EXPECT_FALSE(CreateDetectionTransport({.rest_url = "http://localhost:port"}).ok());
  EXPECT_FALSE(CreateDetectionTransport({.rest_url = "http://localhost:8501/v1"}).ok());
}

}  // namespace
}  // namespace savedserve::ssd
