// Bucketize against buckets worked by hand (numpy.digitize(x, boundaries, right=False)
// agrees: the count of boundaries <= x).
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
using testing_util::Values;
using testing_util::Vec;

absl::StatusOr<std::vector<Tensor>> RunBucketize(const Tensor& x,
                                                 const std::vector<float>& boundaries) {
  tensorflow::AttrValue attr;
  for (float b : boundaries) attr.mutable_list()->add_f(b);
  OpRunner r("Bucketize", "bucketize/node");
  r.Attr("T", x.dtype()).Attr("boundaries", attr);
  return r.Run({x}, KernelVariant::kReference);
}

TEST(Bucketize, CountsBoundariesAtOrBelow) {
  // TF's documented example: boundaries [0, 10, 100].
  auto out = RunBucketize(Make<int32_t>({2, 3}, {-5, 10000, 150, 10, 5, 100}), {0, 10, 100});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dtype(), tensorflow::DT_INT32);
  EXPECT_EQ((*out)[0].shape(), TensorShape({2, 3}));
  EXPECT_EQ(Values<int32_t>((*out)[0]), (std::vector<int32_t>{0, 3, 3, 2, 1, 3}));
  // A value equal to a boundary goes above it; NaN compares below nothing.
  const float nan = std::numeric_limits<float>::quiet_NaN();
  out = RunBucketize(Vec<float>({-0.5f, 0, 0.25f, 1, 1.5f, nan}), {0, 0.25f, 1});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>((*out)[0]), (std::vector<int32_t>{0, 1, 2, 3, 3, 3}));
  out = RunBucketize(Vec<double>({-1, 2}), {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>((*out)[0]), (std::vector<int32_t>{0, 0}));
  out = RunBucketize(Vec<int64_t>({3, 4}), {3.5f});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int32_t>((*out)[0]), (std::vector<int32_t>{0, 1}));
}

TEST(Bucketize, Errors) {
  SS_EXPECT_ERROR_CONTAINS(RunBucketize(Vec<float>({1}), {1, 0}), "Expected sorted boundaries");
  SS_EXPECT_ERROR_CONTAINS(RunBucketize(Vec<uint8_t>({1}), {0}), "unsupported dtype DT_UINT8");
}

}  // namespace
}  // namespace savedserve
