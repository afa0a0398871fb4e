// A Keras-style convolutional encoder-decoder (Conv2D + BiasAdd + ReLU, MaxPool,
// Conv2DTranspose = Conv2DBackpropInput + BiasAdd + ReLU, UpSampling2D = ResizeNearestNeighbor,
// a 1x1 Conv2D + Sigmoid head), large enough for the load-time passes to keep convolutions
// in the blocked layout and band them, run through LoadedModel with those passes and the
// fast kernels, and compared with the same graph run as written on the reference kernels
// (each checked against TensorFlow.js in tfjs_kernels_test). Catches layout conversions
// missing around the ops the passes do not know.
#include <cmath>
#include <string>
#include <vector>

#include "base/status.h"
#include "export/graph_builder.h"
#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "runtime/loaded_model.h"

namespace savedserve {
namespace {

using tensorflow::DT_FLOAT;

Tensor Random(const TensorShape& shape, uint32_t seed, float scale) {
  return RandomTensor(DT_FLOAT, shape, seed, -scale, scale);
}

Tensor Ints(std::vector<int32_t> values) {
  return Tensor::FromVector<int32_t>(values, TensorShape{static_cast<int64_t>(values.size())});
}

class DecoderGraph {
 public:
  absl::StatusOr<tensorflow::MetaGraphDef> Build() {
    NodeOutput x = g_.Placeholder("image", DT_FLOAT, PartialShape({-1, 128, 128, 3}));
    NodeOutput e1 = Conv("enc1", x, 3, 3, 32, 1);          // [N, 128, 128, 32]
    NodeOutput e2 = Conv("enc2", e1, 3, 32, 64, 1);        // [N, 128, 128, 64]
    NodeOutput pooled = g_.AddOp("MaxPool", "pool", {e2},
                                 {{"ksize", IntListAttr({1, 2, 2, 1})},
                                  {"strides", IntListAttr({1, 2, 2, 1})},
                                  {"padding", StringAttr("SAME")}})
                            .output();                      // [N, 64, 64, 64]
    NodeOutput e3 = Conv("enc3", pooled, 3, 64, 64, 2);    // [N, 32, 32, 64]
    NodeOutput d1 = Transpose("dec1", e3, 64, 32);         // [N, 64, 64, 32]
    NodeOutput up = g_.AddOp("ResizeNearestNeighbor", "up", {d1, g_.Const("up/size", Ints({128, 128}))},
                             {{"half_pixel_centers", BoolAttr(true)}})
                        .output();                          // [N, 128, 128, 32]
    NodeOutput d2 = Conv("dec2", up, 3, 32, 32, 1);
    NodeOutput head = g_.BiasAdd(
        "head/BiasAdd", ConvOnly("head", d2, 1, 32, 1, 1),
        g_.Const("head/bias", Random(TensorShape{1}, seed_++, 0.1f)));
    g_.Sigmoid("mask", head);
    ASSIGN_OR_RETURN(tensorflow::MetaGraphDef meta, g_.Finish());
    // A serving signature: the layout passes keep what signatures fetch.
    tensorflow::SignatureDef& signature = (*meta.mutable_signature_def())["serving_default"];
    signature.set_method_name("tensorflow/serving/predict");
    (*signature.mutable_inputs())["image"].set_name("image:0");
    (*signature.mutable_outputs())["mask"].set_name("mask:0");
    return meta;
  }

 private:
  NodeOutput ConvOnly(const std::string& name, const NodeOutput& x, int k, int in, int out,
                      int stride) {
    const float scale = std::sqrt(6.0f / (k * k * in));
    NodeOutput w = g_.Const(name + "/kernel", Random(TensorShape{k, k, in, out}, seed_++, scale));
    return g_.AddOp("Conv2D", name + "/Conv2D", {x, w},
                    {{"strides", IntListAttr({1, stride, stride, 1})},
                     {"padding", StringAttr("SAME")}})
        .output();
  }
  NodeOutput Conv(const std::string& name, const NodeOutput& x, int k, int in, int out,
                  int stride) {
    NodeOutput b = g_.Const(name + "/bias", Random(TensorShape{out}, seed_++, 0.1f));
    return g_.Relu(name + "/Relu", g_.BiasAdd(name + "/BiasAdd",
                                              ConvOnly(name, x, k, in, out, stride), b));
  }
  // tf.keras.layers.Conv2DTranspose(out, 3, strides=2, padding="same", activation="relu"):
  // the output size is computed from the input's shape at run time, as Keras writes it.
  NodeOutput Transpose(const std::string& name, const NodeOutput& x, int in, int out) {
    const float scale = std::sqrt(6.0f / (9 * in));
    NodeOutput w = g_.Const(name + "/kernel", Random(TensorShape{3, 3, out, in}, seed_++, scale));
    NodeOutput shape = g_.AddOp("Shape", name + "/Shape", {x}).output();
    NodeOutput batch = g_.AddOp("StridedSlice", name + "/strided_slice",
                                {shape, g_.Const(name + "/begin", Ints({0})),
                                 g_.Const(name + "/end", Ints({1})),
                                 g_.Const(name + "/strides", Ints({1}))},
                                {{"shrink_axis_mask", IntAttr(1)}})
                           .output();
    NodeOutput sizes = g_.AddOp("Pack", name + "/stack",
                                {batch, g_.Const(name + "/h", Tensor::Scalar<int32_t>(64)),
                                 g_.Const(name + "/w", Tensor::Scalar<int32_t>(64)),
                                 g_.Const(name + "/c", Tensor::Scalar<int32_t>(out))})
                           .output();
    NodeOutput deconv = g_.AddOp("Conv2DBackpropInput", name + "/conv2d_transpose",
                                 {sizes, w, x},
                                 {{"strides", IntListAttr({1, 2, 2, 1})},
                                  {"padding", StringAttr("SAME")}})
                            .output();
    NodeOutput b = g_.Const(name + "/bias", Random(TensorShape{out}, seed_++, 0.1f));
    return g_.Relu(name + "/Relu", g_.BiasAdd(name + "/BiasAdd", deconv, b));
  }

  GraphBuilder g_;
  uint32_t seed_ = 1;
};

TEST(ConvDecoderTest, PassesAndFastKernelsMatchTheGraphAsWritten) {
  auto meta = DecoderGraph().Build();
  ASSERT_TRUE(meta.ok()) << meta.status();
  LoadOptions reference;
  reference.optimize = false;
  reference.reference_kernels = true;
  auto want_model = LoadedModel::FromMetaGraph(*meta, "", reference);
  ASSERT_TRUE(want_model.ok()) << want_model.status();
  auto fast_model = LoadedModel::FromMetaGraph(*meta);
  ASSERT_TRUE(fast_model.ok()) << fast_model.status();
  for (int batch : {1, 3}) {
    const Tensor image = Random(TensorShape{batch, 128, 128, 3}, 100 + batch, 1.0f);
    auto want = (*want_model)->Run({{"image:0", image}}, {"mask:0"}, {});
    ASSERT_TRUE(want.ok()) << want.status();
    auto got = (*fast_model)->Run({{"image:0", image}}, {"mask:0"}, {});
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_EQ((*got)[0].shape(), (TensorShape{batch, 128, 128, 1}));
    ASSERT_EQ((*got)[0].shape(), (*want)[0].shape());
    for (int64_t i = 0; i < (*want)[0].num_elements(); ++i) {
      // Sigmoid outputs in (0, 1); Winograd and reordered sums differ in the last bits.
      ASSERT_NEAR((*got)[0].data<float>()[i], (*want)[0].data<float>()[i], 1e-4)
          << "batch " << batch << " element " << i;
    }
  }
}

}  // namespace
}  // namespace savedserve
