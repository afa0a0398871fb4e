#include "tensor/shape.h"

#include <limits>

#include "gtest/gtest.h"

namespace savedserve {
namespace {

tensorflow::TensorShapeProto ProtoOf(const std::vector<int64_t>& dims, bool unknown_rank = false) {
  tensorflow::TensorShapeProto proto;
  for (int64_t d : dims) proto.add_dim()->set_size(d);
  proto.set_unknown_rank(unknown_rank);
  return proto;
}

TEST(TensorShapeTest, ScalarAndCounts) {
  TensorShape scalar;
  EXPECT_EQ(scalar.rank(), 0);
  EXPECT_EQ(scalar.num_elements(), 1);
  EXPECT_EQ(scalar.DebugString(), "[]");

  TensorShape matrix{2, 3};
  EXPECT_EQ(matrix.rank(), 2);
  EXPECT_EQ(matrix.dim(1), 3);
  EXPECT_EQ(matrix.num_elements(), 6);
  EXPECT_EQ(matrix.DebugString(), "[2,3]");

  EXPECT_EQ((TensorShape{4, 0, 5}).num_elements(), 0);
  matrix.AddDim(4);
  EXPECT_EQ(matrix, (TensorShape{2, 3, 4}));
  EXPECT_NE(matrix, (TensorShape{2, 3}));
}

TEST(TensorShapeTest, FromDimsValidates) {
  absl::StatusOr<TensorShape> ok = TensorShape::FromDims({1, 0, 7});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->dims(), (std::vector<int64_t>{1, 0, 7}));

  absl::StatusOr<TensorShape> unknown = TensorShape::FromDims({-1, 3});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("unknown"), std::string::npos) << unknown.status();

  EXPECT_FALSE(TensorShape::FromDims({2, -5}).ok());
  EXPECT_FALSE(TensorShape::FromDims(std::vector<int64_t>(255, 1)).ok());
  EXPECT_TRUE(TensorShape::FromDims(std::vector<int64_t>(254, 1)).ok());
}

TEST(TensorShapeTest, FromDimsRejectsElementCountOverflow) {
  const int64_t big = int64_t{1} << 32;
  absl::StatusOr<TensorShape> shape = TensorShape::FromDims({big, big});
  ASSERT_FALSE(shape.ok());
  EXPECT_NE(shape.status().message().find("too many elements"), std::string::npos);
  // A zero dim makes the count 0, which is representable, so this shape is valid.
  EXPECT_TRUE(TensorShape::FromDims({0, big, big}).ok());
  EXPECT_TRUE(TensorShape::FromDims({std::numeric_limits<int64_t>::max()}).ok());
}

TEST(TensorShapeTest, ProtoRoundTrip) {
  TensorShape shape{5, 1, 3};
  tensorflow::TensorShapeProto proto;
  proto.set_unknown_rank(true);  // ToProto must clear stale content
  shape.ToProto(&proto);
  EXPECT_FALSE(proto.unknown_rank());
  ASSERT_EQ(proto.dim_size(), 3);
  EXPECT_EQ(proto.dim(0).size(), 5);
  absl::StatusOr<TensorShape> back = TensorShape::FromProto(proto);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, shape);
}

TEST(TensorShapeTest, FromProtoRejectsUnknowns) {
  EXPECT_FALSE(TensorShape::FromProto(ProtoOf({}, /*unknown_rank=*/true)).ok());
  absl::StatusOr<TensorShape> dim = TensorShape::FromProto(ProtoOf({2, -1}));
  ASSERT_FALSE(dim.ok());
  EXPECT_NE(dim.status().message().find("[2,-1]"), std::string::npos) << dim.status();
  EXPECT_TRUE(TensorShape::FromProto(ProtoOf({})).ok());  // scalar
}

TEST(PartialShapeTest, UnknownRank) {
  PartialShape shape = PartialShape::UnknownRank();
  EXPECT_TRUE(shape.unknown_rank());
  EXPECT_EQ(shape.rank(), -1);
  EXPECT_FALSE(shape.IsFullyDefined());
  EXPECT_TRUE(shape.IsCompatibleWith(TensorShape{1, 2, 3}));
  EXPECT_TRUE(shape.IsCompatibleWith(TensorShape{}));
  EXPECT_EQ(shape.DebugString(), "<unknown>");

  tensorflow::TensorShapeProto proto;
  shape.ToProto(&proto);
  EXPECT_TRUE(proto.unknown_rank());
  EXPECT_EQ(proto.dim_size(), 0);
  EXPECT_TRUE(PartialShape::FromProto(proto).unknown_rank());
}

TEST(PartialShapeTest, UnknownDims) {
  PartialShape shape = PartialShape::FromProto(ProtoOf({-1, 3}));
  EXPECT_FALSE(shape.unknown_rank());
  EXPECT_EQ(shape.rank(), 2);
  EXPECT_FALSE(shape.IsFullyDefined());
  EXPECT_EQ(shape.DebugString(), "[-1,3]");
  EXPECT_TRUE(shape.IsCompatibleWith(TensorShape{7, 3}));
  EXPECT_TRUE(shape.IsCompatibleWith(TensorShape{0, 3}));
  EXPECT_FALSE(shape.IsCompatibleWith(TensorShape{7, 4}));
  EXPECT_FALSE(shape.IsCompatibleWith(TensorShape{3}));
  EXPECT_FALSE(shape.IsCompatibleWith(TensorShape{7, 3, 1}));

  tensorflow::TensorShapeProto proto;
  shape.ToProto(&proto);
  EXPECT_FALSE(proto.unknown_rank());
  ASSERT_EQ(proto.dim_size(), 2);
  EXPECT_EQ(proto.dim(0).size(), -1);
  EXPECT_EQ(proto.dim(1).size(), 3);
}

TEST(PartialShapeTest, KnownShapes) {
  PartialShape scalar(std::vector<int64_t>{});
  EXPECT_EQ(scalar.rank(), 0);
  EXPECT_TRUE(scalar.IsFullyDefined());
  EXPECT_TRUE(scalar.IsCompatibleWith(TensorShape{}));
  EXPECT_FALSE(scalar.IsCompatibleWith(TensorShape{1}));
  EXPECT_EQ(scalar.DebugString(), "[]");

  PartialShape full = PartialShape::FromProto(ProtoOf({2, 2}));
  EXPECT_TRUE(full.IsFullyDefined());
  EXPECT_TRUE(full.IsCompatibleWith(TensorShape{2, 2}));
  // Negative sizes other than -1 are treated as unknown too.
  EXPECT_EQ(PartialShape::FromProto(ProtoOf({-7})).dims(), (std::vector<int64_t>{-1}));
}

}  // namespace
}  // namespace savedserve
