// The small-CNN check: a network of conv + bias + ReLU, depthwise (stride 2, multiplier 2),
// batch norm, max pool, flatten, dense + bias and softmax, run kernel by kernel and compared
// with numpy. Inputs, weights and numpy's outputs come from
// tests/data/small_cnn/make_small_cnn.py (float64 numpy, stored as float32 .npy).
// Run twice: unfused TF ops (Conv2D, BiasAdd, Relu, ...) and the grappler-fused forms
// (_FusedConv2D, _FusedDepthwiseConv2dNative with the batch norm, _FusedMatMul), each with
// the optimized and the reference kernels. Tolerance 1e-4 of the output range.
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/nn_test_util.h"

namespace savedserve {
namespace {

using nn_testing::RunOne;

// Reads a little-endian float32, C-order .npy file (format versions 1-3).
absl::StatusOr<Tensor> ReadNpy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot open " + path);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() < 10 || data.compare(0, 6, "\x93NUMPY") != 0) {
    return absl::InvalidArgumentError(path + ": not a .npy file");
  }
  const int major = static_cast<unsigned char>(data[6]);
  size_t header_len, offset;
  if (major == 1) {
    header_len = static_cast<unsigned char>(data[8]) | static_cast<unsigned char>(data[9]) << 8;
    offset = 10;
  } else {
    uint32_t len;
    std::memcpy(&len, data.data() + 8, 4);
    header_len = len;
    offset = 12;
  }
  const std::string header = data.substr(offset, header_len);
  if (header.find("'descr': '<f4'") == std::string::npos ||
      header.find("'fortran_order': False") == std::string::npos) {
    return absl::InvalidArgumentError(path + ": want little-endian float32 C order: " + header);
  }
  const size_t open = header.find('(', header.find("'shape'"));
  const size_t close = header.find(')', open);
  std::vector<int64_t> dims;
  std::stringstream shape(header.substr(open + 1, close - open - 1));
  for (std::string item; std::getline(shape, item, ',');) {
    if (item.find_first_not_of(' ') != std::string::npos) dims.push_back(std::stoll(item));
  }
  Tensor t(tensorflow::DT_FLOAT, TensorShape(dims));
  const size_t bytes = t.num_elements() * sizeof(float);
  if (data.size() != offset + header_len + bytes) {
    return absl::InvalidArgumentError(path + ": size does not match its shape");
  }
  std::memcpy(t.raw_data(), data.data() + offset + header_len, bytes);
  return t;
}

// tests/data/small_cnn in the source tree: $SAVEDSERVE_SOURCE_DIR (set by ctest), else the
// tree this file was compiled from, else found walking up from the working directory.
std::string SmallCnnDir() {
  const std::string rel = "tests/data/small_cnn";
  if (const char* src = std::getenv("SAVEDSERVE_SOURCE_DIR"); src && *src) {
    return std::string(src) + "/" + rel;
  }
  const std::filesystem::path self(__FILE__);  // <root>/src/kernels/cpu/small_cnn_test.cc
  if (self.is_absolute()) {
    auto root = self.parent_path().parent_path().parent_path().parent_path();
    if (std::filesystem::exists(root / rel / "input.npy")) return (root / rel).string();
  }
  for (auto dir = std::filesystem::current_path(); !dir.empty(); dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / rel / "input.npy")) return (dir / rel).string();
    if (dir == dir.parent_path()) break;
  }
  return rel;
}

class SmallCnnTest : public ::testing::TestWithParam<bool> {  // param: fused ops
 protected:
  void SetUp() override {
    const std::string dir = SmallCnnDir();
    for (const char* name : {"input", "conv_filter", "conv_bias", "dw_filter", "bn_scale",
                             "bn_offset", "bn_mean", "bn_variance", "dense_weights", "dense_bias",
                             "expected_logits", "expected_probabilities"}) {
      auto t = ReadNpy(dir + "/" + name + ".npy");
      ASSERT_TRUE(t.ok()) << t.status() << " (run tests/data/small_cnn/make_small_cnn.py)";
      a_[name] = *t;
    }
  }

  // Runs one op on `inputs` (all but input 0 are graph constants) and returns output 0.
  Tensor Op(const std::string& op, const std::vector<Tensor>& inputs,
            const std::function<void(OpRunner&)>& attrs, KernelVariant variant) {
    OpRunner r(op);
    r.Attr("T", tensorflow::DT_FLOAT).Threads(2);
    for (int i = 1; i < static_cast<int>(inputs.size()); ++i) r.ConstantInput(i);
    if (attrs) attrs(r);
    return RunOne(r, inputs, variant);
  }

  static void Window(OpRunner& r, int64_t stride) {
    r.Attr("strides", std::vector<int64_t>{1, stride, stride, 1}).Attr("padding", "SAME");
  }

  std::pair<Tensor, Tensor> Run(bool fused, KernelVariant v) {
    auto conv = [](OpRunner& r) { Window(r, 1); };
    auto dw = [](OpRunner& r) { Window(r, 2); };
    auto bn = [](OpRunner& r) { r.Attr("epsilon", 0.001f).Attr("is_training", false); };
    Tensor x;
    if (fused) {
      x = Op(
          "_FusedConv2D", {a_["input"], a_["conv_filter"], a_["conv_bias"]},
          [&](OpRunner& r) {
            conv(r);
            r.Attr("fused_ops", std::vector<std::string>{"BiasAdd", "Relu"});
            r.Attr("num_args", 1);
          },
          v);
      x = Op(
          "_FusedDepthwiseConv2dNative",
          {x, a_["dw_filter"], a_["bn_scale"], a_["bn_offset"], a_["bn_mean"], a_["bn_variance"]},
          [&](OpRunner& r) {
            dw(r);
            bn(r);
            r.Attr("fused_ops", std::vector<std::string>{"FusedBatchNorm"});
            r.Attr("num_args", 4);
          },
          v);
    } else {
      x = Op("Conv2D", {a_["input"], a_["conv_filter"]}, conv, v);
      x = Op("BiasAdd", {x, a_["conv_bias"]}, nullptr, v);
      x = Op("Relu", {x}, nullptr, v);
      x = Op("DepthwiseConv2dNative", {x, a_["dw_filter"]}, dw, v);
      x = Op(
          "FusedBatchNormV3",
          {x, a_["bn_scale"], a_["bn_offset"], a_["bn_mean"], a_["bn_variance"]},
          [&](OpRunner& r) {
            bn(r);
            r.NumOutputs(6);
          },
          v);
    }
    x = Op(
        "MaxPool", {x},
        [](OpRunner& r) {
          r.Attr("ksize", std::vector<int64_t>{1, 2, 2, 1});
          r.Attr("strides", std::vector<int64_t>{1, 2, 2, 1}).Attr("padding", "VALID");
        },
        v);
    x = x.Reshaped(TensorShape({x.shape().dim(0), x.num_elements() / x.shape().dim(0)}));
    Tensor logits;
    if (fused) {
      logits = Op(
          "_FusedMatMul", {x, a_["dense_weights"], a_["dense_bias"]},
          [](OpRunner& r) {
            r.Attr("fused_ops", std::vector<std::string>{"BiasAdd"}).Attr("num_args", 1);
          },
          v);
    } else {
      logits = Op("MatMul", {x, a_["dense_weights"]}, nullptr, v);
      logits = Op("BiasAdd", {logits, a_["dense_bias"]}, nullptr, v);
    }
    return {logits, Op("Softmax", {logits}, nullptr, v)};
  }

  std::map<std::string, Tensor> a_;
};

TEST_P(SmallCnnTest, MatchesNumpy) {
  for (KernelVariant v : {KernelVariant::kOptimized, KernelVariant::kReference}) {
    SCOPED_TRACE(v == KernelVariant::kOptimized ? "optimized" : "reference");
    auto [logits, probabilities] = Run(GetParam(), v);
    EXPECT_TRUE(TensorsNear(logits, a_["expected_logits"], 1e-4));
    EXPECT_TRUE(TensorsNear(probabilities, a_["expected_probabilities"], 1e-4));
  }
}

INSTANTIATE_TEST_SUITE_P(Unfused, SmallCnnTest, ::testing::Values(false));
INSTANTIATE_TEST_SUITE_P(Fused, SmallCnnTest, ::testing::Values(true));

}  // namespace
}  // namespace savedserve
