// Elementwise, reduction, softmax and cast cases of the per-op differential suite.
#include "tests/tfjs/op_cases.h"

namespace savedserve::testing {
namespace {

using Shape = std::vector<int64_t>;

// Shapes every elementwise op is run on: scalar, odd lengths (vector tails), a large block.
const std::vector<Shape>& UnaryShapes() {
  static const auto* shapes = new std::vector<Shape>{{}, {7}, {3, 33}, {2, 5, 7, 9}, {4096}};
  return *shapes;
}

struct UnaryOp {
  const char* op;
  float lo, hi;      // input range (the op's domain)
  double tolerance;  // fraction of the output range
};

void AddUnary(std::vector<OpCase>* cases) {
  const UnaryOp ops[] = {
      {"Neg", -10, 10, 1e-6},      {"Square", -10, 10, 1e-6},  {"Sqrt", 0, 100, 1e-6},
      {"Rsqrt", 0.01f, 100, 1e-5}, {"Exp", -20, 20, 1e-5},     {"Log", 1e-3f, 1e3f, 1e-5},
      {"Tanh", -8, 8, 1e-5},       {"Sigmoid", -20, 20, 1e-5}, {"Relu", -5, 5, 0},
      {"Relu6", -3, 9, 0},         {"Elu", -6, 3, 1e-5},
  };
  uint32_t seed = 100;
  for (const UnaryOp& u : ops) {
    for (const Shape& shape : UnaryShapes()) {
      cases->push_back(Case(u.op, TensorShape(shape).DebugString())
                           .T()
                           .In(Rand(shape, seed++, u.lo, u.hi))
                           .Tolerance(u.tolerance));
    }
  }
  for (float alpha : {0.2f, 0.01f, 1.5f}) {
    cases->push_back(Case("LeakyRelu", "alpha " + std::to_string(alpha))
                         .T()
                         .Attr("alpha", alpha)
                         .In(Rand({3, 17}, seed++, -5, 5))
                         .Tolerance(1e-6));
  }
  // Identity-like ops, int32 too.
  for (const char* op : {"Identity", "StopGradient"}) {
    cases->push_back(Case(op, "[4,5]").T().In(Rand({4, 5}, seed++)));
    cases->push_back(Case(op, "int32").T(tensorflow::DT_INT32).In(RandInts({6}, seed++, -9, 9)));
  }
}

// Binary ops over broadcasting shape pairs.
void AddBinary(std::vector<OpCase>* cases) {
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{}, {}},
      {{7}, {7}},
      {{3, 33}, {33}},
      {{33}, {3, 33}},
      {{2, 1, 5}, {1, 4, 1}},
      {{2, 3, 4, 5}, {2, 3, 4, 5}},
      {{2, 3, 4, 5}, {}},
      {{4, 1, 6}, {5, 1}},
      {{4096}, {4096}},
  };
  const char* ops[] = {"Add", "AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum"};
  uint32_t seed = 300;
  for (const char* op : ops) {
    const bool div = std::string(op) == "RealDiv";
    for (const auto& [a, b] : shapes) {
      cases->push_back(Case(op, TensorShape(a).DebugString() + "x" + TensorShape(b).DebugString())
                           .T()
                           .In(Rand(a, seed++, -4, 4))
                           .In(div ? Rand(b, seed++, 0.5f, 4) : Rand(b, seed++, -4, 4))
                           .Tolerance(1e-6));
    }
    // TF.js divides int32 with floor (TensorFlow truncates), so RealDiv is float only.
    if (div) continue;
    cases->push_back(Case(op, "int32 [3,4]x[4]")
                         .T(tensorflow::DT_INT32)
                         .In(RandInts({3, 4}, seed++, -50, 50))
                         .In(RandInts({4}, seed++, 1, 9)));
  }
  for (const char* op : {"Greater", "GreaterEqual", "Less", "LessEqual"}) {
    cases->push_back(
        Case(op, "[3,4]x[4] with ties")
            .T()
            .In(Tensor::FromVector<float>(
                std::vector<float>{0, 1, 2, 3, 1, 1, 1, 1, -1, 2.5f, 3, 0}, TensorShape({3, 4})))
            .In(Tensor::FromVector<float>(std::vector<float>{1, 1, 2.5f, -2}, TensorShape({4}))));
    cases->push_back(Case(op, "int32 broadcast")
                         .T(tensorflow::DT_INT32)
                         .In(RandInts({2, 1, 5}, seed++, -3, 3))
                         .In(RandInts({3, 1}, seed++, -3, 3)));
  }
}

void AddReductions(std::vector<OpCase>* cases) {
  struct Axes {
    Shape shape;
    std::vector<int32_t> axes;
  };
  const Axes axes[] = {{{17}, {0}},
                       {{3, 33}, {1}},
                       {{3, 33}, {0}},
                       {{2, 3, 4, 5}, {1, 2}},
                       {{2, 3, 4, 5}, {-1}},
                       {{2, 3, 4, 5}, {0, 3}},
                       {{2, 3, 4, 5}, {0, 1, 2, 3}},
                       {{64, 130}, {1}}};
  uint32_t seed = 500;
  for (const char* op : {"Sum", "Mean", "Max"}) {
    for (const Axes& a : axes) {
      for (bool keep : {false, true}) {
        std::string label = TensorShape(a.shape).DebugString() + " axes " +
                            TensorShape(Shape(a.axes.begin(), a.axes.end())).DebugString() +
                            (keep ? " keep_dims" : "");
        cases->push_back(Case(op, label)
                             .T()
                             .Attr("Tidx", tensorflow::DT_INT32)
                             .Attr("keep_dims", keep)
                             .In(Rand(a.shape, seed++, -3, 3))
                             .Const(Ints(a.axes, {static_cast<int64_t>(a.axes.size())}))
                             .Tolerance(1e-5));
      }
    }
  }
}

void AddSoftmaxAndCast(std::vector<OpCase>* cases) {
  uint32_t seed = 700;
  for (const Shape& shape : std::vector<Shape>{{5}, {3, 10}, {2, 4, 1001}, {1, 896, 2}}) {
    cases->push_back(Case("Softmax", TensorShape(shape).DebugString())
                         .T()
                         .In(Rand(shape, seed++, -10, 10))
                         .Tolerance(1e-5));
  }
  cases->push_back(Case("Cast", "float->int32 (truncates)")
                       .Attr("SrcT", tensorflow::DT_FLOAT)
                       .Attr("DstT", tensorflow::DT_INT32)
                       .In(Rand({4, 9}, seed++, -100, 100)));
  cases->push_back(Case("Cast", "int32->float")
                       .Attr("SrcT", tensorflow::DT_INT32)
                       .Attr("DstT", tensorflow::DT_FLOAT)
                       .In(RandInts({4, 9}, seed++, -1000, 1000)));
  cases->push_back(Case("Cast", "bool->float")
                       .Attr("SrcT", tensorflow::DT_BOOL)
                       .Attr("DstT", tensorflow::DT_FLOAT)
                       .In(RandBools({11}, seed++)));
  cases->push_back(Case("Cast", "float->bool")
                       .Attr("SrcT", tensorflow::DT_FLOAT)
                       .Attr("DstT", tensorflow::DT_BOOL)
                       .In(Tensor::FromVector<float>(std::vector<float>{0, 1.5f, -2, 0, 0.25f},
                                                     TensorShape({5}))));
  for (const char* op : {"Select", "SelectV2"}) {
    cases->push_back(Case(op, "same shapes")
                         .T()
                         .In(RandBools({3, 4}, seed++))
                         .In(Rand({3, 4}, seed++))
                         .In(Rand({3, 4}, seed++)));
  }
  // TF1 Select's vector condition (picking rows) is not in TF.js, which broadcasts instead.
  cases->push_back(Case("SelectV2", "broadcast")
                       .T()
                       .In(RandBools({3, 1}, seed++))
                       .In(Rand({1, 4}, seed++))
                       .In(Rand({3, 4}, seed++)));
}

}  // namespace

std::vector<OpCase> ElementwiseCases() {
  std::vector<OpCase> cases;
  AddUnary(&cases);
  AddBinary(&cases);
  AddReductions(&cases);
  AddSoftmaxAndCast(&cases);
  return cases;
}

}  // namespace savedserve::testing
