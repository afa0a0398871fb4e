#include <limits>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Values;

TEST(Shape, Int32ByDefault) {
  OpRunner r("Shape");
  auto out = r.Run({Tensor(tensorflow::DT_STRING, {2, 0, 5})});
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ((*out)[0].dtype(), tensorflow::DT_INT32);
  EXPECT_EQ(Values<int32_t>((*out)[0]), (std::vector<int32_t>{2, 0, 5}));
}

TEST(Shape, Int64AndScalar) {
  OpRunner r("Shape");
  r.Attr("out_type", tensorflow::DT_INT64);
  auto out = r.Run({Tensor(tensorflow::DT_FLOAT, {7})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values<int64_t>((*out)[0]), (std::vector<int64_t>{7}));
  out = r.Run({Tensor(tensorflow::DT_FLOAT, {})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].shape(), TensorShape({0}));
}

TEST(Shape, Int32OverflowIsAnError) {
  OpRunner r("Shape");
  Tensor empty(tensorflow::DT_FLOAT, {0, int64_t{1} << 33});
  SS_EXPECT_ERROR_CONTAINS(r.Run({empty}), "does not fit in int32");
}

TEST(Shape, RejectsBadOutType) {
  OpRunner r("Shape");
  r.Attr("out_type", tensorflow::DT_FLOAT);
  SS_EXPECT_ERROR_CONTAINS(r.Run({Tensor(tensorflow::DT_FLOAT, {1})}), "out_type");
}

}  // namespace
}  // namespace savedserve
