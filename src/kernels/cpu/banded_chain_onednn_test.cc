// _BandedChain: the banded oneDNN kernel against the reference one (the stages' reference
// kernels on whole NHWC tensors), for several band sizes, batches and odd image sizes; and
// malformed chain nodes.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "kernels/cpu/conv2d_onednn.h"
#include "kernels/cpu/onednn_test_util.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/banded_chain.h"
#include "kernels/ops/blocked_layout.h"

namespace savedserve {
namespace {

tensorflow::NodeDef Stage(const std::string& op, const std::string& name, bool blocked) {
  tensorflow::NodeDef node;
  node.set_op(op);
  node.set_name(name);
  (*node.mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  (*node.mutable_attr())["data_format"].set_s("NHWC");
  if (blocked) (*node.mutable_attr())[kLayoutAttr].set_s(kBlockedLayout);
  return node;
}

void SetList(tensorflow::NodeDef* node, const std::string& attr, std::vector<int64_t> values) {
  auto* list = (*node->mutable_attr())[attr].mutable_list();
  for (int64_t v : values) list->add_i(v);
}

// NHWC 3 channels -> conv 3x3 SAME + bias + relu (16) -> conv 3x3 rows-dilated SAME (32)
// -> conv 2x3 VALID + bias (32) -> max pool 3x3 stride 2 SAME.
std::vector<std::string> ChainStages() {
  tensorflow::NodeDef c1 = Stage("_FusedConv2D", "c1", false);
  SetList(&c1, "strides", {1, 1, 1, 1});
  (*c1.mutable_attr())["padding"].set_s("SAME");
  auto* ops = (*c1.mutable_attr())["fused_ops"].mutable_list();
  ops->add_s("BiasAdd");
  ops->add_s("Relu");
  (*c1.mutable_attr())["num_args"].set_i(1);
  tensorflow::NodeDef c2 = Stage("Conv2D", "c2", true);
  SetList(&c2, "strides", {1, 1, 1, 1});
  SetList(&c2, "dilations", {1, 2, 1, 1});
  (*c2.mutable_attr())["padding"].set_s("SAME");
  tensorflow::NodeDef c3 = Stage("_FusedConv2D", "c3", true);
  SetList(&c3, "strides", {1, 1, 1, 1});
  (*c3.mutable_attr())["padding"].set_s("VALID");
  (*c3.mutable_attr())["fused_ops"].mutable_list()->add_s("BiasAdd");
  (*c3.mutable_attr())["num_args"].set_i(1);
  tensorflow::NodeDef pool = Stage("MaxPool", "pool", true);
  SetList(&pool, "ksize", {1, 3, 3, 1});
  SetList(&pool, "strides", {1, 2, 2, 1});
  (*pool.mutable_attr())["padding"].set_s("SAME");
  return {c1.SerializeAsString(), c2.SerializeAsString(), c3.SerializeAsString(),
          pool.SerializeAsString()};
}

std::vector<Tensor> ChainInputs(int64_t batch, int64_t h, int64_t w) {
  auto weights = [](const TensorShape& shape, uint32_t seed) {
    return RandomTensor(tensorflow::DT_FLOAT, shape, seed, -0.3, 0.3);
  };
  return {RandomTensor(tensorflow::DT_FLOAT, TensorShape({batch, h, w, 3}), 1, -1, 1),
          weights({3, 3, 3, 16}, 2),  weights({16}, 3), weights({3, 3, 16, 32}, 4),
          weights({2, 3, 32, 32}, 5), weights({32}, 6)};
}

void ConfigureChain(OpRunner& r, int64_t band_bytes) {
  r.Attr("T", tensorflow::DT_FLOAT)
      .Attr(kStagesAttr, ChainStages())
      .Attr(kStageInputsAttr, std::vector<int64_t>{2, 1, 2, 0})
      .Attr(kBandBytesAttr, band_bytes)
      .Threads(2);
  for (int i = 1; i <= 5; ++i) r.ConstantInput(i);
}

TEST(BandedChainOneDnn, MatchesTheReferenceForAnyBandSize) {
  const WinogradPolicy default_policy = GetWinogradPolicy();
  for (bool winograd : {true, false}) {
    SetWinogradPolicy(winograd ? WinogradPolicy::kAll : WinogradPolicy::kNone);
    // Batch 6: a group of 4 images and one of 2.
    for (auto [batch, h, w] : {std::tuple<int64_t, int64_t, int64_t>{1, 19, 23}, {2, 8, 5},
                               {1, 64, 40}, {6, 11, 9}}) {
      const std::vector<Tensor> inputs = ChainInputs(batch, h, w);
      OpRunner reference(kBandedChainOp);
      ConfigureChain(reference, 1);
      auto want = reference.Run(inputs, KernelVariant::kReference);
      ASSERT_TRUE(want.ok()) << want.status();
      for (int64_t band_bytes : {int64_t{1}, int64_t{5000}, int64_t{1} << 30}) {
        SCOPED_TRACE(absl::StrCat(batch, "x", h, "x", w, " bands of ", band_bytes, " bytes",
                                  winograd ? ", winograd" : ""));
        OpRunner banded(kBandedChainOp);
        ConfigureChain(banded, band_bytes);
        auto got = banded.Run(inputs, KernelVariant::kOptimized);
        ASSERT_TRUE(got.ok()) << got.status();
        EXPECT_EQ((*got)[0].shape(), (*want)[0].shape());
        EXPECT_TRUE(TensorsNear((*got)[0], (*want)[0], 1e-5));
      }
    }
  }
  SetWinogradPolicy(default_policy);
}

// A VGG-like chain on blocked input: 3x3 SAME convolutions with 64 channels, which run as
// our Winograd (winograd_f43.h) where WinogradPays, then a max pool.
TEST(BandedChainOneDnn, OwnWinogradMatchesTheReference) {
  auto conv = [](const std::string& name, const std::string& activation) {
    tensorflow::NodeDef c = Stage("_FusedConv2D", name, true);
    SetList(&c, "strides", {1, 1, 1, 1});
    (*c.mutable_attr())["padding"].set_s("SAME");
    auto* ops = (*c.mutable_attr())["fused_ops"].mutable_list();
    ops->add_s("BiasAdd");
    ops->add_s(activation);
    (*c.mutable_attr())["num_args"].set_i(1);
    return c.SerializeAsString();
  };
  tensorflow::NodeDef pool = Stage("MaxPool", "pool", true);
  SetList(&pool, "ksize", {1, 2, 2, 1});
  SetList(&pool, "strides", {1, 2, 2, 1});
  (*pool.mutable_attr())["padding"].set_s("SAME");
  const std::vector<std::string> stages = {conv("c1", "Relu"), conv("c2", "Relu6"),
                                           pool.SerializeAsString()};
  auto configure = [&](OpRunner& r, int64_t band_bytes) {
    r.Attr("T", tensorflow::DT_FLOAT)
        .Attr(kStagesAttr, stages)
        .Attr(kStageInputsAttr, std::vector<int64_t>{2, 2, 0})
        .Attr(kBandBytesAttr, band_bytes)
        .Threads(2);
    for (int i = 1; i <= 4; ++i) r.ConstantInput(i);
  };
  const WinogradPolicy default_policy = GetWinogradPolicy();
  SetWinogradPolicy(WinogradPolicy::kAll);
  for (auto [batch, h, w] :
       {std::tuple<int64_t, int64_t, int64_t>{1, 19, 23}, {5, 13, 10}, {1, 40, 9}}) {
    auto weights = [](const TensorShape& shape, uint32_t seed) {
      return RandomTensor(tensorflow::DT_FLOAT, shape, seed, -0.1, 0.1);
    };
    const std::vector<Tensor> inputs = {
        RandomTensor(tensorflow::DT_FLOAT, TensorShape({batch, 4, h, w, 16}), 1, 0, 1),
        weights({3, 3, 64, 64}, 2), weights({64}, 3), weights({3, 3, 64, 80}, 4), weights({80}, 5)};
    OpRunner reference(kBandedChainOp);
    configure(reference, 1);
    auto want = reference.Run(inputs, KernelVariant::kReference);
    ASSERT_TRUE(want.ok()) << want.status();
    for (int64_t band_bytes : {int64_t{1}, int64_t{20000}, int64_t{1} << 30}) {
      SCOPED_TRACE(absl::StrCat(batch, "x", h, "x", w, " bands of ", band_bytes, " bytes"));
      OpRunner banded(kBandedChainOp);
      configure(banded, band_bytes);
      if (__builtin_cpu_supports("avx512f")) {
        const std::string impl = nn_testing::ImplementationOf(banded, inputs, 2);
        EXPECT_EQ(
            impl.rfind("winograd_f43:avx512 (savedserve) | winograd_f43:avx512 (savedserve) | ", 0),
            0u)
            << impl;
      }
      auto got = banded.Run(inputs, KernelVariant::kOptimized);
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ((*got)[0].shape(), (*want)[0].shape());
      EXPECT_TRUE(TensorsNear((*got)[0], (*want)[0], 1e-5));
    }
  }
  SetWinogradPolicy(default_policy);
}

TEST(BandedChainOneDnn, EmptyBatchAndTooSmallImages) {
  OpRunner empty(kBandedChainOp);
  ConfigureChain(empty, 5000);
  auto out = empty.Run(ChainInputs(0, 16, 16), KernelVariant::kOptimized);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape({0, 2, 8, 7, 16}));  // 16x16 -> 15x14 -> 8x7
  // The 2x3 VALID stage needs at least 2 rows.
  for (KernelVariant variant : {KernelVariant::kReference, KernelVariant::kOptimized}) {
    OpRunner tiny(kBandedChainOp);
    ConfigureChain(tiny, 5000);
    EXPECT_FALSE(tiny.Run(ChainInputs(1, 1, 8), variant).ok());
  }
}

TEST(BandedChainOneDnn, MalformedNodesAreErrors) {
  for (KernelVariant variant : {KernelVariant::kReference, KernelVariant::kOptimized}) {
    OpRunner garbage(kBandedChainOp);
    garbage.Attr("T", tensorflow::DT_FLOAT)
        .Attr(kStagesAttr, std::vector<std::string>{"\xff\xff not a NodeDef"})
        .Attr(kStageInputsAttr, std::vector<int64_t>{0});
    EXPECT_FALSE(garbage.Run(ChainInputs(1, 8, 8), variant).ok());
    OpRunner miscounted(kBandedChainOp);
    ConfigureChain(miscounted, 1);
    miscounted.Attr(kStageInputsAttr, std::vector<int64_t>{2, 1, 1, 0});
    auto result = miscounted.Run(ChainInputs(1, 8, 8), variant);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.status().message().find("inputs"), std::string::npos) << result.status();
  }
}

}  // namespace
}  // namespace savedserve
