// The TensorList kernels, op by op, against TensorFlow's list semantics worked by hand
// (list_kernels: unset elements read as zeros, shapes merged, errors worded as TF words
// them), and the copy-on-write rule: an op never changes the list it is given.
#include "tensor/tensor_list.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/ops/array_test_util.h"

namespace savedserve {
namespace {

using tensorflow::DT_FLOAT;
using tensorflow::DT_INT32;
using testing_util::Make;
using testing_util::Values;
using testing_util::Vec;
constexpr auto kRef = KernelVariant::kReference;

Tensor Shape(std::vector<int32_t> dims) { return Vec<int32_t>(dims); }
Tensor UnknownShape() { return Tensor::Scalar<int32_t>(-1); }
Tensor I(int32_t v) { return Tensor::Scalar<int32_t>(v); }
Tensor F(std::vector<float> v) { return Vec<float>(v); }

const TensorList& ListOf(const Tensor& t) {
  const auto* list = dynamic_cast<const TensorList*>(t.variant_value(0).get());
  EXPECT_NE(list, nullptr) << t.DebugString();
  static const TensorList kEmpty;
  return list != nullptr ? *list : kEmpty;
}

// Runs `op` (element_dtype float unless told) and returns its outputs.
absl::StatusOr<std::vector<Tensor>> RunOp(const std::string& op, const std::vector<Tensor>& in,
                                          int outputs = 1, DataType dtype = DT_FLOAT,
                                          std::vector<std::pair<std::string, int64_t>> attrs = {}) {
  OpRunner r(op, "list_op");
  if (op != "TensorListLength" && op != "TensorListElementShape" && op != "TensorListResize") {
    r.Attr("element_dtype", dtype);
  }
  for (const auto& [name, value] : attrs) r.Attr(name, value);
  r.NumOutputs(outputs);
  return r.Run(in, kRef);
}

// The list op's one output, which must succeed.
Tensor List(const std::string& op, const std::vector<Tensor>& in, DataType dtype = DT_FLOAT) {
  auto out = RunOp(op, in, 1, dtype);
  EXPECT_TRUE(out.ok()) << op << ": " << out.status();
  return out.ok() ? (*out)[0] : Tensor();
}

Tensor Reserve(std::vector<int32_t> shape, int32_t n) {
  return List("TensorListReserve", {Shape(shape), I(n)});
}

TEST(TensorListOps, ReserveSetStackAsMapFnWritesIt) {
  Tensor list = Reserve({2}, 3);
  EXPECT_EQ(ListOf(list).tensors.size(), 3u);
  Tensor set0 = List("TensorListSetItem", {list, I(0), F({1, 2})});
  Tensor set2 = List("TensorListSetItem", {set0, I(2), F({5, 6})});
  // Copy on write: the lists given stay as they were.
  EXPECT_EQ(ListOf(list).tensors[0].dtype(), tensorflow::DT_INVALID);
  EXPECT_EQ(ListOf(set0).tensors[2].dtype(), tensorflow::DT_INVALID);
  auto stacked = RunOp("TensorListStack", {set2, Shape({2})});
  ASSERT_TRUE(stacked.ok()) << stacked.status();
  // The unset element reads as zeros.
  EXPECT_TRUE((*stacked)[0].Identical(Make<float>({3, 2}, {1, 2, 0, 0, 5, 6})));
  auto length = RunOp("TensorListLength", {set2});
  ASSERT_TRUE(length.ok());
  EXPECT_EQ((*length)[0].data<int32_t>()[0], 3);
}

TEST(TensorListOps, GetItem) {
  Tensor list = List("TensorListSetItem", {Reserve({-1}, 3), I(1), F({7, 8, 9})});
  auto set = RunOp("TensorListGetItem", {list, I(1), UnknownShape()});
  ASSERT_TRUE(set.ok());
  EXPECT_TRUE((*set)[0].Identical(F({7, 8, 9})));
  // Unset, with an unknown element shape: learned from the set elements, as TF does.
  auto unset = RunOp("TensorListGetItem", {list, I(0), UnknownShape()});
  ASSERT_TRUE(unset.ok()) << unset.status();
  EXPECT_TRUE((*unset)[0].Identical(F({0, 0, 0})));
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListGetItem", {Reserve({-1}, 2), I(0), UnknownShape()}),
                           "element_shape is not fully defined");
  auto given = RunOp("TensorListGetItem", {Reserve({-1}, 2), I(0), Shape({2})});
  ASSERT_TRUE(given.ok()) << given.status();
  EXPECT_TRUE((*given)[0].Identical(F({0, 0})));
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListGetItem", {list, I(3), UnknownShape()}),
                           "Trying to access element 3 in a list with 3 elements.");
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListGetItem", {list, I(-1), UnknownShape()}),
                           "Trying to access element -1");
  // A set element is returned as it is, as TF does: element_shape is not checked against it.
  auto as_set = RunOp("TensorListGetItem", {list, I(1), Shape({2})});
  ASSERT_TRUE(as_set.ok()) << as_set.status();
  EXPECT_TRUE((*as_set)[0].Identical(F({7, 8, 9})));
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListGetItem", {list, I(1), UnknownShape()}, 1, DT_INT32),
                           "Invalid data types; op elements DT_INT32 but list elements DT_FLOAT");
}

TEST(TensorListOps, SetItemChecks) {
  Tensor list = Reserve({2}, 2);
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListSetItem", {list, I(0), F({1, 2, 3})}),
                           "incompatible shape");
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListSetItem", {list, I(2), F({1, 2})}),
                           "Trying to modify element 2 in a list with 2 elements.");
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListSetItem", {list, I(-1), F({1, 2})}),
                           "Trying to modify element -1");
  // What a dynamic-size TensorArray writes: the list grows.
  OpRunner resize("TensorListSetItem");
  resize.Attr("element_dtype", DT_FLOAT).Attr("resize_if_index_out_of_bounds", true);
  auto grown = resize.Run({list, I(4), F({1, 2})}, kRef);
  ASSERT_TRUE(grown.ok()) << grown.status();
  EXPECT_EQ(ListOf((*grown)[0]).tensors.size(), 5u);
  SS_EXPECT_ERROR_CONTAINS(resize.Run({list, I(1 << 30), F({1, 2})}, kRef), "over the limit");
}

TEST(TensorListOps, NotAList) {
  Tensor serialized(tensorflow::DT_VARIANT, TensorShape{});  // as read from a TensorProto
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListLength", {serialized}), "is not a TensorList");
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListLength", {F({1})}), "must be a DT_VARIANT scalar");
}

TEST(TensorListOps, ReserveAndEmptyChecks) {
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListReserve", {Shape({2}), I(-1)}),
                           "must be a non negative number, but got -1");
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListReserve", {Shape({2}), I(1 << 30)}), "over the limit");
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListReserve", {Tensor::Scalar<int32_t>(3), I(1)}),
                           "the only valid scalar shape tensor is the fully unknown shape");
  SS_EXPECT_ERROR_CONTAINS(RunOp("EmptyTensorList", {Shape({2}), I(-2)}), "max_num_elements");
}

TEST(TensorListOps, ElementShape) {
  for (DataType shape_type : {DT_INT32, tensorflow::DT_INT64}) {
    OpRunner r("TensorListElementShape");
    r.Attr("shape_type", shape_type);
    auto known = r.Run({Reserve({2, -1}, 1)}, kRef);
    ASSERT_TRUE(known.ok()) << known.status();
    Tensor expected = shape_type == DT_INT32 ? Vec<int32_t>({2, -1}) : Vec<int64_t>({2, -1});
    EXPECT_TRUE((*known)[0].Identical(expected));
    auto unknown = r.Run({List("TensorListReserve", {UnknownShape(), I(1)})}, kRef);
    ASSERT_TRUE(unknown.ok());
    EXPECT_TRUE((*unknown)[0].Identical(shape_type == DT_INT32 ? Tensor::Scalar<int32_t>(-1)
                                                               : Tensor::Scalar<int64_t>(-1)));
  }
}

TEST(TensorListOps, PushBackPopBack) {
  Tensor empty = List("EmptyTensorList", {Shape({-1}), I(2)});
  Tensor one = List("TensorListPushBack", {empty, F({1})});
  Tensor two = List("TensorListPushBack", {one, F({2, 3})});
  EXPECT_TRUE(ListOf(empty).tensors.empty());
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListPushBack", {two, F({4})}),
                           "Tried to push item into a full list list size: 2 max_num_elements: 2");
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListPushBack", {one, Make<float>({1, 1}, {4})}),
                           "incompatible shape");
  auto popped = RunOp("TensorListPopBack", {two, UnknownShape()}, 2);
  ASSERT_TRUE(popped.ok()) << popped.status();
  EXPECT_TRUE((*popped)[1].Identical(F({2, 3})));
  EXPECT_EQ(ListOf((*popped)[0]).tensors.size(), 1u);
  EXPECT_EQ(ListOf(two).tensors.size(), 2u);
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListPopBack", {empty, UnknownShape()}, 2),
                           "Trying to pop from an empty list.");
  auto zeros = RunOp("TensorListPopBack", {Reserve({-1, 2}, 1), Shape({1, -1})}, 2);
  ASSERT_TRUE(zeros.ok()) << zeros.status();
  EXPECT_TRUE((*zeros)[1].Identical(Make<float>({1, 2}, {0, 0})));
}

TEST(TensorListOps, FromTensorGatherAndStackErrors) {
  Tensor rows = Make<float>({3, 2}, {1, 2, 3, 4, 5, 6});
  Tensor list = List("TensorListFromTensor", {rows, Shape({-1})});
  ASSERT_EQ(ListOf(list).tensors.size(), 3u);
  EXPECT_TRUE(ListOf(list).tensors[1].Identical(F({3, 4})));
  EXPECT_EQ(ListOf(list).element_shape.dims(), std::vector<int64_t>{-1});
  auto gathered = RunOp("TensorListGather", {list, Vec<int32_t>({2, 0, 2}), UnknownShape()});
  ASSERT_TRUE(gathered.ok()) << gathered.status();
  EXPECT_TRUE((*gathered)[0].Identical(Make<float>({3, 2}, {5, 6, 1, 2, 5, 6})));
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListGather", {list, Vec<int32_t>({3}), UnknownShape()}),
                           "Index 3 out of range; list only has 3 elements.");
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListGather", {list, Vec<int32_t>({-1}), UnknownShape()}),
                           "Index -1 out of range");
  auto none = RunOp("TensorListGather", {list, Vec<int32_t>({}), Shape({2})});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ((*none)[0].shape(), (TensorShape{0, 2}));

  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListFromTensor", {F({1, 2}).Reshaped({}), UnknownShape()}),
                           "Tensor must be at least a vector");
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListFromTensor", {rows, Shape({3})}),
                           "Specified a list with shape [3] from a tensor with shape [2]");
  SS_EXPECT_ERROR_CONTAINS(
      RunOp("TensorListStack", {list, UnknownShape()}, 1, DT_FLOAT, {{"num_elements", 2}}),
      "Operation expected a list with 2 elements but got a list with 3 elements.");
  auto empty_stack = RunOp("TensorListStack", {Reserve({2}, 0), UnknownShape()});
  ASSERT_TRUE(empty_stack.ok()) << empty_stack.status();
  EXPECT_EQ((*empty_stack)[0].shape(), (TensorShape{0, 2}));
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListStack", {Reserve({-1}, 0), UnknownShape()}),
                           "non-fully-defined element_shape");
  Tensor ragged =
      List("TensorListPushBack",
           {List("TensorListPushBack", {List("EmptyTensorList", {UnknownShape(), I(-1)}), F({1})}),
            F({1, 2})});
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListStack", {ragged, UnknownShape()}),
                           "list element 1: incompatible shapes [1] and [2]");
}

TEST(TensorListOps, StringElements) {
  Tensor words = Vec<std::string>({"a", "bb", "ccc"});
  Tensor list = List("TensorListFromTensor", {words, UnknownShape()}, tensorflow::DT_STRING);
  auto stacked = RunOp("TensorListStack", {list, UnknownShape()}, 1, tensorflow::DT_STRING);
  ASSERT_TRUE(stacked.ok()) << stacked.status();
  EXPECT_TRUE((*stacked)[0].Identical(words));
}

TEST(TensorListOps, ConcatV2) {
  // Elements [2,2] and [1,2], one unset: its rows come from leading_dims.
  Tensor list = List("TensorListPushBack",
                     {List("TensorListPushBack", {List("EmptyTensorList", {Shape({-1, 2}), I(-1)}),
                                                  Make<float>({2, 2}, {1, 2, 3, 4})}),
                      Make<float>({1, 2}, {5, 6})});
  list = List("TensorListResize", {list, I(3)});
  OpRunner r("TensorListConcatV2");
  r.Attr("element_dtype", DT_FLOAT).Attr("shape_type", DT_INT32).NumOutputs(2);
  auto out = r.Run({list, UnknownShape(), Vec<int64_t>({0, 0, 2})}, kRef);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE((*out)[0].Identical(Make<float>({5, 2}, {1, 2, 3, 4, 5, 6, 0, 0, 0, 0})));
  EXPECT_TRUE((*out)[1].Identical(Vec<int64_t>({2, 1, 2})));
  SS_EXPECT_ERROR_CONTAINS(r.Run({list, UnknownShape(), Vec<int64_t>({})}, kRef),
                           "List contains uninitialized tensor at index 2 but leading_dims has "
                           "only 0 elements.");
  // Same leading dims: inferred for the unset element.
  Tensor same = List("TensorListSetItem", {List("TensorListReserve", {Shape({-1, 1}), I(3)}), I(0),
                                           Make<float>({2, 1}, {7, 8})});
  same = List("TensorListSetItem", {same, I(2), Make<float>({2, 1}, {9, 10})});
  auto inferred = r.Run({same, UnknownShape(), Vec<int64_t>({})}, kRef);
  ASSERT_TRUE(inferred.ok()) << inferred.status();
  EXPECT_TRUE((*inferred)[0].Identical(Make<float>({6, 1}, {7, 8, 0, 0, 9, 10})));
  EXPECT_TRUE((*inferred)[1].Identical(Vec<int64_t>({2, 2, 2})));
  SS_EXPECT_ERROR_CONTAINS(r.Run({same, Shape({3, 1}), Vec<int64_t>({})}, kRef),
                           "First entry of element_shape input does not match");
  Tensor scalars = List("TensorListFromTensor", {F({1, 2}), UnknownShape()});
  SS_EXPECT_ERROR_CONTAINS(r.Run({scalars, UnknownShape(), Vec<int64_t>({})}, kRef),
                           "Concat saw a scalar shape at index 0 but requires at least vectors.");
  // TensorListConcat (V1) cannot size unset elements it cannot infer.
  OpRunner v1("TensorListConcat");
  v1.Attr("element_dtype", DT_FLOAT).NumOutputs(2);
  SS_EXPECT_ERROR_CONTAINS(v1.Run({list}, kRef), "not supported in this version");
}

TEST(TensorListOps, Scatter) {
  Tensor rows = Make<float>({3, 1}, {1, 2, 3});
  OpRunner v1("TensorListScatter");
  v1.Attr("element_dtype", DT_FLOAT).Attr("shape_type", DT_INT32);
  auto list = v1.Run({rows, Vec<int32_t>({3, 0, 0}), Shape({1})}, kRef);
  ASSERT_TRUE(list.ok()) << list.status();
  const TensorList& l = ListOf((*list)[0]);
  ASSERT_EQ(l.tensors.size(), 4u);
  EXPECT_TRUE(l.tensors[0].Identical(F({3})));  // the later row wins
  EXPECT_EQ(l.tensors[1].dtype(), tensorflow::DT_INVALID);
  EXPECT_TRUE(l.tensors[3].Identical(F({1})));
  SS_EXPECT_ERROR_CONTAINS(v1.Run({rows, Vec<int32_t>({0, -1, 2}), Shape({1})}, kRef),
                           "must all be non-negative");
  SS_EXPECT_ERROR_CONTAINS(v1.Run({rows, Vec<int32_t>({0, 1}), Shape({1})}, kRef),
                           "Invalid number of rows in input tensor. Expected: 2 Actual: 3");

  OpRunner v2("TensorListScatterV2");
  v2.Attr("element_dtype", DT_FLOAT).Attr("shape_type", DT_INT32);
  auto sized = v2.Run({rows, Vec<int32_t>({0, 1, 2}), Shape({1}), I(6)}, kRef);
  ASSERT_TRUE(sized.ok()) << sized.status();
  EXPECT_EQ(ListOf((*sized)[0]).tensors.size(), 6u);
  SS_EXPECT_ERROR_CONTAINS(v2.Run({rows, Vec<int32_t>({0, 1, 5}), Shape({1}), I(5)}, kRef),
                           "Trying to scatter at index 5 in list with size 5");

  OpRunner into("TensorListScatterIntoExistingList");
  into.Attr("element_dtype", DT_FLOAT);
  Tensor existing = Reserve({1}, 2);
  auto grown = into.Run({existing, rows, Vec<int32_t>({4, 1, 0})}, kRef);
  ASSERT_TRUE(grown.ok()) << grown.status();
  const TensorList& g = ListOf((*grown)[0]);
  ASSERT_EQ(g.tensors.size(), 5u);
  EXPECT_TRUE(g.tensors[1].Identical(F({2})));
  EXPECT_TRUE(g.tensors[4].Identical(F({1})));
  EXPECT_EQ(ListOf(existing).tensors.size(), 2u);
  SS_EXPECT_ERROR_CONTAINS(
      into.Run({existing, Make<float>({3, 2}, {1, 2, 3, 4, 5, 6}), Vec<int32_t>({0, 1, 2})}, kRef),
      "Specified a list with shape [1] from a tensor with shape [2]");
}

TEST(TensorListOps, SplitAndResize) {
  Tensor rows = Make<float>({5, 2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  OpRunner split("TensorListSplit");
  split.Attr("element_dtype", DT_FLOAT).Attr("shape_type", DT_INT32);
  auto list = split.Run({rows, Shape({-1, 2}), Vec<int64_t>({2, 0, 3})}, kRef);
  ASSERT_TRUE(list.ok()) << list.status();
  const TensorList& l = ListOf((*list)[0]);
  ASSERT_EQ(l.tensors.size(), 3u);
  EXPECT_TRUE(l.tensors[0].Identical(Make<float>({2, 2}, {0, 1, 2, 3})));
  EXPECT_EQ(l.tensors[1].shape(), (TensorShape{0, 2}));
  EXPECT_TRUE(l.tensors[2].Identical(Make<float>({3, 2}, {4, 5, 6, 7, 8, 9})));
  SS_EXPECT_ERROR_CONTAINS(split.Run({rows, Shape({-1, 2}), Vec<int64_t>({2, 2})}, kRef),
                           "Unused values in tensor. Length of tensor: 5 Values used: 4");
  SS_EXPECT_ERROR_CONTAINS(split.Run({rows, Shape({-1, 2}), Vec<int64_t>({6})}, kRef),
                           "Attempting to slice [0, 6] from tensor with length 5");
  SS_EXPECT_ERROR_CONTAINS(split.Run({rows, Shape({-1, 2}), Vec<int64_t>({-1, 6})}, kRef),
                           "Invalid value in lengths: -1");

  Tensor shrunk = List("TensorListResize", {(*list)[0], I(1)});
  EXPECT_EQ(ListOf(shrunk).tensors.size(), 1u);
  EXPECT_EQ(l.tensors.size(), 3u);
  SS_EXPECT_ERROR_CONTAINS(RunOp("TensorListResize", {(*list)[0], I(-1)}),
                           "expects size to be non-negative");
}

}  // namespace
}  // namespace savedserve
