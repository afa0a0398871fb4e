// AddN against sums worked by hand.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"
#include "kernels/ops/math_test_util.h"

namespace savedserve {
namespace {

using testing_util::AsDoubles;
using testing_util::Make;
using testing_util::MakeAs;
using testing_util::Values;
using testing_util::Vec;

absl::StatusOr<std::vector<Tensor>> RunAddN(const std::vector<Tensor>& inputs) {
  OpRunner r("AddN", "addn/node");
  r.Attr("T", inputs[0].dtype()).Attr("N", static_cast<int>(inputs.size()));
  return r.Run(inputs, KernelVariant::kReference);
}

TEST(AddN, SumsAnyNumberOfInputs) {
  const Tensor a = Make<float>({2, 2}, {1, 2, 3, 4});
  const Tensor b = Make<float>({2, 2}, {10, 20, 30, 40});
  const Tensor c = Make<float>({2, 2}, {-1, -1, 0.5f, 0});
  auto one = RunAddN({a});
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(Values<float>((*one)[0]), (std::vector<float>{1, 2, 3, 4}));
  auto three = RunAddN({a, b, c});
  ASSERT_TRUE(three.ok()) << three.status();
  EXPECT_EQ((*three)[0].shape(), TensorShape({2, 2}));
  EXPECT_EQ(Values<float>((*three)[0]), (std::vector<float>{10, 21, 33.5f, 44}));
  // Ten inputs (TF's kernel adds them in blocks of up to eight).
  auto ten = RunAddN(std::vector<Tensor>(10, Vec<int64_t>({1, -2})));
  ASSERT_TRUE(ten.ok()) << ten.status();
  EXPECT_EQ(Values<int64_t>((*ten)[0]), (std::vector<int64_t>{10, -20}));
}

TEST(AddN, FoldsLeftToRightInTheElementType) {
  // In half, 2048 + 1 rounds back to 2048 each time; float would give 2050.
  auto out =
      RunAddN({MakeAs(tensorflow::DT_HALF, {1}, {2048}), MakeAs(tensorflow::DT_HALF, {1}, {1}),
               MakeAs(tensorflow::DT_HALF, {1}, {1})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(AsDoubles((*out)[0]), std::vector<double>{2048});
  auto wrapped = RunAddN({Vec<uint8_t>({200}), Vec<uint8_t>({100})});
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(Values<uint8_t>((*wrapped)[0]), std::vector<uint8_t>{44});
}

TEST(AddN, ShapesMustMatch) {
  auto out = RunAddN({Vec<float>({1, 2}), Vec<float>({1, 2}), Make<float>({2, 1}, {1, 2})});
  SS_EXPECT_ERROR_CONTAINS(
      out, "Inputs must have the same size and shape. Input 0: [2] != input 2: [2,1]");
  SS_EXPECT_ERROR_CONTAINS(out, "addn/node");
  SS_EXPECT_ERROR_CONTAINS(RunAddN({Vec<float>({1}), Vec<int32_t>({1})}), "input 1 is DT_INT32");
}

}  // namespace
}  // namespace savedserve
