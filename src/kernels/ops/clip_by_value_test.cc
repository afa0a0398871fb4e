// ClipByValue against values worked by hand from TF's definition min(max(t, lo), hi),
// evaluated upper bound first as TF's kernel does.
#include <cmath>
#include <limits>
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

const float kNan = std::numeric_limits<float>::quiet_NaN();

absl::StatusOr<std::vector<Tensor>> RunClip(const Tensor& t, const Tensor& lo, const Tensor& hi) {
  OpRunner r("ClipByValue", "clip/node");
  r.Attr("T", t.dtype());
  return r.Run({t, lo, hi}, KernelVariant::kReference);
}

Tensor Clip(const Tensor& t, const Tensor& lo, const Tensor& hi) {
  auto out = RunClip(t, lo, hi);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? (*out)[0] : Tensor();
}

TEST(ClipByValue, ScalarBounds) {
  Tensor out = Clip(Make<float>({2, 3}, {-5, -1, 0, 0.5f, 2, 9}), Tensor::Scalar<float>(-1),
                    Tensor::Scalar<float>(1));
  EXPECT_EQ(out.shape(), TensorShape({2, 3}));
  EXPECT_EQ(Values<float>(out), (std::vector<float>{-1, -1, 0, 0.5f, 1, 1}));
}

TEST(ClipByValue, ElementwiseBounds) {
  EXPECT_EQ(Values<int32_t>(Clip(Vec<int32_t>({-5, 5, 5, 0}), Vec<int32_t>({0, 0, 6, -1}),
                                 Tensor::Scalar<int32_t>(4))),
            (std::vector<int32_t>{0, 4, 6, 0}));  // min > max gives min
  EXPECT_EQ(AsDoubles(Clip(MakeAs(tensorflow::DT_HALF, {3}, {-2, 0.25, 3}),
                           MakeAs(tensorflow::DT_HALF, {}, {0}),
                           MakeAs(tensorflow::DT_HALF, {3}, {1, 1, 2}))),
            (std::vector<double>{0, 0.25, 2}));
}

TEST(ClipByValue, NanStaysAndNanBoundsAreIgnored) {
  std::vector<float> out = Values<float>(
      Clip(Vec<float>({kNan, 3, -3}), Tensor::Scalar<float>(-1), Tensor::Scalar<float>(1)));
  EXPECT_TRUE(std::isnan(out[0]));
  EXPECT_EQ(out[1], 1);
  EXPECT_EQ(out[2], -1);
  EXPECT_EQ(Values<float>(Clip(Vec<float>({3, -3}), Tensor::Scalar<float>(kNan),
                               Tensor::Scalar<float>(kNan))),
            (std::vector<float>{3, -3}));
}

TEST(ClipByValue, BoundsMustBeScalarsOrMatchTheInput) {
  auto out =
      RunClip(Make<float>({2, 2}, {1, 2, 3, 4}), Vec<float>({0, 0}), Tensor::Scalar<float>(1));
  SS_EXPECT_ERROR_CONTAINS(out,
                           "clip_value_min and clip_value_max must be either of the same shape");
  SS_EXPECT_ERROR_CONTAINS(out, "clip/node");
  auto empty = RunClip(Tensor(tensorflow::DT_FLOAT, {0, 2}), Tensor::Scalar<float>(0),
                       Tensor::Scalar<float>(1));
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ((*empty)[0].shape(), TensorShape({0, 2}));
}

}  // namespace
}  // namespace savedserve
