// A TF.js graph model written here with every weight encoding (float32, uint8 and uint16
// affine, float16) and the TF.js-only ops `import tfjs` rewrites, run by TensorFlow.js from
// its model.json and by savedserve after import: the same outputs, so dequantisation and
// the rewrites agree with TF.js end to end.
#include <random>

#include "absl/strings/str_cat.h"
#include "base/env.h"
#include "export/signature.h"
#include "export/tfjs_import.h"
#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "runtime/loaded_model.h"
#include "tensor/dtype.h"
#include "test_util/temp_dir.h"
#include "tests/tfjs/tfjs_oracle.h"

namespace savedserve {
namespace {

// x [1,8,8,3] -> FusedDepthwiseConv2dNative (BiasAdd, Prelu) -> _FusedConv2D 1x1 (BiasAdd,
// Relu6) -> Prelu -> y [1,8,8,4].
constexpr char kModel[] = R"({
  "format": "graph-model", "convertedBy": "savedserve test",
  "modelTopology": {"versions": {}, "node": [
    {"name": "x", "op": "Placeholder", "attr": {"dtype": {"type": "DT_FLOAT"},
      "shape": {"shape": {"dim": [{"size": "1"}, {"size": "8"}, {"size": "8"}, {"size": "3"}]}}}},
    {"name": "dw_filter", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"}, "value": {"tensor": {"dtype": "DT_FLOAT", "tensorShape": {"dim": [{"size": "3"}, {"size": "3"}, {"size": "3"}, {"size": "1"}]}}}}},
    {"name": "dw_bias", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"}, "value": {"tensor": {"dtype": "DT_FLOAT", "tensorShape": {"dim": [{"size": "3"}]}}}}},
    {"name": "dw_alpha", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"}, "value": {"tensor": {"dtype": "DT_FLOAT", "tensorShape": {"dim": [{"size": "3"}]}}}}},
    {"name": "pw_filter", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"}, "value": {"tensor": {"dtype": "DT_FLOAT", "tensorShape": {"dim": [{"size": "1"}, {"size": "1"}, {"size": "3"}, {"size": "4"}]}}}}},
    {"name": "pw_bias", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"}, "value": {"tensor": {"dtype": "DT_FLOAT", "tensorShape": {"dim": [{"size": "4"}]}}}}},
    {"name": "alpha", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"}, "value": {"tensor": {"dtype": "DT_FLOAT", "tensorShape": {"dim": [{"size": "4"}]}}}}},
    {"name": "dw", "op": "FusedDepthwiseConv2dNative", "input": ["x", "dw_filter", "dw_bias", "dw_alpha"],
     "attr": {"T": {"type": "DT_FLOAT"}, "num_args": {"i": "2"}, "padding": {"s": "U0FNRQ=="},
              "strides": {"list": {"i": ["1", "1", "1", "1"]}}, "dilations": {"list": {"i": ["1", "1", "1", "1"]}},
              "data_format": {"s": "TkhXQw=="}, "fused_ops": {"list": {"s": ["Qmlhc0FkZA==", "UHJlbHU="]}}}},
    {"name": "pw", "op": "_FusedConv2D", "input": ["dw", "pw_filter", "pw_bias"],
     "attr": {"T": {"type": "DT_FLOAT"}, "num_args": {"i": "1"}, "padding": {"s": "VkFMSUQ="},
              "strides": {"list": {"i": ["1", "1", "1", "1"]}}, "dilations": {"list": {"i": ["1", "1", "1", "1"]}},
              "data_format": {"s": "TkhXQw=="}, "epsilon": {"f": 0},
              "fused_ops": {"list": {"s": ["Qmlhc0FkZA==", "UmVsdTY="]}}}},
    {"name": "y", "op": "Prelu", "input": ["pw", "alpha"], "attr": {"T": {"type": "DT_FLOAT"}}}
  ]},
  "signature": {"inputs": {"x:0": {"name": "x:0", "dtype": "DT_FLOAT"}},
                "outputs": {"y:0": {"name": "y:0", "dtype": "DT_FLOAT"}}},
  "weightsManifest": [{"paths": ["group1-shard1of2.bin", "group1-shard2of2.bin"], "weights": [
    {"name": "dw_filter", "shape": [3, 3, 3, 1], "dtype": "float32", "quantization": {"dtype": "uint8", "min": -1.2, "scale": 0.01}},
    {"name": "dw_bias", "shape": [3], "dtype": "float32", "quantization": {"dtype": "float16"}},
    {"name": "dw_alpha", "shape": [3], "dtype": "float32", "quantization": {"dtype": "uint16", "min": 0.0, "scale": 0.00001}},
    {"name": "pw_filter", "shape": [1, 1, 3, 4], "dtype": "float32"},
    {"name": "pw_bias", "shape": [4], "dtype": "float32", "quantization": {"dtype": "uint8", "min": -0.5, "scale": 0.004}},
    {"name": "alpha", "shape": [4], "dtype": "float32", "quantization": {"dtype": "float16"}}]}]
})";

// The shards' bytes: 27 uint8, 3 float16, 3 uint16, 12 float32, 4 uint8, 4 float16.
std::string WeightBytes() {
  std::mt19937 rng(11);
  std::string bytes;
  auto put = [&](const void* p, size_t n) { bytes.append(static_cast<const char*>(p), n); };
  auto u8 = [&](int n) {
    for (int i = 0; i < n; ++i) bytes.push_back(static_cast<char>(rng() % 256));
  };
  auto f16 = [&](int n, float lo, float hi) {
    for (int i = 0; i < n; ++i) {
      Half h = FloatToHalf(std::uniform_real_distribution<float>(lo, hi)(rng));
      put(&h.bits, 2);
    }
  };
  u8(27);
  f16(3, -1, 1);
  for (int i = 0; i < 3; ++i) {
    uint16_t q = rng() % 40000;
    put(&q, 2);
  }
  for (int i = 0; i < 12; ++i) {
    float f = std::uniform_real_distribution<float>(-1, 1)(rng);
    put(&f, 4);
  }
  u8(4);
  f16(4, 0, 0.5f);
  return bytes;
}

TEST(TfjsImportDifferential, QuantizedWeightsAndRewrittenOpsMatchTensorFlowJs) {
  SS_REQUIRE_TFJS_ORACLE(oracle);
  TempDir dir;
  const std::string json = JoinPath(dir.path(), "model.json");
  const std::string bytes = WeightBytes();
  ASSERT_TRUE(Env::Default()->WriteFile(json, kModel).ok());
  // Two shards split mid-weight, as tfjs-converter splits at its shard size.
  ASSERT_TRUE(Env::Default()
                  ->WriteFile(JoinPath(dir.path(), "group1-shard1of2.bin"), bytes.substr(0, 40))
                  .ok());
  ASSERT_TRUE(Env::Default()
                  ->WriteFile(JoinPath(dir.path(), "group1-shard2of2.bin"), bytes.substr(40))
                  .ok());
  Tensor x = RandomTensor(tensorflow::DT_FLOAT, TensorShape({1, 8, 8, 3}), 5, -2, 2);

  testing::OracleCase c;
  c.id = "quantized";
  c.model_json = json;
  c.feeds = {{"x", x}};
  c.fetches = {"y:0"};
  auto tfjs = oracle.Run({c});
  ASSERT_TRUE(tfjs.ok()) << tfjs.status();
  ASSERT_TRUE((*tfjs)[0].ok) << (*tfjs)[0].error;

  TfjsImportOptions options;
  options.model_json = json;
  auto model = ReadTfjsGraphModel(options);
  ASSERT_TRUE(model.ok()) << model.status();
  tensorflow::MetaGraphDef meta = model->meta_graph;
  *meta.mutable_signature_def() = {model->signatures.begin(), model->signatures.end()};
  for (bool reference : {false, true}) {
    LoadOptions load;
    load.reference_kernels = reference;
    auto loaded = LoadedModel::FromMetaGraph(meta, "", load);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    auto ours = (*loaded)->RunSignature(kDefaultServingSignatureDefKey, {{"x", x}});
    ASSERT_TRUE(ours.ok()) << ours.status();
    EXPECT_TRUE(TensorsNear(ours->at("y"), (*tfjs)[0].outputs[0], 1e-5))
        << (reference ? "reference" : "optimized") << " kernels";
    std::printf("%s kernels: max abs error %.3g\n", reference ? "reference" : "optimized",
                MaxAbsDiff(ours->at("y"), (*tfjs)[0].outputs[0]));
  }
}

}  // namespace
}  // namespace savedserve
