// Functional control flow cases of the per-op differential suite: While and StatelessWhile
// with cond and body in the graph's function library (as TF2 / control flow v2 writes them,
// and as tfjs-converter keeps them). Constants are passed as loop variables, since TF.js
// takes Const values only from a weights manifest.
#include "tests/tfjs/op_cases.h"

namespace savedserve::testing {
namespace {

// Loop vars (i, n, one, x, a, b): while i < n: i += one; x = x * a + b.
constexpr char kCond[] = R"pb(
  signature {
    name: "cond"
    input_arg { name: "i" type: DT_INT32 }
    input_arg { name: "n" type: DT_INT32 }
    input_arg { name: "one" type: DT_INT32 }
    input_arg { name: "x" type: DT_FLOAT }
    input_arg { name: "a" type: DT_FLOAT }
    input_arg { name: "b" type: DT_FLOAT }
    output_arg { name: "go" type: DT_BOOL }
  }
  node_def {
    name: "less"
    op: "Less"
    input: "i"
    input: "n"
    attr {
      key: "T"
      value { type: DT_INT32 }
    }
  }
  ret { key: "go" value: "less:z:0" }
)pb";

constexpr char kBody[] = R"pb(
  signature {
    name: "body"
    input_arg { name: "i" type: DT_INT32 }
    input_arg { name: "n" type: DT_INT32 }
    input_arg { name: "one" type: DT_INT32 }
    input_arg { name: "x" type: DT_FLOAT }
    input_arg { name: "a" type: DT_FLOAT }
    input_arg { name: "b" type: DT_FLOAT }
    output_arg { name: "i_next" type: DT_INT32 }
    output_arg { name: "n_next" type: DT_INT32 }
    output_arg { name: "one_next" type: DT_INT32 }
    output_arg { name: "x_next" type: DT_FLOAT }
    output_arg { name: "a_next" type: DT_FLOAT }
    output_arg { name: "b_next" type: DT_FLOAT }
  }
  node_def {
    name: "inc"
    op: "AddV2"
    input: "i"
    input: "one"
    attr {
      key: "T"
      value { type: DT_INT32 }
    }
  }
  node_def {
    name: "scale"
    op: "Mul"
    input: "x"
    input: "a"
    attr {
      key: "T"
      value { type: DT_FLOAT }
    }
  }
  node_def {
    name: "shift"
    op: "AddV2"
    input: "scale:z:0"
    input: "b"
    attr {
      key: "T"
      value { type: DT_FLOAT }
    }
  }
  ret { key: "i_next" value: "inc:z:0" }
  ret { key: "n_next" value: "n" }
  ret { key: "one_next" value: "one" }
  ret { key: "x_next" value: "shift:z:0" }
  ret { key: "a_next" value: "a" }
  ret { key: "b_next" value: "b" }
)pb";

}  // namespace

std::vector<OpCase> ControlFlowCases() {
  std::vector<OpCase> cases;
  uint32_t seed = 9000;
  for (const char* op : {"While", "StatelessWhile"}) {
    for (int32_t n : {0, 1, 7}) {
      cases.push_back(
          Case(op, std::to_string(n) + " iterations of x = x * a + b")
              .TypeList("T", {tensorflow::DT_INT32, tensorflow::DT_INT32, tensorflow::DT_INT32,
                              tensorflow::DT_FLOAT, tensorflow::DT_FLOAT, tensorflow::DT_FLOAT})
              .FuncAttr("cond", "cond")
              .FuncAttr("body", "body")
              .Attr("parallel_iterations", 10)
              .Function(kCond)
              .Function(kBody)
              .In(Int(0))
              .In(Int(n))
              .In(Int(1))
              .In(Rand({2, 3}, seed++))
              .In(Rand({2, 3}, seed++, -1.2f, 1.2f))
              .In(Rand({3}, seed++))
              .Outputs(6)
              .Tolerance(1e-5));
    }
  }
  return cases;
}

}  // namespace savedserve::testing
