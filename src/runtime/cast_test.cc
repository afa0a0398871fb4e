#include "runtime/cast.h"

#include "gtest/gtest.h"

namespace savedserve {
namespace {

TEST(CastTest, ConvertsNumericTypes) {
  const std::vector<int32_t> ints = {1, -2, 300};
  Tensor t = Tensor::FromVector<int32_t>(ints, TensorShape{3});
  auto f = CastTensor(t, tensorflow::DT_FLOAT);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->data<float>()[1], -2.0f);
  auto u8 = CastTensor(*f, tensorflow::DT_UINT8);
  ASSERT_TRUE(u8.ok());
  EXPECT_EQ(u8->data<uint8_t>()[0], 1);
  auto b = CastTensor(t, tensorflow::DT_BOOL);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->data<bool>()[2]);
  auto h = CastTensor(Tensor::Scalar<double>(2.5), tensorflow::DT_HALF);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(HalfToFloat(h->data<Half>()[0]), 2.5f);
  auto back = CastTensor(*h, tensorflow::DT_INT64);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->data<int64_t>()[0], 2);
}

TEST(CastTest, SameTypeSharesTheBuffer) {
  Tensor t = Tensor::Scalar<float>(1.0f);
  auto same = CastTensor(t, tensorflow::DT_FLOAT);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->SharesBufferWith(t));
}

TEST(CastTest, StringsAreNotConverted) {
  Tensor s(tensorflow::DT_STRING, TensorShape{});
  EXPECT_EQ(CastTensor(s, tensorflow::DT_FLOAT).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(CastTensor(Tensor::Scalar<float>(1), tensorflow::DT_STRING).ok());
}

}  // namespace
}  // namespace savedserve
