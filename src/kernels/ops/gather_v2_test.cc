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
using testing_util::Vec;

absl::StatusOr<Tensor> Gather(const Tensor& params, const Tensor& indices, int64_t axis,
                              int64_t batch_dims = 0) {
  OpRunner r("GatherV2", "g");
  if (batch_dims != 0) r.Attr("batch_dims", batch_dims);
  auto out = r.Run({params, indices, Tensor::Scalar<int32_t>(static_cast<int32_t>(axis))});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(GatherV2, Axis0Rows) {
  // np.take(np.arange(6).reshape(3,2), [[2,0],[1,1]], axis=0)
  auto out = Gather(Iota<float>({3, 2}), Make<int32_t>({2, 2}, {2, 0, 1, 1}), 0);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 2, 2}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{4, 5, 0, 1, 2, 3, 2, 3}));
}

TEST(GatherV2, InnerAxisAndNegativeAxis) {
  // np.take(np.arange(24).reshape(2,3,4), [3,0], axis=2)
  auto out = Gather(Iota<int32_t>({2, 3, 4}), Vec<int64_t>({3, 0}), -1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 3, 2}));
  EXPECT_EQ(Values<int32_t>(*out),
            (std::vector<int32_t>{3, 0, 7, 4, 11, 8, 15, 12, 19, 16, 23, 20}));
  // np.take(np.arange(24).reshape(2,3,4), 1, axis=1): a scalar index drops the axis.
  out = Gather(Iota<int32_t>({2, 3, 4}), Tensor::Scalar<int32_t>(1), 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 4}));
  EXPECT_EQ(Values<int32_t>(*out), (std::vector<int32_t>{4, 5, 6, 7, 16, 17, 18, 19}));
}

TEST(GatherV2, BatchDims) {
  // params [2,3], indices [2,2], batch_dims 1, axis 1: out[b][n] = params[b][indices[b][n]]
  auto out = Gather(Iota<float>({2, 3}), Make<int32_t>({2, 2}, {2, 0, 1, 1}), 1, 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 2}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{2, 0, 4, 4}));
  // params [2,2,3] batch_dims -1 (== 1) axis 2: out[b][o][n] = params[b][o][indices[b][n]]
  out = Gather(Iota<float>({2, 2, 3}), Make<int32_t>({2, 1}, {2, 0}), 2, -1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({2, 2, 1}));
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{2, 5, 6, 9}));
}

TEST(GatherV2, StringsEmptyAndTF1Gather) {
  auto out = Gather(StringIota({4}), Vec<int32_t>({3, 3, 0}), 0);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<std::string>(*out), (std::vector<std::string>{"3", "3", "0"}));
  out = Gather(Iota<float>({4, 2}), Vec<int32_t>({}), 0);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), TensorShape({0, 2}));
  OpRunner r("Gather");
  auto v1 = r.Run({Iota<float>({3}), Vec<int64_t>({2, 1})});
  ASSERT_TRUE(v1.ok()) << v1.status();
  EXPECT_EQ(Values<float>((*v1)[0]), (std::vector<float>{2, 1}));
}

TEST(GatherV2, Errors) {
  SS_EXPECT_ERROR_CONTAINS(Gather(Iota<float>({3, 2}), Make<int32_t>({2, 2}, {0, 1, 3, 0}), 0),
                           "indices[1,0] = 3 is not in [0, 3)");
  SS_EXPECT_ERROR_CONTAINS(Gather(Iota<float>({3}), Vec<int64_t>({-1}), 0),
                           "indices[0] = -1 is not in [0, 3)");
  SS_EXPECT_ERROR_CONTAINS(Gather(Iota<float>({3}), Vec<int32_t>({0}), 1),
                           "axis 1 is out of range");
  SS_EXPECT_ERROR_CONTAINS(Gather(Tensor::Scalar<float>(1), Vec<int32_t>({0}), 0), "scalar");
  SS_EXPECT_ERROR_CONTAINS(Gather(Iota<float>({2, 3}), Make<int32_t>({3, 1}, {0, 0, 0}), 1, 1),
                           "differ in batch dimension 0");
  SS_EXPECT_ERROR_CONTAINS(Gather(Iota<float>({2, 3}), Make<int32_t>({2, 1}, {0, 0}), 0, 1),
                           "batch_dims 1 must be <= axis 0");
  SS_EXPECT_ERROR_CONTAINS(Gather(Iota<float>({2, 3}), Vec<float>({0}), 0), "int32 or int64");
}

}  // namespace
}  // namespace savedserve
