#include "kernels/ops/strided_slice.h"

#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Iota;
using testing_util::StringIota;
using testing_util::Values;
using testing_util::Vec;

struct Case {
  std::vector<int64_t> shape;
  std::vector<int64_t> begin, end, strides;
  std::vector<int64_t> masks;  // begin, end, ellipsis, new_axis, shrink_axis
  std::vector<int64_t> want_shape;
  std::vector<int64_t> want;
};

// Expectations from NumPy basic indexing on np.arange (the comment gives each expression);
// the spec is what TF's Python __getitem__ builds: an int i is begin i, end i+1 with its
// shrink bit; a missing slice bound sets the begin/end mask bit; `...` and None set the
// ellipsis and new-axis bits.
const std::vector<Case>& NumpyCases() {
  static const auto* cases = new std::vector<Case>{
      // np.arange(10).reshape((10,))[2:8]
      {{10}, {2}, {8}, {1}, {0, 0, 0, 0, 0}, {6}, {2, 3, 4, 5, 6, 7}},
      // np.arange(10).reshape((10,))[2:8:3]
      {{10}, {2}, {8}, {3}, {0, 0, 0, 0, 0}, {2}, {2, 5}},
      // np.arange(10).reshape((10,))[::-1]
      {{10}, {0}, {0}, {-1}, {1, 1, 0, 0, 0}, {10}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
      // np.arange(10).reshape((10,))[8:2:-2]
      {{10}, {8}, {2}, {-2}, {0, 0, 0, 0, 0}, {3}, {8, 6, 4}},
      // np.arange(10).reshape((10,))[-3:]
      {{10}, {-3}, {0}, {1}, {0, 1, 0, 0, 0}, {3}, {7, 8, 9}},
      // np.arange(10).reshape((10,))[-100:100]
      {{10}, {-100}, {100}, {1}, {0, 0, 0, 0, 0}, {10}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
      // np.arange(10).reshape((10,))[100:-100:-3]
      {{10}, {100}, {-100}, {-3}, {0, 0, 0, 0, 0}, {4}, {9, 6, 3, 0}},
      // np.arange(10).reshape((10,))[5:2]
      {{10}, {5}, {2}, {1}, {0, 0, 0, 0, 0}, {0}, {}},
      // np.arange(10).reshape((10,))[::-4]
      {{10}, {0}, {0}, {-4}, {1, 1, 0, 0, 0}, {3}, {9, 5, 1}},
      // np.arange(10).reshape((10,))[-1]
      {{10}, {-1}, {0}, {1}, {0, 0, 0, 0, 1}, {}, {9}},
      // np.arange(10).reshape((10,))[3]
      {{10}, {3}, {4}, {1}, {0, 0, 0, 0, 1}, {}, {3}},
      // np.arange(10).reshape((10,))[3:3]
      {{10}, {3}, {3}, {1}, {0, 0, 0, 0, 0}, {0}, {}},
      // np.arange(12).reshape((3, 4))[1]
      {{3, 4}, {1}, {2}, {1}, {0, 0, 0, 0, 1}, {4}, {4, 5, 6, 7}},
      // np.arange(12).reshape((3, 4))[:, -1]
      {{3, 4}, {0, -1}, {0, 0}, {1, 1}, {1, 1, 0, 0, 2}, {3}, {3, 7, 11}},
      // np.arange(12).reshape((3, 4))[::-1, ::-1]
      {{3, 4},
       {0, 0},
       {0, 0},
       {-1, -1},
       {3, 3, 0, 0, 0},
       {3, 4},
       {11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
      // np.arange(12).reshape((3, 4))[None, 1:3, None]
      {{3, 4},
       {0, 1, 0},
       {0, 3, 0},
       {1, 1, 1},
       {0, 0, 0, 5, 0},
       {1, 2, 1, 4},
       {4, 5, 6, 7, 8, 9, 10, 11}},
      // np.arange(12).reshape((3, 4))[..., None]
      {{3, 4},
       {0, 0},
       {0, 0},
       {1, 1},
       {0, 0, 1, 2, 0},
       {3, 4, 1},
       {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
      // np.arange(12).reshape((3, 4))[None, ...]
      {{3, 4},
       {0, 0},
       {0, 0},
       {1, 1},
       {0, 0, 2, 1, 0},
       {1, 3, 4},
       {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
      // np.arange(12).reshape((3, 4))[..., 2]
      {{3, 4}, {0, 2}, {0, 3}, {1, 1}, {0, 0, 1, 0, 2}, {3}, {2, 6, 10}},
      // np.arange(12).reshape((3, 4))[...]
      {{3, 4}, {0}, {0}, {1}, {0, 0, 1, 0, 0}, {3, 4}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
      // np.arange(12).reshape((3, 4))[]
      {{3, 4}, {}, {}, {}, {0, 0, 0, 0, 0}, {3, 4}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
      // np.arange(12).reshape((3, 4))[:]
      {{3, 4}, {0}, {0}, {1}, {1, 1, 0, 0, 0}, {3, 4}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
      // np.arange(24).reshape((2, 3, 4))[1, ..., ::2]
      {{2, 3, 4},
       {1, 0, 0},
       {2, 0, 0},
       {1, 1, 2},
       {4, 4, 2, 0, 1},
       {3, 2},
       {12, 14, 16, 18, 20, 22}},
      // np.arange(24).reshape((2, 3, 4))[..., 1:2, None]
      {{2, 3, 4},
       {0, 1, 0},
       {0, 2, 0},
       {1, 1, 1},
       {0, 0, 1, 4, 0},
       {2, 3, 1, 1},
       {1, 5, 9, 13, 17, 21}},
      // np.arange(24).reshape((2, 3, 4))[:, None, ::-2, 0]
      {{2, 3, 4},
       {0, 0, 0, 0},
       {0, 0, 0, 1},
       {1, 1, -2, 1},
       {5, 5, 0, 2, 8},
       {2, 1, 2},
       {8, 0, 20, 12}},
      // np.arange(24).reshape((2, 3, 4))[-1, -1, -1]
      {{2, 3, 4}, {-1, -1, -1}, {0, 0, 0}, {1, 1, 1}, {0, 0, 0, 0, 7}, {}, {23}},
      // np.arange(24).reshape((2, 3, 4))[None, None, 0, ..., None]
      {{2, 3, 4},
       {0, 0, 0, 0, 0},
       {0, 0, 1, 0, 0},
       {1, 1, 1, 1, 1},
       {0, 0, 8, 19, 4},
       {1, 1, 3, 4, 1},
       {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
      // np.arange(24).reshape((2, 3, 4))[1:, -2::-1]
      {{2, 3, 4},
       {1, -2},
       {0, 0},
       {1, -1},
       {0, 3, 0, 0, 0},
       {1, 2, 4},
       {16, 17, 18, 19, 12, 13, 14, 15}},
      // np.arange(24).reshape((2, 3, 4))[..., None, 3:0:-1]
      {{2, 3, 4},
       {0, 0, 3},
       {0, 0, 0},
       {1, 1, -1},
       {0, 0, 1, 2, 0},
       {2, 3, 1, 3},
       {3, 2, 1, 7, 6, 5, 11, 10, 9, 15, 14, 13, 19, 18, 17, 23, 22, 21}},
      // np.arange(120).reshape((2, 3, 4, 5))[:, ..., 1:4:2]
      {{2, 3, 4, 5},
       {0, 0, 1},
       {0, 0, 4},
       {1, 1, 2},
       {1, 1, 2, 0, 0},
       {2, 3, 4, 2},
       {1,  3,  6,  8,  11, 13, 16, 18, 21,  23,  26,  28,  31,  33,  36,  38,
        41, 43, 46, 48, 51, 53, 56, 58, 61,  63,  66,  68,  71,  73,  76,  78,
        81, 83, 86, 88, 91, 93, 96, 98, 101, 103, 106, 108, 111, 113, 116, 118}},
      // np.arange(120).reshape((2, 3, 4, 5))[0, ..., 1]
      {{2, 3, 4, 5},
       {0, 0, 1},
       {1, 0, 2},
       {1, 1, 1},
       {0, 0, 2, 0, 5},
       {3, 4},
       {1, 6, 11, 16, 21, 26, 31, 36, 41, 46, 51, 56}},
      // np.arange(120).reshape((2, 3, 4, 5))[::-1, 1, ..., None, -1::-3]
      {{2, 3, 4, 5},
       {0, 1, 0, 0, -1},
       {0, 2, 0, 0, 0},
       {-1, 1, 1, 1, -3},
       {1, 17, 4, 8, 2},
       {2, 4, 1, 2},
       {84, 81, 89, 86, 94, 91, 99, 96, 24, 21, 29, 26, 34, 31, 39, 36}},
      // np.arange(120).reshape((2, 3, 4, 5))[..., None, None]
      {{2, 3, 4, 5},
       {0, 0, 0},
       {0, 0, 0},
       {1, 1, 1},
       {0, 0, 1, 6, 0},
       {2, 3, 4, 5, 1, 1},
       {0,   1,   2,   3,   4,   5,   6,   7,   8,   9,   10,  11,  12,  13,  14,  15,  16,  17,
        18,  19,  20,  21,  22,  23,  24,  25,  26,  27,  28,  29,  30,  31,  32,  33,  34,  35,
        36,  37,  38,  39,  40,  41,  42,  43,  44,  45,  46,  47,  48,  49,  50,  51,  52,  53,
        54,  55,  56,  57,  58,  59,  60,  61,  62,  63,  64,  65,  66,  67,  68,  69,  70,  71,
        72,  73,  74,  75,  76,  77,  78,  79,  80,  81,  82,  83,  84,  85,  86,  87,  88,  89,
        90,  91,  92,  93,  94,  95,  96,  97,  98,  99,  100, 101, 102, 103, 104, 105, 106, 107,
        108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119}},
      // np.arange(120).reshape((2, 3, 4, 5))[1:2, 0:3:2, 3:0:-2, 4::-4]
      {{2, 3, 4, 5},
       {1, 0, 3, 4},
       {2, 3, 0, 0},
       {1, 2, -2, -4},
       {0, 8, 0, 0, 0},
       {1, 2, 2, 2},
       {79, 75, 69, 65, 119, 115, 109, 105}},
      // np.arange(0).reshape((2, 0, 3))[:, 1:, 1]
      {{2, 0, 3}, {0, 1, 1}, {0, 0, 2}, {1, 1, 1}, {1, 3, 0, 0, 4}, {2, 0}, {}},
      // np.arange(4).reshape((4,))[1:3, None, None]
      {{4}, {1, 0, 0}, {3, 0, 0}, {1, 1, 1}, {0, 0, 0, 6, 0}, {2, 1, 1}, {1, 2}},
      // np.arange(1).reshape(())[...]
      {{}, {0}, {0}, {1}, {0, 0, 1, 0, 0}, {}, {0}},
      // np.arange(1).reshape(())[None]
      {{}, {0}, {0}, {1}, {0, 0, 0, 1, 0}, {1}, {0}},
      // np.arange(1).reshape(())[]
      {{}, {}, {}, {}, {0, 0, 0, 0, 0}, {}, {0}},
  };
  return *cases;
}

absl::StatusOr<Tensor> StridedSlice(const Tensor& in, const std::vector<int64_t>& begin,
                                    const std::vector<int64_t>& end,
                                    const std::vector<int64_t>& strides,
                                    const std::vector<int64_t>& masks) {
  OpRunner r("StridedSlice", "ss");
  const char* names[5] = {"begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask",
                          "shrink_axis_mask"};
  for (int i = 0; i < 5; ++i) {
    if (masks[i] != 0) r.Attr(names[i], masks[i]);
  }
  auto out = r.Run({in, Vec<int64_t>(begin), Vec<int64_t>(end), Vec<int64_t>(strides)});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(StridedSlice, MatchesNumpyBasicIndexing) {
  for (const Case& c : NumpyCases()) {
    Tensor in = Iota<int64_t>(TensorShape(c.shape));
    auto out = StridedSlice(in, c.begin, c.end, c.strides, c.masks);
    ASSERT_TRUE(out.ok()) << out.status() << " for input " << TensorShape(c.shape).DebugString()
                          << " begin " << Vec<int64_t>(c.begin).DebugString();
    EXPECT_EQ(out->shape(), TensorShape(c.want_shape))
        << "input " << TensorShape(c.shape).DebugString() << " begin "
        << Vec<int64_t>(c.begin).DebugString();
    EXPECT_EQ(Values<int64_t>(*out), c.want) << "input " << TensorShape(c.shape).DebugString()
                                             << " begin " << Vec<int64_t>(c.begin).DebugString();
  }
}

TEST(StridedSlice, StringsAndInt32Spec) {
  // np.arange(12).reshape(3, 4)[::-1, 1]
  OpRunner r("StridedSlice");
  r.Attr("begin_mask", 1).Attr("end_mask", 1).Attr("shrink_axis_mask", 2);
  auto out = r.Run(
      {StringIota({3, 4}), Vec<int32_t>({0, 1}), Vec<int32_t>({0, 2}), Vec<int32_t>({-1, 1})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>((*out)[0]), (std::vector<std::string>{"9", "5", "1"}));
}

TEST(StridedSlice, IdentitySharesBuffer) {
  Tensor in = Iota<float>({3, 4});
  auto out = StridedSlice(in, {0}, {0}, {1}, {1, 1, 0, 0, 0});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->SharesBufferWith(in));
  out = StridedSlice(in, {0, 0}, {3, 4}, {1, 1}, {0, 0, 0, 1, 0});  // x[None, 0:4]
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({1, 3, 4}));
}

TEST(StridedSlice, Errors) {
  Tensor in = Iota<float>({3, 4});
  SS_EXPECT_ERROR_CONTAINS(StridedSlice(in, {0}, {2}, {0}, {0, 0, 0, 0, 0}),
                           "stride of dimension 0 is 0");
  SS_EXPECT_ERROR_CONTAINS(StridedSlice(in, {3}, {4}, {1}, {0, 0, 0, 0, 1}),
                           "index 3 of dimension 0 is out of bounds for size 3");
  SS_EXPECT_ERROR_CONTAINS(StridedSlice(in, {-4}, {-3}, {1}, {0, 0, 0, 0, 1}), "out of bounds");
  SS_EXPECT_ERROR_CONTAINS(StridedSlice(in, {0, 0}, {0, 0}, {1, 1}, {0, 0, 3, 0, 0}),
                           "multiple ellipses");
  SS_EXPECT_ERROR_CONTAINS(StridedSlice(in, {0, 0, 0}, {1, 1, 1}, {1, 1, 1}, {0, 0, 0, 0, 0}),
                           "more indices than the input's 2 dimensions");
  SS_EXPECT_ERROR_CONTAINS(StridedSlice(in, {1}, {0}, {-1}, {0, 0, 0, 0, 1}), "negative stride");
  SS_EXPECT_ERROR_CONTAINS(StridedSlice(in, {0, 0}, {1}, {1, 1}, {0, 0, 0, 0, 0}), "equal lengths");
  std::vector<int64_t> long_spec(40, 0), ones(40, 1);
  SS_EXPECT_ERROR_CONTAINS(StridedSlice(in, long_spec, long_spec, ones, {0, 0, 0, 0, 0}),
                           "below 32");
}

TEST(StridedSlice, ExtremeIndicesDoNotOverflow) {
  Tensor in = Iota<float>({5});
  const int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  auto out = StridedSlice(in, {lo}, {hi}, {hi}, {0, 0, 0, 0, 0});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0}));
  out = StridedSlice(in, {hi}, {lo}, {lo}, {0, 0, 0, 0, 0});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{4}));
  SS_EXPECT_ERROR_CONTAINS(StridedSlice(in, {hi}, {lo}, {1}, {0, 0, 0, 0, 1}), "out of bounds");
  SS_EXPECT_ERROR_CONTAINS(StridedSlice(in, {lo}, {lo}, {1}, {0, 0, 0, 0, 1}), "out of bounds");
}

TEST(StridedSlice, PlanReportsShapes) {
  // x[1:, ..., None] on [4, 5, 6]: processing [3, 5, 6], final [3, 5, 6, 1].
  auto plan = PlanStridedSlice(TensorShape({4, 5, 6}), {1, 0, 0}, {0, 0, 0}, {1, 1, 1},
                               StridedSliceMasks{.end = 1, .ellipsis = 2, .new_axis = 4});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->processing_dims, (std::vector<int64_t>{3, 5, 6}));
  EXPECT_EQ(plan->final_dims, (std::vector<int64_t>{3, 5, 6, 1}));
  EXPECT_FALSE(plan->is_identity);
}

}  // namespace
}  // namespace savedserve
