#include <limits>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Values;

template <typename T>
absl::StatusOr<Tensor> Range(T start, T limit, T delta) {
  OpRunner r("Range", "range");
  auto out = r.Run({Tensor::Scalar<T>(start), Tensor::Scalar<T>(limit), Tensor::Scalar<T>(delta)});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(Range, Integers) {
  auto out = Range<int32_t>(3, 18, 3);  // np.arange(3, 18, 3)
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{3, 6, 9, 12, 15}));
  out = Range<int32_t>(5, 0, -2);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{5, 3, 1}));
  out = Range<int32_t>(4, 4, 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({0}));
  out = Range<uint8_t>(250, 255, 2);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<uint8_t>(*out), (std::vector<uint8_t>{250, 252, 254}));
  const int64_t lo = std::numeric_limits<int64_t>::min();
  auto extreme = Range<int64_t>(lo, lo + 3, std::numeric_limits<int64_t>::max());
  ASSERT_TRUE(extreme.ok()) << extreme.status();
  EXPECT_EQ(Values<int64_t>(*extreme), (std::vector<int64_t>{lo}));
}

TEST(Range, Floats) {
  auto out = Range<float>(0, 1, 0.25f);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 0.25f, 0.5f, 0.75f}));
  out = Range<float>(1, 0, -0.3f);  // ceil(1 / 0.3) = 4
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->num_elements(), 4);
  auto d = Range<double>(0.5, 2, 1);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(Values<double>(*d), (std::vector<double>{0.5, 1.5}));
}

TEST(Range, Errors) {
  SS_EXPECT_ERROR_CONTAINS(Range<int32_t>(0, 5, 0), "delta must not be 0");
  SS_EXPECT_ERROR_CONTAINS(Range<int32_t>(5, 0, 1), "requires start <= limit when delta > 0");
  SS_EXPECT_ERROR_CONTAINS(Range<int32_t>(0, 5, -1), "requires start >= limit when delta < 0");
  SS_EXPECT_ERROR_CONTAINS(Range<float>(0, std::numeric_limits<float>::infinity(), 1), "finite");
  SS_EXPECT_ERROR_CONTAINS(Range<float>(0, 1e30f, 1e-30f), "too many elements");
  auto huge = Range<int64_t>(0, std::numeric_limits<int64_t>::max(), 1);
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().code(), absl::StatusCode::kResourceExhausted) << huge.status();
  OpRunner r("Range");
  SS_EXPECT_ERROR_CONTAINS(
      r.Run({Tensor::Scalar<int32_t>(0), Tensor::Scalar<int64_t>(5), Tensor::Scalar<int32_t>(1)}),
      "limit is DT_INT64");
}

}  // namespace
}  // namespace savedserve
