#include "format/tfjs_weights.h"

#include <cstring>

#include "gtest/gtest.h"
#include "test_util/memory_env.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

template <typename T>
std::string Bytes(std::initializer_list<T> values) {
  std::string out(values.size() * sizeof(T), '\0');
  std::memcpy(out.data(), std::data(values), out.size());
  return out;
}

std::string Group(const std::string& paths, const std::string& weights) {
  return "{\"paths\": [" + paths + "], \"weights\": [" + weights + "]}";
}

class TfjsWeightsTest : public ::testing::Test {
 protected:
  absl::StatusOr<TfjsWeights> Read(const std::string& manifest) {
    env_.SetFile("/m/manifest.json", manifest);
    return ReadTfjsWeights("/m/manifest.json", &env_);
  }
  MemoryEnv env_;
};

TEST_F(TfjsWeightsTest, DequantizesEachEncoding) {
  env_.SetFile("/m/a.bin", Bytes<uint8_t>({0, 2, 255}) + Bytes<uint16_t>({0, 1000}) +
                               Bytes<uint16_t>({0x3c00, 0xc000}) + Bytes<float>({1.5f}) +
                               Bytes<int32_t>({-7, 9}) + Bytes<uint8_t>({1, 0}) +
                               Bytes<uint8_t>({4}) + Bytes<uint8_t>({0, 10}));
  auto w = Read("[" +
                Group("\"a.bin\"",
                      R"({"name": "u8", "shape": [3], "dtype": "float32",
                "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1}},
               {"name": "u16", "shape": [2], "dtype": "float32",
                "quantization": {"dtype": "uint16", "min": 0, "max": 65.535}},
               {"name": "f16", "shape": [2], "dtype": "float32", "quantization": {"dtype": "float16"}},
               {"name": "f32", "shape": [], "dtype": "float32"},
               {"name": "i32", "shape": [2], "dtype": "int32"},
               {"name": "b", "shape": [2], "dtype": "bool"},
               {"name": "qi", "shape": [1], "dtype": "int32",
                "quantization": {"dtype": "uint8", "scale": 0.6, "min": 0}},
               {"name": "empty", "shape": [0, 3], "dtype": "float32",
                "quantization": {"dtype": "uint8", "scale": 1, "min": 0}},
               {"name": "u8b", "shape": [1, 2], "dtype": "float32",
                "quantization": {"dtype": "uint8", "scale": 0.25, "min": 1}})") +
                "]");
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_EQ(w->tensors.size(), 9u);
  EXPECT_EQ(w->tensors[0].first, "u8");
  EXPECT_EQ(w->tensors[0].second.DebugString(), "DT_FLOAT [3] {-1, 0, 126.5}");
  EXPECT_EQ(w->tensors[1].second.DebugString(), "DT_FLOAT [2] {0, 1}");
  EXPECT_EQ(w->tensors[2].second.DebugString(), "DT_FLOAT [2] {1, -2}");
  EXPECT_EQ(w->tensors[3].second.DebugString(), "DT_FLOAT [] {1.5}");
  EXPECT_EQ(w->tensors[4].second.DebugString(), "DT_INT32 [2] {-7, 9}");
  EXPECT_EQ(w->tensors[5].second.dtype(), tensorflow::DT_BOOL);
  EXPECT_TRUE(w->tensors[5].second.data<bool>()[0]);
  EXPECT_FALSE(w->tensors[5].second.data<bool>()[1]);
  EXPECT_EQ(w->tensors[6].second.DebugString(), "DT_INT32 [1] {2}");  // round(2.4)
  EXPECT_EQ(w->tensors[7].second.num_elements(), 0);
  EXPECT_EQ(w->tensors[8].second.DebugString(), "DT_FLOAT [1,2] {1, 3.5}");
  auto got = w->Get("f32");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->data<float>()[0], 1.5f);
  EXPECT_EQ(w->Get("nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(w->Get("nope").status().message().find("/m/manifest.json"), std::string::npos);
}

TEST_F(TfjsWeightsTest, ConcatenatesShardsAndReadsGroupsAndStrings) {
  std::string floats = Bytes<float>({1, 2, 3, 4});
  env_.SetFile("/m/g1-1.bin", floats.substr(0, 6));  // a weight split across shards
  env_.SetFile("/m/g1-2.bin", floats.substr(6));
  env_.SetFile("/m/sub/g2.bin", Bytes<uint32_t>({2}) + "hi" + Bytes<uint32_t>({0}));
  auto w = Read(
      R"({"format": "graph-model", "weightsManifest": [)" +
      Group(R"("g1-1.bin", "g1-2.bin")", R"({"name": "x", "shape": [2, 2], "dtype": "float32"})") +
      "," + Group(R"("sub/g2.bin")", R"({"name": "s", "shape": [2], "dtype": "string"})") + "]}");
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_EQ(w->tensors.size(), 2u);
  EXPECT_EQ(w->tensors[0].second.DebugString(), "DT_FLOAT [2,2] {1, 2, 3, 4}");
  EXPECT_EQ(w->tensors[1].second.data<std::string>()[0], "hi");
  EXPECT_EQ(w->tensors[1].second.data<std::string>()[1], "");
}

// Each corrupt input fails with InvalidArgument/NotFound naming the manifest and the part at
// fault, and never crashes.
TEST_F(TfjsWeightsTest, CorruptInputsNameTheFault) {
  env_.SetFile("/m/a.bin", Bytes<float>({1, 2}));
  const std::string w2 = R"({"name": "w", "shape": [2], "dtype": "float32"})";
  struct Case {
    std::string manifest;
    std::string expected;  // substring of the message, besides the manifest path
  };
  const Case cases[] = {
      {"[{\"paths\": [\"a.bin\"], \"weights\": [", "malformed JSON"},
      {"", "malformed JSON"},
      {"{\"paths\": []}", "weightsManifest"},
      {"[" + Group("\"missing.bin\"", w2) + "]", "/m/missing.bin"},
      {"[" + Group("\"a.bin\"", R"({"name": "w", "shape": [3], "dtype": "float32"})") + "]",
       "weight 'w': needs 12 bytes"},
      {"[" + Group("\"a.bin\"", R"({"name": "w", "shape": [1], "dtype": "float32"})") + "]",
       "need 4 bytes but its shards (/m/a.bin) hold 8"},
      {"[" + Group("\"a.bin\"", R"({"name": "w", "shape": [2], "dtype": "complex128"})") + "]",
       "weight 'w': unknown dtype 'complex128'"},
      {"[" + Group("\"a.bin\"", R"({"name": "w", "shape": [2], "dtype": "float32",
                                   "quantization": {"dtype": "int4", "scale": 1, "min": 0}})") +
           "]",
       "weight 'w': unknown quantization dtype 'int4'"},
      {"[" + Group("\"a.bin\"", R"({"name": "w", "shape": [2], "dtype": "float32",
                                   "quantization": {"dtype": "uint8"}})") +
           "]",
       "weight 'w': quantization needs a numeric `min`"},
      {"[" + Group("\"a.bin\"", R"({"name": "w", "shape": [-2], "dtype": "float32"})") + "]",
       "weight 'w': shape entries"},
      {"[" +
           Group("\"a.bin\"",
                 R"({"name": "w", "shape": [4611686018427387904, 4], "dtype": "float32"})") +
           "]",
       "weight 'w'"},
      {"[" + Group("\"a.bin\"", R"({"shape": [2], "dtype": "float32"})") + "]",
       "group 0 weight 0 has no string `name`"},
      {"[" + Group("\"a.bin\"", R"({"name": "w", "shape": [1], "dtype": "string"})") + "]",
       "weight 'w': shards end mid-string"},
      {"[{\"paths\": \"a.bin\", \"weights\": []}]", "group 0 needs `paths` and `weights`"},
  };
  for (const Case& c : cases) {
    auto w = Read(c.manifest);
    ASSERT_FALSE(w.ok()) << c.manifest;
    EXPECT_NE(w.status().message().find("/m/manifest.json"), std::string::npos) << w.status();
    EXPECT_NE(w.status().message().find(c.expected), std::string::npos)
        << w.status() << "\nexpected: " << c.expected;
  }
  EXPECT_FALSE(ReadTfjsWeights("/m/absent.json", &env_).ok());
}

TEST_F(TfjsWeightsTest, FindsTheManifestInADirectory) {
  env_.SetFile("/d1/x-weights_manifest.json", "[]");
  env_.SetFile("/d1/x.bin", "");
  EXPECT_EQ(*FindTfjsManifest("/d1", &env_), "/d1/x-weights_manifest.json");
  EXPECT_EQ(*FindTfjsManifest("/d1/x-weights_manifest.json", &env_), "/d1/x-weights_manifest.json");
  env_.SetFile("/d2/model.json", "{}");
  EXPECT_EQ(*FindTfjsManifest("/d2", &env_), "/d2/model.json");
  env_.SetFile("/d3/a-weights_manifest.json", "[]");
  env_.SetFile("/d3/b-weights_manifest.json", "[]");
  EXPECT_EQ(FindTfjsManifest("/d3", &env_).status().code(), absl::StatusCode::kInvalidArgument);
  env_.SetFile("/d4/readme.txt", "");
  EXPECT_EQ(FindTfjsManifest("/d4", &env_).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FindTfjsManifest("/nowhere", &env_).status().code(), absl::StatusCode::kNotFound);
}

// The face-api.js SSD-MobileNetV1 weights: checked against facts stated in the manifest
// itself (shapes, the constants TF's graph held).
TEST(TfjsWeightsRealTest, ReadsFaceApiSsdMobilenetV1) {
  SS_REQUIRE_TESTDATA();
  auto path = FindTfjsManifest(testdata + "/tfjs/face-api-ssd-mobilenetv1");
  ASSERT_TRUE(path.ok()) << path.status();
  auto w = ReadTfjsWeights(*path);
  ASSERT_TRUE(w.ok()) << w.status();
  auto anchors = w->Get("Output/extra_dim");
  ASSERT_TRUE(anchors.ok());
  EXPECT_EQ(anchors->shape(), TensorShape({1, 5118, 4}));
  auto count = w->Get("Postprocessor/stack/1");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->data<int32_t>()[0], 5118);
  auto size = w->Get("Preprocessor/ResizeImage/size");
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(size->DebugString(), "DT_INT32 [2] {512, 512}");
  auto conv = w->Get("MobilenetV1/Conv2d_13_pointwise/weights");
  ASSERT_TRUE(conv.ok());
  EXPECT_EQ(conv->shape(), TensorShape({1, 1, 1024, 1024}));
  EXPECT_EQ(conv->dtype(), tensorflow::DT_FLOAT);
  auto blaze = ReadTfjsWeights(testdata + "/tfjs/blazeface/blazeface.json");
  ASSERT_TRUE(blaze.ok()) << blaze.status();
  EXPECT_FALSE(blaze->tensors.empty());
}

}  // namespace
}  // namespace savedserve
