// The OpDefs (format/op_defs.cc) of the math ops whose kernels live in this directory: each
// parses, and its inputs, outputs and attributes are the ones the kernel reads, with TF's
// defaults, so a graph without a stripped_op_list still gets the kernels' defaults right.
#include <string>
#include <vector>

#include "format/op_defs.h"
#include "gtest/gtest.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

const tensorflow::OpDef::AttrDef* FindAttr(const tensorflow::OpDef& def, const std::string& name) {
  for (const auto& attr : def.attr()) {
    if (attr.name() == name) return &attr;
  }
  return nullptr;
}

TEST(MathOpDefs, EveryMathKernelHasItsOpDef) {
  const std::vector<std::string> ops = {"Abs",
                                        "AddN",
                                        "All",
                                        "Any",
                                        "ArgMax",
                                        "ArgMin",
                                        "Atan2",
                                        "Ceil",
                                        "ClipByValue",
                                        "Cos",
                                        "Cumsum",
                                        "Div",
                                        "DivNoNan",
                                        "Equal",
                                        "Erf",
                                        "Expm1",
                                        "Floor",
                                        "FloorDiv",
                                        "FloorMod",
                                        "Inv",
                                        "IsFinite",
                                        "IsInf",
                                        "IsNan",
                                        "Log1p",
                                        "LogicalAnd",
                                        "LogicalNot",
                                        "LogicalOr",
                                        "Min",
                                        "Mod",
                                        "NotEqual",
                                        "Pow",
                                        "Prod",
                                        "Reciprocal",
                                        "Rint",
                                        "Round",
                                        "Selu",
                                        "Sign",
                                        "Sin",
                                        "Softplus",
                                        "Softsign",
                                        "SquaredDifference",
                                        "TruncateDiv",
                                        "TruncateMod"};
  for (const std::string& op : ops) {
    SCOPED_TRACE(op);
    EXPECT_TRUE(KernelRegistry::Global().Has(op));
    const tensorflow::OpDef* def = RegisteredOpDef(op);
    ASSERT_NE(def, nullptr);
    EXPECT_EQ(def->name(), op);
    EXPECT_EQ(def->output_arg_size(), 1);
  }
}

TEST(MathOpDefs, AttributeDefaults) {
  const tensorflow::OpDef* arg_max = RegisteredOpDef("ArgMax");
  ASSERT_NE(arg_max, nullptr);
  EXPECT_EQ(FindAttr(*arg_max, "output_type")->default_value().type(), tensorflow::DT_INT64);
  EXPECT_EQ(FindAttr(*arg_max, "Tidx")->default_value().type(), tensorflow::DT_INT32);
  const tensorflow::OpDef* cumsum = RegisteredOpDef("Cumsum");
  ASSERT_NE(cumsum, nullptr);
  EXPECT_FALSE(FindAttr(*cumsum, "exclusive")->default_value().b());
  EXPECT_FALSE(FindAttr(*cumsum, "reverse")->default_value().b());
  const tensorflow::OpDef* equal = RegisteredOpDef("Equal");
  ASSERT_NE(equal, nullptr);
  EXPECT_TRUE(FindAttr(*equal, "incompatible_shape_error")->default_value().b());
  EXPECT_EQ(equal->output_arg(0).type(), tensorflow::DT_BOOL);
  for (const char* op : {"Prod", "Min", "Any", "All"}) {
    const tensorflow::OpDef* def = RegisteredOpDef(op);
    ASSERT_NE(def, nullptr) << op;
    EXPECT_FALSE(FindAttr(*def, "keep_dims")->default_value().b()) << op;
  }
  const tensorflow::OpDef* add_n = RegisteredOpDef("AddN");
  ASSERT_NE(add_n, nullptr);
  EXPECT_EQ(add_n->input_arg(0).number_attr(), "N");
  EXPECT_EQ(FindAttr(*add_n, "N")->minimum(), 1);
  EXPECT_EQ(RegisteredOpDef("Atan2")->input_arg(0).name(), "y");
  EXPECT_EQ(RegisteredOpDef("Softplus")->input_arg(0).name(), "features");
  const tensorflow::OpDef* bucketize = RegisteredOpDef("Bucketize");
  ASSERT_NE(bucketize, nullptr);
  EXPECT_EQ(bucketize->output_arg(0).type(), tensorflow::DT_INT32);
  EXPECT_EQ(FindAttr(*bucketize, "boundaries")->type(), "list(float)");
}

}  // namespace
}  // namespace savedserve
