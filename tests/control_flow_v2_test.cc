// TF2 control flow as Keras and tf.function exports write it, built with GraphBuilder /
// FunctionBuilder and run by the runtime (real FunctionDefs through the function library):
// tf.map_fn's While loop that reads rows from one TensorList and writes results into
// another with TensorListSetItem, with a StatelessIf (tf.cond) in its body, and a Case
// (tf.switch_case). Expected values are worked out by hand from TensorFlow's semantics.
#include <vector>

#include "base/status.h"
#include "export/function_builder.h"
#include "gtest/gtest.h"
#include "runtime/loaded_model.h"

namespace savedserve {
namespace {

using tensorflow::DT_FLOAT;
using tensorflow::DT_INT32;
using tensorflow::DT_VARIANT;

PartialShape Scalar() { return PartialShape(std::vector<int64_t>{}); }
PartialShape Dims(std::vector<int64_t> dims) { return PartialShape(std::move(dims)); }
Tensor Int32s(std::vector<int32_t> values) {
  return Tensor::FromVector<int32_t>(values, TensorShape{static_cast<int64_t>(values.size())});
}

// row -> row * factor, as a one-argument function.
FunctionBuilder ScaleRow(const std::string& name, float factor) {
  FunctionBuilder f(name);
  NodeOutput row = f.Arg("row", DT_FLOAT, Dims({3}));
  f.Ret("out", f.Mul("scaled", row, f.Const("factor", Tensor::Scalar<float>(factor))));
  return f;
}

// y = tf.map_fn(lambda row: tf.cond(sum(row) > 0, lambda: row * 2, lambda: -row), x) for
// x of shape [n, 3], as TF2 writes it: x unstacked into a TensorList, a While over
// (i, n, acc, elems) whose body reads row i (TensorListGetItem) and writes the result
// (TensorListSetItem) into acc, reserved for n rows, then TensorListStack.
absl::StatusOr<std::unique_ptr<LoadedModel>> MapFnModel() {
  const std::vector<PartialShape> shapes = {Scalar(), Scalar(), Scalar(), Scalar()};
  FunctionBuilder cond("map_cond");
  {
    NodeOutput i = cond.Arg("i", DT_INT32, Scalar());
    NodeOutput n = cond.Arg("n", DT_INT32, Scalar());
    cond.Arg("acc", DT_VARIANT, Scalar());
    cond.Arg("elems", DT_VARIANT, Scalar());
    cond.Ret("more", cond.AddOp("Less", "Less", {i, n}, {}, {Scalar()}).output());
  }
  FunctionBuilder body("map_body");
  {
    NodeOutput i = body.Arg("i", DT_INT32, Scalar());
    NodeOutput n = body.Arg("n", DT_INT32, Scalar());
    NodeOutput acc = body.Arg("acc", DT_VARIANT, Scalar());
    NodeOutput elems = body.Arg("elems", DT_VARIANT, Scalar());
    NodeOutput row_shape = body.Const("row_shape", Int32s({3}));
    NodeOutput row = body.AddOp("TensorListGetItem", "read", {elems, i, row_shape},
                                {{"element_dtype", TypeAttr(DT_FLOAT)}}, {Dims({3})})
                         .output();
    NodeOutput positive =
        body.AddOp("Less", "positive",
                   {body.Const("zero", Tensor::Scalar<float>(0)), body.Sum("sum", row, {0}, false)},
                   {}, {Scalar()})
            .output();
    FunctionBuilder double_row = ScaleRow("double_row", 2);
    FunctionBuilder negate_row = ScaleRow("negate_row", -1);
    body.AddFunction(double_row);
    body.AddFunction(negate_row);
    NodeOutput mapped = body.AddOp("StatelessIf", "cond", {positive, row},
                                   {{"Tout", TypeListAttr({DT_FLOAT})},
                                    {"then_branch", FuncAttr("double_row")},
                                    {"else_branch", FuncAttr("negate_row")}},
                                   {Dims({3})})
                            .output();
    NodeOutput written =
        body.AddOp("TensorListSetItem", "write", {acc, i, mapped}, {}, {Scalar()}).output();
    body.Ret("i_next", body.AddV2("i_next", i, body.Const("one", Tensor::Scalar<int32_t>(1))));
    body.Ret("n_next", n);
    body.Ret("acc_next", written);
    body.Ret("elems_next", elems);
  }
  GraphBuilder g;
  NodeOutput x = g.Placeholder("x", DT_FLOAT, Dims({-1, 3}));
  NodeOutput n = g.AddOp("StridedSlice", "n",
                         {g.Shape("shape", x), g.Const("begin", Int32s({0})),
                          g.Const("end", Int32s({1})), g.Const("strides", Int32s({1}))},
                         {{"shrink_axis_mask", IntAttr(1)}}, {Scalar()})
                     .output();
  NodeOutput row_shape = g.Const("row_shape", Int32s({3}));
  NodeOutput elems =
      g.AddOp("TensorListFromTensor", "elems", {x, row_shape}, {}, {Scalar()}).output();
  NodeOutput acc = g.AddOp("TensorListReserve", "acc", {row_shape, n},
                           {{"element_dtype", TypeAttr(DT_FLOAT)}}, {Scalar()})
                       .output();
  std::vector<NodeOutput> loop =
      g.While("map/while", {g.Const("zero", Tensor::Scalar<int32_t>(0)), n, acc, elems}, cond, body,
              shapes);
  if (loop.size() == 4) {
    g.Identity("y", g.AddOp("TensorListStack", "stack", {loop[2], row_shape},
                            {{"element_dtype", TypeAttr(DT_FLOAT)}}, {Dims({-1, 3})})
                        .output());
  }
  ASSIGN_OR_RETURN(tensorflow::MetaGraphDef meta, g.Finish());
  return LoadedModel::FromMetaGraph(meta);
}

TEST(ControlFlowV2, MapFnWritesTensorListInWhileBody) {
  auto model = MapFnModel();
  ASSERT_TRUE(model.ok()) << model.status();
  // Row sums 6, -3, 0, -0.5: only the first is > 0 and doubled; the rest are negated.
  const std::vector<float> x = {1, 2, 3, -1, -2, 0, 0, 0, 0, 4, -5, 0.5f};
  const std::vector<float> expected = {2, 4, 6, 1, 2, 0, 0, 0, 0, -4, 5, -0.5f};
  auto out = (*model)->Run({{"x:0", Tensor::FromVector<float>(x, TensorShape{4, 3})}}, {"y:0"}, {});
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ((*out)[0].shape(), (TensorShape{4, 3}));
  for (size_t k = 0; k < expected.size(); ++k) {
    EXPECT_EQ((*out)[0].data<float>()[k], expected[k]) << k;
  }
  // No rows: the loop never runs and the empty list stacks to [0, 3].
  auto empty = (*model)->Run({{"x:0", Tensor(DT_FLOAT, TensorShape{0, 3})}}, {"y:0"}, {});
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ((*empty)[0].shape(), (TensorShape{0, 3}));
}

// y = tf.switch_case(index, [x + 1, x * 2, x * x]); an index out of range runs the last.
absl::StatusOr<std::unique_ptr<LoadedModel>> SwitchCaseModel() {
  std::vector<FunctionBuilder> branches = {FunctionBuilder("plus_one"),
                                           FunctionBuilder("times_two"), FunctionBuilder("square")};
  for (size_t b = 0; b < branches.size(); ++b) {
    FunctionBuilder& f = branches[b];
    NodeOutput x = f.Arg("x", DT_FLOAT, Dims({-1}));
    NodeOutput y = b == 0   ? f.AddV2("y", x, f.Const("one", Tensor::Scalar<float>(1)))
                   : b == 1 ? f.Mul("y", x, f.Const("two", Tensor::Scalar<float>(2)))
                            : f.Mul("y", x, x);
    f.Ret("y", y);
  }
  GraphBuilder g;
  NodeOutput index = g.Placeholder("index", DT_INT32, Scalar());
  NodeOutput x = g.Placeholder("x", DT_FLOAT, Dims({-1}));
  tensorflow::AttrValue funcs;
  for (FunctionBuilder& f : branches) {
    g.AddFunction(f);
    funcs.mutable_list()->add_func()->set_name(f.name());
  }
  g.Identity("y", g.AddOp("Case", "switch_case", {index, x},
                          {{"Tout", TypeListAttr({DT_FLOAT})}, {"branches", funcs}}, {Dims({-1})})
                      .output());
  ASSIGN_OR_RETURN(tensorflow::MetaGraphDef meta, g.Finish());
  return LoadedModel::FromMetaGraph(meta);
}

TEST(ControlFlowV2, SwitchCasePicksTheBranchOrTheLast) {
  auto model = SwitchCaseModel();
  ASSERT_TRUE(model.ok()) << model.status();
  const Tensor x = Tensor::FromVector<float>(std::vector<float>{-1.5f, 3}, TensorShape{2});
  for (auto [index, want0, want1] : std::vector<std::tuple<int32_t, float, float>>{
           {0, -0.5f, 4}, {1, -3, 6}, {2, 2.25f, 9}, {3, 2.25f, 9}, {-1, 2.25f, 9}}) {
    auto out =
        (*model)->Run({{"index:0", Tensor::Scalar<int32_t>(index)}, {"x:0", x}}, {"y:0"}, {});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ((*out)[0].data<float>()[0], want0) << index;
    EXPECT_EQ((*out)[0].data<float>()[1], want1) << index;
  }
}

}  // namespace
}  // namespace savedserve
