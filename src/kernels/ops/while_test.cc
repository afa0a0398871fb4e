// The While kernel's loop logic against closed forms, with cond/body as C++ functions behind
// a fake FunctionRuntime (real FunctionDef bodies are covered in tests/function_export_test).
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
// A While-like node named "loop/while" over loop vars of `types`, calling "cond" and "body".
void SetUpLoop(OpRunner& r, FakeRuntime* runtime, std::vector<DataType> types) {
  r.Attr("T", types).Attr("cond", Func("cond")).Attr("body", Func("body"));
  r.NumOutputs(static_cast<int>(types.size())).Functions(runtime);
}

// (i, n): cond i < n, body i + 1. Closed form: the result is max(i0, n) after
// max(0, n - i0) body calls and one more cond call.
TEST(While, CounterLoop) {
  FakeRuntime rt;
  LambdaFunction* cond = rt.Add("cond", 2, 1, [](const std::vector<Value>& v) {
    return std::vector<Value>{V(Tensor::Scalar<bool>(I32(v[0]) < I32(v[1])))};
  });
  LambdaFunction* body = rt.Add("body", 2, 2, [](const std::vector<Value>& v) {
    return std::vector<Value>{V(Tensor::Scalar<int32_t>(I32(v[0]) + 1)), v[1]};
  });
  for (const std::string op : {"While", "StatelessWhile"}) {
    for (auto [start, limit] : {std::pair{0, 5}, {3, 4}, {7, 5}, {0, 0}}) {
      SCOPED_TRACE(op + " " + std::to_string(start) + ".." + std::to_string(limit));
      cond->calls = body->calls = 0;
      OpRunner r(op, "loop/while");
      SetUpLoop(r, &rt, {DT_INT32, DT_INT32});
      auto out = r.Run({Tensor::Scalar<int32_t>(start), Tensor::Scalar<int32_t>(limit)},
                       KernelVariant::kReference);
      ASSERT_TRUE(out.ok()) << out.status();
      EXPECT_EQ((*out)[0].data<int32_t>()[0], std::max(start, limit));
      EXPECT_EQ((*out)[1].data<int32_t>()[0], limit);
      EXPECT_EQ(body->calls, std::max(0, limit - start));
      EXPECT_EQ(cond->calls, body->calls + 1);
    }
  }
}

// (i, acc): acc grows by i * i each iteration while i < 6, so acc = [0, 1, 4, 9, 16, 25] and
// its sum is n(n-1)(2n-1)/6 = 55 for n = 6. The loop var changes shape, as a map_fn
// accumulator does.
TEST(While, AccumulateLoopGrowsALoopVar) {
  constexpr int kN = 6;
  FakeRuntime rt;
  rt.Add("cond", 2, 1, [](const std::vector<Value>& v) {
    return std::vector<Value>{V(Tensor::Scalar<int32_t>(kN - I32(v[0])))};  // non-zero: true
  });
  rt.Add("body", 2, 2, [](const std::vector<Value>& v) {
    const int32_t i = I32(v[0]);
    const Tensor& acc = v[1].tensor;
    Tensor grown(DT_FLOAT, TensorShape{acc.num_elements() + 1});
    for (int64_t k = 0; k < acc.num_elements(); ++k) grown.data<float>()[k] = acc.data<float>()[k];
    grown.data<float>()[acc.num_elements()] = static_cast<float>(i * i);
    return std::vector<Value>{V(Tensor::Scalar<int32_t>(i + 1)), V(grown)};
  });
  OpRunner r("While", "loop/while");
  SetUpLoop(r, &rt, {DT_INT32, DT_FLOAT});
  auto out = r.Run({Tensor::Scalar<int32_t>(0), Tensor(DT_FLOAT, TensorShape{0})},
                   KernelVariant::kReference);
  ASSERT_TRUE(out.ok()) << out.status();
  const Tensor& acc = (*out)[1];
  ASSERT_EQ(acc.shape(), (TensorShape{kN}));
  double sum = 0;
  for (int k = 0; k < kN; ++k) {
    EXPECT_EQ(acc.data<float>()[k], static_cast<float>(k * k));
    sum += acc.data<float>()[k];
  }
  EXPECT_EQ(sum, kN * (kN - 1) * (2 * kN - 1) / 6);
}

// TF's ToBool: non-scalars are true when non-empty; strings when non-empty.
TEST(While, ConditionConversions) {
  struct Case {
    Tensor cond;
    bool loops;
  };
  Tensor empty_string(tensorflow::DT_STRING, TensorShape{});
  Tensor word(tensorflow::DT_STRING, TensorShape{});
  word.data<std::string>()[0] = "x";
  const Case cases[] = {{Tensor::Scalar<float>(0.5f), true},
                        {Tensor::Scalar<float>(0), false},
                        {Tensor(DT_FLOAT, TensorShape{2}), true},
                        {Tensor(DT_FLOAT, TensorShape{0}), false},
                        {word, true},
                        {empty_string, false}};
  for (const Case& c : cases) {
    FakeRuntime rt;
    // Loops at most once: the body makes the counter 1, and cond then says false.
    rt.Add("cond", 1, 1, [&](const std::vector<Value>& v) {
      return std::vector<Value>{V(I32(v[0]) == 0 ? c.cond : Tensor::Scalar<bool>(false))};
    });
    rt.Add("body", 1, 1, [](const std::vector<Value>& v) {
      return std::vector<Value>{V(Tensor::Scalar<int32_t>(I32(v[0]) + 1))};
    });
    OpRunner r("While", "loop/while");
    SetUpLoop(r, &rt, {DT_INT32});
    auto out = r.Run({Tensor::Scalar<int32_t>(0)}, KernelVariant::kReference);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ((*out)[0].data<int32_t>()[0], c.loops ? 1 : 0) << c.cond.DebugString();
  }
}

TEST(While, ErrorsNameTheNodeAndIteration) {
  FakeRuntime rt;
  rt.Add("cond", 1, 1, [](const std::vector<Value>& v) {
    return std::vector<Value>{V(Tensor::Scalar<bool>(true))};
  });
  rt.Add("body", 1, 1, [](const std::vector<Value>& v) -> absl::StatusOr<std::vector<Value>> {
    if (I32(v[0]) == 2) return absl::InvalidArgumentError("corrupt JPEG data");
    return std::vector<Value>{V(Tensor::Scalar<int32_t>(I32(v[0]) + 1))};
  });
  OpRunner r("While", "loop/while");
  SetUpLoop(r, &rt, {DT_INT32});
  auto out = r.Run({Tensor::Scalar<int32_t>(0)}, KernelVariant::kReference);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(out.status().message(), "While 'loop/while' iteration 2: corrupt JPEG data");

  rt.Add("body", 1, 1,
         [](const std::vector<Value>&) { return std::vector<Value>{V(Tensor::Scalar<float>(1))}; });
  OpRunner wrong_type("While", "loop/while");
  SetUpLoop(wrong_type, &rt, {DT_INT32});
  SS_EXPECT_ERROR_CONTAINS(wrong_type.Run({Tensor::Scalar<int32_t>(0)}, KernelVariant::kReference),
                           "body returned DT_FLOAT for loop var 0");
}

TEST(While, CreationChecksFunctions) {
  FakeRuntime rt;
  rt.Add("cond", 2, 1, [](const std::vector<Value>&) { return std::vector<Value>{}; });
  rt.Add("body", 1, 1, [](const std::vector<Value>&) { return std::vector<Value>{}; });
  OpRunner arity("While", "loop/while");
  SetUpLoop(arity, &rt, {DT_INT32, DT_INT32});
  SS_EXPECT_ERROR_CONTAINS(arity.Create({Tensor::Scalar<int32_t>(0), Tensor::Scalar<int32_t>(0)},
                                        KernelVariant::kReference),
                           "body 'body' takes 1 arguments");
  OpRunner missing("While", "w");
  missing.Attr("T", std::vector<DataType>{DT_INT32}).Attr("cond", Func("nope"));
  missing.Attr("body", Func("body")).Functions(&rt);
  SS_EXPECT_ERROR_CONTAINS(missing.Create({Tensor::Scalar<int32_t>(0)}, KernelVariant::kReference),
                           "no function 'nope'");
  OpRunner no_library("While", "loop/while");
  SetUpLoop(no_library, nullptr, {DT_INT32});
  SS_EXPECT_ERROR_CONTAINS(
      no_library.Create({Tensor::Scalar<int32_t>(0)}, KernelVariant::kReference),
      "no function library");
}

}  // namespace
}  // namespace savedserve
