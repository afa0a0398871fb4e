#include <string>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Iota;
using testing_util::Make;
using testing_util::StringIota;
using testing_util::Values;

absl::StatusOr<Tensor> GatherNd(const Tensor& params, const Tensor& indices,
                                const char* policy = nullptr) {
  OpRunner r("GatherNd", "gnd");
  if (policy != nullptr) r.Attr("bad_indices_policy", policy);
  auto out = r.Run({params, indices});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(GatherNd, SlicesAndElements) {
  // p = np.arange(24).reshape(2, 3, 4); p[tuple(i.T)] for i = [[1,2],[0,0],[1,0]]: rows.
  auto out = GatherNd(Iota<float>({2, 3, 4}), Make<int32_t>({3, 2}, {1, 2, 0, 0, 1, 0}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({3, 4}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{20, 21, 22, 23, 0, 1, 2, 3, 12, 13, 14, 15}));
  // Full index tuples under batch dims [2,1]: elements p[1,2,3] and p[0,1,2].
  out = GatherNd(Iota<int32_t>({2, 3, 4}), Make<int64_t>({2, 1, 3}, {1, 2, 3, 0, 1, 2}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 1}));
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{23, 6}));
}

TEST(GatherNd, EmptyTuplesStringsAndNoRows) {
  // Index depth 0: every row is all of params.
  auto out = GatherNd(Iota<float>({2}), Tensor(tensorflow::DT_INT32, {3, 0}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({3, 2}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 1, 0, 1, 0, 1}));
  out = GatherNd(StringIota({2, 2}), Make<int32_t>({1, 2}, {1, 0}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>(*out), (std::vector<std::string>{"2"}));
  out = GatherNd(Tensor(tensorflow::DT_FLOAT, {0, 3}), Tensor(tensorflow::DT_INT64, {0, 1}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({0, 3}));
}

TEST(GatherNd, OutOfRangeIndicesAreErrorsOrZerosWhenIgnored) {
  SS_EXPECT_ERROR_CONTAINS(GatherNd(Iota<float>({3, 3}), Make<int32_t>({2, 2}, {0, 1, 2, 3})),
                           "GatherNd 'gnd': indices[1] = [2, 3] does not index into param shape "
                           "[3,3]");
  SS_EXPECT_ERROR_CONTAINS(GatherNd(Iota<float>({3, 3}), Make<int64_t>({1, 1, 1}, {-1})),
                           "indices[0,0] = [-1] does not index");
  SS_EXPECT_ERROR_CONTAINS(
      GatherNd(Iota<float>({3, 3}), Make<int64_t>({1, 2}, {INT64_MAX, INT64_MAX})),
      "does not index");
  auto out = GatherNd(Iota<float>({3, 2}), Make<int32_t>({2, 1}, {5, 1}), "IGNORE");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 0, 2, 3}));
  SS_EXPECT_ERROR_CONTAINS(GatherNd(Iota<float>({3}), Make<int32_t>({1, 1}, {3}), "ERROR"),
                           "does not index");
}

TEST(GatherNd, ShapeErrors) {
  SS_EXPECT_ERROR_CONTAINS(GatherNd(Iota<float>({3}), Tensor::Scalar<int32_t>(0)),
                           "at least a vector");
  SS_EXPECT_ERROR_CONTAINS(GatherNd(Iota<float>({3}), Make<int32_t>({1, 2}, {0, 0})),
                           "innermost dimension length must be <= params rank; saw: 2 vs. 1");
  SS_EXPECT_ERROR_CONTAINS(
      GatherNd(Tensor(tensorflow::DT_FLOAT, {2, 0}), Make<int32_t>({1, 1}, {0})),
      "params is empty");
  SS_EXPECT_ERROR_CONTAINS(GatherNd(Iota<float>({3}), Make<float>({1, 1}, {0})), "int32 or int64");
  SS_EXPECT_ERROR_CONTAINS(GatherNd(Iota<float>({3}), Make<int32_t>({1, 1}, {0}), "MAYBE"),
                           "unknown bad_indices_policy 'MAYBE'");
}

}  // namespace
}  // namespace savedserve
