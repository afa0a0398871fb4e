// Loops written by GraphBuilder::While with FunctionBuilder bodies, run by the runtime (real
// FunctionDefs through the function library and the While kernel), against closed forms.
#include "base/status.h"
#include "export/function_builder.h"
#include "gtest/gtest.h"
#include "runtime/loaded_model.h"

namespace savedserve {
namespace {

using tensorflow::DT_FLOAT;
using tensorflow::DT_INT32;

PartialShape Scalar() { return PartialShape(std::vector<int64_t>{}); }
PartialShape Dims(std::vector<int64_t> dims) { return PartialShape(std::move(dims)); }

// Loop vars (i, n, acc): while i < n, acc = concat(acc, [float(i * i)]), i += 1.
// Outputs "count" (final i) and "squares" (acc).
absl::StatusOr<std::unique_ptr<LoadedModel>> SquaresModel() {
  const std::vector<PartialShape> shapes = {Scalar(), Scalar(), Dims({-1})};
  FunctionBuilder cond("squares_cond");
  {
    NodeOutput i = cond.Arg("i", DT_INT32, shapes[0]);
    NodeOutput n = cond.Arg("n", DT_INT32, shapes[1]);
    cond.Arg("acc", DT_FLOAT, shapes[2]);
    cond.Ret("more", cond.AddOp("Less", "Less", {i, n}, {}, {Scalar()}).output());
  }
  FunctionBuilder body("squares_body");
  {
    NodeOutput i = body.Arg("i", DT_INT32, shapes[0]);
    NodeOutput n = body.Arg("n", DT_INT32, shapes[1]);
    NodeOutput acc = body.Arg("acc", DT_FLOAT, shapes[2]);
    NodeOutput square = body.AddOp("Cast", "square", {body.Mul("i_squared", i, i)},
                                   {{"DstT", TypeAttr(DT_FLOAT)}}, {Scalar()})
                            .output();
    NodeOutput item = body.AddOp("Pack", "item", {square}, {}, {Dims({1})}).output();
    NodeOutput axis = body.Const("axis", Tensor::Scalar<int32_t>(0));
    body.Ret("i_next", body.AddV2("i_next", i, body.Const("one", Tensor::Scalar<int32_t>(1))));
    body.Ret("n_next", n);
    body.Ret("acc_next",
             body.AddOp("ConcatV2", "grow", {acc, item, axis}, {}, {shapes[2]}).output());
  }
  GraphBuilder g;
  NodeOutput n = g.Placeholder("n", DT_INT32, Scalar());
  std::vector<NodeOutput> loop = g.While("loop",
                                         {g.Const("zero", Tensor::Scalar<int32_t>(0)), n,
                                          g.Const("empty", Tensor(DT_FLOAT, TensorShape{0}))},
                                         cond, body, shapes);
  if (loop.size() == 3) {
    g.Identity("count", loop[0]);
    g.Identity("squares", loop[2]);
  }
  ASSIGN_OR_RETURN(tensorflow::MetaGraphDef meta, g.Finish());
  return LoadedModel::FromMetaGraph(meta);
}

TEST(WhileLoop, CounterAndAccumulatorMatchClosedForms) {
  auto model = SquaresModel();
  ASSERT_TRUE(model.ok()) << model.status();
  for (int32_t n : {0, 1, 5, 40}) {
    SCOPED_TRACE(n);
    auto out = (*model)->Run({{"n:0", Tensor::Scalar<int32_t>(n)}}, {"count:0", "squares:0"}, {});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ((*out)[0].data<int32_t>()[0], n);
    const Tensor& squares = (*out)[1];
    ASSERT_EQ(squares.shape(), (TensorShape{n}));
    double sum = 0;
    for (int32_t k = 0; k < n; ++k) {
      EXPECT_EQ(squares.data<float>()[k], static_cast<float>(k * k));
      sum += squares.data<float>()[k];
    }
    EXPECT_EQ(sum, static_cast<double>(n) * (n - 1) * (2 * n - 1) / 6);  // sum of k^2, k < n
  }
  // A negative bound: cond is false at once.
  auto out = (*model)->Run({{"n:0", Tensor::Scalar<int32_t>(-3)}}, {"count:0"}, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].data<int32_t>()[0], 0);
}

}  // namespace
}  // namespace savedserve
