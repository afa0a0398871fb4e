// The TF1 control-flow kernels alone (the executor's part, deadness and frames, is tested in
// runtime/executor_control_flow_test.cc): what each forwards where, per TF's op docs.
#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"

namespace savedserve {
namespace {

using tensorflow::DT_BOOL;
using tensorflow::DT_FLOAT;

bool HasValue(const Value& v) { return v.tensor.is_initialized() || v.variable != nullptr; }

Value FloatValue(float f) { return Value{Tensor::Scalar<float>(f), nullptr}; }
Value BoolValue(bool b) { return Value{Tensor::Scalar<bool>(b), nullptr}; }

std::shared_ptr<Variable> FloatVariable(float value) {
  auto v = std::make_shared<Variable>("v", DT_FLOAT);
  v->Assign(Tensor::Scalar<float>(value));
  return v;
}

TEST(SwitchKernel, ForwardsDataToTheOutputThePredicateNames) {
  for (bool pred : {false, true}) {
    OpRunner r("Switch");
    r.Attr("T", DT_FLOAT).NumOutputs(2);
    auto out = r.RunValues({FloatValue(2.5f), BoolValue(pred)});
    ASSERT_TRUE(out.ok()) << out.status();
    const Value& taken = (*out)[pred ? 1 : 0];
    ASSERT_TRUE(taken.tensor.is_initialized());
    EXPECT_EQ(taken.tensor.data<float>()[0], 2.5f);
    EXPECT_FALSE(HasValue((*out)[pred ? 0 : 1]));  // the other output is dead
  }
}

TEST(SwitchKernel, PredicateMustBeABoolScalar) {
  OpRunner r("Switch", "sw");
  r.Attr("T", DT_FLOAT).NumOutputs(2);
  Tensor pair(DT_BOOL, TensorShape{2});
  auto out = r.RunValues({FloatValue(1.0f), Value{pair, nullptr}});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("Switch 'sw'"), std::string::npos) << out.status();
  EXPECT_NE(out.status().message().find("scalar"), std::string::npos) << out.status();
}

TEST(SwitchKernel, RefSwitchForwardsTheVariableAndSwitchReadsIt) {
  auto variable = FloatVariable(7.0f);
  OpRunner ref("RefSwitch");
  ref.Attr("T", DT_FLOAT).NumOutputs(2);
  auto out = ref.RunValues({Value{Tensor(), variable}, BoolValue(true)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[1].variable, variable);  // a ref output: what Assign would write to
  OpRunner plain("Switch");
  plain.Attr("T", DT_FLOAT).NumOutputs(2);
  auto read = plain.RunValues({Value{Tensor(), variable}, BoolValue(false)});
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ((*read)[0].variable, nullptr);
  EXPECT_EQ((*read)[0].tensor.data<float>()[0], 7.0f);
}

TEST(MergeKernel, ForwardsTheInputWithAValueAndItsIndex) {
  OpRunner r("Merge");
  r.Attr("T", DT_FLOAT).Attr("N", 3).NumOutputs(2);
  auto out = r.RunValues({Value{}, FloatValue(4.0f), Value{}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor.data<float>()[0], 4.0f);
  EXPECT_EQ((*out)[1].tensor.dtype(), tensorflow::DT_INT32);
  EXPECT_EQ((*out)[1].tensor.shape(), TensorShape{});
  EXPECT_EQ((*out)[1].tensor.data<int32_t>()[0], 1);
}

TEST(MergeKernel, TwoLiveInputsAreAnError) {
  // TF's MergeOp: "Merge can not have more than one valid input."
  OpRunner r("Merge", "m");
  r.Attr("T", DT_FLOAT).Attr("N", 2).NumOutputs(2);
  auto out = r.RunValues({FloatValue(1.0f), FloatValue(2.0f)});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(out.status().message().find("more than one valid input"), std::string::npos);
}

TEST(MergeKernel, RefMergeForwardsTheVariable) {
  auto variable = FloatVariable(3.0f);
  OpRunner r("RefMerge");
  r.Attr("T", DT_FLOAT).Attr("N", 2).NumOutputs(2);
  auto out = r.RunValues({Value{}, Value{Tensor(), variable}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].variable, variable);
  EXPECT_EQ((*out)[1].tensor.data<int32_t>()[0], 1);
}

TEST(LoopKernels, EnterExitNextIterationAndLoopCondForwardTheirInput) {
  for (const char* op : {"Enter", "Exit", "NextIteration"}) {
    SCOPED_TRACE(op);
    OpRunner r(op);
    r.Attr("T", DT_FLOAT);
    if (std::string(op) == "Enter") r.Attr("frame_name", "while/while_context");
    auto out = r.Run({Tensor::Scalar<float>(1.5f)});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ((*out)[0].data<float>()[0], 1.5f);
  }
  OpRunner cond("LoopCond");
  auto out = cond.Run({Tensor::Scalar<bool>(true)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE((*out)[0].data<bool>()[0]);
}

TEST(LoopKernels, RefEnterKeepsTheVariable) {
  auto variable = FloatVariable(5.0f);
  OpRunner r("RefEnter");
  r.Attr("T", DT_FLOAT).Attr("frame_name", "f");
  auto out = r.RunValues({Value{Tensor(), variable}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].variable, variable);
}

TEST(LoopKernels, EnterNeedsAFrameNameAndPositiveParallelIterations) {
  OpRunner unnamed("Enter", "e");
  unnamed.Attr("T", DT_FLOAT);
  auto missing = unnamed.Run({Tensor::Scalar<float>(1.0f)});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("frame_name"), std::string::npos) << missing.status();
  OpRunner zero("Enter", "e");
  zero.Attr("T", DT_FLOAT).Attr("frame_name", "f").Attr("parallel_iterations", 0);
  auto bad = zero.Run({Tensor::Scalar<float>(1.0f)});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("parallel_iterations"), std::string::npos) << bad.status();
}

}  // namespace
}  // namespace savedserve
