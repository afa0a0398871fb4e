// TensorArrayV3 and its ops, one kernel at a time, the handle passed from one to the next;
// expectations from TF's tensor_array.h semantics (write once, clear after read, sizes).
#include <functional>

#include "base/status.h"
#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"

namespace savedserve {
namespace {

using tensorflow::DT_FLOAT;
using tensorflow::DT_INT32;

Value V(const Tensor& t) { return Value{t, nullptr}; }
Tensor Floats(std::vector<float> v, TensorShape shape) {
  return Tensor::FromVector<float>(v, std::move(shape));
}
Tensor Ints(std::vector<int32_t> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return Tensor::FromVector<int32_t>(v, TensorShape{n});
}
const Tensor kFlow = Tensor::Scalar<float>(0.0f);

// A TensorArray of `dtype`: the handle (output 0 of TensorArrayV3).
Value NewArray(int32_t size, const std::function<void(OpRunner&)>& attrs = {}) {
  OpRunner r("TensorArrayV3", "ta");
  r.Attr("dtype", DT_FLOAT).NumOutputs(2);
  if (attrs) attrs(r);
  auto out = r.RunValues({V(Tensor::Scalar<int32_t>(size))});
  EXPECT_TRUE(out.ok()) << out.status();
  if (!out.ok()) return {};
  EXPECT_EQ((*out)[1].tensor.data<float>()[0], 0.0f);  // flow
  return (*out)[0];
}

absl::Status Write(const Value& ta, int32_t index, const Tensor& value) {
  OpRunner r("TensorArrayWriteV3", "write");
  r.Attr("T", value.dtype());
  return r.RunValues({ta, V(Tensor::Scalar<int32_t>(index)), V(value), V(kFlow)}).status();
}

absl::StatusOr<Tensor> Read(const Value& ta, int32_t index, DataType dtype = DT_FLOAT) {
  OpRunner r("TensorArrayReadV3", "read");
  r.Attr("dtype", dtype);
  ASSIGN_OR_RETURN(auto out, r.RunValues({ta, V(Tensor::Scalar<int32_t>(index)), V(kFlow)}));
  return out[0].tensor;
}

absl::StatusOr<Tensor> Gather(const Value& ta, std::vector<int32_t> indices,
                              const PartialShape& element_shape = PartialShape::UnknownRank()) {
  OpRunner r("TensorArrayGatherV3", "gather");
  r.Attr("dtype", DT_FLOAT);
  element_shape.ToProto((*r.node().mutable_attr())["element_shape"].mutable_shape());
  ASSIGN_OR_RETURN(auto out, r.RunValues({ta, V(Ints(indices)), V(kFlow)}));
  return out[0].tensor;
}

absl::Status Scatter(const Value& ta, std::vector<int32_t> indices, const Tensor& value) {
  OpRunner r("TensorArrayScatterV3", "scatter");
  r.Attr("T", value.dtype());
  return r.RunValues({ta, V(Ints(indices)), V(value), V(kFlow)}).status();
}

absl::StatusOr<int32_t> Size(const Value& ta) {
  OpRunner r("TensorArraySizeV3", "size");
  ASSIGN_OR_RETURN(auto out, r.RunValues({ta, V(kFlow)}));
  return out[0].tensor.data<int32_t>()[0];
}

void ExpectError(const absl::Status& status, const std::string& fragment) {
  ASSERT_FALSE(status.ok()) << "expected an error with: " << fragment;
  EXPECT_NE(status.message().find(fragment), std::string::npos) << status;
}

TEST(TensorArray, WritesThenGathersInTheIndicesOrder) {
  Value ta = NewArray(3);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Write(ta, i, Floats({1.0f * i, 10.0f * i}, TensorShape{2})).ok());
  }
  auto stacked = Gather(ta, {2, 0, 1});
  ASSERT_TRUE(stacked.ok()) << stacked.status();
  EXPECT_TRUE(stacked->Identical(Floats({2, 20, 0, 0, 1, 10}, TensorShape{3, 2})));
  EXPECT_EQ(*Size(ta), 3);
  // clear_after_read (the default): each element can be read once.
  ExpectError(Read(ta, 1).status(), "Could not read index 1 twice because it was cleared");
}

TEST(TensorArray, ScatterThenReadEachElement) {
  // What tf.map_fn does with its input: unstack it into the array, then read one a step.
  Value ta = NewArray(3, [](OpRunner& r) { r.Attr("clear_after_read", false); });
  ASSERT_TRUE(Scatter(ta, {0, 1, 2}, Floats({1, 2, 3, 4, 5, 6}, TensorShape{3, 2})).ok());
  for (int pass = 0; pass < 2; ++pass) {  // without clearing, reads repeat
    auto second = Read(ta, 1);
    ASSERT_TRUE(second.ok()) << second.status();
    EXPECT_TRUE(second->Identical(Floats({3, 4}, TensorShape{2})));
  }
}

TEST(TensorArray, IndicesAreCheckedAgainstTheSize) {
  Value ta = NewArray(2);
  ExpectError(
      Write(ta, 2, Tensor::Scalar<float>(1)),
      "TensorArray ta: Tried to write to index 2 but array is not resizeable and size is: 2");
  ExpectError(Write(ta, -1, Tensor::Scalar<float>(1)), "Tried to write to index -1");
  ExpectError(Read(ta, 5).status(), "Tried to read from index 5 but array size is: 2");
  ExpectError(Scatter(ta, {0, 3}, Floats({1, 2}, TensorShape{2})), "index 3");
  ExpectError(Scatter(ta, {0}, Floats({1, 2}, TensorShape{2})),
              "Expected len(indices) == values.shape[0], but saw: 1 vs. 2");
}

TEST(TensorArray, EachIndexIsWrittenOnceWithTheArraysDtype) {
  Value ta = NewArray(2);
  ASSERT_TRUE(Write(ta, 0, Tensor::Scalar<float>(1)).ok());
  ExpectError(Write(ta, 0, Tensor::Scalar<float>(2)), "because it has already been written to");
  ExpectError(Write(ta, 1, Tensor::Scalar<int32_t>(2)),
              "TensorArray dtype is DT_FLOAT but Op is trying to write dtype DT_INT32");
  ExpectError(Read(ta, 0, DT_INT32).status(), "but Op requested dtype DT_INT32");
}

TEST(TensorArray, UnwrittenElementsReadAsZerosOnlyWithAKnownShape) {
  Value unknown = NewArray(2);
  ExpectError(Read(unknown, 0).status(),
              "Could not read from TensorArray index 0.  Furthermore, the element shape is not "
              "fully defined");
  Value known = NewArray(2, [](OpRunner& r) {
    tensorflow::AttrValue shape;
    PartialShape(std::vector<int64_t>{2}).ToProto(shape.mutable_shape());
    r.Attr("element_shape", shape);
  });
  auto zeros = Read(known, 1);
  ASSERT_TRUE(zeros.ok()) << zeros.status();
  EXPECT_TRUE(zeros->Identical(Floats({0, 0}, TensorShape{2})));
  ExpectError(Write(known, 0, Floats({1, 2, 3}, TensorShape{3})),
              "because the value shape is [3] which is incompatible with the TensorArray's "
              "inferred element shape: [2]");
}

TEST(TensorArray, DynamicSizeGrowsOnWrite) {
  Value ta = NewArray(0, [](OpRunner& r) { r.Attr("dynamic_size", true); });
  ASSERT_TRUE(Write(ta, 4, Tensor::Scalar<float>(7)).ok());
  EXPECT_EQ(*Size(ta), 5);
  auto value = Read(ta, 4);
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(value->data<float>()[0], 7.0f);
}

TEST(TensorArray, GatheringNothingNeedsAKnownElementShape) {
  Value ta = NewArray(0);
  auto empty = Gather(ta, {}, PartialShape(std::vector<int64_t>{3}));
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->shape(), (TensorShape{0, 3}));
  auto unknown = Gather(NewArray(0), {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kUnimplemented) << unknown.status();
}

TEST(TensorArray, GatherNeedsElementsOfOneShape) {
  Value ta = NewArray(2);
  ASSERT_TRUE(Write(ta, 0, Floats({1}, TensorShape{1})).ok());
  ASSERT_TRUE(Write(ta, 1, Floats({1, 2}, TensorShape{2})).ok());
  ExpectError(Gather(ta, {0, 1}).status(),
              "TensorArray has inconsistent shapes.  Index 0 has shape: [1] but index 1 has "
              "shape: [2]");
}

TEST(TensorArray, ClosedArraysRefuseEverything) {
  Value ta = NewArray(1);
  OpRunner close("TensorArrayCloseV3");
  close.NumOutputs(0);
  ASSERT_TRUE(close.RunValues({ta}).ok());
  ExpectError(Size(ta).status(), "TensorArray ta has already been closed.");
}

TEST(TensorArray, OtherTensorsAreNotHandlesAndSizesAreNotNegative) {
  ExpectError(Size(V(Tensor(tensorflow::DT_RESOURCE, TensorShape{}))).status(),
              "input 0 is not a TensorArray handle");
  OpRunner r("TensorArrayV3", "ta");
  r.Attr("dtype", DT_FLOAT).NumOutputs(2);
  ExpectError(r.RunValues({V(Tensor::Scalar<int32_t>(-1))}).status(), "Size should be >= 0.");
}

absl::Status Split(const Value& ta, const Tensor& value, std::vector<int64_t> lengths) {
  OpRunner r("TensorArraySplitV3", "split");
  r.Attr("T", value.dtype());
  const Tensor l =
      Tensor::FromVector<int64_t>(lengths, TensorShape{static_cast<int64_t>(lengths.size())});
  return r.RunValues({ta, V(value), V(l), V(kFlow)}).status();
}

// Concat's (value, lengths).
absl::StatusOr<std::vector<Value>> Concat(
    const Value& ta, const PartialShape& except0 = PartialShape::UnknownRank()) {
  OpRunner r("TensorArrayConcatV3", "concat");
  r.Attr("dtype", DT_FLOAT).NumOutputs(2);
  except0.ToProto((*r.node().mutable_attr())["element_shape_except0"].mutable_shape());
  return r.RunValues({ta, V(kFlow)});
}

TEST(TensorArray, SplitThenConcatRoundTrips) {
  // tf.TensorArray.split(value, lengths=[2, 0, 3]) then .concat(): the same rows back.
  Value ta = NewArray(3, [](OpRunner& r) { r.Attr("clear_after_read", false); });
  const Tensor value = Floats({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, TensorShape{5, 2});
  ASSERT_TRUE(Split(ta, value, {2, 0, 3}).ok());
  auto empty = Read(ta, 1);
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->shape(), TensorShape({0, 2}));
  auto last = Read(ta, 2);
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_TRUE(last->Identical(Floats({5, 6, 7, 8, 9, 10}, TensorShape{3, 2})));
  auto out = Concat(ta);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE((*out)[0].tensor.Identical(value));
  EXPECT_TRUE((*out)[1].tensor.Identical(
      Tensor::FromVector<int64_t>(std::vector<int64_t>{2, 0, 3}, TensorShape{3})));
}

TEST(TensorArray, ConcatNeedsVectorsOfOneShapeExceptTheFirstDimension) {
  Value ta = NewArray(2);
  ASSERT_TRUE(Write(ta, 0, Floats({1, 2}, TensorShape{1, 2})).ok());
  ASSERT_TRUE(Write(ta, 1, Floats({1, 2, 3}, TensorShape{1, 3})).ok());
  ExpectError(Concat(ta).status(), "TensorArray has inconsistent shapes.  Index 0 has (excepting "
                                   "dimension 0) shape: [2] but index 1 has (excepting dimension "
                                   "0) shape: [3]");
  Value scalars = NewArray(1);
  ASSERT_TRUE(Write(scalars, 0, Tensor::Scalar<float>(1)).ok());
  ExpectError(Concat(scalars).status(), "Concat saw a scalar shape at index 0");
  // Concatenating nothing needs the element shape.
  ExpectError(Concat(NewArray(0)).status(), "TensorArray has size zero");
  auto none = Concat(NewArray(0), PartialShape(std::vector<int64_t>{3}));
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ((*none)[0].tensor.shape(), TensorShape({0, 3}));
  EXPECT_EQ((*none)[1].tensor.shape(), TensorShape({0}));
}

TEST(TensorArray, SplitChecksItsLengths) {
  const Tensor value = Floats({1, 2, 3, 4}, TensorShape{4});
  ExpectError(Split(NewArray(2), value, {1, 2}),
              "Expected sum of lengths to be equal to values.shape[0], but sum of lengths is 3");
  ExpectError(Split(NewArray(2), value, {5, -1}), "lengths[0] = 5 is negative or runs past");
  ExpectError(Split(NewArray(2), value, {-1, 5}), "lengths[0] = -1 is negative");
  ExpectError(Split(NewArray(3), value, {1, 3}),
              "TensorArray's size is not equal to the size of lengths (3 vs. 2)");
  ExpectError(Split(NewArray(2), Tensor::Scalar<float>(1), {1, 0}), "at least a vector");
  Value dynamic = NewArray(1, [](OpRunner& r) { r.Attr("dynamic_size", true); });
  ASSERT_TRUE(Split(dynamic, value, {1, 1, 2}).ok());
  EXPECT_EQ(*Size(dynamic), 3);
}

}  // namespace
}  // namespace savedserve
