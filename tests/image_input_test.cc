// AddEncodedImageInput end to end: a model whose output is the `pixels` of an encoded-image
// input, exported and run by the runtime (and served over REST), must equal decoding,
// letterboxing and resizing done directly with image_util.h, as a client does it.
#include "export/image_input.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "base/status.h"
#include "export/demo_models.h"
#include "export/signature.h"
#include "frontend/rest/rest_handler.h"
#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/image_test_util.h"
#include "kernels/ops/image_util.h"
#include "models/ssd/ssd_mobilenet_model.h"
#include "rapidjson/document.h"
#include "runtime/loaded_model.h"
#include "test_util/temp_dir.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

using tensorflow::DT_FLOAT;
using tensorflow::DT_STRING;

constexpr int kHeight = 37;
constexpr int kWidth = 53;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A 70 x 30 RGBA PNG (taller than wide, so letterboxing pads on the right; the JPEG test
// image is wider than tall, padded at the bottom). DecodeJpeg(channels=3) drops alpha.
std::string SmallPng() {
  return testing::EncodePngForTest(testing::SyntheticImage(70, 30, 4).data(), 70, 30, 4);
}

Tensor StringBatch(const std::vector<std::string>& items) {
  Tensor t(DT_STRING, TensorShape{static_cast<int64_t>(items.size())});
  for (size_t i = 0; i < items.size(); ++i) t.data<std::string>()[i] = items[i];
  return t;
}

// What a client does: decode to RGB, pad bottom/right with zeros to a square when
// letterboxing, bilinear resize (no corner alignment, no half-pixel centres) to
// height x width.
absl::StatusOr<Tensor> PreprocessDirectly(const std::vector<std::string>& images, bool letterbox,
                                          int64_t height = kHeight, int64_t width = kWidth) {
  Tensor out(DT_FLOAT, TensorShape{static_cast<int64_t>(images.size()), height, width, 3});
  for (size_t i = 0; i < images.size(); ++i) {
    ASSIGN_OR_RETURN(DecodedImage image, DecodeImageToRgb(images[i]));
    int64_t h = image.height, w = image.width;
    std::vector<uint8_t> pixels = std::move(image.data);
    if (letterbox) {
      const int64_t side = std::max(h, w);
      std::vector<uint8_t> square(side * side * 3, 0);
      for (int64_t y = 0; y < h; ++y) {
        std::copy_n(pixels.data() + y * w * 3, w * 3, square.data() + y * side * 3);
      }
      pixels = std::move(square);
      h = w = side;
    }
    ResizeBilinear(pixels.data(), ImageBatchShape{1, h, w, 3}, height, width, ResizeOptions{},
                   out.data<float>() + i * height * width * 3);
  }
  return out;
}

// A model computing `pixels` from `images` (serving_default: images -> pixels).
absl::StatusOr<BuiltModel> BuildPixelsModel(bool letterbox) {
  GraphBuilder g;
  ImageInputOptions options;
  options.height = kHeight;
  options.width = kWidth;
  options.letterbox = letterbox;
  ASSIGN_OR_RETURN(ImageInput input, AddEncodedImageInput(g, options));
  BuiltModel model;
  ASSIGN_OR_RETURN(model.meta_graph, g.Finish());
  const NodeOutput& in = input.placeholder;
  const NodeOutput& out = input.pixels;
  ASSIGN_OR_RETURN(
      model.signatures[kDefaultServingSignatureDefKey],
      PredictSignatureDef({{"images", BuildTensorInfo(in.tensor_name(), in.dtype, in.shape)}},
                          {{"pixels", BuildTensorInfo(out.tensor_name(), out.dtype, out.shape)}}));
  return model;
}

std::unique_ptr<LoadedModel> LoadPixelsModel(bool letterbox) {
  auto model = BuildPixelsModel(letterbox);
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return nullptr;
  for (const auto& [key, signature] : model->signatures) {
    (*model->meta_graph.mutable_signature_def())[key] = signature;
  }
  auto loaded = LoadedModel::FromMetaGraph(model->meta_graph);
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  return loaded.ok() ? std::move(*loaded) : nullptr;
}

absl::StatusOr<Tensor> RunPixels(const LoadedModel& model, const Tensor& images) {
  ASSIGN_OR_RETURN(auto outputs,
                   model.RunSignature(kDefaultServingSignatureDefKey, {{"images", images}}));
  return outputs.at("pixels");
}

TEST(ImageInput, BatchEqualsDirectPreprocessing) {
  SS_REQUIRE_TESTDATA();
  const std::vector<std::string> images = {ReadFile(testdata + "/images/faces-sample1.jpg"),
                                           SmallPng()};
  for (bool letterbox : {false, true}) {
    SCOPED_TRACE(letterbox ? "letterbox" : "stretch");
    std::unique_ptr<LoadedModel> model = LoadPixelsModel(letterbox);
    ASSERT_NE(model, nullptr);
    auto pixels = RunPixels(*model, StringBatch(images));
    ASSERT_TRUE(pixels.ok()) << pixels.status();
    auto expected = PreprocessDirectly(images, letterbox);
    ASSERT_TRUE(expected.ok()) << expected.status();
    ASSERT_EQ(pixels->shape(), (TensorShape{2, kHeight, kWidth, 3}));
    // The same arithmetic in the same order: bit-exact.
    EXPECT_EQ(MaxAbsDiff(*pixels, *expected), 0.0);
  }
}

TEST(ImageInput, LetterboxPadsWithZeros) {
  // A wide white PNG: letterboxed, the bottom rows of the output are padding (black).
  std::vector<uint8_t> white(20 * 60 * 3, 255);
  const std::string png = testing::EncodePngForTest(white.data(), 20, 60, 3);
  std::unique_ptr<LoadedModel> model = LoadPixelsModel(/*letterbox=*/true);
  ASSERT_NE(model, nullptr);
  auto pixels = RunPixels(*model, StringBatch({png}));
  ASSERT_TRUE(pixels.ok()) << pixels.status();
  const float* p = pixels->data<float>();
  EXPECT_EQ(p[0], 255.0f);                         // top-left: image
  EXPECT_EQ(p[(kHeight - 1) * kWidth * 3], 0.0f);  // bottom-left: padding
  EXPECT_EQ(p[((kHeight - 1) * kWidth + kWidth - 1) * 3], 0.0f);
}

TEST(ImageInput, EmptyBatch) {
  std::unique_ptr<LoadedModel> model = LoadPixelsModel(/*letterbox=*/false);
  ASSERT_NE(model, nullptr);
  auto pixels = RunPixels(*model, StringBatch({}));
  ASSERT_TRUE(pixels.ok()) << pixels.status();
  EXPECT_EQ(pixels->shape(), (TensorShape{0, kHeight, kWidth, 3}));
}

TEST(ImageInput, BadImagesAreErrorsNamingTheLoop) {
  SS_REQUIRE_TESTDATA();
  const std::string jpeg = ReadFile(testdata + "/images/faces-sample1.jpg");
  std::unique_ptr<LoadedModel> model = LoadPixelsModel(/*letterbox=*/true);
  ASSERT_NE(model, nullptr);
  // Damaged entropy-coded data only draws libjpeg warnings (TF decodes such files too), so
  // corrupt the headers: the bytes after the SOI and APP0 markers, up to and past the quantization
  // tables.
  std::string corrupt = jpeg;
  for (size_t i = 4; i < 300; ++i) corrupt[i] = static_cast<char>(i * 37);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"truncated JPEG", jpeg.substr(0, jpeg.size() / 3)},
      {"corrupt JPEG", corrupt},
      {"not an image", "definitely not an image"},
      {"empty string", ""},
  };
  for (const auto& [what, bytes] : bad) {
    SCOPED_TRACE(what);
    // The bad image second: the first one decodes, the loop fails in iteration 1.
    auto pixels = RunPixels(*model, StringBatch({SmallPng(), bytes}));
    ASSERT_FALSE(pixels.ok());
    EXPECT_EQ(pixels.status().code(), absl::StatusCode::kInvalidArgument) << pixels.status();
    const std::string message(pixels.status().message());
    EXPECT_NE(message.find("While 'images/while' iteration 1"), std::string::npos) << message;
    EXPECT_NE(message.find("DecodeJpeg"), std::string::npos) << message;
  }
}

TEST(ImageInput, OptionsAreChecked) {
  GraphBuilder g;
  ImageInputOptions options;
  options.height = 0;
  options.width = 10;
  EXPECT_EQ(AddEncodedImageInput(g, options).status().code(), absl::StatusCode::kInvalidArgument);
  options.height = 1 << 20;
  EXPECT_EQ(AddEncodedImageInput(g, options).status().code(), absl::StatusCode::kInvalidArgument);
}

// {"instances": [{"b64": ...}, ...]} through the REST handler and a ServerCore loading the
// exported model: the predictions equal direct preprocessing.
TEST(ImageInput, RestPredictWithBase64Images) {
  SS_REQUIRE_TESTDATA();
  const std::vector<std::string> images = {SmallPng(),
                                           ReadFile(testdata + "/images/faces-sample1.jpg")};
  TempDir tmp;
  auto model = BuildPixelsModel(/*letterbox=*/true);
  ASSERT_TRUE(model.ok()) << model.status();
  auto exported = ExportBuiltModel(*model, tmp.path(), "pixels", 1);
  ASSERT_TRUE(exported.ok()) << exported.status();
  ServerCoreOptions options;
  auto* config = options.config.mutable_model_config_list()->add_config();
  config->set_name("pixels");
  config->set_base_path(tmp.path() + "/pixels");
  config->set_model_platform("tensorflow");
  options.file_system_poll_wait_seconds = 0;
  options.max_num_load_retries = 0;
  auto core = ServerCore::Create(std::move(options));
  ASSERT_TRUE(core.ok()) << core.status();
  PredictionServices services(core->get());

  std::string body = R"({"instances": [)";
  for (size_t i = 0; i < images.size(); ++i) {
    absl::StrAppend(&body, i ? ", " : "", R"({"b64": ")", absl::Base64Escape(images[i]), R"("})");
  }
  body += "]}";
  RestResponse response = HandleRestRequest("POST", "/v1/models/pixels:predict", body,
                                            RestBackends{&services, core->get(), nullptr}, {});
  ASSERT_EQ(response.http_status, 200) << response.body.substr(0, 500);

  auto expected = PreprocessDirectly(images, /*letterbox=*/true);
  ASSERT_TRUE(expected.ok()) << expected.status();
  rapidjson::Document json;
  json.Parse(response.body.c_str());
  ASSERT_TRUE(json.IsObject() && json.HasMember("predictions"));
  const auto& predictions = json["predictions"];
  ASSERT_EQ(predictions.Size(), images.size());
  const float* want = expected->data<float>();
  double worst = 0;
  int64_t k = 0;
  for (const auto& image : predictions.GetArray()) {
    ASSERT_EQ(image.Size(), static_cast<unsigned>(kHeight));
    for (const auto& row : image.GetArray()) {
      for (const auto& pixel : row.GetArray()) {
        for (const auto& value : pixel.GetArray()) {
          worst = std::max(worst, std::abs(value.GetDouble() - want[k++]));
        }
      }
    }
  }
  EXPECT_EQ(k, expected->num_elements());
  EXPECT_LE(worst, 1e-4);
}

// `savedserve export ssd-mobilenet-v1 --input_format jpeg` against the float export fed
// the same images preprocessed client-side (letterboxed, as face-api.js does): every output
// of the detector agrees.
TEST(ImageInput, SsdMobilenetJpegSignatureMatchesFloatSignature) {
  SS_REQUIRE_TESTDATA();
  const std::string weights = testdata + "/tfjs/face-api-ssd-mobilenetv1";
  const std::vector<std::string> images = {ReadFile(testdata + "/images/faces-sample1.jpg"),
                                           SmallPng()};
  TempDir tmp;
  std::map<std::string, Tensor> outputs[2];
  for (bool encoded : {false, true}) {
    SCOPED_TRACE(encoded ? "jpeg" : "float");
    auto exported = ExportSsdMobilenetV1(SsdMobilenetV1Options{weights, encoded}, tmp.path(),
                                         encoded ? "jpeg" : "float", 1);
    ASSERT_TRUE(exported.ok()) << exported.status();
    auto model = LoadedModel::Load(exported->path);
    ASSERT_TRUE(model.ok()) << model.status();
    Tensor input = StringBatch(images);
    if (!encoded) {
      auto pixels = PreprocessDirectly(images, /*letterbox=*/true, kSsdMobilenetV1InputSize,
                                       kSsdMobilenetV1InputSize);
      ASSERT_TRUE(pixels.ok()) << pixels.status();
      input = *pixels;
    }
    auto out = (*model)->RunSignature("serving_default", {{"images", input}});
    ASSERT_TRUE(out.ok()) << out.status();
    outputs[encoded] = std::move(*out);
  }
  ASSERT_EQ(outputs[0].size(), 13u);  // predictions_i, localizations_i, anchors
  for (const auto& [alias, want] : outputs[0]) {
    SCOPED_TRACE(alias);
    ASSERT_TRUE(outputs[1].contains(alias));
    // TensorsNear: max |a - b| <= 1e-4 * max(1, range of the float signature's output).
    EXPECT_TRUE(TensorsNear(outputs[1].at(alias), want, 1e-4));
    EXPECT_EQ(want.shape().dim(0), 2);  // every output has the batch dimension
  }
}

// Not a check, a measurement for the record: decode + resize per image in the graph
// (While, function calls, DecodeJpeg, Cast, Pad, ResizeBilinear, ConcatV2) versus the
// same work done directly.
TEST(ImageInput, CostPerImageInTheGraphAndDirectly) {
  SS_REQUIRE_TESTDATA();
  const std::string jpeg = ReadFile(testdata + "/images/faces-sample1.jpg");
  std::unique_ptr<LoadedModel> model = LoadPixelsModel(/*letterbox=*/true);
  ASSERT_NE(model, nullptr);
  constexpr int kBatch = 4;
  const Tensor batch = StringBatch(std::vector<std::string>(kBatch, jpeg));
  using Clock = std::chrono::steady_clock;
  auto per_image_ms = [&](auto fn) {  // best of 3 after a warm-up: the machine is shared
    fn();
    double best = 1e30;
    for (int run = 0; run < 3; ++run) {
      const auto start = Clock::now();
      fn();
      best =
          std::min(best, std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    return best / kBatch;
  };
  const double graph_ms = per_image_ms([&] { ASSERT_TRUE(RunPixels(*model, batch).ok()); });
  const double direct_ms = per_image_ms(
      [&] { ASSERT_TRUE(PreprocessDirectly(std::vector<std::string>(kBatch, jpeg), true).ok()); });
  std::printf("1920x1280 JPEG -> %dx%d, letterboxed, per image: graph %.2f ms, direct %.2f ms\n",
              kHeight, kWidth, graph_ms, direct_ms);
}

}  // namespace
}  // namespace savedserve
