// The BlazeFace detection family on hand-built signatures and outputs: recognised by output
// shapes whatever the aliases, chosen by CreateDetectionDecoder, and decoded head by head
// (the real model is checked against TF.js and the README's faces in tests/tfjs/ and, served,
// in tests/detect_cli_test.cc).
#include "models/ssd/blazeface_decoder.h"

#include <cmath>
#include <map>
#include <tuple>

#include "gtest/gtest.h"

namespace savedserve::ssd {
namespace {

tensorflow::TensorInfo FloatInfo(const std::vector<int64_t>& dims) {
  tensorflow::TensorInfo info;
  info.set_name("t:0");
  info.set_dtype(tensorflow::DT_FLOAT);
  for (int64_t d : dims) info.mutable_tensor_shape()->add_dim()->set_size(d);
  return info;
}

// BlazeFace as `import tfjs` writes it: the TF.js model's own aliases.
tensorflow::SignatureDef BlazeFaceSignature() {
  tensorflow::SignatureDef sig;
  (*sig.mutable_inputs())["input"] = FloatInfo({1, 256, 256, 3});
  (*sig.mutable_outputs())["Identity"] = FloatInfo({1, 512, 1});
  (*sig.mutable_outputs())["Identity_1"] = FloatInfo({1, 384, 1});
  (*sig.mutable_outputs())["Identity_2"] = FloatInfo({1, 512, 16});
  (*sig.mutable_outputs())["Identity_3"] = FloatInfo({1, 384, 16});
  return sig;
}

std::map<std::string, Tensor> ZeroOutputs(int64_t batch) {
  std::map<std::string, Tensor> out;
  for (const auto& [alias, anchors, depth] :
       {std::tuple{"Identity", 512, 1}, std::tuple{"Identity_1", 384, 1},
        std::tuple{"Identity_2", 512, 16}, std::tuple{"Identity_3", 384, 16}}) {
    Tensor t(tensorflow::DT_FLOAT, TensorShape({batch, anchors, depth}));
    for (float& v : t.flat<float>()) v = depth == 1 ? -10.0f : 0.0f;  // no face anywhere
    out[alias] = t;
  }
  return out;
}

TEST(BlazeFaceDecoderTest, RecognisedByShapesAndPickedByTheFamilyList) {
  tensorflow::SignatureDef sig = BlazeFaceSignature();
  EXPECT_TRUE(HasBlazeFaceOutputs(sig));
  auto decoder = CreateDetectionDecoder(sig);
  ASSERT_TRUE(decoder.ok()) << decoder.status();
  EXPECT_EQ((*decoder)->family(), "blazeface");
  EXPECT_EQ((*decoder)->resize_mode(), ResizeMode::kLetterbox);
  EXPECT_FLOAT_EQ((*decoder)->input_scaling().scale * 255 + (*decoder)->input_scaling().offset, 1);
  EXPECT_FLOAT_EQ((*decoder)->input_scaling().offset, -1);
  EXPECT_EQ((*decoder)->output_aliases().size(), 4u);

  tensorflow::SignatureDef three = sig;
  three.mutable_outputs()->erase("Identity_3");
  EXPECT_FALSE(HasBlazeFaceOutputs(three));
  tensorflow::SignatureDef other_counts = sig;
  (*other_counts.mutable_outputs())["Identity_1"] = FloatInfo({1, 300, 1});
  EXPECT_FALSE(HasBlazeFaceOutputs(other_counts));
  tensorflow::SignatureDef not_square = sig;
  (*not_square.mutable_inputs())["input"] = FloatInfo({1, 256, 128, 3});
  EXPECT_FALSE(BlazeFaceDecoder::Create(not_square).ok());
}

TEST(BlazeFaceDecoderTest, DecodesEachHeadAndBatchElement) {
  auto decoder = *BlazeFaceDecoder::Create(BlazeFaceSignature());
  std::map<std::string, Tensor> out = ZeroOutputs(2);
  // Batch 0: a face at anchor 5 of the 16x16 head (cell y 0, x 2): centre (2.5/16, 0.5/16).
  out["Identity"].data<float>()[5] = 3.0f;
  float* r = out["Identity_2"].data<float>() + 5 * 16;
  r[2] = 32, r[3] = 16;  // 32 x 16 pixels of 256
  // Batch 1: a face at the last anchor of the 8x8 head, centre (7.5/8, 7.5/8), shifted.
  out["Identity_1"].data<float>()[384 + 383] = 1.0f;
  float* r1 = out["Identity_3"].data<float>() + (384 + 383) * 16;
  r1[0] = -8, r1[2] = 16, r1[3] = 16;
  ASSERT_EQ(*decoder->BatchSize(out), 2);
  auto first = decoder->Decode(out, 0, decoder->default_selection());
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].class_id, 1);
  EXPECT_NEAR((*first)[0].score, 1 / (1 + std::exp(-3.0)), 1e-6);
  EXPECT_NEAR((*first)[0].box.xmin, 2.5 / 16 - 16.0 / 256, 1e-6);
  EXPECT_NEAR((*first)[0].box.ymax, 0.5 / 16 + 8.0 / 256, 1e-6);
  auto second = decoder->Decode(out, 1, decoder->default_selection());
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u);
  EXPECT_NEAR((*second)[0].box.xmin, 7.5 / 8 - 8.0 / 256 - 8.0 / 256, 1e-6);
}

TEST(BlazeFaceDecoderTest, OutputsOfTheWrongShapeAreErrors) {
  auto decoder = *BlazeFaceDecoder::Create(BlazeFaceSignature());
  std::map<std::string, Tensor> out = ZeroOutputs(1);
  out["Identity_3"] = Tensor(tensorflow::DT_FLOAT, TensorShape({1, 384, 4}));
  auto batch = decoder->BatchSize(out);
  EXPECT_FALSE(batch.ok());
  EXPECT_NE(batch.status().message().find("Identity_3"), std::string::npos) << batch.status();
  out = ZeroOutputs(1);
  out.erase("Identity");
  EXPECT_FALSE(decoder->BatchSize(out).ok());
}

}  // namespace
}  // namespace savedserve::ssd
