// EnsureShape and CheckNumerics: the two pass-through ops that fail on bad inputs.
#include <cmath>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using testing_util::Iota;
using testing_util::Vec;

absl::StatusOr<Tensor> EnsureShape(const Tensor& in, const PartialShape& shape) {
  OpRunner r("EnsureShape", "check_shape");
  tensorflow::AttrValue attr;
  shape.ToProto(attr.mutable_shape());
  r.Attr("shape", attr);
  r.node().add_input("images");
  auto out = r.Run({in});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(EnsureShape, PassesCompatibleShapesThrough) {
  const Tensor in = Iota<float>({2, 3});
  for (const PartialShape& shape : {PartialShape({2, 3}), PartialShape({-1, 3}),
                                    PartialShape({-1, -1}), PartialShape::UnknownRank()}) {
    auto out = EnsureShape(in, shape);
    ASSERT_TRUE(out.ok()) << shape.DebugString() << ": " << out.status();
    EXPECT_TRUE(out->SharesBufferWith(in));
  }
}

TEST(EnsureShape, NamesBothShapesWhenIncompatible) {
  SS_EXPECT_ERROR_CONTAINS(EnsureShape(Iota<float>({2, 3}), PartialShape({-1, 4})),
                           "EnsureShape 'check_shape': Shape of tensor images [2,3] is not "
                           "compatible with expected shape [-1,4].");
  SS_EXPECT_ERROR_CONTAINS(EnsureShape(Iota<float>({6}), PartialShape({2, 3})),
                           "[6] is not compatible with expected shape [2,3]");
  SS_EXPECT_ERROR_CONTAINS(EnsureShape(Tensor::Scalar<float>(1), PartialShape({1})),
                           "[] is not compatible");
  OpRunner missing("EnsureShape");
  SS_EXPECT_ERROR_CONTAINS(missing.Run({Iota<float>({1})}), "shape");
}

absl::StatusOr<Tensor> CheckNumerics(const Tensor& in) {
  OpRunner r("CheckNumerics");
  r.Attr("message", "logits");
  auto out = r.Run({in});
  if (!out.ok()) return out.status();
  return (*out)[0];
}

TEST(CheckNumerics, FiniteValuesPassThrough) {
  const Tensor in = Vec<float>({1, -2, 0, 3.5f});
  auto out = CheckNumerics(in);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->SharesBufferWith(in));
  ASSERT_TRUE(CheckNumerics(Vec<double>({1e300})).ok());
  ASSERT_TRUE(CheckNumerics(Tensor(tensorflow::DT_FLOAT, {0})).ok());
}

TEST(CheckNumerics, NaNAndInfAreInvalidArgument) {
  auto out = CheckNumerics(Vec<float>({1, NAN}));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("logits : Tensor had NaN values"), std::string::npos)
      << out.status();
  SS_EXPECT_ERROR_CONTAINS(CheckNumerics(Vec<double>({-INFINITY})),
                           "logits : Tensor had Inf values");
  SS_EXPECT_ERROR_CONTAINS(CheckNumerics(Vec<float>({INFINITY, NAN})),
                           "logits : Tensor had Inf and NaN values");
  Tensor half(tensorflow::DT_HALF, {1});
  half.data<Half>()[0] = FloatToHalf(INFINITY);
  SS_EXPECT_ERROR_CONTAINS(CheckNumerics(half), "Tensor had Inf values");
  Tensor bf(tensorflow::DT_BFLOAT16, {1});
  bf.data<BFloat16>()[0] = FloatToBFloat16(NAN);
  SS_EXPECT_ERROR_CONTAINS(CheckNumerics(bf), "Tensor had NaN values");
  SS_EXPECT_ERROR_CONTAINS(CheckNumerics(Vec<int32_t>({1})), "unsupported dtype DT_INT32");
}

}  // namespace
}  // namespace savedserve
