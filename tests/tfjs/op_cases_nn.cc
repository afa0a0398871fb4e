// Convolution, matmul, pooling and normalisation cases of the per-op differential suite,
// plus the TF.js-only ops that `import tfjs` rewrites (run rewritten on our side).
#include "absl/strings/str_join.h"
#include "tests/tfjs/op_cases.h"

namespace savedserve::testing {
namespace {

using Shape = std::vector<int64_t>;

struct ConvGeometry {
  Shape input;   // NHWC
  Shape filter;  // HWIO (depthwise: H, W, in, multiplier)
  int stride;
  int dilation;
  const char* padding;
  std::vector<int64_t> explicit_paddings;  // 8 values when padding is EXPLICIT
};

std::string Label(const ConvGeometry& g) {
  return std::string(g.padding) + " s" + std::to_string(g.stride) + " d" +
         std::to_string(g.dilation) + " " + TensorShape(g.input).DebugString() + "*" +
         TensorShape(g.filter).DebugString();
}

CaseBuilder ConvCase(const char* op, const ConvGeometry& g, uint32_t seed,
                     const std::string& fusion = "") {
  CaseBuilder c = Case(op, fusion.empty() ? Label(g) : fusion + " " + Label(g));
  c.T()
      .Attr("strides", std::vector<int64_t>{1, g.stride, g.stride, 1})
      .Attr("dilations", std::vector<int64_t>{1, g.dilation, g.dilation, 1})
      .Attr("padding", g.padding)
      .Attr("data_format", "NHWC")
      .In(Rand(g.input, seed))
      .Const(Rand(g.filter, seed + 1));
  if (!g.explicit_paddings.empty()) c.Attr("explicit_paddings", g.explicit_paddings);
  return c;
}

// TF.js runs a strided conv only without dilation (and vice versa), as TensorFlow's CPU does.
const std::vector<ConvGeometry>& ConvGeometries() {
  static const auto* g = new std::vector<ConvGeometry>{
      {{1, 8, 8, 3}, {3, 3, 3, 4}, 1, 1, "SAME", {}},
      {{2, 9, 7, 5}, {3, 3, 5, 6}, 2, 1, "SAME", {}},
      {{1, 10, 10, 4}, {3, 3, 4, 8}, 1, 1, "VALID", {}},
      {{1, 11, 11, 3}, {5, 5, 3, 2}, 2, 1, "VALID", {}},
      {{1, 12, 12, 3}, {3, 3, 3, 4}, 1, 2, "SAME", {}},
      {{1, 12, 9, 2}, {3, 2, 2, 3}, 1, 2, "VALID", {}},
      {{1, 16, 16, 24}, {1, 1, 24, 32}, 1, 1, "VALID", {}},
      {{1, 9, 7, 3}, {3, 3, 3, 2}, 2, 1, "EXPLICIT", {0, 0, 1, 2, 0, 3, 0, 0}},
  };
  return *g;
}

void AddConvolutions(std::vector<OpCase>* cases) {
  uint32_t seed = 1000;
  for (const ConvGeometry& g : ConvGeometries()) {
    cases->push_back(ConvCase("Conv2D", g, seed).Tolerance(1e-5));
    seed += 2;
    ConvGeometry dw = g;
    dw.filter = {g.filter[0], g.filter[1], g.input[3], 2};  // channel multiplier 2
    cases->push_back(ConvCase("DepthwiseConv2dNative", dw, seed).Tolerance(1e-5));
    dw.filter[3] = 1;
    cases->push_back(ConvCase("DepthwiseConv2dNative", dw, seed + 1).Tolerance(1e-5));
    seed += 3;
  }
  // _FusedConv2D with the fusions TF.js runs (TensorFlow's; FusedBatchNorm it refuses).
  const std::vector<std::vector<std::string>> fusions = {
      {"BiasAdd"},        {"BiasAdd", "Relu"},      {"BiasAdd", "Relu6"},
      {"BiasAdd", "Elu"}, {"BiasAdd", "LeakyRelu"}, {"BiasAdd", "Sigmoid"}};
  for (const auto& fused : fusions) {
    for (size_t i : {size_t{0}, size_t{1}, size_t{3}}) {
      const ConvGeometry& g = ConvGeometries()[i];
      cases->push_back(ConvCase("_FusedConv2D", g, seed, absl::StrJoin(fused, "+"))
                           .Attr("fused_ops", fused)
                           .Attr("num_args", 1)
                           .Attr("epsilon", 0.0f)
                           .Attr("leakyrelu_alpha", 0.3f)
                           .Const(Rand({g.filter[3]}, seed + 2))
                           .Tolerance(1e-5));
      seed += 3;
    }
  }
}

// The forward convolution's output size in one dimension (dilation 1).
int64_t ConvOutputSize(int64_t in, int64_t k, int64_t stride, const char* padding, int64_t before,
                       int64_t after) {
  const std::string p = padding;
  if (p == "SAME") return (in + stride - 1) / stride;
  if (p == "VALID") return (in - k) / stride + 1;
  return (in + before + after - k) / stride + 1;
}

// Conv2DBackpropInput as Keras' Conv2DTranspose writes it: the forward convolution's input
// shape (input_sizes, a runtime value there: Shape -> StridedSlice -> Pack), its filter and
// the gradient of its output. TF.js ignores `dilations` for this op, so the cases keep 1.
void AddTransposedConvolutions(std::vector<OpCase>* cases) {
  uint32_t seed = 1500;
  std::vector<ConvGeometry> geometries;
  for (const ConvGeometry& g : ConvGeometries()) {
    if (g.dilation == 1) geometries.push_back(g);
  }
  // Decoder upsampling: stride 2 SAME onto even and odd sizes (the same out_backprop), k 4.
  geometries.push_back({{2, 16, 16, 8}, {3, 3, 8, 16}, 2, 1, "SAME", {}});
  geometries.push_back({{1, 15, 13, 4}, {3, 3, 4, 6}, 2, 1, "SAME", {}});
  geometries.push_back({{1, 14, 14, 3}, {4, 4, 3, 5}, 2, 1, "SAME", {}});
  geometries.push_back({{1, 12, 12, 6}, {2, 2, 6, 4}, 2, 1, "VALID", {}});
  for (const ConvGeometry& g : geometries) {
    const std::vector<int64_t>& p = g.explicit_paddings;
    auto pad = [&](int i) { return p.empty() ? 0 : p[i]; };
    const Shape dy = {
        g.input[0], ConvOutputSize(g.input[1], g.filter[0], g.stride, g.padding, pad(2), pad(3)),
        ConvOutputSize(g.input[2], g.filter[1], g.stride, g.padding, pad(4), pad(5)), g.filter[3]};
    const std::vector<int32_t> sizes(g.input.begin(), g.input.end());
    CaseBuilder c = Case("Conv2DBackpropInput", Label(g));
    c.T()
        .Attr("strides", std::vector<int64_t>{1, g.stride, g.stride, 1})
        .Attr("padding", g.padding)
        .Attr("data_format", "NHWC")
        .In(Ints(sizes))
        .Const(Rand(g.filter, seed))
        .In(Rand(dy, seed + 1));
    if (!p.empty()) c.Attr("explicit_paddings", p);
    cases->push_back(c.Tolerance(1e-5));
    seed += 2;
  }
}

// Conv3D (NDHWC). TF.js runs a strided one only without dilation, as TensorFlow's CPU does.
void AddConv3Ds(std::vector<OpCase>* cases) {
  struct Conv3D {
    Shape input, filter;
    int64_t stride, dilation;
    const char* padding;
  };
  uint32_t seed = 1700;
  for (const Conv3D& g : {Conv3D{{1, 5, 6, 7, 3}, {3, 3, 3, 3, 4}, 1, 1, "SAME"},
                          Conv3D{{2, 7, 8, 6, 2}, {3, 3, 3, 2, 5}, 2, 1, "SAME"},
                          Conv3D{{1, 9, 7, 8, 3}, {2, 3, 3, 3, 2}, 2, 1, "VALID"},
                          Conv3D{{1, 8, 9, 9, 2}, {3, 3, 3, 2, 3}, 1, 2, "SAME"},
                          Conv3D{{1, 6, 6, 6, 4}, {1, 1, 1, 4, 6}, 1, 1, "VALID"}}) {
    const std::string label = std::string(g.padding) + " s" + std::to_string(g.stride) + " d" +
                              std::to_string(g.dilation) + " " +
                              TensorShape(g.input).DebugString() + "*" +
                              TensorShape(g.filter).DebugString();
    cases->push_back(
        Case("Conv3D", label)
            .T()
            .Attr("strides", std::vector<int64_t>{1, g.stride, g.stride, g.stride, 1})
            .Attr("dilations", std::vector<int64_t>{1, g.dilation, g.dilation, g.dilation, 1})
            .Attr("padding", g.padding)
            .Attr("data_format", "NDHWC")
            .In(Rand(g.input, seed++))
            .Const(Rand(g.filter, seed++))
            .Tolerance(1e-5));
  }
}

void AddMatMuls(std::vector<OpCase>* cases) {
  uint32_t seed = 2000;
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      Shape a = ta ? Shape{17, 5} : Shape{5, 17};
      Shape b = tb ? Shape{9, 17} : Shape{17, 9};
      std::string label = std::string(ta ? "aT" : "a") + (tb ? " bT" : " b");
      cases->push_back(Case("MatMul", label)
                           .T()
                           .Attr("transpose_a", ta)
                           .Attr("transpose_b", tb)
                           .In(Rand(a, seed++))
                           .Const(Rand(b, seed++))
                           .Tolerance(1e-5));
      cases->push_back(Case("_FusedMatMul", label + " BiasAdd+Relu")
                           .T()
                           .Attr("transpose_a", ta)
                           .Attr("transpose_b", tb)
                           .Attr("fused_ops", std::vector<std::string>{"BiasAdd", "Relu"})
                           .Attr("num_args", 1)
                           .In(Rand(a, seed++))
                           .Const(Rand(b, seed++))
                           .Const(Rand({9}, seed++))
                           .Tolerance(1e-5));
      for (const char* op : {"BatchMatMul", "BatchMatMulV2"}) {
        Shape x = ta ? Shape{3, 6, 4} : Shape{3, 4, 6};
        Shape y = tb ? Shape{3, 5, 6} : Shape{3, 6, 5};
        cases->push_back(Case(op, label)
                             .T()
                             .Attr("adj_x", ta)
                             .Attr("adj_y", tb)
                             .In(Rand(x, seed++))
                             .In(Rand(y, seed++))
                             .Tolerance(1e-5));
      }
    }
  }
  cases->push_back(Case("MatMul", "[64,300]x[300,70]")
                       .T()
                       .In(Rand({64, 300}, seed++))
                       .Const(Rand({300, 70}, seed++))
                       .Tolerance(1e-5));
  // Batch broadcasting on one side only: TF.js 4.22 returns half the values when both sides
  // broadcast ([2,1,4,6] x [1,3,6,5] gives a [2,3,4,5] tensor holding 60 numbers).
  for (const auto& [x, y] :
       std::vector<std::pair<Shape, Shape>>{{{2, 3, 4, 6}, {6, 5}}, {{4, 6}, {3, 6, 5}}}) {
    cases->push_back(Case("BatchMatMulV2", "broadcast " + TensorShape(x).DebugString() + "x" +
                                               TensorShape(y).DebugString())
                         .T()
                         .In(Rand(x, seed++))
                         .In(Rand(y, seed++))
                         .Tolerance(1e-5));
  }
}

// Einsum as Keras MultiHeadAttention / EinsumDense write it, and other two-operand forms.
// TF.js has no "...", no label repeated within an operand and at most two operands, so the
// unit tests (src/kernels/ops/einsum_test.cc) cover those.
void AddEinsums(std::vector<OpCase>* cases) {
  uint32_t seed = 2500;
  const std::vector<std::pair<std::string, std::vector<Shape>>> forms = {
      {"abc,cde->abde", {{2, 5, 8}, {8, 3, 4}}},          // query/key/value projection
      {"aecd,abcd->acbe", {{2, 7, 3, 4}, {2, 5, 3, 4}}},  // attention scores
      {"acbe,aecd->abcd", {{2, 3, 5, 7}, {2, 7, 3, 4}}},  // attention-weighted values
      {"abcd,cde->abe", {{2, 5, 3, 4}, {3, 4, 8}}},       // output projection
      {"abc,cd->abd", {{3, 4, 5}, {5, 6}}},               // EinsumDense on a sequence
      {"bij,bkj->bki", {{3, 4, 5}, {3, 2, 5}}},
      {"ijk,jl->il", {{3, 4, 5}, {4, 2}}},  // k summed before the contraction
      {"i,j->ij", {{4}, {5}}},
      {"ij,ij->ji", {{3, 4}, {3, 4}}},
      {"abc->cab", {{2, 3, 4}}},
      {"abc->b", {{2, 3, 4}}},
  };
  for (const auto& [equation, shapes] : forms) {
    CaseBuilder c = Case("Einsum", equation);
    c.T().Attr("N", static_cast<int64_t>(shapes.size())).Attr("equation", equation.c_str());
    c.In(Rand(shapes[0], seed++));
    // The second operand of a projection is a weight: a graph constant in real models.
    if (shapes.size() == 2) c.Const(Rand(shapes[1], seed++));
    cases->push_back(c.Tolerance(1e-5));
  }
}

void AddPoolingAndNorm(std::vector<OpCase>* cases) {
  uint32_t seed = 3000;
  struct Lrn {
    int64_t radius;
    float bias, alpha, beta;
  };
  // The defaults, AlexNet's (alpha 1e-4, beta 0.75) and a window wider than the depth.
  for (const Lrn& l : {Lrn{5, 1, 1, 0.5f}, Lrn{2, 2, 1e-4f, 0.75f}, Lrn{1, 1, 0.5f, 1},
                       Lrn{20, 0.5f, 0.1f, 0.25f}}) {
    cases->push_back(Case("LRN", "radius " + std::to_string(l.radius) + " [2,5,5,12]")
                         .T()
                         .Attr("depth_radius", l.radius)
                         .Attr("bias", l.bias)
                         .Attr("alpha", l.alpha)
                         .Attr("beta", l.beta)
                         .In(Rand({2, 5, 5, 12}, seed++, -3, 3))
                         .Tolerance(1e-5));
  }
  // Logits wide enough that an unshifted exp would overflow.
  for (const Shape& shape : std::vector<Shape>{{7}, {4, 10}, {2, 3, 33}, {1, 1000}}) {
    cases->push_back(Case("LogSoftmax", TensorShape(shape).DebugString())
                         .T()
                         .In(Rand(shape, seed++, -100, 100))
                         .Tolerance(1e-6));
  }
  struct Pool {
    Shape input;
    int k, s;
    const char* padding;
  };
  for (const Pool& p : {Pool{{1, 8, 8, 3}, 2, 2, "VALID"}, Pool{{2, 9, 7, 4}, 3, 2, "SAME"},
                        Pool{{1, 10, 10, 2}, 3, 1, "SAME"}, Pool{{1, 7, 7, 5}, 2, 2, "SAME"}}) {
    for (const char* op : {"MaxPool", "AvgPool"}) {
      cases->push_back(Case(op, std::string(p.padding) + " k" + std::to_string(p.k) + " s" +
                                    std::to_string(p.s) + " " + TensorShape(p.input).DebugString())
                           .T()
                           .Attr("ksize", std::vector<int64_t>{1, p.k, p.k, 1})
                           .Attr("strides", std::vector<int64_t>{1, p.s, p.s, 1})
                           .Attr("padding", p.padding)
                           .Attr("data_format", "NHWC")
                           .In(Rand(p.input, seed++))
                           .Tolerance(1e-6));
    }
  }
  for (const char* op : {"FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"}) {
    CaseBuilder c = Case(op, "inference [2,5,5,6]");
    c.T().Attr("epsilon", 0.001f).Attr("is_training", false).Attr("data_format", "NHWC");
    if (std::string(op) != "FusedBatchNorm") c.Attr("U", tensorflow::DT_FLOAT);
    cases->push_back(c.In(Rand({2, 5, 5, 6}, seed++, -3, 3))
                         .Const(Rand({6}, seed++, 0.5f, 2))
                         .Const(Rand({6}, seed++))
                         .Const(Rand({6}, seed++))
                         .Const(Rand({6}, seed++, 0.1f, 2))
                         .Tolerance(1e-5));
  }
  for (const Shape& shape : std::vector<Shape>{{4, 6}, {2, 5, 5, 6}}) {
    cases->push_back(Case("BiasAdd", TensorShape(shape).DebugString())
                         .T()
                         .Attr("data_format", "NHWC")
                         .In(Rand(shape, seed++))
                         .Const(Rand({6}, seed++))
                         .Tolerance(1e-6));
  }
}

// TF.js-only ops: TF.js runs them as they are, savedserve after RewriteTfjsOnlyOps.
void AddRewrites(std::vector<OpCase>* cases) {
  uint32_t seed = 4000;
  const std::vector<std::vector<std::string>> fusions = {
      // Not LeakyRelu: TF.js 4.22 maps no leakyrelu_alpha for this op and returns NaN.
      {"BiasAdd"},        {"BiasAdd", "Relu"},    {"BiasAdd", "Relu6"},
      {"BiasAdd", "Elu"}, {"BiasAdd", "Sigmoid"}, {"BiasAdd", "Prelu"}};
  for (const auto& fused : fusions) {
    const bool prelu = fused.back() == "Prelu";
    ConvGeometry g = ConvGeometries()[1];
    g.filter = {3, 3, g.input[3], 1};
    CaseBuilder c = ConvCase("FusedDepthwiseConv2dNative", g, seed, absl::StrJoin(fused, "+"));
    c.Attr("fused_ops", fused).Attr("num_args", prelu ? 2 : 1).Attr("leakyrelu_alpha", 0.3f);
    c.Const(Rand({5}, seed + 2));
    if (prelu) c.Const(Rand({5}, seed + 3, 0, 0.5f));
    cases->push_back(c.Rewrite().Tolerance(1e-5));
    seed += 4;
  }
  const ConvGeometry& g = ConvGeometries()[0];
  cases->push_back(ConvCase("_FusedConv2D", g, seed)
                       .Attr("fused_ops", std::vector<std::string>{"BiasAdd", "Prelu"})
                       .Attr("num_args", 2)
                       .Const(Rand({4}, seed + 2))
                       .Const(Rand({4}, seed + 3, 0, 0.5f))
                       .Rewrite()
                       .Tolerance(1e-5));
  cases->push_back(Case("Prelu", "[2,5,5,6] alpha [6]")
                       .T()
                       .In(Rand({2, 5, 5, 6}, seed + 4, -3, 3))
                       .Const(Rand({6}, seed + 5, 0, 0.5f))
                       .Rewrite()
                       .Tolerance(0));
  ConvGeometry alias = ConvGeometries()[0];
  alias.filter = {3, 3, 3, 2};
  cases->push_back(ConvCase("DepthwiseConv2d", alias, seed + 6).Rewrite().Tolerance(1e-5));
}

}  // namespace

std::vector<OpCase> NnCases() {
  std::vector<OpCase> cases;
  AddConvolutions(&cases);
  AddTransposedConvolutions(&cases);
  AddConv3Ds(&cases);
  AddMatMuls(&cases);
  AddEinsums(&cases);
  AddPoolingAndNorm(&cases);
  AddRewrites(&cases);
  return cases;
}

}  // namespace savedserve::testing
