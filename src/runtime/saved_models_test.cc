// End-to-end runs of the real SavedModels in the shared test data: every model except
// bad_half_plus_two loads, every signature runs, and the numbers match what TensorFlow
// Serving documents for these models.
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "runtime/loaded_model.h"
#include "runtime/runtime_test_util.h"
#include "tensorflow/core/example/example.pb.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

std::string ModelDir(const std::string& testdata, const std::string& name,
                     const std::string& version = "00000123") {
  return absl::StrCat(testdata, "/savedmodels/", name, "/", version);
}

// Serialized tf.Examples with features x and x2 set to each value.
Tensor Examples(const std::vector<float>& xs) {
  Tensor t(tensorflow::DT_STRING, TensorShape{static_cast<int64_t>(xs.size())});
  for (size_t i = 0; i < xs.size(); ++i) {
    tensorflow::Example example;
    auto& features = *example.mutable_features()->mutable_feature();
    features["x"].mutable_float_list()->add_value(xs[i]);
    features["x2"].mutable_float_list()->add_value(xs[i]);
    t.data<std::string>()[i] = example.SerializeAsString();
  }
  return t;
}

Tensor Floats(const std::vector<float>& xs, TensorShape shape = {}) {
  if (shape.rank() == 0) shape = TensorShape{static_cast<int64_t>(xs.size())};
  return Tensor::FromVector<float>(xs, shape);
}

std::vector<float> Values(const Tensor& t) {
  if (t.dtype() != tensorflow::DT_FLOAT) return {};
  return std::vector<float>(t.data<float>(), t.data<float>() + t.num_elements());
}

std::unique_ptr<LoadedModel> LoadOrDie(const std::string& dir) {
  auto model = LoadedModel::Load(dir);
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? std::move(*model) : nullptr;
}

// The single output of `key` on `inputs`, as floats.
std::vector<float> RunOne(const LoadedModel& model, const std::string& key,
                          const std::map<std::string, Tensor>& inputs) {
  auto out = model.RunSignature(key, inputs);
  EXPECT_TRUE(out.ok()) << key << ": " << out.status();
  if (!out.ok() || out->size() != 1) return {};
  return Values(out->begin()->second);
}

// Inputs of the right dtype for any signature of the half_plus_two family (batch 1: the mkl
// model adds a [1,10,10,1] conv output to its [N,1] results).
std::map<std::string, Tensor> AnyInputs(const tensorflow::SignatureDef& signature) {
  std::map<std::string, Tensor> inputs;
  for (const auto& [alias, info] : signature.inputs()) {
    inputs[alias] = info.dtype() == tensorflow::DT_STRING ? Examples({1}) : Floats({1});
  }
  return inputs;
}

class SavedModelsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SavedModelsTest, LoadsAndRunsEverySignature) {
  SS_REQUIRE_TESTDATA();
  const std::string name = GetParam();
  const std::string version = name == "matrix_half_plus_two" ? "1" : "00000123";
  auto model = LoadOrDie(ModelDir(testdata, name, version));
  ASSERT_NE(model, nullptr);
  ASSERT_FALSE(model->signatures().empty());
  for (const auto& [key, signature] : model->signatures()) {
    std::map<std::string, Tensor> inputs = AnyInputs(signature);
    if (name == "matrix_half_plus_two")
      inputs["x"] = Floats(std::vector<float>(18, 1.0f), {2, 3, 3});
    if (name == "saved_model_counter" && inputs.contains("delta")) {
      inputs["delta"] = Tensor::Scalar<float>(1);  // the counter is a scalar
    }
    auto out = model->RunSignature(key, inputs);
    EXPECT_TRUE(out.ok()) << name << " " << key << ": " << out.status();
    if (out.ok()) {
      EXPECT_EQ(out->size(), static_cast<size_t>(signature.outputs_size()));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllModels, SavedModelsTest,
    ::testing::Values("saved_model_half_plus_two_cpu", "saved_model_half_plus_two_2_versions",
                      "saved_model_half_plus_two_gpu", "saved_model_half_plus_two_gpu_trt",
                      "saved_model_half_plus_two_mlmd",
                      "saved_model_half_plus_two_cpu_with_saved_model_config",
                      "saved_model_half_plus_two_cpu_with_empty_saved_model_config",
                      "saved_model_half_plus_two_mkl", "saved_model_half_plus_two_tf2_cpu",
                      "matrix_half_plus_two", "saved_model_counter"));

TEST(HalfPlusTwoTest, PredictRegressClassify) {
  SS_REQUIRE_TESTDATA();
  for (const char* name : {"saved_model_half_plus_two_cpu", "saved_model_half_plus_two_mkl",
                           "saved_model_half_plus_two_cpu_with_saved_model_config",
                           "saved_model_half_plus_two_2_versions"}) {
    SCOPED_TRACE(name);
    auto model = LoadOrDie(ModelDir(testdata, name));
    ASSERT_NE(model, nullptr);
    EXPECT_EQ(RunOne(*model, "serving_default", {{"x", Floats({1, 2, 5})}}),
              (std::vector<float>{2.5, 3, 4.5}));
    // A [N,1] request against the [-1,1] signature, and a float64 one cast to float.
    EXPECT_EQ(RunOne(*model, "serving_default", {{"x", Floats({1, 2}, {2, 1})}}),
              (std::vector<float>{2.5, 3}));
    EXPECT_EQ(RunOne(*model, "serving_default", {{"x", Tensor::Scalar<double>(2.0)}}),
              (std::vector<float>{3}));
    EXPECT_EQ(RunOne(*model, "regress_x_to_y", {{"inputs", Examples({80})}}),
              (std::vector<float>{42}));
    EXPECT_EQ(RunOne(*model, "classify_x_to_y", {{"inputs", Examples({20, 10})}}),
              (std::vector<float>{12, 7}));
    if (std::string(name) != "saved_model_half_plus_two_mkl") {
      EXPECT_EQ(RunOne(*model, "regress_x_to_y2", {{"inputs", Examples({1, 2, 5})}}),
                (std::vector<float>{3.5, 4, 5.5}));
      EXPECT_EQ(RunOne(*model, "regress_x2_to_y3", {{"inputs", Floats({1, 2, 5})}}),
                (std::vector<float>{3.5, 4, 5.5}));
    }
  }
}

TEST(HalfPlusTwoTest, FeedingXCutsParseExampleAway) {
  SS_REQUIRE_TESTDATA();
  auto model = LoadOrDie(ModelDir(testdata, "saved_model_half_plus_two_cpu"));
  ASSERT_NE(model, nullptr);
  // Session-style: feed the Identity behind ParseExample directly, fetch two outputs.
  auto out = model->Run({{"x:0", Floats({2, 3, 4})}}, {"y:0", "y2:0"}, {});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Values((*out)[0]), (std::vector<float>{3, 3.5, 4}));
  EXPECT_EQ(Values((*out)[1]), (std::vector<float>{4, 4.5, 5}));
}

TEST(HalfPlusTwoTest, Tf2SignaturesRunThroughFunctions) {
  SS_REQUIRE_TESTDATA();
  auto model = LoadOrDie(ModelDir(testdata, "saved_model_half_plus_two_tf2_cpu"));
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(RunOne(*model, "serving_default", {{"x", Floats({1})}}), (std::vector<float>{2.5}));
  EXPECT_EQ(RunOne(*model, "serving_default", {}), RunOne(*model, "serving_default", {}))
      << "x has a default";
  EXPECT_EQ(RunOne(*model, "regress_x_to_y", {{"inputs", Examples({80})}}),
            (std::vector<float>{42}));
  EXPECT_EQ(RunOne(*model, "classify_x_to_y", {{"inputs", Examples({20, 10})}}),
            (std::vector<float>{12, 7}));
  EXPECT_EQ(RunOne(*model, "regress_x_to_y2", {{"inputs", Examples({1, 2})}}),
            (std::vector<float>{3.5, 4}));
  EXPECT_EQ(RunOne(*model, "regress_x2_to_y3", {{"inputs", Floats({1})}}),
            (std::vector<float>{3.5}));
  EXPECT_EQ(RunOne(*model, "classify_x2_to_y3", {{"inputs", Floats({5})}}),
            (std::vector<float>{5.5}));
}

TEST(MatrixHalfPlusTwoTest, WorksOnBatchesOfMatrices) {
  SS_REQUIRE_TESTDATA();
  auto model = LoadOrDie(ModelDir(testdata, "matrix_half_plus_two", "1"));
  ASSERT_NE(model, nullptr);
  std::vector<float> x(2 * 9);
  std::vector<float> want(2 * 9);
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<float>(i);
    want[i] = 0.5f * x[i] + 2;
  }
  auto out = model->RunSignature("serving_default", {{"x", Floats(x, {2, 3, 3})}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->at("y").shape(), (TensorShape{2, 3, 3}));
  EXPECT_EQ(Values(out->at("y")), want);
}

TEST(CounterTest, CountsAcrossCallsAndThreads) {
  SS_REQUIRE_TESTDATA();
  auto model = LoadOrDie(ModelDir(testdata, "saved_model_counter"));
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(RunOne(*model, "get_counter", {}), (std::vector<float>{0}));
  EXPECT_EQ(RunOne(*model, "incr_counter", {}), (std::vector<float>{1}));
  EXPECT_EQ(RunOne(*model, "incr_counter", {}), (std::vector<float>{2}));
  EXPECT_EQ(RunOne(*model, "incr_counter_by", {{"delta", Tensor::Scalar<float>(3)}}),
            (std::vector<float>{5}));
  EXPECT_EQ(RunOne(*model, "get_counter", {}), (std::vector<float>{5}));
  EXPECT_EQ(RunOne(*model, "reset_counter", {}), (std::vector<float>{0}));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) (void)model->RunSignature("incr_counter", {});
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(RunOne(*model, "get_counter", {}), (std::vector<float>{200}));
  // A second load has its own counter.
  auto other = LoadOrDie(ModelDir(testdata, "saved_model_counter"));
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(RunOne(*other, "get_counter", {}), (std::vector<float>{0}));
}

TEST(ConcurrencyTest, ManyThreadsPredictOnOneModel) {
  SS_REQUIRE_TESTDATA();
  auto model = LoadOrDie(ModelDir(testdata, "saved_model_half_plus_two_tf2_cpu"));
  ASSERT_NE(model, nullptr);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        const float x = static_cast<float>(t * 1000 + i);
        auto out = model->RunSignature("serving_default", {{"x", Floats({x})}});
        if (!out.ok() || Values(out->at("y")) != std::vector<float>{0.5f * x + 2}) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong, 0);
}

TEST(ReferenceKernelsTest, MklModelAgreesWithReferenceKernels) {
  SS_REQUIRE_TESTDATA();
  LoadOptions options;
  options.reference_kernels = true;
  auto model = LoadedModel::Load(ModelDir(testdata, "saved_model_half_plus_two_mkl"), options);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(RunOne(**model, "serving_default", {{"x", Floats({1, 2, 5})}}),
            (std::vector<float>{2.5, 3, 4.5}));
  auto y2 = (*model)->RunSignature("regress_x_to_y2", {{"inputs", Examples({4})}});
  ASSERT_TRUE(y2.ok()) << y2.status();
  EXPECT_EQ(y2->at("outputs").shape(), (TensorShape{1, 10, 10, 1}));
}

TEST(BadModelTest, LegacyExportFailsToLoadClearly) {
  SS_REQUIRE_TESTDATA();
  auto model = LoadedModel::Load(ModelDir(testdata, "bad_half_plus_two"));
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("bad_half_plus_two"), std::string::npos)
      << model.status();
}

TEST(EstimateFlopsTest, CountsTheMklModelsConvolution) {
  SS_REQUIRE_TESTDATA();
  auto model = LoadOrDie(ModelDir(testdata, "saved_model_half_plus_two_mkl"));
  ASSERT_NE(model, nullptr);
  EXPECT_GE(model->EstimateFlops("serving_default", {{"x", TensorShape{4, 1}}}), 0);
}

}  // namespace
}  // namespace savedserve
