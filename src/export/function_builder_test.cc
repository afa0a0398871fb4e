#include "export/function_builder.h"

#include <set>

#include "format/op_defs.h"
#include "gtest/gtest.h"

namespace savedserve {
namespace {

using tensorflow::DT_BOOL;
using tensorflow::DT_FLOAT;
using tensorflow::DT_INT32;

PartialShape Scalar() { return PartialShape(std::vector<int64_t>{}); }
PartialShape Dims(std::vector<int64_t> dims) { return PartialShape(std::move(dims)); }

const tensorflow::NodeDef* FindNode(const tensorflow::FunctionDef& f, const std::string& name) {
  for (const auto& node : f.node_def()) {
    if (node.name() == name) return &node;
  }
  return nullptr;
}

// f(x: float [-1], k: int32) = (x * 2, k + 1, k): args, a node output, a list output
// (IdentityN) and an argument returned as is.
FunctionBuilder SampleFunction() {
  FunctionBuilder f("sample_fn");
  NodeOutput x = f.Arg("x", DT_FLOAT, Dims({-1}));
  NodeOutput k = f.Arg("k", DT_INT32, Scalar());
  NodeOutput doubled = f.Mul("double", x, f.Const("two", Tensor::Scalar<float>(2)));
  BuiltNode both = f.AddOp("IdentityN", "both", {doubled, k}, {}, {x.shape, k.shape});
  f.Ret("y", both.output(0));
  f.Ret("next", f.AddV2("inc", both.output(1), f.Const("one", Tensor::Scalar<int32_t>(1))));
  f.Ret("same", k);
  return f;
}

TEST(FunctionBuilder, EmitsFunctionDefSyntax) {
  FunctionBuilder builder = SampleFunction();
  auto f = builder.Build();
  ASSERT_TRUE(f.ok()) << f.status();
  const tensorflow::OpDef& sig = f->signature();
  EXPECT_EQ(sig.name(), "sample_fn");
  ASSERT_EQ(sig.input_arg_size(), 2);
  EXPECT_EQ(sig.input_arg(0).name(), "x");
  EXPECT_EQ(sig.input_arg(0).type(), DT_FLOAT);
  EXPECT_EQ(sig.input_arg(1).name(), "k");
  ASSERT_EQ(sig.output_arg_size(), 3);
  EXPECT_EQ(sig.output_arg(0).name(), "y");
  EXPECT_EQ(sig.output_arg(1).type(), DT_INT32);
  EXPECT_FALSE(sig.is_stateful());
  EXPECT_EQ(builder.arg_types(), (std::vector<DataType>{DT_FLOAT, DT_INT32}));
  EXPECT_EQ(builder.ret_types(), (std::vector<DataType>{DT_FLOAT, DT_INT32, DT_INT32}));

  // Arguments by name, outputs as node:out_arg:index; no _Arg nodes in the body.
  for (const auto& node : f->node_def()) EXPECT_NE(node.op(), "_Arg");
  const tensorflow::NodeDef* mul = FindNode(*f, "double");
  ASSERT_NE(mul, nullptr);
  EXPECT_EQ(mul->input(0), "x");
  EXPECT_EQ(mul->input(1), "two:output:0");
  const tensorflow::NodeDef* both = FindNode(*f, "both");
  ASSERT_NE(both, nullptr);
  EXPECT_EQ(both->input(0), "double:z:0");
  EXPECT_EQ(both->input(1), "k");
  EXPECT_EQ(FindNode(*f, "inc")->input(0), "both:output:1");
  EXPECT_TRUE(FindNode(*f, "inc")->attr().contains("_output_shapes"));
  EXPECT_EQ(f->ret().at("y"), "both:output:0");
  EXPECT_EQ(f->ret().at("next"), "inc:z:0");
  // A returned argument goes through an Identity, as TF writes it.
  EXPECT_EQ(f->ret().at("same"), "Identity:output:0");
  EXPECT_EQ(FindNode(*f, "Identity")->input(0), "k");

  // Argument shapes are recorded where TF2 records them.
  const auto& x_attrs = f->arg_attr().at(0).attr();
  ASSERT_TRUE(x_attrs.contains("_output_shapes"));
  EXPECT_EQ(PartialShape::FromProto(x_attrs.at("_output_shapes").list().shape(0)).dims(),
            (std::vector<int64_t>{-1}));
}

TEST(FunctionBuilder, LibraryAndStrippedOpsIncludeFunctionBodies) {
  GraphBuilder g;
  NodeOutput n = g.Placeholder("n", DT_INT32, Scalar());
  FunctionBuilder cond("count_cond");
  NodeOutput ci = cond.Arg("i", DT_INT32, Scalar());
  NodeOutput cn = cond.Arg("n", DT_INT32, Scalar());
  cond.Ret("more", cond.AddOp("Less", "Less", {ci, cn}, {}, {Scalar()}).output());
  FunctionBuilder body("count_body");
  NodeOutput bi = body.Arg("i", DT_INT32, Scalar());
  NodeOutput bn = body.Arg("n", DT_INT32, Scalar());
  body.Ret("i_next", body.AddV2("add", bi, body.Const("one", Tensor::Scalar<int32_t>(1))));
  body.Ret("n_same", bn);
  std::vector<NodeOutput> out = g.While("loop", {g.Const("zero", Tensor::Scalar<int32_t>(0)), n},
                                        cond, body, {Scalar(), Scalar()});
  ASSERT_EQ(out.size(), 2u);
  g.Identity("count", out[0]);
  auto meta = g.Finish();
  ASSERT_TRUE(meta.ok()) << meta.status();

  std::set<std::string> functions;
  for (const auto& f : meta->graph_def().library().function())
    functions.insert(f.signature().name());
  EXPECT_EQ(functions, (std::set<std::string>{"count_cond", "count_body"}));
  std::set<std::string> ops;
  for (const auto& op : meta->meta_info_def().stripped_op_list().op()) ops.insert(op.name());
  EXPECT_TRUE(ops.contains("Less")) << "op used only inside cond";
  EXPECT_TRUE(ops.contains("While"));
  EXPECT_FALSE(ops.contains("_Arg"));

  const tensorflow::NodeDef* loop = nullptr;
  for (const auto& node : meta->graph_def().node()) {
    if (node.name() == "loop") loop = &node;
  }
  ASSERT_NE(loop, nullptr);
  EXPECT_EQ(loop->op(), "While");
  EXPECT_EQ(loop->attr().at("cond").func().name(), "count_cond");
  EXPECT_EQ(loop->attr().at("body").func().name(), "count_body");
  EXPECT_EQ(loop->attr().at("T").list().type_size(), 2);
  EXPECT_EQ(loop->attr().at("output_shapes").list().shape_size(), 2);
  EXPECT_EQ(loop->attr().at("parallel_iterations").i(), 10);
  // Every attr of the OpDef is written, as TF does.
  for (const auto& attr : RegisteredOpDef("While")->attr()) {
    EXPECT_TRUE(loop->attr().contains(attr.name())) << attr.name();
  }
}

TEST(FunctionBuilder, Errors) {
  {
    FunctionBuilder f("f");
    f.Arg("Bad", DT_FLOAT, Scalar());
    EXPECT_NE(f.Build().status().message().find("must match"), std::string::npos);
  }
  {
    FunctionBuilder f("f");
    f.Arg("x", DT_FLOAT, Scalar());
    f.Arg("x", DT_FLOAT, Scalar());
    EXPECT_NE(f.Build().status().message().find("clashes"), std::string::npos);
  }
  {
    FunctionBuilder f("f");
    NodeOutput x = f.Arg("x", DT_FLOAT, Scalar());
    f.Ret("y", x);
    f.Ret("x", x);
    EXPECT_NE(f.Build().status().message().find("already an argument or output"),
              std::string::npos);
  }
  {
    FunctionBuilder f("f");
    f.VariableV2("w", Tensor::Scalar<float>(1));
    EXPECT_EQ(f.Build().status().code(), absl::StatusCode::kFailedPrecondition);
  }
  {  // A body whose types do not match the loop vars.
    GraphBuilder g;
    FunctionBuilder cond("c"), body("b");
    NodeOutput x = cond.Arg("x", DT_FLOAT, Scalar());
    cond.Ret("more", cond.AddOp("Less", "", {x, x}, {}, {Scalar()}).output());
    body.Ret("y", body.Arg("x", DT_INT32, Scalar()));
    g.While("w", {g.Const("c0", Tensor::Scalar<float>(0))}, cond, body, {Scalar()});
    EXPECT_NE(g.status().message().find("body 'b' takes (DT_INT32)"), std::string::npos)
        << g.status();
  }
  {  // Two different functions under one name.
    GraphBuilder g;
    FunctionBuilder a("same"), b("same");
    a.Ret("y", a.Arg("x", DT_FLOAT, Scalar()));
    b.Ret("y", b.Arg("x", DT_INT32, Scalar()));
    g.AddFunction(a);
    g.AddFunction(a);  // the same body again is fine
    EXPECT_TRUE(g.status().ok()) << g.status();
    g.AddFunction(b);
    EXPECT_EQ(g.status().code(), absl::StatusCode::kAlreadyExists);
  }
  {  // A loop var that breaks its shape invariant.
    GraphBuilder g;
    FunctionBuilder cond("c"), body("b");
    NodeOutput x = cond.Arg("x", DT_FLOAT, Dims({-1}));
    cond.Ret("more", cond.AddOp("Less", "", {x, x}, {}, {Dims({-1})}).output());
    body.Ret("y", body.Arg("x", DT_FLOAT, Dims({-1})));
    g.While("w", {g.Const("c0", Tensor(DT_FLOAT, TensorShape{2, 2}))}, cond, body, {Dims({-1})});
    EXPECT_NE(g.status().message().find("invariant"), std::string::npos) << g.status();
  }
}

}  // namespace
}  // namespace savedserve
