// TensorList as a DT_VARIANT value: how tensors carry it, and TensorFlow's encoding of it
// (metadata bytes worked out by hand from TensorList::Encode's format).
#include "tensor/tensor_list.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tensor/tensor_proto.h"

namespace savedserve {
namespace {

Tensor Floats(std::vector<float> values, TensorShape shape) {
  return Tensor::FromVector<float>(values, std::move(shape));
}

// [ [1,2], unset, [3,4] ] of DT_FLOAT with element shape [2].
std::shared_ptr<TensorList> SampleList() {
  auto list = std::make_shared<TensorList>();
  list->element_dtype = tensorflow::DT_FLOAT;
  list->element_shape = PartialShape({2});
  list->tensors = {Floats({1, 2}, {2}), Tensor(), Floats({3, 4}, {2})};
  return list;
}

TEST(TensorListTest, VariantTensorHoldsTheValue) {
  std::shared_ptr<TensorList> list = SampleList();
  Tensor t = Tensor::FromVariant(list);
  EXPECT_EQ(t.dtype(), tensorflow::DT_VARIANT);
  EXPECT_EQ(t.shape(), TensorShape{});
  EXPECT_EQ(t.variant_value(0).get(), list.get());
  EXPECT_EQ(t.variant_value(1), nullptr);  // out of range
  // Copies, reshapes and clones share the immutable value.
  Tensor copy = t;
  EXPECT_EQ(copy.variant_value(0).get(), list.get());
  EXPECT_EQ(t.Reshaped(TensorShape{1}).variant_value(0).get(), list.get());
  Tensor clone = t.Clone();
  EXPECT_FALSE(clone.SharesBufferWith(t));
  EXPECT_EQ(clone.variant_value(0).get(), list.get());
  EXPECT_TRUE(clone.Identical(t));
  EXPECT_FALSE(Tensor::FromVariant(SampleList()).Identical(t));  // another value
  EXPECT_EQ(t.DebugString(), "DT_VARIANT [] {TensorList<DT_FLOAT [2]>(3 elements)}");
}

TEST(TensorListTest, StringsNameTheTypeAndElementCopiesLoseTheValue) {
  Tensor t = Tensor::FromVariant(SampleList());
  tensorflow::VariantTensorDataProto proto;
  ASSERT_TRUE(proto.ParseFromString(t.data<std::string>()[0]));
  EXPECT_EQ(proto.type_name(), "tensorflow::TensorList");
  EXPECT_EQ(proto.tensors_size(), 0);
  // What a kernel that moves elements as strings produces: no value, so list ops refuse it.
  Tensor copied(tensorflow::DT_VARIANT, TensorShape{});
  copied.data<std::string>()[0] = t.data<std::string>()[0];
  EXPECT_EQ(copied.variant_value(0), nullptr);
  EXPECT_FALSE(copied.Identical(t));
}

TEST(TensorListTest, EncodesAsTensorFlow) {
  tensorflow::VariantTensorDataProto proto;
  SampleList()->Encode(&proto);
  EXPECT_EQ(proto.type_name(), "tensorflow::TensorList");
  ASSERT_EQ(proto.tensors_size(), 2);  // the unset element is only in the metadata
  auto first = TensorFromProto(proto.tensors(0));
  auto second = TensorFromProto(proto.tensors(1));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(first->Identical(Floats({1, 2}, {2})));
  EXPECT_TRUE(second->Identical(Floats({3, 4}, {2})));
  // 1 unset element, at index 1; DT_FLOAT = 1; max_num_elements -1 as a 64-bit varint;
  // TensorShapeProto{dim {size: 2}} = 12 02 08 02.
  const std::string expected_metadata(
      "\x01\x01\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x12\x02\x08\x02", 17);
  EXPECT_EQ(proto.metadata(), expected_metadata);
}

TEST(TensorListTest, TensorProtoOfAListIsItsEncoding) {
  Tensor t = Tensor::FromVariant(SampleList());
  tensorflow::TensorProto proto;
  TensorToProto(t, &proto);
  EXPECT_EQ(proto.dtype(), tensorflow::DT_VARIANT);
  ASSERT_EQ(proto.variant_val_size(), 1);
  tensorflow::VariantTensorDataProto expected;
  SampleList()->Encode(&expected);
  EXPECT_EQ(proto.variant_val(0).SerializeAsString(), expected.SerializeAsString());
  // Read back, it is a serialized variant (lists are never decoded: they never cross the wire).
  auto back = TensorFromProto(proto);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->variant_value(0), nullptr);
  EXPECT_EQ(back->data<std::string>()[0], expected.SerializeAsString());
}

TEST(PartialShapeTest, Merge) {
  auto merged = PartialShape({-1, 3}).Merge(PartialShape({2, -1}));
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->dims(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(PartialShape().Merge(PartialShape({4}))->dims(), std::vector<int64_t>{4});
  EXPECT_TRUE(PartialShape({4}).Merge(PartialShape())->dims() == std::vector<int64_t>{4});
  EXPECT_TRUE(PartialShape().Merge(PartialShape())->unknown_rank());
  EXPECT_FALSE(PartialShape({2}).Merge(PartialShape({3})).ok());
  EXPECT_FALSE(PartialShape({2}).Merge(PartialShape({2, 1})).ok());
}

}  // namespace
}  // namespace savedserve
