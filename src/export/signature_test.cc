#include "export/signature.h"

#include "gtest/gtest.h"

namespace savedserve {
namespace {

using tensorflow::DT_FLOAT;
using tensorflow::DT_INT64;
using tensorflow::DT_STRING;

TEST(Signature, BuildTensorInfoAddsOutputIndex) {
  auto info = BuildTensorInfo("x", DT_FLOAT, PartialShape({-1, 1}));
  EXPECT_EQ(info.name(), "x:0");
  EXPECT_EQ(info.dtype(), DT_FLOAT);
  ASSERT_EQ(info.tensor_shape().dim_size(), 2);
  EXPECT_EQ(info.tensor_shape().dim(0).size(), -1);
  EXPECT_EQ(BuildTensorInfo("y:1", DT_FLOAT, PartialShape()).name(), "y:1");
  EXPECT_TRUE(BuildTensorInfo("y:1", DT_FLOAT, PartialShape()).tensor_shape().unknown_rank());
}

TEST(Signature, Predict) {
  auto sig = PredictSignatureDef({{"x", BuildTensorInfo("x", DT_FLOAT, PartialShape())}},
                                 {{"y", BuildTensorInfo("y", DT_FLOAT, PartialShape())}});
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->method_name(), kPredictMethodName);
  EXPECT_TRUE(IsValidSignature(*sig));
  EXPECT_FALSE(PredictSignatureDef({}, {{"y", BuildTensorInfo("y", DT_FLOAT, {})}}).ok());
}

TEST(Signature, ClassifyNeedsStringInputsAndKnownOutputs) {
  auto examples = BuildTensorInfo("tf_example", DT_STRING, PartialShape({-1}));
  auto scores = BuildTensorInfo("y", DT_FLOAT, PartialShape({-1, 1}));
  auto classes = BuildTensorInfo("c", DT_STRING, PartialShape({-1, 1}));
  auto sig = ClassificationSignatureDef(examples, &classes, &scores);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->method_name(), kClassifyMethodName);
  EXPECT_TRUE(sig->outputs().contains("classes"));
  EXPECT_TRUE(IsValidSignature(*sig));
  EXPECT_TRUE(ClassificationSignatureDef(examples, nullptr, &scores).ok());
  EXPECT_FALSE(ClassificationSignatureDef(examples, nullptr, nullptr).ok());
  auto float_examples = BuildTensorInfo("x", DT_FLOAT, PartialShape());
  EXPECT_FALSE(ClassificationSignatureDef(float_examples, nullptr, &scores).ok());
  auto int_scores = BuildTensorInfo("y", DT_INT64, PartialShape());
  EXPECT_FALSE(ClassificationSignatureDef(examples, nullptr, &int_scores).ok());
}

TEST(Signature, Regress) {
  auto examples = BuildTensorInfo("tf_example", DT_STRING, PartialShape({-1}));
  auto y = BuildTensorInfo("y", DT_FLOAT, PartialShape({-1, 1}));
  auto sig = RegressionSignatureDef(examples, y);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->method_name(), kRegressMethodName);
  EXPECT_TRUE(sig->inputs().contains(kRegressInputs));
  EXPECT_TRUE(sig->outputs().contains(kRegressOutputs));
  EXPECT_FALSE(RegressionSignatureDef(y, y).ok());
}

TEST(Signature, ValidateNamesTheProblem) {
  tensorflow::SignatureDef sig;
  sig.set_method_name("tensorflow/serving/regress");
  (*sig.mutable_inputs())["x"] = BuildTensorInfo("x", DT_STRING, PartialShape());
  absl::Status s = ValidateSignature("my_sig", sig);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("my_sig"), absl::string_view::npos) << s;
  EXPECT_NE(s.message().find("inputs"), absl::string_view::npos) << s;
  sig.set_method_name("made/up");
  EXPECT_FALSE(IsValidSignature(sig));
}

TEST(Signature, ParseMethodName) {
  EXPECT_EQ(*ParseMethodName("predict"), kPredictMethodName);
  EXPECT_EQ(*ParseMethodName("classify"), kClassifyMethodName);
  EXPECT_EQ(*ParseMethodName(kRegressMethodName), kRegressMethodName);
  EXPECT_FALSE(ParseMethodName("guess").ok());
}

}  // namespace
}  // namespace savedserve
