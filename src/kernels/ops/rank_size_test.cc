#include <string>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Iota;
using testing_util::StringIota;

TEST(Rank, CountsDimensions) {
  OpRunner r("Rank");
  for (const TensorShape& shape : {TensorShape{}, TensorShape{0}, TensorShape{2, 3, 4}}) {
    auto out = r.Run({Tensor(tensorflow::DT_FLOAT, shape)});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ((*out)[0].dtype(), tensorflow::DT_INT32);
    EXPECT_EQ((*out)[0].shape(), TensorShape{});
    EXPECT_EQ((*out)[0].data<int32_t>()[0], shape.rank());
  }
}

TEST(Size, CountsElementsAsOutType) {
  OpRunner r("Size");
  auto out = r.Run({Iota<float>({2, 3, 4})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dtype(), tensorflow::DT_INT32);
  EXPECT_EQ((*out)[0].data<int32_t>()[0], 24);
  out = r.Run({Tensor::Scalar<bool>(true)});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].data<int32_t>()[0], 1);
  OpRunner wide("Size");
  wide.Attr("out_type", tensorflow::DT_INT64);
  out = wide.Run({StringIota({5, 0})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dtype(), tensorflow::DT_INT64);
  EXPECT_EQ((*out)[0].data<int64_t>()[0], 0);
  OpRunner bad("Size");
  bad.Attr("out_type", tensorflow::DT_FLOAT);
  SS_EXPECT_ERROR_CONTAINS(bad.Run({Iota<float>({2})}), "out_type must be int32 or int64");
}

}  // namespace
}  // namespace savedserve
