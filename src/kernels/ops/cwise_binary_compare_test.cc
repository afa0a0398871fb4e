#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Make;
using testing_util::Vec;

absl::StatusOr<std::vector<Tensor>> RunCompare(const std::string& op, const Tensor& a,
                                               const Tensor& b) {
  OpRunner r(op, "cmp/node");
  r.Attr("T", a.dtype());
  return r.Run({a, b}, KernelVariant::kReference);
}

std::vector<bool> Bools(const Tensor& t) {
  return std::vector<bool>(t.data<bool>(), t.data<bool>() + t.num_elements());
}

// Each op against the C++ operator on every pair, with a NaN (always false).
TEST(CwiseCompare, MatchesOperatorsIncludingNan) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> xs = {1, 2, 3, nan, -0.0f, nan};
  const std::vector<float> ys = {2, 2, 1, 1, 0.0f, nan};
  struct Case {
    std::string op;
    bool (*fn)(float, float);
  };
  const Case cases[] = {{"Less", [](float a, float b) { return a < b; }},
                        {"LessEqual", [](float a, float b) { return a <= b; }},
                        {"Greater", [](float a, float b) { return a > b; }},
                        {"GreaterEqual", [](float a, float b) { return a >= b; }},
                        {"Equal", [](float a, float b) { return a == b; }},
                        {"NotEqual", [](float a, float b) { return a != b; }}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.op);
    auto out = RunCompare(c.op, Vec<float>(xs), Vec<float>(ys));
    ASSERT_TRUE(out.ok()) << out.status();
    ASSERT_EQ((*out)[0].dtype(), tensorflow::DT_BOOL);
    std::vector<bool> expected;
    for (size_t i = 0; i < xs.size(); ++i) expected.push_back(c.fn(xs[i], ys[i]));
    EXPECT_EQ(Bools((*out)[0]), expected);
  }
}

TEST(CwiseCompare, BroadcastsAndTypes) {
  // [2,3] < [3]: row-wise against the vector.
  auto out = RunCompare("Less", Make<int32_t>(TensorShape{2, 3}, {0, 5, 2, 7, 1, 9}),
                        Vec<int32_t>({1, 5, 3}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), (TensorShape{2, 3}));
  EXPECT_EQ(Bools((*out)[0]), (std::vector<bool>{true, false, true, false, true, false}));
  // Scalars, as a loop condition compares its counter.
  auto scalar = RunCompare("Less", Tensor::Scalar<int64_t>(3), Tensor::Scalar<int64_t>(4));
  ASSERT_TRUE(scalar.ok()) << scalar.status();
  EXPECT_EQ((*scalar)[0].shape().rank(), 0);
  EXPECT_TRUE((*scalar)[0].data<bool>()[0]);
  // Empty broadcast output.
  auto empty =
      RunCompare("Greater", Tensor(tensorflow::DT_FLOAT, TensorShape{0, 3}), Vec<float>({1, 2, 3}));
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ((*empty)[0].shape(), (TensorShape{0, 3}));
}

TEST(CwiseCompare, Errors) {
  SS_EXPECT_ERROR_CONTAINS(RunCompare("Less", Vec<float>({1, 2}), Vec<float>({1, 2, 3})),
                           "cmp/node");
  OpRunner r("Less", "cmp/strings");
  r.Attr("T", tensorflow::DT_STRING);
  SS_EXPECT_ERROR_CONTAINS(r.Run({Tensor(tensorflow::DT_STRING, TensorShape{}),
                                  Tensor(tensorflow::DT_STRING, TensorShape{})}),
                           "unsupported dtype");
}

TEST(CwiseCompare, EqualityOfEveryType) {
  auto ints =
      RunCompare("Equal", Make<int64_t>(TensorShape{2, 2}, {1, 2, 3, 4}), Vec<int64_t>({1, 4}));
  ASSERT_TRUE(ints.ok()) << ints.status();
  EXPECT_EQ(Bools((*ints)[0]), (std::vector<bool>{true, false, false, true}));
  auto flags =
      RunCompare("NotEqual", Vec<bool>({true, false, true}), Vec<bool>({true, true, false}));
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_EQ(Bools((*flags)[0]), (std::vector<bool>{false, true, true}));
  Tensor words(tensorflow::DT_STRING, TensorShape{3});
  words.data<std::string>()[0] = "a";
  words.data<std::string>()[1] = "";
  words.data<std::string>()[2] = "abc";
  Tensor word(tensorflow::DT_STRING, TensorShape{});
  word.data<std::string>()[0] = "abc";
  auto strings = RunCompare("Equal", words, word);
  ASSERT_TRUE(strings.ok()) << strings.status();
  EXPECT_EQ(Bools((*strings)[0]), (std::vector<bool>{false, false, true}));
}

// incompatible_shape_error=false: shapes that do not broadcast compare as a whole, giving a
// scalar (Equal false, NotEqual true); compatible shapes broadcast as usual.
TEST(CwiseCompare, IncompatibleShapeErrorFalse) {
  for (const char* op : {"Equal", "NotEqual"}) {
    OpRunner r(op, "cmp/node");
    r.Attr("T", tensorflow::DT_FLOAT).Attr("incompatible_shape_error", false);
    auto out = r.Run({Vec<float>({1, 2}), Vec<float>({1, 2, 3})});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ((*out)[0].shape(), TensorShape{});
    EXPECT_EQ((*out)[0].data<bool>()[0], std::string(op) == "NotEqual");
    out = r.Run({Vec<float>({1, 2}), Tensor::Scalar<float>(2)});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(Bools((*out)[0]), (std::string(op) == "Equal" ? std::vector<bool>{false, true}
                                                            : std::vector<bool>{true, false}));
    SS_EXPECT_ERROR_CONTAINS(RunCompare(op, Vec<float>({1, 2}), Vec<float>({1, 2, 3})),
                             "Incompatible shapes: [2] vs. [3]");
  }
}

TEST(CwiseCompare, LogicalOps) {
  const Tensor a = Make<bool>(TensorShape{2, 2}, {true, true, false, false});
  const Tensor b = Vec<bool>({true, false});
  for (const auto& [op, want] : std::vector<std::pair<std::string, std::vector<bool>>>{
           {"LogicalAnd", {true, false, false, false}}, {"LogicalOr", {true, true, true, false}}}) {
    OpRunner r(op, "logic/node");  // no type attribute: the inputs are DT_BOOL
    auto out = r.Run({a, b}, KernelVariant::kReference);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ((*out)[0].shape(), (TensorShape{2, 2}));
    EXPECT_EQ(Bools((*out)[0]), want) << op;
    SS_EXPECT_ERROR_CONTAINS(r.Run({Vec<float>({1}), Vec<float>({1})}), "input 0 is DT_FLOAT");
  }
}

}  // namespace
}  // namespace savedserve
