// GraphBuilder's NN ops: the NodeDefs they write, their shape inference, and a small network
// run through the runtime against a naive computation written here.
#include <cmath>
#include <limits>

#include "absl/strings/match.h"
#include "export/demo_models.h"
#include "export/graph_builder.h"
#include "export/signature.h"
#include "gtest/gtest.h"
#include "runtime/loaded_model.h"
#include "test_util/temp_dir.h"

namespace savedserve {
namespace {

using tensorflow::DT_FLOAT;
using tensorflow::DT_INT32;

PartialShape Dims(std::vector<int64_t> dims) { return PartialShape(std::move(dims)); }

const tensorflow::NodeDef& Node(const GraphBuilder& g, const std::string& name) {
  for (const auto& node : g.graph_def().node()) {
    if (node.name() == name) return node;
  }
  static const tensorflow::NodeDef* missing = new tensorflow::NodeDef;
  ADD_FAILURE() << "no node " << name;
  return *missing;
}

std::vector<int64_t> Ints(const tensorflow::AttrValue& v) {
  return {v.list().i().begin(), v.list().i().end()};
}

// A filter-shaped placeholder, so shape tests need no variables.
NodeOutput Filter(GraphBuilder& g, std::vector<int64_t> dims) {
  return g.Placeholder("", DT_FLOAT, Dims(std::move(dims)));
}

// TF's SAME output size, ceil(in / stride), and VALID, ceil((in - window + 1) / stride).
int64_t Same(int64_t in, int64_t stride) { return (in + stride - 1) / stride; }
int64_t Valid(int64_t in, int64_t window, int64_t stride) {
  return (in - window + stride) / stride;
}

TEST(GraphBuilderNn, Conv2DAttrsAndShapes) {
  GraphBuilder g;
  NodeOutput x = g.Placeholder("x", DT_FLOAT, Dims({-1, 75, 75, 8}));
  ConvOptions strided;
  strided.strides = {2, 2};
  NodeOutput y = g.Conv2D("conv", x, Filter(g, {3, 3, 8, 16}), strided);
  ASSERT_TRUE(g.status().ok()) << g.status();
  EXPECT_EQ(y.shape.DebugString(), Dims({-1, Same(75, 2), Same(75, 2), 16}).DebugString());
  const auto& node = Node(g, "conv");
  EXPECT_EQ(node.op(), "Conv2D");
  EXPECT_EQ(Ints(node.attr().at("strides")), (std::vector<int64_t>{1, 2, 2, 1}));
  EXPECT_EQ(Ints(node.attr().at("dilations")), (std::vector<int64_t>{1, 1, 1, 1}));
  EXPECT_EQ(node.attr().at("padding").s(), "SAME");
  EXPECT_EQ(node.attr().at("data_format").s(), "NHWC");
  EXPECT_TRUE(node.attr().at("use_cudnn_on_gpu").b());
  EXPECT_TRUE(node.attr().at("explicit_paddings").has_list());
  EXPECT_TRUE(Ints(node.attr().at("explicit_paddings")).empty());
  EXPECT_EQ(node.attr().at("T").type(), DT_FLOAT);

  ConvOptions atrous;
  atrous.dilations = {6, 6};
  atrous.padding = "VALID";
  NodeOutput a = g.Conv2D("atrous", x, Filter(g, {3, 3, 8, 4}), atrous);
  const int64_t window = 2 * 6 + 1;  // 3 taps, 6 apart
  EXPECT_EQ(a.shape.DebugString(),
            Dims({-1, Valid(75, window, 1), Valid(75, window, 1), 4}).DebugString());
  EXPECT_EQ(Ints(Node(g, "atrous").attr().at("dilations")), (std::vector<int64_t>{1, 6, 6, 1}));

  ConvOptions padded;
  padded.padding = "EXPLICIT";
  padded.explicit_paddings = {1, 2, 0, 3};
  NodeOutput e = g.Conv2D("explicit", x, Filter(g, {3, 3, 8, 4}), padded);
  EXPECT_EQ(e.shape.DebugString(),
            Dims({-1, Valid(75 + 1 + 2, 3, 1), Valid(75 + 0 + 3, 3, 1), 4}).DebugString());
  EXPECT_EQ(Ints(Node(g, "explicit").attr().at("explicit_paddings")),
            (std::vector<int64_t>{0, 0, 1, 2, 0, 3, 0, 0}));
  EXPECT_TRUE(g.status().ok()) << g.status();
}

TEST(GraphBuilderNn, DepthwisePoolBiasAndBatchNorm) {
  GraphBuilder g;
  NodeOutput x = g.Placeholder("x", DT_FLOAT, Dims({1, 19, 19, 32}));
  ConvOptions s2;
  s2.strides = {2, 2};
  NodeOutput d = g.DepthwiseConv2dNative("dw", x, Filter(g, {3, 3, 32, 2}), s2);
  EXPECT_EQ(d.shape.DebugString(), Dims({1, Same(19, 2), Same(19, 2), 64}).DebugString());
  EXPECT_FALSE(Node(g, "dw").attr().contains("explicit_paddings"));  // not in TF 1.15's op
  PoolOptions pool;                                                  // 2x2 s2 VALID
  NodeOutput p = g.MaxPool("pool", x, pool);
  EXPECT_EQ(p.shape.DebugString(), Dims({1, Valid(19, 2, 2), Valid(19, 2, 2), 32}).DebugString());
  EXPECT_EQ(Ints(Node(g, "pool").attr().at("ksize")), (std::vector<int64_t>{1, 2, 2, 1}));
  PoolOptions same3 = {{3, 3}, {1, 1}, "SAME"};
  EXPECT_EQ(g.MaxPool("pool5", x, same3).shape.DebugString(), x.shape.DebugString());
  NodeOutput c = g.Placeholder("c", DT_FLOAT, Dims({32}));
  EXPECT_EQ(g.BiasAdd("bias", x, c).shape.DebugString(), x.shape.DebugString());
  NodeOutput bn = g.FusedBatchNormV3("bn", x, c, c, c, c, 0.001f);
  EXPECT_EQ(bn.shape.DebugString(), x.shape.DebugString());
  EXPECT_FALSE(Node(g, "bn").attr().at("is_training").b());
  EXPECT_FLOAT_EQ(Node(g, "bn").attr().at("epsilon").f(), 0.001f);
  EXPECT_EQ(Node(g, "bn").attr().at("U").type(), DT_FLOAT);
  EXPECT_TRUE(g.status().ok()) << g.status();
}

TEST(GraphBuilderNn, ArrayOpsAddConstsNamedAsTensorFlowDoes) {
  GraphBuilder g;
  NodeOutput x = g.Placeholder("x", DT_FLOAT, Dims({-1, 19, 19, 24}));
  NodeOutput p = g.Pad("pad2d/Pad", x, {{0, 0}, {1, 1}, {1, 1}, {0, 0}});
  EXPECT_EQ(p.shape.DebugString(), Dims({-1, 21, 21, 24}).DebugString());
  EXPECT_EQ(Node(g, "pad2d/Pad").input(1), "pad2d/Pad/paddings");
  const auto& pads = Node(g, "pad2d/Pad/paddings").attr().at("value").tensor();
  EXPECT_EQ(pads.tensor_shape().dim_size(), 2);
  EXPECT_EQ(pads.tensor_shape().dim(0).size(), 4);

  NodeOutput r = g.Reshape("", x, {-1, 19, 19, 6, 4});
  EXPECT_EQ(r.node, "Reshape");
  EXPECT_EQ(r.shape.DebugString(), Dims({-1, 19, 19, 6, 4}).DebugString());
  EXPECT_EQ(Node(g, "Reshape").input(1), "Reshape/shape");
  NodeOutput fixed = g.Placeholder("f", DT_FLOAT, Dims({2, 3, 4}));
  EXPECT_EQ(g.Reshape("", fixed, {4, -1}).shape.DebugString(), "[4,6]");

  NodeOutput s = g.Sum("", x, {-1}, /*keep_dims=*/true);
  EXPECT_EQ(s.shape.DebugString(), Dims({-1, 19, 19, 1}).DebugString());
  EXPECT_EQ(Node(g, "Sum").input(1), "Sum/reduction_indices");
  EXPECT_TRUE(Node(g, "Sum").attr().at("keep_dims").b());
  EXPECT_EQ(g.Sum("", fixed, {0, 2}).shape.DebugString(), "[3]");

  NodeOutput y = g.Placeholder("y", DT_FLOAT, Dims({-1, 19, 19, 8}));
  NodeOutput cat = g.ConcatV2("concat", {x, y}, -1);
  EXPECT_EQ(cat.shape.DebugString(), Dims({-1, 19, 19, 32}).DebugString());
  EXPECT_EQ(Node(g, "concat").attr().at("N").i(), 2);
  EXPECT_EQ(Node(g, "concat").input(2), "concat/axis");

  EXPECT_EQ(g.ExpandDims("", fixed, 0).shape.DebugString(), "[1,2,3,4]");
  EXPECT_EQ(g.Cast("", fixed, DT_INT32).dtype, DT_INT32);
  NodeOutput shape = g.Shape("", x);
  EXPECT_EQ(shape.dtype, DT_INT32);
  EXPECT_EQ(shape.shape.DebugString(), "[4]");
  EXPECT_TRUE(g.status().ok()) << g.status();
}

TEST(GraphBuilderNn, MistakesNameTheNode) {
  struct Case {
    std::string what;
    std::function<void(GraphBuilder&, const NodeOutput&)> build;
    std::string node;
  };
  std::vector<Case> cases = {
      {"channels",
       [](GraphBuilder& g, const NodeOutput& x) {
         g.Conv2D("conv_a", x, Filter(g, {3, 3, 4, 8}));
       },
       "conv_a"},
      {"window",
       [](GraphBuilder& g, const NodeOutput& x) {
         ConvOptions valid;
         valid.padding = "VALID";
         g.Conv2D("conv_b", x, Filter(g, {7, 7, 3, 8}), valid);
       },
       "conv_b"},
      {"padding",
       [](GraphBuilder& g, const NodeOutput& x) {
         PoolOptions bad;
         bad.padding = "EXPLICIT";
         g.MaxPool("pool_c", x, bad);
       },
       "pool_c"},
      {"bias",
       [](GraphBuilder& g, const NodeOutput& x) {
         g.BiasAdd("bias_d", x, g.Placeholder("b", DT_FLOAT, Dims({4})));
       },
       "bias_d"},
      {"reshape",
       [](GraphBuilder& g, const NodeOutput& x) {
         g.Reshape("reshape_e", x, {7, -1});
       },
       "reshape_e"},
      {"axis", [](GraphBuilder& g, const NodeOutput& x) { g.Sum("sum_f", x, {4}); }, "sum_f"},
  };
  for (const Case& c : cases) {
    GraphBuilder g;
    c.build(g, g.Placeholder("x", DT_FLOAT, Dims({1, 5, 5, 3})));
    absl::Status s = g.Finish().status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.what << ": " << s;
    EXPECT_TRUE(absl::StrContains(s.message(), c.node)) << c.what << ": " << s;
  }
}

// ---- A small network run in the runtime, against naive loops ----

// Deterministic test values in [-1, 1).
std::vector<float> Values(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  for (float& x : v) {
    seed = seed * 1664525u + 1013904223u;
    x = static_cast<float>(seed >> 8) / static_cast<float>(1u << 23) - 1.0f;
  }
  return v;
}

struct Nhwc {
  int64_t n, h, w, c;
  size_t size() const { return n * h * w * c; }
  size_t at(int64_t b, int64_t i, int64_t j, int64_t k) const {
    return ((b * h + i) * w + j) * c + k;
  }
};

// out[b,i,j,o] = sum x[b, i*s + a*d - top, j*s + e*d - left, ch] * w[a,e,ch,o] (zeros
// outside x); depthwise: channel ch feeds outputs ch*mult .. ch*mult+mult-1 only.
std::vector<float> NaiveConv(const std::vector<float>& x, Nhwc xs, const std::vector<float>& w,
                             int64_t k, int64_t out_c, int64_t stride, int64_t dilation,
                             int64_t top, int64_t left, Nhwc ys, bool depthwise) {
  std::vector<float> y(ys.size(), 0.0f);
  const int64_t mult = depthwise ? out_c / xs.c : 0;
  for (int64_t b = 0; b < ys.n; ++b)
    for (int64_t i = 0; i < ys.h; ++i)
      for (int64_t j = 0; j < ys.w; ++j)
        for (int64_t o = 0; o < ys.c; ++o) {
          double acc = 0;
          for (int64_t a = 0; a < k; ++a)
            for (int64_t e = 0; e < k; ++e) {
              int64_t yi = i * stride + a * dilation - top, xj = j * stride + e * dilation - left;
              if (yi < 0 || yi >= xs.h || xj < 0 || xj >= xs.w) continue;
              for (int64_t ch = 0; ch < xs.c; ++ch) {
                if (depthwise && ch != o / mult) continue;
                size_t widx = depthwise ? ((a * k + e) * xs.c + ch) * mult + o % mult
                                        : ((a * k + e) * xs.c + ch) * out_c + o;
                acc += x[xs.at(b, yi, xj, ch)] * w[widx];
              }
            }
          y[ys.at(b, i, j, o)] = static_cast<float>(acc);
        }
  return y;
}

void ExpectNear(const Tensor& got, const std::vector<float>& want, const std::string& what) {
  ASSERT_EQ(static_cast<size_t>(got.num_elements()), want.size()) << what;
  auto data = got.flat<float>();
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_NEAR(data[i], want[i], 1e-4 * (1 + std::abs(want[i]))) << what << " at " << i;
  }
}

TEST(GraphBuilderNn, SmallNetworkRunsAsComputedByHand) {
  const Nhwc xs{1, 6, 6, 2};
  const std::vector<float> xv = Values(xs.size(), 1);
  const std::vector<float> w1 = Values(3 * 3 * 2 * 3, 2), b1 = Values(3, 3);
  const std::vector<float> w2 = Values(3 * 3 * 2 * 4, 4), wd = Values(3 * 3 * 2 * 2, 5);
  const std::vector<float> gamma = {20.0f, 10.0f, 5.0f};

  GraphBuilder g;
  VariableOptions zeros;
  zeros.init = VariableOptions::Init::kZeros;
  auto var = [&](const std::string& name, const std::vector<float>& v, TensorShape shape) {
    return g.VariableV2(name, Tensor::FromVector<float>(v, shape), zeros).value;
  };
  NodeOutput x = g.Placeholder("x", DT_FLOAT, Dims({-1, 6, 6, 2}));
  // Pad 1 then a 3x3 stride-2 VALID conv, bias, relu (SSD300's block8 pattern).
  NodeOutput padded = g.Pad("", x, {{0, 0}, {1, 1}, {1, 1}, {0, 0}});
  ConvOptions s2;
  s2.strides = {2, 2};
  s2.padding = "VALID";
  NodeOutput conv = g.Conv2D("", padded, var("w1", w1, {3, 3, 2, 3}), s2);
  NodeOutput a = g.Relu("a", g.BiasAdd("", conv, var("b1", b1, {3})));
  // A dilated SAME conv and a depthwise conv on the input.
  ConvOptions atrous;
  atrous.dilations = {2, 2};
  NodeOutput d = g.Conv2D("d", x, var("w2", w2, {3, 3, 2, 4}), atrous);
  NodeOutput dw = g.DepthwiseConv2dNative("dw", x, var("wd", wd, {3, 3, 2, 2}));
  // L2 normalisation over channels with a learned scale, then softmax of a reshape.
  NodeOutput sq_sum = g.Sum("", g.Square("", a), {3}, true);
  NodeOutput inv = g.Rsqrt("", g.Maximum("", sq_sum, g.Const("eps", Tensor::Scalar(1e-12f))));
  NodeOutput l2 = g.Mul("l2", g.Mul("", a, inv), var("gamma", gamma, {3}));
  NodeOutput pooled = g.MaxPool("pool", a, PoolOptions{{3, 3}, {1, 1}, "SAME"});
  NodeOutput probs = g.Softmax("probs", g.Reshape("", l2, {-1, 3, 3, 1, 3}));
  g.GlobalVariablesInitializer();
  g.AddSaver();
  BuiltModel model;
  auto meta = g.Finish();
  ASSERT_TRUE(meta.ok()) << meta.status();
  model.meta_graph = *meta;
  model.variables = g.Variables();
  TensorInfoMap outputs;
  for (const NodeOutput& o : {a, d, dw, l2, pooled, probs}) {
    outputs[o.node] = BuildTensorInfo(o.tensor_name(), o.dtype, o.shape);
  }
  auto sig = PredictSignatureDef({{"x", BuildTensorInfo("x:0", DT_FLOAT, x.shape)}}, outputs);
  ASSERT_TRUE(sig.ok()) << sig.status();
  model.signatures["serving_default"] = *sig;
  TempDir tmp;
  auto exported = ExportBuiltModel(model, tmp.path(), "nn", 1);
  ASSERT_TRUE(exported.ok()) << exported.status();
  auto loaded = LoadedModel::Load(exported->path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  auto out = (*loaded)->RunSignature(
      "serving_default", {{"x", Tensor::FromVector<float>(xv, TensorShape{1, 6, 6, 2})}});
  ASSERT_TRUE(out.ok()) << out.status();

  // a: pad 1 is the conv's top/left offset; output Valid(8, 3, 2) = 3.
  const Nhwc as{1, Valid(6 + 2, 3, 2), Valid(6 + 2, 3, 2), 3};
  std::vector<float> want_a = NaiveConv(xv, xs, w1, 3, 3, 2, 1, 1, 1, as, false);
  for (size_t i = 0; i < want_a.size(); ++i) want_a[i] = std::max(0.0f, want_a[i] + b1[i % 3]);
  ExpectNear(out->at("a"), want_a, "a");
  // d: SAME with dilation 2 pads (window 5 - 1) / 2 = 2 on top/left.
  ExpectNear(out->at("d"), NaiveConv(xv, xs, w2, 3, 4, 1, 2, 2, 2, {1, 6, 6, 4}, false), "d");
  ExpectNear(out->at("dw"), NaiveConv(xv, xs, wd, 3, 4, 1, 1, 1, 1, {1, 6, 6, 4}, true), "dw");
  std::vector<float> want_l2(want_a.size()), want_probs(want_a.size()), want_pool(want_a.size());
  for (size_t p = 0; p < want_a.size(); p += 3) {
    double ss = 0, exp_sum = 0;
    for (int k = 0; k < 3; ++k) ss += want_a[p + k] * want_a[p + k];
    for (int k = 0; k < 3; ++k) {
      want_l2[p + k] = want_a[p + k] / std::sqrt(std::max(ss, 1e-12)) * gamma[k];
    }
    for (int k = 0; k < 3; ++k) exp_sum += std::exp(want_l2[p + k]);
    for (int k = 0; k < 3; ++k) want_probs[p + k] = std::exp(want_l2[p + k]) / exp_sum;
  }
  for (int64_t i = 0; i < as.h; ++i)
    for (int64_t j = 0; j < as.w; ++j)
      for (int64_t k = 0; k < 3; ++k) {
        float m = -std::numeric_limits<float>::infinity();
        for (int64_t di = -1; di <= 1; ++di)
          for (int64_t dj = -1; dj <= 1; ++dj)
            if (i + di >= 0 && i + di < as.h && j + dj >= 0 && j + dj < as.w)
              m = std::max(m, want_a[as.at(0, i + di, j + dj, k)]);
        want_pool[as.at(0, i, j, k)] = m;
      }
  ExpectNear(out->at("l2"), want_l2, "l2");
  ExpectNear(out->at("pool"), want_pool, "pool");
  ExpectNear(out->at("probs"), want_probs, "probs");
  EXPECT_EQ(out->at("probs").shape(), (TensorShape{1, 3, 3, 1, 3}));
}

}  // namespace
}  // namespace savedserve
