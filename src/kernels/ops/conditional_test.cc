// If / Case kernels: which branch runs (TensorFlow's truthiness rule for If's cond, the
// last branch for an out-of-range Case index, as TF's functional_ops tests have it), what the
// branches receive and return, and the errors. Branches are C++ lambdas (fake_functions.h).
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"
#include "kernels/ops/fake_functions.h"

namespace savedserve {
namespace {

using tensorflow::DT_FLOAT;
using tensorflow::DT_INT32;

// then: (x, y) -> (x + y, 1); else: (x, y) -> (x - y, 2). The second output says which ran.
void AddBranches(FakeRuntime& rt) {
  rt.Add("then", 2, 2, [](const std::vector<Value>& v) {
    return std::vector<Value>{V(Tensor::Scalar<int32_t>(I32(v[0]) + I32(v[1]))),
                              V(Tensor::Scalar<int32_t>(1))};
  });
  rt.Add("else", 2, 2, [](const std::vector<Value>& v) {
    return std::vector<Value>{V(Tensor::Scalar<int32_t>(I32(v[0]) - I32(v[1]))),
                              V(Tensor::Scalar<int32_t>(2))};
  });
}

void SetUpIf(OpRunner& r, FakeRuntime* rt, DataType cond_type) {
  r.Attr("Tcond", cond_type)
      .Attr("Tin", std::vector<DataType>{DT_INT32, DT_INT32})
      .Attr("Tout", std::vector<DataType>{DT_INT32, DT_INT32})
      .Attr("then_branch", Func("then"))
      .Attr("else_branch", Func("else"))
      .NumOutputs(2)
      .Functions(rt);
}

// Which branch If runs for `cond`: 1 then, 2 else; 0 on error.
int BranchFor(const std::string& op, const Tensor& cond) {
  FakeRuntime rt;
  AddBranches(rt);
  OpRunner r(op, "cond/If");
  SetUpIf(r, &rt, cond.dtype());
  auto out = r.Run({cond, Tensor::Scalar<int32_t>(5), Tensor::Scalar<int32_t>(3)},
                   KernelVariant::kReference);
  if (!out.ok()) return 0;
  EXPECT_EQ((*out)[0].data<int32_t>()[0], (*out)[1].data<int32_t>()[0] == 1 ? 8 : 2);
  return (*out)[1].data<int32_t>()[0];
}

TEST(If, TruthinessAsTensorFlow) {
  for (const char* op : {"If", "StatelessIf"}) {
    EXPECT_EQ(BranchFor(op, Tensor::Scalar<bool>(true)), 1);
    EXPECT_EQ(BranchFor(op, Tensor::Scalar<bool>(false)), 2);
    EXPECT_EQ(BranchFor(op, Tensor::Scalar<float>(0.5f)), 1);
    EXPECT_EQ(BranchFor(op, Tensor::Scalar<float>(0.0f)), 2);
    EXPECT_EQ(BranchFor(op, Tensor::Scalar<float>(-0.0f)), 2);
    EXPECT_EQ(BranchFor(op, Tensor::Scalar<double>(1e-300)), 1);
    EXPECT_EQ(BranchFor(op, Tensor::Scalar<int32_t>(-3)), 1);
    EXPECT_EQ(BranchFor(op, Tensor::Scalar<int32_t>(0)), 2);
    EXPECT_EQ(BranchFor(op, Tensor::Scalar<int64_t>(int64_t{1} << 40)), 1);
    EXPECT_EQ(BranchFor(op, Tensor::Scalar<uint8_t>(0)), 2);
    EXPECT_EQ(BranchFor(op, Tensor::Scalar<int8_t>(-1)), 1);
    EXPECT_EQ(BranchFor(op, Tensor::Scalar<int16_t>(0)), 2);
    EXPECT_EQ(BranchFor(op, Tensor::Scalar<std::string>("")), 2);
    EXPECT_EQ(BranchFor(op, Tensor::Scalar<std::string>("no")), 1);  // non-empty string
    // Not a scalar: true when it has elements, whatever they are.
    EXPECT_EQ(BranchFor(op, Tensor(tensorflow::DT_BOOL, TensorShape{2})), 1);
    EXPECT_EQ(BranchFor(op, Tensor(DT_FLOAT, TensorShape{1, 1})), 1);
    EXPECT_EQ(BranchFor(op, Tensor(DT_FLOAT, TensorShape{0})), 2);
    EXPECT_EQ(BranchFor(op, Tensor(tensorflow::DT_HALF, TensorShape{3})), 1);
    // A scalar of a type ToBool does not know.
    EXPECT_EQ(BranchFor(op, Tensor(tensorflow::DT_HALF, TensorShape{})), 0);
  }
}

TEST(If, ErrorsNameTheNodeAndBranch) {
  FakeRuntime rt;
  AddBranches(rt);
  OpRunner half("If", "cond/If");
  SetUpIf(half, &rt, tensorflow::DT_HALF);
  SS_EXPECT_ERROR_CONTAINS(half.Run({Tensor(tensorflow::DT_HALF, TensorShape{}),
                                     Tensor::Scalar<int32_t>(1), Tensor::Scalar<int32_t>(1)},
                                    KernelVariant::kReference),
                           "If 'cond/If': cond: DT_HALF cannot be converted to a boolean");

  rt.Add("else", 2, 2, [](const std::vector<Value>&) -> absl::StatusOr<std::vector<Value>> {
    return absl::DataLossError("corrupt JPEG data");
  });
  OpRunner failing("If", "cond/If");
  SetUpIf(failing, &rt, tensorflow::DT_BOOL);
  auto out = failing.Run(
      {Tensor::Scalar<bool>(false), Tensor::Scalar<int32_t>(1), Tensor::Scalar<int32_t>(1)},
      KernelVariant::kReference);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(out.status().message(), "If 'cond/If' else_branch 'else': corrupt JPEG data");

  rt.Add("then", 2, 2, [](const std::vector<Value>&) {
    return std::vector<Value>{V(Tensor::Scalar<float>(1)), V(Tensor::Scalar<int32_t>(1))};
  });
  OpRunner wrong_type("If", "cond/If");
  SetUpIf(wrong_type, &rt, tensorflow::DT_BOOL);
  SS_EXPECT_ERROR_CONTAINS(wrong_type.Run({Tensor::Scalar<bool>(true), Tensor::Scalar<int32_t>(1),
                                           Tensor::Scalar<int32_t>(1)},
                                          KernelVariant::kReference),
                           "then_branch 'then' returned DT_FLOAT for output 0, expected DT_INT32");
}

TEST(If, CreationChecksFunctionsAndTypes) {
  FakeRuntime rt;
  AddBranches(rt);
  rt.Add("one_arg", 1, 2, [](const std::vector<Value>&) { return std::vector<Value>{}; });
  const std::vector<Tensor> inputs = {Tensor::Scalar<bool>(true), Tensor::Scalar<int32_t>(1),
                                      Tensor::Scalar<int32_t>(1)};
  OpRunner arity("If", "c");
  SetUpIf(arity, &rt, tensorflow::DT_BOOL);
  arity.Attr("else_branch", Func("one_arg"));
  SS_EXPECT_ERROR_CONTAINS(arity.Create(inputs, KernelVariant::kReference),
                           "else_branch 'one_arg' takes 1 arguments and returns 2 values; "
                           "expected 2 and 2");
  OpRunner missing("If", "c");
  SetUpIf(missing, &rt, tensorflow::DT_BOOL);
  missing.Attr("then_branch", Func("nope"));
  SS_EXPECT_ERROR_CONTAINS(missing.Create(inputs, KernelVariant::kReference), "nope");
  OpRunner tin("If", "c");
  SetUpIf(tin, &rt, tensorflow::DT_BOOL);
  tin.Attr("Tin", std::vector<DataType>{DT_INT32});
  SS_EXPECT_ERROR_CONTAINS(tin.Create(inputs, KernelVariant::kReference),
                           "Tin lists 1 arguments, the node has 2 inputs after the first");
}

// branches[i]: x -> x * 10 + i.
void SetUpCase(OpRunner& r, FakeRuntime* rt, int num_branches) {
  tensorflow::AttrValue branches;
  for (int i = 0; i < num_branches; ++i) {
    const std::string name = "b" + std::to_string(i);
    rt->Add(name, 1, 1, [i](const std::vector<Value>& v) {
      return std::vector<Value>{V(Tensor::Scalar<int32_t>(I32(v[0]) * 10 + i))};
    });
    branches.mutable_list()->add_func()->set_name(name);
  }
  r.Attr("Tin", std::vector<DataType>{DT_INT32})
      .Attr("Tout", std::vector<DataType>{DT_INT32})
      .Attr("branches", branches)
      .Functions(rt);
}

TEST(Case, IndexPicksTheBranchAndOutOfRangePicksTheLast) {
  for (const char* op : {"Case", "StatelessCase"}) {
    FakeRuntime rt;
    OpRunner r(op, "switch_case/indexed_case");
    SetUpCase(r, &rt, 3);
    // As TF's functional_ops_test: 0, 1, 2 pick their branch; 7 and -1 the last one.
    for (auto [index, expected] : std::vector<std::pair<int32_t, int32_t>>{
             {0, 40}, {1, 41}, {2, 42}, {3, 42}, {7, 42}, {-1, 42}, {INT32_MIN, 42}}) {
      auto out = r.Run({Tensor::Scalar<int32_t>(index), Tensor::Scalar<int32_t>(4)},
                       KernelVariant::kReference);
      ASSERT_TRUE(out.ok()) << out.status();
      EXPECT_EQ((*out)[0].data<int32_t>()[0], expected) << op << " index " << index;
    }
  }
}

TEST(Case, SingleBranchAndErrors) {
  FakeRuntime rt;
  OpRunner one("Case", "c");
  SetUpCase(one, &rt, 1);
  auto out =
      one.Run({Tensor::Scalar<int32_t>(5), Tensor::Scalar<int32_t>(2)}, KernelVariant::kReference);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].data<int32_t>()[0], 20);

  OpRunner vector_index("Case", "c");
  SetUpCase(vector_index, &rt, 2);
  SS_EXPECT_ERROR_CONTAINS(
      vector_index.Run({Tensor(DT_INT32, TensorShape{1}), Tensor::Scalar<int32_t>(2)},
                       KernelVariant::kReference),
      "branch_index must be an int32 scalar, got DT_INT32 [1]");

  OpRunner no_branches("Case", "c");
  no_branches.Attr("Tin", std::vector<DataType>{DT_INT32})
      .Attr("Tout", std::vector<DataType>{DT_INT32})
      .Functions(&rt);
  SS_EXPECT_ERROR_CONTAINS(
      no_branches.Create({Tensor::Scalar<int32_t>(0), Tensor::Scalar<int32_t>(2)},
                         KernelVariant::kReference),
      "'branches' is missing");
}

}  // namespace
}  // namespace savedserve
