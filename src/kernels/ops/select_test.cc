#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Make;
using testing_util::StringIota;
using testing_util::Values;
using testing_util::Vec;

absl::StatusOr<std::vector<Tensor>> RunSelect(const std::string& op, const Tensor& cond,
                                              const Tensor& t, const Tensor& e) {
  OpRunner r(op, "select/node");
  r.Attr("T", t.dtype());
  return r.Run({cond, t, e});
}

Tensor Select(const std::string& op, const Tensor& cond, const Tensor& t, const Tensor& e) {
  auto out = RunSelect(op, cond, t, e);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? (*out)[0] : Tensor();
}

const Tensor kThen = Make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
const Tensor kElse = Make<float>({2, 3}, {-1, -2, -3, -4, -5, -6});

TEST(Select, SameShapeCondition) {
  for (const char* op : {"Select", "SelectV2"}) {
    const Tensor cond = Make<bool>({2, 3}, {true, false, true, false, false, true});
    EXPECT_EQ(Values<float>(Select(op, cond, kThen, kElse)),
              (std::vector<float>{1, -2, 3, -4, -5, 6}));
  }
}

TEST(Select, ScalarCondition) {
  for (const char* op : {"Select", "SelectV2"}) {
    EXPECT_EQ(Values<float>(Select(op, Tensor::Scalar<bool>(false), kThen, kElse)),
              Values<float>(kElse));
  }
}

TEST(Select, VectorConditionPicksRows) {
  // Select (v1): a [2] condition on [2,3] chooses whole rows.
  const Tensor out = Select("Select", Vec<bool>({false, true}), kThen, kElse);
  EXPECT_EQ(out.shape(), TensorShape({2, 3}));
  EXPECT_EQ(Values<float>(out), (std::vector<float>{-1, -2, -3, 4, 5, 6}));
}

TEST(SelectV2, Broadcasts) {
  // A [3] condition broadcasts against the last dimension, and so do t and e.
  Tensor out = Select("SelectV2", Vec<bool>({true, false, true}), kThen, Tensor::Scalar<float>(0));
  EXPECT_EQ(Values<float>(out), (std::vector<float>{1, 0, 3, 4, 0, 6}));
  // [2,1] condition, [1,3] then, scalar else -> [2,3].
  out = Select("SelectV2", Make<bool>({2, 1}, {true, false}), Make<float>({1, 3}, {7, 8, 9}),
               Tensor::Scalar<float>(-1));
  EXPECT_EQ(out.shape(), TensorShape({2, 3}));
  EXPECT_EQ(Values<float>(out), (std::vector<float>{7, 8, 9, -1, -1, -1}));
}

TEST(Select, OtherTypes) {
  const Tensor cond = Vec<bool>({true, false});
  EXPECT_EQ(Values<int64_t>(Select("SelectV2", cond, Vec<int64_t>({1, 2}), Vec<int64_t>({3, 4}))),
            (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(Values<std::string>(Select("Select", cond, StringIota({2}), StringIota({2}))),
            (std::vector<std::string>{"0", "1"}));
  Tensor strings_else(tensorflow::DT_STRING, {2});
  strings_else.data<std::string>()[1] = "else";
  EXPECT_EQ(Values<std::string>(Select("SelectV2", cond, StringIota({2}), strings_else)),
            (std::vector<std::string>{"0", "else"}));
}

TEST(Select, ShapeErrorsNameTheNode) {
  auto out = RunSelect("Select", Vec<bool>({true, false, true}), kThen, kElse);
  SS_EXPECT_ERROR_CONTAINS(out, "condition must be a scalar");
  SS_EXPECT_ERROR_CONTAINS(out, "select/node");
  SS_EXPECT_ERROR_CONTAINS(RunSelect("Select", Vec<bool>({true, false}), kThen, Vec<float>({1, 2})),
                           "'then' and 'else' must have the same shape");
  SS_EXPECT_ERROR_CONTAINS(
      RunSelect("SelectV2", Vec<bool>({true, false}), kThen, Tensor::Scalar<float>(0)),
      "Incompatible shapes: [2] vs. [2,3] vs. []");
  SS_EXPECT_ERROR_CONTAINS(
      RunSelect("SelectV2", Vec<float>({1, 0}), Vec<float>({1, 2}), Vec<float>({1, 2})),
      "input 0 is DT_FLOAT");
}

}  // namespace
}  // namespace savedserve
