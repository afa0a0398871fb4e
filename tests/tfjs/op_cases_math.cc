// Elementwise, reduction, scan, softmax, cast, sparse segment, Unique and SparseTensor cases
// of the per-op differential suite.
#include <limits>

#include "tests/tfjs/op_cases.h"

namespace savedserve::testing {
namespace {

using Shape = std::vector<int64_t>;

Tensor Floats(std::vector<float> values, Shape shape = {}) {
  if (shape.empty()) shape = {static_cast<int64_t>(values.size())};
  return Tensor::FromVector<float>(values, TensorShape(std::move(shape)));
}

std::string PairLabel(const Shape& a, const Shape& b) {
  return TensorShape(a).DebugString() + "x" + TensorShape(b).DebugString();
}

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

// Values where the ops' definitions matter: halves (Round is banker's rounding), signed
// zeros, integral values, infinities and NaN for the predicates. Sign(NaN) is left out: TF.js
// answers 0 (as TensorFlow 1 did), TensorFlow 2 NaN.
void AddUnarySpecialValues(std::vector<OpCase>* cases, uint32_t seed) {
  const float inf = std::numeric_limits<float>::infinity();
  const Tensor halves = Floats({-2.5f, -1.5f, -0.5f, -0.0f, 0.5f, 1.5f, 2.5f, 3.5f, 4, -7});
  for (const char* op : {"Round", "Floor", "Ceil", "Sign", "Abs"}) {
    cases->push_back(Case(op, "halves and integers").T().In(halves).Tolerance(0));
  }
  for (const char* op : {"Abs", "Sign"}) {
    cases->push_back(
        Case(op, "int32").T(tensorflow::DT_INT32).In(RandInts({5, 7}, seed++, -20, 20)));
  }
  const Tensor special =
      Floats({std::numeric_limits<float>::quiet_NaN(), inf, -inf, 0, -1.5f, 3e38f, 1e-40f, -2});
  for (const char* op : {"IsNan", "IsInf", "IsFinite"}) {
    cases->push_back(Case(op, "special values").T().In(special));
    cases->push_back(Case(op, "[3,33]").T().In(Rand({3, 33}, seed++, -100, 100)));
  }
  cases->push_back(Case("LogicalNot", "[4,9]").In(RandBools({4, 9}, seed++)));
  cases->push_back(Case("LogicalNot", "scalar").In(RandBools({}, seed++)));
}

void AddUnary(std::vector<OpCase>* cases) {
  const UnaryOp ops[] = {
      {"Neg", -10, 10, 1e-6},      {"Square", -10, 10, 1e-6},      {"Sqrt", 0, 100, 1e-6},
      {"Rsqrt", 0.01f, 100, 1e-5}, {"Exp", -20, 20, 1e-5},         {"Log", 1e-3f, 1e3f, 1e-5},
      {"Tanh", -8, 8, 1e-5},       {"Sigmoid", -20, 20, 1e-5},     {"Relu", -5, 5, 0},
      {"Relu6", -3, 9, 0},         {"Elu", -6, 3, 1e-5},           {"Abs", -10, 10, 0},
      {"Sign", -5, 5, 0},          {"Floor", -10, 10, 0},          {"Ceil", -10, 10, 0},
      {"Round", -10, 10, 0},       {"Reciprocal", 0.1f, 10, 1e-6}, {"Softplus", -20, 20, 1e-5},
      {"Selu", -6, 3, 1e-5},       {"Erf", -3, 3, 1e-5},           {"Sin", -10, 10, 1e-5},
      {"Cos", -10, 10, 1e-5},      {"Log1p", -0.9f, 100, 1e-5},    {"Expm1", -10, 5, 1e-5},
      {"Tan", -1.2f, 1.2f, 1e-5},  {"Asin", -0.99f, 0.99f, 1e-5},  {"Acos", -0.99f, 0.99f, 1e-5},
      {"Atan", -10, 10, 1e-5},     {"Sinh", -5, 5, 1e-5},          {"Cosh", -5, 5, 1e-5},
      {"Asinh", -10, 10, 1e-5},    {"Acosh", 1.01f, 10, 1e-5},     {"Atanh", -0.99f, 0.99f, 1e-5},
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
  AddUnarySpecialValues(cases, seed);
}

// Signs of divisors, integer powers, zero divisors, and Mod.
void AddDivisionAndPower(std::vector<OpCase>* cases, uint32_t seed) {
  for (const char* op : {"FloorDiv", "FloorMod"}) {
    cases->push_back(Case(op, "int32 negative divisors")
                         .T(tensorflow::DT_INT32)
                         .In(RandInts({4, 6}, seed++, -50, 50))
                         .In(RandInts({6}, seed++, -9, -1)));
  }
  cases->push_back(Case("FloorDiv", "int32 [3,4]x[4]")
                       .T(tensorflow::DT_INT32)
                       .In(RandInts({3, 4}, seed++, -50, 50))
                       .In(RandInts({4}, seed++, 1, 9)));
  cases->push_back(Case("FloorDiv", "int32 [2,1,5]x[3,1] mixed signs")
                       .T(tensorflow::DT_INT32)
                       .In(RandInts({2, 1, 5}, seed++, -1000, 1000))
                       .In(Ints({-7, 3, -1}, {3, 1})));
  cases->push_back(Case("FloorMod", "negative divisors")
                       .T()
                       .In(Rand({4, 6}, seed++, -4, 4))
                       .In(Rand({4, 1}, seed++, -4, -0.5f))
                       .Tolerance(1e-6));
  // TF.js's Mod is a floor modulo, TensorFlow's truncates: they agree on non-negative
  // operands, so only those are compared (FloorMod covers the signs).
  cases->push_back(Case("Mod", "non-negative")
                       .T()
                       .In(Rand({3, 17}, seed++, 0, 10))
                       .In(Rand({17}, seed++, 0.5f, 4))
                       .Tolerance(1e-6));
  cases->push_back(Case("Mod", "int32 non-negative")
                       .T(tensorflow::DT_INT32)
                       .In(RandInts({5, 4}, seed++, 0, 100))
                       .In(RandInts({5, 1}, seed++, 1, 12)));
  cases->push_back(Case("Pow", "int32")
                       .T(tensorflow::DT_INT32)
                       .In(RandInts({4, 5}, seed++, -5, 5))
                       .In(RandInts({5}, seed++, 0, 5)));
  cases->push_back(Case("Pow", "negative bases, integral exponents")
                       .T()
                       .In(Rand({2, 6}, seed++, -3, 3))
                       .In(Floats({0, 1, 2, 3, -1, -2}))
                       .Tolerance(1e-6));
  cases->push_back(Case("DivNoNan", "zero divisors")
                       .T()
                       .In(Rand({2, 6}, seed++, -4, 4))
                       .In(Floats({0, 1.5f, 0, -2, 0, 0.25f}))
                       .Tolerance(1e-6));
}

// Equality on floats with ties, int32 and bool; the logical ops on bools.
// incompatible_shape_error=false is left out: TF.js ignores it and fails on such shapes.
void AddEqualityAndLogic(std::vector<OpCase>* cases, uint32_t seed) {
  const Tensor a = Floats({0, 1, 2, 3, 1, 1, 1, 1, -1, 2.5f, 3, 0}, {3, 4});
  const Tensor b = Floats({1, 1, 2.5f, -2});
  for (const char* op : {"Equal", "NotEqual"}) {
    cases->push_back(Case(op, "[3,4]x[4] with ties").T().In(a).In(b));
    cases->push_back(Case(op, "int32 broadcast")
                         .T(tensorflow::DT_INT32)
                         .In(RandInts({2, 1, 5}, seed++, -2, 2))
                         .In(RandInts({3, 1}, seed++, -2, 2)));
    cases->push_back(Case(op, "bool")
                         .T(tensorflow::DT_BOOL)
                         .In(RandBools({4, 5}, seed++))
                         .In(RandBools({5}, seed++)));
  }
  for (const char* op : {"LogicalAnd", "LogicalOr"}) {
    cases->push_back(
        Case(op, "[4,5]x[4,5]").In(RandBools({4, 5}, seed++)).In(RandBools({4, 5}, seed++)));
    cases->push_back(
        Case(op, "[3,1]x[1,6]").In(RandBools({3, 1}, seed++)).In(RandBools({1, 6}, seed++)));
    cases->push_back(Case(op, "scalar x [7]").In(RandBools({}, seed++)).In(RandBools({7}, seed++)));
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
  struct BinaryOp {
    const char* op;
    float a_lo, a_hi, b_lo, b_hi;  // operand ranges (the op's domain)
    bool int32;                    // also an int32 case, with divisors in [1, 9]
  };
  // TF.js divides int32 with floor (TensorFlow truncates), so RealDiv and Div are float only;
  // its FloorDiv answers int32 for float operands (TensorFlow keeps the type), so FloorDiv is
  // int32 only (AddDivisionAndPower).
  const BinaryOp ops[] = {
      {"Add", -4, 4, -4, 4, true},
      {"AddV2", -4, 4, -4, 4, true},
      {"Sub", -4, 4, -4, 4, true},
      {"Mul", -4, 4, -4, 4, true},
      {"RealDiv", -4, 4, 0.5f, 4, false},
      {"Div", -4, 4, 0.5f, 4, false},
      {"Maximum", -4, 4, -4, 4, true},
      {"Minimum", -4, 4, -4, 4, true},
      {"FloorMod", -4, 4, 0.5f, 4, true},
      {"DivNoNan", -4, 4, 0.5f, 4, false},
      {"SquaredDifference", -4, 4, -4, 4, true},
      {"Pow", 0.1f, 4, -3, 3, false},
      {"Atan2", -4, 4, -4, 4, false},
  };
  uint32_t seed = 300;
  for (const BinaryOp& o : ops) {
    for (const auto& [a, b] : shapes) {
      cases->push_back(Case(o.op, PairLabel(a, b))
                           .T()
                           .In(Rand(a, seed++, o.a_lo, o.a_hi))
                           .In(Rand(b, seed++, o.b_lo, o.b_hi))
                           .Tolerance(1e-6));
    }
    if (!o.int32) continue;
    cases->push_back(Case(o.op, "int32 [3,4]x[4]")
                         .T(tensorflow::DT_INT32)
                         .In(RandInts({3, 4}, seed++, -50, 50))
                         .In(RandInts({4}, seed++, 1, 9)));
  }
  AddDivisionAndPower(cases, seed);
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
  AddEqualityAndLogic(cases, seed);
}

std::string AxesLabel(const Shape& shape, const std::vector<int32_t>& axes, bool keep) {
  return TensorShape(shape).DebugString() + " axes " +
         TensorShape(Shape(axes.begin(), axes.end())).DebugString() + (keep ? " keep_dims" : "");
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
  struct ReduceOp {
    const char* op;
    float lo, hi;  // Prod's inputs stay near 1 so products of 120 elements stay finite
  };
  uint32_t seed = 500;
  for (const ReduceOp& r :
       {ReduceOp{"Sum", -3, 3}, ReduceOp{"Mean", -3, 3}, ReduceOp{"Max", -3, 3},
        ReduceOp{"Min", -3, 3}, ReduceOp{"Prod", 0.5f, 1.5f}, ReduceOp{"EuclideanNorm", -3, 3}}) {
    for (const Axes& a : axes) {
      // TF.js's EuclideanNorm (its norm) takes at most two axes.
      if (std::string(r.op) == "EuclideanNorm" && a.axes.size() > 2) continue;
      for (bool keep : {false, true}) {
        cases->push_back(Case(r.op, AxesLabel(a.shape, a.axes, keep))
                             .T()
                             .Attr("Tidx", tensorflow::DT_INT32)
                             .Attr("keep_dims", keep)
                             .In(Rand(a.shape, seed++, r.lo, r.hi))
                             .Const(Ints(a.axes, {static_cast<int64_t>(a.axes.size())}))
                             .Tolerance(1e-5));
      }
    }
  }
  for (const char* op : {"Min", "Prod"}) {
    cases->push_back(Case(op, "int32 [4,6] axes [1]")
                         .T(tensorflow::DT_INT32)
                         .Attr("Tidx", tensorflow::DT_INT32)
                         .In(RandInts({4, 6}, seed++, -5, 5))
                         .Const(Ints({1}, {1})));
  }
  // Any and All (DT_BOOL input, no T) over small shapes, so both answers occur.
  const Axes bool_axes[] = {
      {{4, 3}, {1}}, {{4, 3}, {0}}, {{2, 3, 2}, {0, 2}}, {{2, 3, 2}, {-1}}, {{3, 2}, {0, 1}}};
  for (const char* op : {"Any", "All"}) {
    for (const Axes& a : bool_axes) {
      for (bool keep : {false, true}) {
        cases->push_back(Case(op, AxesLabel(a.shape, a.axes, keep))
                             .Attr("Tidx", tensorflow::DT_INT32)
                             .Attr("keep_dims", keep)
                             .In(RandBools(a.shape, seed++))
                             .Const(Ints(a.axes, {static_cast<int64_t>(a.axes.size())})));
      }
    }
  }
}

// ArgMax/ArgMin (output_type int32: TF.js always answers int32), Cumsum and Cumprod.
void AddArgAndScan(std::vector<OpCase>* cases) {
  const std::pair<Shape, int32_t> dims[] = {{{17}, 0},         {{3, 33}, 1},       {{3, 33}, 0},
                                            {{2, 3, 4, 5}, 1}, {{2, 3, 4, 5}, -1}, {{64, 130}, 1}};
  uint32_t seed = 600;
  for (const char* op : {"ArgMax", "ArgMin"}) {
    for (const auto& [shape, dim] : dims) {
      cases->push_back(Case(op, TensorShape(shape).DebugString() + " dim " + std::to_string(dim))
                           .T()
                           .Attr("Tidx", tensorflow::DT_INT32)
                           .Attr("output_type", tensorflow::DT_INT32)
                           .In(Rand(shape, seed++, -5, 5))
                           .Const(Int(dim)));
    }
    // Many ties: both answer the first index.
    cases->push_back(Case(op, "int32 ties")
                         .T(tensorflow::DT_INT32)
                         .Attr("Tidx", tensorflow::DT_INT32)
                         .Attr("output_type", tensorflow::DT_INT32)
                         .In(RandInts({6, 9}, seed++, 0, 2))
                         .Const(Int(1)));
  }
  // Negative axes are left out: TF.js's Cumsum and Cumprod fail on them. Products stay near
  // 1 so five factors keep a useful range.
  for (const char* op : {"Cumsum", "Cumprod"}) {
    const bool product = std::string(op) == "Cumprod";
    for (int axis : {0, 1, 2}) {
      for (bool exclusive : {false, true}) {
        for (bool reverse : {false, true}) {
          cases->push_back(
              Case(op, "[3,4,5] axis " + std::to_string(axis) + (exclusive ? " exclusive" : "") +
                           (reverse ? " reverse" : ""))
                  .T()
                  .Attr("Tidx", tensorflow::DT_INT32)
                  .Attr("exclusive", exclusive)
                  .Attr("reverse", reverse)
                  .In(product ? Rand({3, 4, 5}, seed++, 0.5f, 2) : Rand({3, 4, 5}, seed++, -3, 3))
                  .Const(Int(axis))
                  .Tolerance(1e-5));
        }
      }
    }
  }
  cases->push_back(Case("Cumprod", "int32")
                       .T(tensorflow::DT_INT32)
                       .Attr("Tidx", tensorflow::DT_INT32)
                       .In(RandInts({3, 6}, seed++, -3, 3))
                       .Const(Int(1)));
  cases->push_back(Case("Cumsum", "[1000]")
                       .T()
                       .Attr("Tidx", tensorflow::DT_INT32)
                       .In(Rand({1000}, seed++, -1, 1))
                       .Const(Int(0))
                       .Tolerance(1e-5));
  cases->push_back(Case("Cumsum", "int32 reverse exclusive")
                       .T(tensorflow::DT_INT32)
                       .Attr("Tidx", tensorflow::DT_INT32)
                       .Attr("exclusive", true)
                       .Attr("reverse", true)
                       .In(RandInts({4, 7}, seed++, -100, 100))
                       .Const(Int(1)));
}

// ClipByValue with scalar bounds (TF.js reads them as numbers) and AddN.
void AddClipAndAddN(std::vector<OpCase>* cases) {
  uint32_t seed = 650;
  for (const Shape& shape : std::vector<Shape>{{7}, {2, 5, 7, 9}, {4096}}) {
    cases->push_back(Case("ClipByValue", TensorShape(shape).DebugString())
                         .T()
                         .In(Rand(shape, seed++, -3, 3))
                         .Const(Float(-1.5f))
                         .Const(Float(0.75f)));
  }
  cases->push_back(Case("ClipByValue", "int32")
                       .T(tensorflow::DT_INT32)
                       .In(RandInts({5, 6}, seed++, -20, 20))
                       .Const(Int(-4))
                       .Const(Int(9)));
  for (int n : {1, 2, 4}) {
    OpCase c = Case("AddN", std::to_string(n) + " x [3,33]").T().Attr("N", n).Tolerance(1e-6);
    for (int i = 0; i < n; ++i) c.inputs.push_back(Rand({3, 33}, seed++, -4, 4));
    cases->push_back(std::move(c));
  }
  cases->push_back(Case("AddN", "int32 3 x [2,5]")
                       .T(tensorflow::DT_INT32)
                       .Attr("N", 3)
                       .In(RandInts({2, 5}, seed++, -50, 50))
                       .In(RandInts({2, 5}, seed++, -50, 50))
                       .In(RandInts({2, 5}, seed++, -50, 50)));
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

// Sparse segment reductions (embedding_lookup_sparse) and Unique, over gaps (segments no
// id names, zero in both), repeated and unused rows, rank 1 to 3 data and int32 data.
// TF.js has no UnsortedSegment*, Segment* or SqrtN op in its graph executor.
void AddSegmentAndUnique(std::vector<OpCase>* cases) {
  uint32_t seed = 900;
  struct Sparse {
    const char* label;
    Shape data;
    std::vector<int32_t> indices, ids;
  };
  const Sparse sparse[] = {
      {"[5,3] gap at 2", {5, 3}, {0, 2, 4, 1}, {0, 0, 1, 3}},
      {"[5,3] one segment", {5, 3}, {0, 2, 4, 1, 3}, {0, 0, 0, 0, 0}},
      {"[6] repeats", {6}, {5, 0, 0, 5}, {0, 0, 2, 2}},
      {"[4,2,3] rank 3", {4, 2, 3}, {3, 3, 0, 1, 2}, {0, 1, 1, 1, 4}},
      {"[7,16] leading gap", {7, 16}, {6, 5, 4, 3, 2, 1, 0}, {1, 1, 2, 3, 3, 3, 5}},
  };
  for (const char* op : {"SparseSegmentSum", "SparseSegmentMean"}) {
    for (const Sparse& c : sparse) {
      cases->push_back(Case(op, c.label)
                           .T()
                           .In(Rand(c.data, seed++, -10, 10))
                           .In(Ints(c.indices, {static_cast<int64_t>(c.indices.size())}))
                           .In(Ints(c.ids, {static_cast<int64_t>(c.ids.size())}))
                           .Tolerance(1e-5));
    }
  }
  cases->push_back(Case("SparseSegmentSum", "int32 [4,2]")
                       .T(tensorflow::DT_INT32)
                       .In(RandInts({4, 2}, seed++, -100, 100))
                       .In(Ints({3, 3, 0}, {3}))
                       .In(Ints({0, 1, 1}, {3})));

  cases->push_back(Case("Unique", "int32 [40] of 0..6")
                       .T(tensorflow::DT_INT32)
                       .Attr("out_idx", tensorflow::DT_INT32)
                       .In(RandInts({40}, seed++, 0, 6))
                       .Outputs(2));
  cases->push_back(Case("Unique", "float repeats and signed zero")
                       .T()
                       .Attr("out_idx", tensorflow::DT_INT32)
                       .In(Floats({2.5f, -1, 2.5f, 0, -0.0f, 7, -1, 1e-3f, 7}))
                       .Outputs(2));
  cases->push_back(Case("Unique", "all distinct")
                       .T()
                       .Attr("out_idx", tensorflow::DT_INT32)
                       .In(Rand({17}, seed++))
                       .Outputs(2));
  cases->push_back(Case("Unique", "one element")
                       .T(tensorflow::DT_INT32)
                       .Attr("out_idx", tensorflow::DT_INT32)
                       .In(Ints({5}, {1}))
                       .Outputs(2));
}

Tensor Int64s(std::vector<int64_t> values, Shape shape) {
  return Tensor::FromVector<int64_t>(values, TensorShape(std::move(shape)));
}

// SparseTensor plumbing of feature columns: SparseToDense, SparseReshape and
// SparseFillEmptyRows over sorted and unsorted entries, empty inputs and ranks 1 to 3.
void AddSparseTensor(std::vector<OpCase>* cases) {
  uint32_t seed = 950;
  cases->push_back(Case("SparseToDense", "[3,2] indices into [3,3]")
                       .T()
                       .Attr("Tindices", tensorflow::DT_INT32)
                       .In(Ints({0, 1, 1, 2, 2, 0}, {3, 2}))
                       .In(Ints({3, 3}, {2}))
                       .In(Rand({3}, seed++))
                       .In(Float(0.5f)));
  cases->push_back(Case("SparseToDense", "vector indices, scalar value")
                       .T()
                       .Attr("Tindices", tensorflow::DT_INT32)
                       .In(Ints({1, 4, 6}, {3}))
                       .In(Ints({8}, {1}))
                       .In(Float(2))
                       .In(Float(-1)));
  cases->push_back(Case("SparseToDense", "rank 3 int32")
                       .T(tensorflow::DT_INT32)
                       .Attr("Tindices", tensorflow::DT_INT32)
                       .In(Ints({0, 0, 1, 1, 1, 0}, {2, 3}))
                       .In(Ints({2, 2, 2}, {3}))
                       .In(Ints({7, -3}, {2}))
                       .In(Int(4)));

  // tf.sparse.reshape's documented example, then rank changes both ways.
  cases->push_back(Case("SparseReshape", "[2,3,6] -> [9,-1]")
                       .In(Int64s({0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 2, 3}, {5, 3}))
                       .In(Int64s({2, 3, 6}, {3}))
                       .In(Int64s({9, -1}, {2}))
                       .Outputs(2));
  cases->push_back(Case("SparseReshape", "[4,6] -> [2,-1,3]")
                       .In(Int64s({0, 5, 1, 1, 3, 0, 3, 5}, {4, 2}))
                       .In(Int64s({4, 6}, {2}))
                       .In(Int64s({2, -1, 3}, {3}))
                       .Outputs(2));
  cases->push_back(Case("SparseReshape", "[12] -> [3,4]")
                       .In(Int64s({11, 0, 5}, {3, 1}))
                       .In(Int64s({12}, {1}))
                       .In(Int64s({3, 4}, {2}))
                       .Outputs(2));

  // SparseFillEmptyRows' documented example; rows out of order; no entries at all.
  cases->push_back(Case("SparseFillEmptyRows", "doc example")
                       .T()
                       .In(Int64s({0, 0, 1, 0, 1, 3, 1, 4, 3, 2, 3, 3}, {6, 2}))
                       .In(Rand({6}, seed++))
                       .In(Int64s({5, 6}, {2}))
                       .In(Float(-1))
                       .Outputs(4));
  cases->push_back(Case("SparseFillEmptyRows", "rows out of order, int32")
                       .T(tensorflow::DT_INT32)
                       .In(Int64s({4, 1, 0, 0, 4, 0, 2, 2, 0, 1}, {5, 2}))
                       .In(Ints({1, 2, 3, 4, 5}, {5}))
                       .In(Int64s({6, 3}, {2}))
                       .In(Int(9))
                       .Outputs(4));
  cases->push_back(Case("SparseFillEmptyRows", "rank 3, one entry")
                       .T()
                       .In(Int64s({1, 2, 3}, {1, 3}))
                       .In(Rand({1}, seed++))
                       .In(Int64s({3, 4, 5}, {3}))
                       .In(Float(0))
                       .Outputs(4));
}

}  // namespace

std::vector<OpCase> ElementwiseCases() {
  std::vector<OpCase> cases;
  AddUnary(&cases);
  AddBinary(&cases);
  AddReductions(&cases);
  AddArgAndScan(&cases);
  AddClipAndAddN(&cases);
  AddSoftmaxAndCast(&cases);
  AddSegmentAndUnique(&cases);
  AddSparseTensor(&cases);
  return cases;
}

}  // namespace savedserve::testing
