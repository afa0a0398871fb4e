#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"
#include "kernels/ops/math_test_util.h"
#include "kernels/ops/reduction_plan.h"

namespace savedserve {
namespace {

using testing_util::AsDoubles;
using testing_util::Iota;
using testing_util::Make;
using testing_util::MakeAs;
using testing_util::Values;
using testing_util::ValuesNear;
using testing_util::Vec;

constexpr KernelVariant kBoth[] = {KernelVariant::kReference, KernelVariant::kOptimized};
const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

absl::StatusOr<std::vector<Tensor>> RunReduce(const std::string& op, const Tensor& x,
                                              const Tensor& axes, bool keep_dims, KernelVariant v,
                                              int threads = 1) {
  OpRunner r(op, "reduce/node");
  r.Attr("T", x.dtype()).Attr("Tidx", axes.dtype()).Attr("keep_dims", keep_dims);
  r.Threads(threads);
  return r.Run({x, axes}, v);
}

Tensor Reduce(const std::string& op, const Tensor& x, const Tensor& axes, bool keep_dims,
              KernelVariant v) {
  auto out = RunReduce(op, x, axes, keep_dims, v);
  EXPECT_TRUE(out.ok()) << op << ": " << out.status();
  return out.ok() ? (*out)[0] : Tensor();
}

TEST(ReductionPlan, MergesAxesIntoThreeDims) {
  auto plan = ReductionPlan::Create(TensorShape({2, 3, 4, 5}), std::vector<int64_t>{1, 2}, false);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->IsThreeDim());
  EXPECT_EQ(plan->outer_size(), 2);
  EXPECT_EQ(plan->reduced_size(), 12);
  EXPECT_EQ(plan->inner_size(), 5);
  EXPECT_EQ(plan->output_shape(), TensorShape({2, 5}));
  // Size-1 dims do not split a run: reducing 0 and 2 of [3, 1, 4] is reducing everything.
  plan = ReductionPlan::Create(TensorShape({3, 1, 4}), std::vector<int64_t>{0, -1}, true);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->IsThreeDim());
  EXPECT_EQ(plan->output_size(), 1);
  EXPECT_EQ(plan->output_shape(), TensorShape({1, 1, 1}));
  plan = ReductionPlan::Create(TensorShape({2, 3, 4}), std::vector<int64_t>{0, 2}, false);
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->IsThreeDim());
  std::vector<int64_t> outputs;
  plan->ForEachElement([&](int64_t, int64_t o) { outputs.push_back(o); });
  ASSERT_EQ(outputs.size(), 24u);
  EXPECT_EQ(outputs[0], 0);
  EXPECT_EQ(outputs[4], 1);   // [0,1,0]
  EXPECT_EQ(outputs[12], 0);  // [1,0,0]
  EXPECT_EQ(outputs[23], 2);  // [1,2,3]
}

TEST(ReductionPlan, RejectsBadAxes) {
  EXPECT_FALSE(ReductionPlan::Create(TensorShape({2, 3}), std::vector<int64_t>{2}, false).ok());
  EXPECT_FALSE(ReductionPlan::Create(TensorShape({2, 3}), std::vector<int64_t>{-3}, false).ok());
  EXPECT_FALSE(ReductionPlan::Create(TensorShape({2, 3}), std::vector<int64_t>{1, -1}, false).ok());
  EXPECT_FALSE(ReductionPlan::Create(TensorShape({}), std::vector<int64_t>{0}, false).ok());
}

TEST(Reduction, HandComputedMatrix) {
  // [[1, 2, 3], [4, 5, 6]]
  const Tensor x = Make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  struct Case {
    std::string op;
    std::vector<int32_t> axes;
    bool keep_dims;
    TensorShape shape;
    std::vector<float> want;
  };
  const std::vector<Case> cases = {
      {"Sum", {0}, false, {3}, {5, 7, 9}},
      {"Sum", {1}, false, {2}, {6, 15}},
      {"Sum", {-1}, true, {2, 1}, {6, 15}},
      {"Sum", {0, 1}, false, {}, {21}},
      {"Sum", {1, 0}, true, {1, 1}, {21}},
      {"Sum", {}, false, {2, 3}, {1, 2, 3, 4, 5, 6}},
      {"Mean", {0}, false, {3}, {2.5f, 3.5f, 4.5f}},
      {"Mean", {1}, true, {2, 1}, {2, 5}},
      {"Mean", {0, 1}, false, {}, {3.5f}},
      {"Max", {0}, false, {3}, {4, 5, 6}},
      {"Max", {-1}, false, {2}, {3, 6}},
      {"Max", {0, -1}, true, {1, 1}, {6}},
  };
  for (const Case& c : cases) {
    for (KernelVariant v : kBoth) {
      Tensor out = Reduce(c.op, x, Vec<int32_t>(c.axes), c.keep_dims, v);
      EXPECT_EQ(out.shape(), c.shape) << c.op;
      EXPECT_EQ(Values<float>(out), c.want) << c.op << " axes " << c.axes.size();
    }
  }
}

TEST(Reduction, ScalarAndInt64Axes) {
  const Tensor x = Iota<float>({2, 3, 4});
  for (KernelVariant v : kBoth) {
    Tensor out = Reduce("Sum", x, Tensor::Scalar<int64_t>(1), false, v);
    EXPECT_EQ(out.shape(), TensorShape({2, 4}));
    // out[i, k] = sum_j (12 i + 4 j + k) = 36 i + 12 + 3 k
    EXPECT_EQ(Values<float>(out), (std::vector<float>{12, 15, 18, 21, 48, 51, 54, 57}));
    // Non-adjacent axes 0 and 2: max is at i = 1, k = 3; sum is 60 + 32 j.
    out = Reduce("Max", x, Vec<int64_t>({0, 2}), true, v);
    EXPECT_EQ(out.shape(), TensorShape({1, 3, 1}));
    EXPECT_EQ(Values<float>(out), (std::vector<float>{15, 19, 23}));
    out = Reduce("Sum", x, Vec<int64_t>({2, 0}), false, v);
    EXPECT_EQ(Values<float>(out), (std::vector<float>{60, 92, 124}));
  }
}

TEST(Reduction, EmptyReductionsGiveTheIdentity) {
  const Tensor x(tensorflow::DT_FLOAT, {0, 3});
  for (KernelVariant v : kBoth) {
    EXPECT_EQ(Values<float>(Reduce("Sum", x, Vec<int32_t>({0}), false, v)),
              (std::vector<float>{0, 0, 0}));
    EXPECT_EQ(Values<float>(Reduce("Max", x, Vec<int32_t>({0}), false, v)),
              (std::vector<float>{-kInf, -kInf, -kInf}));
    for (float m : Values<float>(Reduce("Mean", x, Vec<int32_t>({0}), false, v))) {
      EXPECT_TRUE(std::isnan(m));
    }
    EXPECT_EQ(Reduce("Sum", x, Vec<int32_t>({1}), false, v).shape(), TensorShape({0}));
  }
  const Tensor ints(tensorflow::DT_INT32, {0, 2});
  EXPECT_EQ(Values<int32_t>(Reduce("Mean", ints, Vec<int32_t>({0}), false, kBoth[1])),
            (std::vector<int32_t>{0, 0}));
  EXPECT_EQ(Values<int32_t>(Reduce("Max", ints, Vec<int32_t>({0}), false, kBoth[1])),
            (std::vector<int32_t>(2, std::numeric_limits<int32_t>::min())));
}

TEST(Reduction, MaxPropagatesNan) {
  const Tensor x = Make<float>({2, 3}, {1, kNan, 3, 4, 5, 6});
  for (KernelVariant v : kBoth) {
    std::vector<float> rows = Values<float>(Reduce("Max", x, Vec<int32_t>({1}), false, v));
    EXPECT_TRUE(std::isnan(rows[0]));
    EXPECT_EQ(rows[1], 6);
    std::vector<float> cols = Values<float>(Reduce("Max", x, Vec<int32_t>({0}), false, v));
    EXPECT_EQ(cols[0], 4);
    EXPECT_TRUE(std::isnan(cols[1]));
    EXPECT_EQ(cols[2], 6);
  }
}

TEST(Reduction, OtherTypes) {
  for (DataType dtype : {tensorflow::DT_DOUBLE, tensorflow::DT_HALF, tensorflow::DT_BFLOAT16,
                         tensorflow::DT_INT32, tensorflow::DT_INT64, tensorflow::DT_UINT8}) {
    const Tensor x = MakeAs(dtype, {2, 2}, {1, 2, 3, 5});
    EXPECT_EQ(AsDoubles(Reduce("Sum", x, Vec<int32_t>({0}), false, kBoth[1])),
              (std::vector<double>{4, 7}));
    EXPECT_EQ(AsDoubles(Reduce("Max", x, Vec<int32_t>({1}), false, kBoth[1])),
              (std::vector<double>{2, 5}));
    const bool is_int = dtype == tensorflow::DT_INT32 || dtype == tensorflow::DT_INT64 ||
                        dtype == tensorflow::DT_UINT8;
    // Integer means truncate: (1 + 2) / 2 = 1.
    EXPECT_EQ(AsDoubles(Reduce("Mean", x, Vec<int32_t>({1}), false, kBoth[1])),
              (std::vector<double>{is_int ? 1 : 1.5, 4}));
  }
}

TEST(Reduction, ProdAndMin) {
  // [[1, 2, 3], [4, 5, 6]]
  const Tensor x = Make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(Values<float>(Reduce("Prod", x, Vec<int32_t>({0}), false, kBoth[1])),
            (std::vector<float>{4, 10, 18}));
  EXPECT_EQ(Values<float>(Reduce("Prod", x, Vec<int32_t>({-1}), true, kBoth[1])),
            (std::vector<float>{6, 120}));
  EXPECT_EQ(Values<float>(Reduce("Prod", x, Vec<int32_t>({0, 1}), false, kBoth[1])),
            (std::vector<float>{720}));
  EXPECT_EQ(Values<float>(Reduce("Min", x, Vec<int32_t>({0}), false, kBoth[1])),
            (std::vector<float>{1, 2, 3}));
  Tensor out = Reduce("Min", x, Vec<int64_t>({1}), true, kBoth[1]);
  EXPECT_EQ(out.shape(), TensorShape({2, 1}));
  EXPECT_EQ(Values<float>(out), (std::vector<float>{1, 4}));
  // Integers: products wrap; NaN propagates through Min; empty reductions give 1 and +inf.
  EXPECT_EQ(Values<int32_t>(Reduce("Prod", Vec<int32_t>({65536, 65536, 3}), Vec<int32_t>({0}),
                                   false, kBoth[1])),
            std::vector<int32_t>{0});
  EXPECT_EQ(
      Values<uint8_t>(Reduce("Min", Vec<uint8_t>({200, 7, 9}), Vec<int32_t>({0}), false, kBoth[1])),
      std::vector<uint8_t>{7});
  EXPECT_TRUE(std::isnan(Values<float>(
      Reduce("Min", Vec<float>({1, kNan, -3}), Vec<int32_t>({0}), false, kBoth[1]))[0]));
  const Tensor empty(tensorflow::DT_FLOAT, {0, 2});
  EXPECT_EQ(Values<float>(Reduce("Prod", empty, Vec<int32_t>({0}), false, kBoth[1])),
            (std::vector<float>{1, 1}));
  EXPECT_EQ(Values<float>(Reduce("Min", empty, Vec<int32_t>({0}), false, kBoth[1])),
            (std::vector<float>{kInf, kInf}));
  EXPECT_EQ(Values<int16_t>(Reduce("Min", Tensor(tensorflow::DT_INT16, {0}), Vec<int32_t>({0}),
                                   false, kBoth[1])),
            std::vector<int16_t>{std::numeric_limits<int16_t>::max()});
  EXPECT_EQ(AsDoubles(Reduce("Prod", MakeAs(tensorflow::DT_HALF, {3}, {0.5, 3, -4}),
                             Vec<int32_t>({0}), false, kBoth[1])),
            std::vector<double>{-6});
}

TEST(Reduction, EuclideanNorm) {
  // [[3, 4, 0], [-5, 12, 0]]: rows 5 and 13; columns sqrt(34), sqrt(160), 0.
  const Tensor x = Make<float>({2, 3}, {3, 4, 0, -5, 12, 0});
  EXPECT_EQ(Values<float>(Reduce("EuclideanNorm", x, Vec<int32_t>({1}), false, kBoth[1])),
            (std::vector<float>{5, 13}));
  EXPECT_TRUE(ValuesNear(
      Reduce("EuclideanNorm", x, Vec<int32_t>({0}), true, kBoth[1]),
      MakeAs(tensorflow::DT_FLOAT, {1, 3}, {std::sqrt(34.0), std::sqrt(160.0), 0}), 1e-7));
  EXPECT_EQ(Values<float>(Reduce("EuclideanNorm", Tensor(tensorflow::DT_FLOAT, {0}),
                                 Vec<int32_t>({0}), false, kBoth[1])),
            std::vector<float>{0});
  // Integers truncate the root: sqrt(1 + 4 + 4) = 3, sqrt(2 * 2 + 1) = 2.
  EXPECT_EQ(Values<int32_t>(Reduce("EuclideanNorm", Make<int32_t>({2, 3}, {1, -2, 2, 2, 0, 1}),
                                   Vec<int32_t>({1}), false, kBoth[1])),
            (std::vector<int32_t>{3, 2}));
}

TEST(Reduction, AnyAndAll) {
  // [[T, F, F], [T, T, T]]; Any and All have no T attribute (their input is DT_BOOL).
  const Tensor x = Make<bool>({2, 3}, {true, false, false, true, true, true});
  const auto run = [&](const std::string& op, const Tensor& in, std::vector<int32_t> axes,
                       bool keep_dims) {
    OpRunner r(op, "reduce/node");
    r.Attr("keep_dims", keep_dims);
    auto out = r.Run({in, Vec<int32_t>(axes)});
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? (*out)[0] : Tensor();
  };
  EXPECT_EQ(Values<bool>(run("Any", x, {0}, false)), (std::vector<bool>{true, true, true}));
  EXPECT_EQ(Values<bool>(run("All", x, {0}, false)), (std::vector<bool>{true, false, false}));
  Tensor rows = run("All", x, {-1}, true);
  EXPECT_EQ(rows.shape(), TensorShape({2, 1}));
  EXPECT_EQ(Values<bool>(rows), (std::vector<bool>{false, true}));
  EXPECT_EQ(Values<bool>(run("Any", x, {0, 1}, false)), std::vector<bool>{true});
  const Tensor empty(tensorflow::DT_BOOL, {0, 2});
  EXPECT_EQ(Values<bool>(run("Any", empty, {0}, false)), (std::vector<bool>{false, false}));
  EXPECT_EQ(Values<bool>(run("All", empty, {0}, false)), (std::vector<bool>{true, true}));
  OpRunner r("Any", "reduce/node");
  SS_EXPECT_ERROR_CONTAINS(r.Run({Vec<float>({1}), Vec<int32_t>({0})}), "input 0 is DT_FLOAT");
}

TEST(Reduction, BadAxesNameTheNode) {
  const Tensor x = Make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  for (KernelVariant v : kBoth) {
    auto out = RunReduce("Sum", x, Vec<int32_t>({2}), false, v);
    SS_EXPECT_ERROR_CONTAINS(out, "Invalid reduction dimension 2");
    SS_EXPECT_ERROR_CONTAINS(out, "reduce/node");
    SS_EXPECT_ERROR_CONTAINS(RunReduce("Max", x, Vec<int32_t>({0, -2}), false, v), "duplicate");
    SS_EXPECT_ERROR_CONTAINS(RunReduce("Mean", x, Vec<float>({0}), false, v), "reduction_indices");
  }
}

// The optimized float32 kernels against the reference (both accumulate sums in double, so
// sums agree to float rounding: relative tolerance 1e-6; Max exactly) for every layout the
// plan produces, including the non-three-dim fallback, on one and two threads.
TEST(Reduction, OptimizedMatchesReference) {
  const std::vector<std::pair<TensorShape, std::vector<int32_t>>> cases = {
      {{1}, {0}},
      {{7}, {0}},
      {{100003}, {0}},
      {{37, 29}, {1}},
      {{37, 29}, {0}},
      {{1000, 513}, {1}},
      {{1000, 513}, {0}},
      {{5, 300, 7}, {1}},
      {{4, 6, 8, 10}, {1, 2}},
      {{4, 6, 8, 10}, {0, 1, 2, 3}},
      {{4, 6, 8}, {0, 2}},
      {{3, 1, 17}, {0}},
      {{0, 5}, {0}},
      {{2, 3}, {}},
      {{64, 1000}, {-1}},
  };
  uint32_t seed = 11;
  for (const auto& [shape, axes] : cases) {
    Tensor x = RandomTensor(tensorflow::DT_FLOAT, shape, seed++, -2, 3);
    for (const std::string op : {"Sum", "Mean", "Max"}) {
      for (bool keep_dims : {false, true}) {
        auto ref = RunReduce(op, x, Vec<int32_t>(axes), keep_dims, KernelVariant::kReference);
        ASSERT_TRUE(ref.ok()) << ref.status();
        for (int threads : {1, 2}) {
          auto fast =
              RunReduce(op, x, Vec<int32_t>(axes), keep_dims, KernelVariant::kOptimized, threads);
          ASSERT_TRUE(fast.ok()) << fast.status();
          EXPECT_TRUE(ValuesNear((*fast)[0], (*ref)[0], op == "Max" ? 0 : 1e-6, 1e-6))
              << op << " " << shape.DebugString() << " axes " << axes.size();
        }
      }
    }
  }
}

}  // namespace
}  // namespace savedserve
