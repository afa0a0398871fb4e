// A Keras-style transformer encoder block and classifier head, written with the ops a TF2
// SavedModel of one holds after its functions are inlined (LayerNormalization through
// tf.nn.moments, MultiHeadAttention's EinsumDense and attention einsums, exact GELU with
// Erf, a Mean/MatMul/Softmax/ArgMax head), run through LoadedModel and compared with numpy:
// tests/data/small_transformer/make_small_transformer.py evaluates the same network in
// float64 and stores inputs, weights and expected outputs as .npy files. Run with the
// load-time rewrites and fast kernels, without the rewrites, and on reference kernels.
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/status.h"
#include "export/graph_builder.h"
#include "gtest/gtest.h"
#include "tools/npy.h"
#include "runtime/loaded_model.h"

namespace savedserve {
namespace {

using tensorflow::DT_FLOAT;
using tensorflow::DT_INT32;

constexpr float kEpsilon = 0.001f;  // as make_small_transformer.py
constexpr int kKeyDim = 4;

std::string DataDir() {
  const char* source = std::getenv("SAVEDSERVE_SOURCE_DIR");
  return std::string(source != nullptr ? source : ".") + "/tests/data/small_transformer/";
}

absl::StatusOr<Tensor> Load(const std::string& name) {
  std::ifstream in(DataDir() + name + ".npy", std::ios::binary);
  if (!in) return absl::NotFoundError("cannot open " + DataDir() + name + ".npy");
  std::stringstream bytes;
  bytes << in.rdbuf();
  return tools::ParseNpy(bytes.str());
}

// Builds the graph as TF2 writes it; weights are Consts (a frozen export).
class TransformerGraph {
 public:
  absl::StatusOr<tensorflow::MetaGraphDef> Build() {
    NodeOutput x = g_.Placeholder("input", DT_FLOAT, PartialShape({-1, -1, 8}));
    ASSIGN_OR_RETURN(NodeOutput y, LayerNorm(x));
    ASSIGN_OR_RETURN(NodeOutput attention, Attention(y));
    NodeOutput h = g_.AddOp("AddV2", "residual_1", {x, attention}).output();
    ASSIGN_OR_RETURN(NodeOutput ffn, FeedForward(h));
    NodeOutput h2 = g_.AddOp("AddV2", "residual_2", {h, ffn}).output();
    g_.Identity("hidden", h2);
    NodeOutput pooled = Mean("pool", h2, 1, false);
    ASSIGN_OR_RETURN(NodeOutput head_kernel, Weight("head_kernel"));
    ASSIGN_OR_RETURN(NodeOutput head_bias, Weight("head_bias"));
    NodeOutput logits = g_.BiasAdd(
        "head/BiasAdd", g_.AddOp("MatMul", "head/MatMul", {pooled, head_kernel}).output(),
        head_bias);
    g_.Softmax("probabilities", logits);
    g_.AddOp("ArgMax", "classes", {logits, Int("classes/dimension", 1)});
    return g_.Finish();
  }

 private:
  absl::StatusOr<NodeOutput> Weight(const std::string& name) {
    ASSIGN_OR_RETURN(Tensor value, Load(name));
    return g_.Const(name, value);
  }
  NodeOutput Int(const std::string& name, int32_t value) {
    return g_.Const(name, Tensor::Scalar<int32_t>(value));
  }
  NodeOutput Float(const std::string& name, float value) {
    return g_.Const(name, Tensor::Scalar<float>(value));
  }
  NodeOutput Mean(const std::string& name, const NodeOutput& x, int32_t axis, bool keep_dims) {
    return g_.AddOp("Mean", name, {x, Int(name + "/reduction_indices", axis)},
                    {{"keep_dims", BoolAttr(keep_dims)}})
        .output();
  }
  NodeOutput Einsum(const std::string& name, const std::string& equation,
                    const std::vector<NodeOutput>& inputs) {
    return g_.AddOp("Einsum", name, inputs, {{"equation", StringAttr(equation)}}).output();
  }

  // tf.keras.layers.LayerNormalization over the last axis: tf.nn.moments, then
  // tf.nn.batch_normalization's arithmetic.
  absl::StatusOr<NodeOutput> LayerNorm(const NodeOutput& x) {
    ASSIGN_OR_RETURN(NodeOutput gamma, Weight("ln_gamma"));
    ASSIGN_OR_RETURN(NodeOutput beta, Weight("ln_beta"));
    NodeOutput mean = Mean("ln/moments/mean", x, -1, true);
    NodeOutput deviation =
        g_.AddOp("SquaredDifference", "ln/moments/SquaredDifference",
                 {x, g_.AddOp("StopGradient", "ln/moments/StopGradient", {mean}).output()})
            .output();
    NodeOutput variance = Mean("ln/moments/variance", deviation, -1, true);
    NodeOutput inv = g_.Rsqrt("ln/batchnorm/Rsqrt",
                              g_.AddOp("AddV2", "ln/batchnorm/add",
                                       {variance, Float("ln/batchnorm/epsilon", kEpsilon)})
                                  .output());
    NodeOutput scale = g_.Mul("ln/batchnorm/mul", inv, gamma);
    NodeOutput shift = g_.Sub("ln/batchnorm/sub", beta, g_.Mul("ln/batchnorm/mul_2", mean, scale));
    return g_.AddOp("AddV2", "ln/batchnorm/add_1", {g_.Mul("ln/batchnorm/mul_1", x, scale), shift})
        .output();
  }

  // tf.keras.layers.MultiHeadAttention(num_heads=2, key_dim=4) on (y, y).
  absl::StatusOr<NodeOutput> Attention(const NodeOutput& y) {
    std::map<std::string, NodeOutput> projected;
    for (const std::string name : {"query", "key", "value"}) {
      ASSIGN_OR_RETURN(NodeOutput kernel, Weight(name + "_kernel"));
      ASSIGN_OR_RETURN(NodeOutput bias, Weight(name + "_bias"));
      projected[name] =
          g_.AddOp("AddV2", "mha/" + name + "/add",
                   {Einsum("mha/" + name + "/einsum", "abc,cde->abde", {y, kernel}), bias})
              .output();
    }
    NodeOutput query = g_.Mul("mha/Mul", projected["query"],
                              Float("mha/Mul/y", 1.0f / std::sqrt(float{kKeyDim})));
    NodeOutput scores = Einsum("mha/einsum", "aecd,abcd->acbe", {projected["key"], query});
    NodeOutput weights = g_.Softmax("mha/softmax", scores);
    NodeOutput context =
        Einsum("mha/einsum_1", "acbe,aecd->abcd", {weights, projected["value"]});
    ASSIGN_OR_RETURN(NodeOutput kernel, Weight("output_kernel"));
    ASSIGN_OR_RETURN(NodeOutput bias, Weight("output_bias"));
    return g_.AddOp("AddV2", "mha/attention_output/add",
                    {Einsum("mha/attention_output/einsum", "abcd,cde->abe", {context, kernel}),
                     bias})
        .output();
  }

  // Dense(16, activation=gelu) then Dense(8), as Keras writes a Dense on a rank-3 input
  // (Tensordot: a MatMul on the flattened rows) and tf.nn.gelu(approximate=False).
  absl::StatusOr<NodeOutput> FeedForward(const NodeOutput& h) {
    ASSIGN_OR_RETURN(NodeOutput kernel, Weight("ffn_kernel"));
    ASSIGN_OR_RETURN(NodeOutput bias, Weight("ffn_bias"));
    ASSIGN_OR_RETURN(NodeOutput out_kernel, Weight("ffn_out_kernel"));
    ASSIGN_OR_RETURN(NodeOutput out_bias, Weight("ffn_out_bias"));
    NodeOutput pre = g_.BiasAdd("ffn/BiasAdd", Einsum("ffn/Tensordot", "abc,cd->abd", {h, kernel}),
                                bias);
    NodeOutput erf = g_.AddOp("Erf", "ffn/gelu/Erf",
                              {g_.RealDiv("ffn/gelu/truediv", pre,
                                          Float("ffn/gelu/Cast", std::sqrt(2.0f)))})
                         .output();
    NodeOutput gelu = g_.Mul(
        "ffn/gelu/mul_1", g_.Mul("ffn/gelu/mul", Float("ffn/gelu/mul/x", 0.5f), pre),
        g_.AddOp("AddV2", "ffn/gelu/add", {Float("ffn/gelu/add/x", 1.0f), erf}).output());
    // The second Dense through Reshape + MatMul + Reshape, as Tensordot writes it.
    NodeOutput rows =
        g_.AddOp("Reshape", "ffn_out/Tensordot/Reshape",
                 {gelu, g_.Const("ffn_out/Tensordot/shape",
                                 Tensor::FromVector<int32_t>(std::vector<int32_t>{-1, 16},
                                                             TensorShape{2}))})
            .output();
    NodeOutput product = g_.AddOp("MatMul", "ffn_out/Tensordot/MatMul", {rows, out_kernel}).output();
    NodeOutput shape = g_.AddOp("Shape", "ffn_out/Shape", {h}).output();
    NodeOutput restored = g_.AddOp("Reshape", "ffn_out/Tensordot", {product, shape}).output();
    return g_.BiasAdd("ffn_out/BiasAdd", restored, out_bias);
  }

  GraphBuilder g_;
};

void ExpectNear(const Tensor& got, const Tensor& want, const std::string& what) {
  ASSERT_EQ(got.shape(), want.shape()) << what;
  float lo = want.data<float>()[0], hi = lo;
  for (int64_t i = 0; i < want.num_elements(); ++i) {
    lo = std::min(lo, want.data<float>()[i]);
    hi = std::max(hi, want.data<float>()[i]);
  }
  const float tolerance = 1e-4f * std::max(hi - lo, 1.0f);
  for (int64_t i = 0; i < want.num_elements(); ++i) {
    EXPECT_NEAR(got.data<float>()[i], want.data<float>()[i], tolerance) << what << " [" << i << "]";
  }
}

class SmallTransformerTest : public ::testing::TestWithParam<int> {};

TEST_P(SmallTransformerTest, MatchesNumpy) {
  auto meta = TransformerGraph().Build();
  ASSERT_TRUE(meta.ok()) << meta.status();
  LoadOptions options;
  options.optimize = GetParam() == 0;
  options.reference_kernels = GetParam() == 2;
  auto model = LoadedModel::FromMetaGraph(*meta, "", options);
  ASSERT_TRUE(model.ok()) << model.status();
  auto input = Load("input");
  ASSERT_TRUE(input.ok()) << input.status();
  auto out = (*model)->Run({{"input:0", *input}},
                           {"hidden:0", "probabilities:0", "classes:0"}, {});
  ASSERT_TRUE(out.ok()) << out.status();
  for (const auto& [index, name] :
       std::vector<std::pair<int, std::string>>{{0, "expected_hidden"},
                                                {1, "expected_probabilities"}}) {
    auto want = Load(name);
    ASSERT_TRUE(want.ok()) << want.status();
    ExpectNear((*out)[index], *want, name);
  }
  auto classes = Load("expected_classes");
  ASSERT_TRUE(classes.ok()) << classes.status();
  ASSERT_EQ((*out)[2].dtype(), tensorflow::DT_INT64);
  ASSERT_EQ((*out)[2].shape(), classes->shape());
  for (int64_t i = 0; i < classes->num_elements(); ++i) {
    EXPECT_EQ((*out)[2].data<int64_t>()[i], classes->data<int64_t>()[i]) << i;
  }
}

std::string VariantName(const ::testing::TestParamInfo<int>& info) {
  const char* names[] = {"Optimized", "AsWritten", "Reference"};
  return names[info.param];
}

INSTANTIATE_TEST_SUITE_P(Variants, SmallTransformerTest, ::testing::Values(0, 1, 2), VariantName);

}  // namespace
}  // namespace savedserve
