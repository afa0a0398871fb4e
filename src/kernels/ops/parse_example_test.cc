// ParseExample (V1) and ParseExampleV2 on tf.Example protos built here.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "tensorflow/core/example/example.pb.h"

namespace savedserve {
namespace {

using tensorflow::DT_FLOAT;
using tensorflow::DT_INT64;
using tensorflow::DT_STRING;

// Builds one serialized tf.Example.
class ExampleBuilder {
 public:
  ExampleBuilder& Floats(const std::string& key, std::vector<float> values) {
    auto* list = Feature(key).mutable_float_list();
    for (float v : values) list->add_value(v);
    return *this;
  }
  ExampleBuilder& Ints(const std::string& key, std::vector<int64_t> values) {
    auto* list = Feature(key).mutable_int64_list();
    for (int64_t v : values) list->add_value(v);
    return *this;
  }
  ExampleBuilder& Bytes(const std::string& key, std::vector<std::string> values) {
    auto* list = Feature(key).mutable_bytes_list();
    for (auto& v : values) list->add_value(v);
    return *this;
  }
  ExampleBuilder& Empty(const std::string& key) {
    Feature(key);
    return *this;
  }
  std::string Serialize() const { return example_.SerializeAsString(); }

 private:
  tensorflow::Feature& Feature(const std::string& key) {
    return (*example_.mutable_features()->mutable_feature())[key];
  }
  tensorflow::Example example_;
};

Tensor Strings(std::vector<std::string> values, std::vector<int64_t> dims = {-1}) {
  if (dims.size() == 1 && dims[0] == -1) dims[0] = static_cast<int64_t>(values.size());
  Tensor t(DT_STRING, TensorShape(dims));
  for (size_t i = 0; i < values.size(); ++i) t.data<std::string>()[i] = values[i];
  return t;
}
Tensor Floats(std::vector<float> values, std::vector<int64_t> dims) {
  return Tensor::FromVector<float>(values, TensorShape(dims));
}
Tensor Ints(std::vector<int64_t> values, std::vector<int64_t> dims) {
  return Tensor::FromVector<int64_t>(values, TensorShape(dims));
}
tensorflow::AttrValue Shapes(std::vector<std::vector<int64_t>> shapes) {
  tensorflow::AttrValue attr;
  for (const auto& dims : shapes) {
    auto* shape = attr.mutable_list()->add_shape();
    for (int64_t d : dims) shape->add_dim()->set_size(d);
  }
  return attr;
}

// A V1 ParseExample with dense features only, as TF1's half_plus_two builds it.
struct DenseFeature {
  std::string key;
  DataType dtype;
  std::vector<int64_t> shape;
  Tensor default_value;
};

absl::StatusOr<std::vector<Tensor>> RunV1(const std::vector<std::string>& serialized,
                                          const std::vector<DenseFeature>& dense,
                                          bool constant_defaults = true) {
  OpRunner runner("ParseExample", "ParseExample/ParseExample");
  std::vector<DataType> types;
  std::vector<std::vector<int64_t>> shapes;
  std::vector<Tensor> inputs = {Strings(serialized), Strings({}, {0})};
  for (const auto& d : dense) inputs.push_back(Strings({d.key}, {}));
  for (const auto& d : dense) {
    types.push_back(d.dtype);
    shapes.push_back(d.shape);
    inputs.push_back(d.default_value);
  }
  runner.Attr("Nsparse", 0).Attr("Ndense", static_cast<int>(dense.size()));
  runner.Attr("sparse_types", std::vector<DataType>{}).Attr("Tdense", types);
  runner.Attr("dense_shapes", Shapes(shapes)).NumOutputs(static_cast<int>(dense.size()));
  if (constant_defaults) {
    for (size_t i = 2; i < inputs.size(); ++i) runner.ConstantInput(static_cast<int>(i));
  }
  return runner.Run(inputs);
}

TEST(ParseExample, HalfPlusTwoStyleDenseFloats) {
  const std::vector<std::string> batch = {
      ExampleBuilder().Floats("x", {1}).Serialize(), ExampleBuilder().Floats("x", {2}).Serialize(),
      ExampleBuilder().Floats("x", {5}).Floats("x2", {7}).Serialize()};
  for (bool constant : {true, false}) {
    auto out = RunV1(
        batch, {{"x", DT_FLOAT, {1}, Floats({}, {0})}, {"x2", DT_FLOAT, {1}, Floats({-1.5f}, {1})}},
        constant);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_TRUE(TensorsNear((*out)[0], Floats({1, 2, 5}, {3, 1}), 0));
    EXPECT_TRUE(TensorsNear((*out)[1], Floats({-1.5f, -1.5f, 7}, {3, 1}), 0));
  }
}

TEST(ParseExample, Int64AndBytesAndMatrixShapes) {
  const std::vector<std::string> batch = {
      ExampleBuilder().Ints("i", {1, 2, 3, 4}).Bytes("s", {"a"}).Serialize(),
      ExampleBuilder().Empty("s").Serialize()};  // no value list: missing, takes the default
  auto out = RunV1(batch, {{"i", DT_INT64, {2, 2}, Ints({9, 9, 9, 9}, {2, 2})},
                           {"s", DT_STRING, {}, Strings({"dflt"}, {})}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE((*out)[0].Identical(Ints({1, 2, 3, 4, 9, 9, 9, 9}, {2, 2, 2})));
  EXPECT_TRUE((*out)[1].Identical(Strings({"a", "dflt"}, {2})));
}

TEST(ParseExample, MissingRequiredFeatureNamesIt) {
  auto out = RunV1({ExampleBuilder().Floats("y", {1}).Serialize()},
                   {{"x", DT_FLOAT, {1}, Floats({}, {0})}});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("Feature: x"), std::string::npos) << out.status();
  EXPECT_NE(out.status().message().find("required"), std::string::npos) << out.status();
  EXPECT_NE(out.status().message().find("ParseExample/ParseExample"), std::string::npos);
}

TEST(ParseExample, WrongTypeAndWrongCountAreErrors) {
  auto wrong_type = RunV1({ExampleBuilder().Ints("x", {1}).Serialize()},
                          {{"x", DT_FLOAT, {1}, Floats({0}, {1})}});
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_NE(wrong_type.status().message().find("Data types don't match"), std::string::npos)
      << wrong_type.status();
  EXPECT_NE(wrong_type.status().message().find("int64"), std::string::npos);

  auto wrong_count = RunV1({ExampleBuilder().Floats("x", {1, 2}).Serialize()},
                           {{"x", DT_FLOAT, {1}, Floats({0}, {1})}});
  ASSERT_FALSE(wrong_count.ok());
  EXPECT_NE(wrong_count.status().message().find("Number of float values != expected"),
            std::string::npos)
      << wrong_count.status();
}

TEST(ParseExample, GarbageInputAndBadDefaultsAreErrors) {
  auto garbage = RunV1({"\xff\xff\xff not a proto"}, {{"x", DT_FLOAT, {1}, Floats({0}, {1})}});
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.status().message().find("Could not parse"), std::string::npos);

  auto bad_default =
      RunV1({ExampleBuilder().Serialize()}, {{"x", DT_FLOAT, {2}, Floats({0, 1, 2}, {3})}});
  ASSERT_FALSE(bad_default.ok());
  EXPECT_NE(bad_default.status().message().find("default"), std::string::npos);
}

TEST(ParseExample, VariableLengthDensePadsWithDefault) {
  const std::vector<std::string> batch = {ExampleBuilder().Floats("v", {1, 2, 3, 4}).Serialize(),
                                          ExampleBuilder().Serialize(),
                                          ExampleBuilder().Floats("v", {5, 6}).Serialize()};
  auto out = RunV1(batch, {{"v", DT_FLOAT, {-1, 2}, Floats({-1}, {})}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(
      TensorsNear((*out)[0], Floats({1, 2, 3, 4, -1, -1, -1, -1, 5, 6, -1, -1}, {3, 2, 2}), 0));
  auto odd = RunV1({ExampleBuilder().Floats("v", {1, 2, 3}).Serialize()},
                   {{"v", DT_FLOAT, {-1, 2}, Floats({-1}, {})}});
  EXPECT_FALSE(odd.ok());
}

TEST(ParseExample, SparseFeatures) {
  OpRunner runner("ParseExample");
  runner.Attr("Nsparse", 2).Attr("Ndense", 0).Attr("Tdense", std::vector<DataType>{});
  runner.Attr("sparse_types", std::vector<DataType>{DT_INT64, DT_STRING});
  runner.Attr("dense_shapes", Shapes({})).NumOutputs(6);
  const Tensor serialized = Strings({ExampleBuilder().Ints("a", {7, 8}).Serialize(),
                                     ExampleBuilder().Bytes("b", {"x"}).Serialize(),
                                     ExampleBuilder().Ints("a", {9}).Serialize()});
  auto out =
      runner.Run({serialized, Strings({"n0", "n1", "n2"}), Strings({"a"}, {}), Strings({"b"}, {})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE((*out)[0].Identical(Ints({0, 0, 0, 1, 2, 0}, {3, 2})));  // indices of "a"
  EXPECT_TRUE((*out)[1].Identical(Ints({1, 0}, {1, 2})));              // indices of "b"
  EXPECT_TRUE((*out)[2].Identical(Ints({7, 8, 9}, {3})));
  EXPECT_TRUE((*out)[3].Identical(Strings({"x"})));
  EXPECT_TRUE((*out)[4].Identical(Ints({3, 2}, {2})));
  EXPECT_TRUE((*out)[5].Identical(Ints({3, 1}, {2})));

  // Sparse type mismatches name the example.
  const Tensor bad = Strings({ExampleBuilder().Floats("a", {1}).Serialize()});
  auto err = runner.Run({bad, Strings({"my-example"}), Strings({"a"}, {}), Strings({"b"}, {})});
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.status().message().find("my-example"), std::string::npos) << err.status();
}

// ParseExampleV2 with keys as vectors, dense features, and the given ragged features.
void ConfigureV2(OpRunner& runner, const std::vector<DenseFeature>& dense,
                 std::vector<DataType> ragged_types, std::vector<DataType> split_types) {
  std::vector<DataType> types;
  std::vector<std::vector<int64_t>> shapes;
  for (const auto& d : dense) {
    types.push_back(d.dtype);
    shapes.push_back(d.shape);
  }
  runner.Attr("num_sparse", 0).Attr("sparse_types", std::vector<DataType>{});
  runner.Attr("Tdense", types).Attr("dense_shapes", Shapes(shapes));
  runner.Attr("ragged_value_types", ragged_types).Attr("ragged_split_types", split_types);
  runner.NumOutputs(static_cast<int>(dense.size() + 2 * ragged_types.size()));
}

TEST(ParseExampleV2, DenseAndRaggedOverABatch) {
  const std::vector<DenseFeature> dense = {{"x", DT_FLOAT, {1}, Floats({}, {0})}};
  OpRunner runner("ParseExampleV2");
  ConfigureV2(runner, dense, {DT_INT64}, {tensorflow::DT_INT32});
  const Tensor serialized =
      Strings({ExampleBuilder().Floats("x", {20}).Ints("r", {1, 2}).Serialize(),
               ExampleBuilder().Floats("x", {10}).Serialize(),
               ExampleBuilder().Floats("x", {0}).Ints("r", {3}).Serialize()});
  auto out = runner.Run({serialized, Strings({}, {0}), Strings({}, {0}), Strings({"x"}),
                         Strings({"r"}), Floats({}, {0})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0], Floats({20, 10, 0}, {3, 1}), 0));
  EXPECT_TRUE((*out)[1].Identical(Ints({1, 2, 3}, {3})));
  EXPECT_TRUE(
      (*out)[2].Identical(Tensor::FromVector<int32_t>(std::vector<int32_t>{0, 2, 2, 3}, {4})));
}

TEST(ParseExampleV2, ScalarInputDropsTheBatchDimension) {
  const std::vector<DenseFeature> dense = {{"x", DT_FLOAT, {2}, Floats({0, 0}, {2})},
                                           {"y", DT_INT64, {}, Ints({4}, {})}};
  OpRunner runner("ParseExampleV2");
  ConfigureV2(runner, dense, {}, {});
  runner.ConstantInput(2).ConstantInput(3).ConstantInput(4).ConstantInput(5).ConstantInput(6);
  auto out = runner.Run({Strings({ExampleBuilder().Floats("x", {1, 2}).Serialize()}, {}),
                         Strings({}, {0}), Strings({}, {0}), Strings({"x", "y"}), Strings({}, {0}),
                         Floats({0, 0}, {2}), Ints({4}, {})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0], Floats({1, 2}, {2}), 0));
  EXPECT_TRUE((*out)[1].Identical(Ints({4}, {})));
}

TEST(ParseExampleV2, KeyCountMismatchIsAnError) {
  OpRunner runner("ParseExampleV2");
  ConfigureV2(runner, {{"x", DT_FLOAT, {1}, Floats({}, {0})}}, {}, {});
  auto out =
      runner.Run({Strings({ExampleBuilder().Serialize()}), Strings({}, {0}), Strings({}, {0}),
                  Strings({"x", "extra"}), Strings({}, {0}), Floats({}, {0})});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("dense_keys"), std::string::npos) << out.status();
}

}  // namespace
}  // namespace savedserve
