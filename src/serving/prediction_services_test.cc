#include "serving/prediction_services.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tensor/tensor_proto.h"
#include "test_util/fake_half_plus_two.h"

namespace savedserve {
namespace {

namespace tfs = tensorflow::serving;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// Resolves specs against fixed handles: latest, a specific version or a label.
class FakeCore : public ServerCore {
 public:
  void Add(const std::string& name, int64_t version, float a = 0.5f) {
    models_[name][version] = std::make_shared<const Servable>(
        ServableId{name, version}, "/fake", std::make_unique<testing::FakeHalfPlusTwo>(a));
  }
  void Label(const std::string& label, int64_t version) { labels_[label] = version; }

  absl::StatusOr<ServableHandle> GetServableHandle(const tfs::ModelSpec& spec) const override {
    auto model = models_.find(spec.name());
    if (spec.has_version()) {
      if (model == models_.end() || !model->second.contains(spec.version().value())) {
        return absl::NotFoundError(absl::StrCat("Servable not found for request: Specific(",
                                                spec.name(), ", ", spec.version().value(), ")"));
      }
      return model->second.at(spec.version().value());
    }
    if (!spec.version_label().empty()) {
      auto label = labels_.find(spec.version_label());
      if (label == labels_.end()) {
        return absl::InvalidArgumentError("Unrecognized servable version label: " +
                                          spec.version_label());
      }
      return model->second.at(label->second);
    }
    if (model == models_.end()) {
      return absl::NotFoundError("Servable not found for request: Latest(" + spec.name() + ")");
    }
    return model->second.rbegin()->second;
  }
  absl::Status GetModelStatus(const tfs::GetModelStatusRequest&,
                              tfs::GetModelStatusResponse*) const override {
    return absl::UnimplementedError("fake");
  }
  absl::Status ReloadConfig(const tfs::ModelServerConfig&) override {
    return absl::UnimplementedError("fake");
  }
  tfs::ModelServerConfig config() const override { return {}; }
  void PollOnce() override {}
  bool AllModelsAvailable() const override { return true; }
  void Shutdown() override {}

 private:
  std::map<std::string, std::map<int64_t, ServableHandle>> models_;
  std::map<std::string, int64_t> labels_;
};

tensorflow::TensorProto FloatProto(const std::vector<float>& values, TensorShape shape) {
  tensorflow::TensorProto proto;
  TensorToProto(Tensor::FromVector<float>(values, std::move(shape)), &proto);
  return proto;
}

std::vector<float> Floats(const tensorflow::TensorProto& proto) {
  absl::StatusOr<Tensor> t = TensorFromProto(proto);
  EXPECT_TRUE(t.ok()) << t.status();
  if (!t.ok()) return {};
  std::span<const float> flat = t->flat<float>();
  return {flat.begin(), flat.end()};
}

tensorflow::Example ExampleWithX(float x) {
  tensorflow::Example example;
  (*example.mutable_features()->mutable_feature())["x"].mutable_float_list()->add_value(x);
  return example;
}

class PredictionServicesTest : public ::testing::Test {
 protected:
  PredictionServicesTest() : services_(&core_) {
    core_.Add("half_plus_two", 123);
    core_.Add("half_plus_two", 124, /*a=*/1.0f);
    core_.Label("stable", 123);
  }

  tfs::PredictRequest PredictX(std::vector<float> x) {
    tfs::PredictRequest request;
    request.mutable_model_spec()->set_name("half_plus_two");
    (*request.mutable_inputs())["x"] = FloatProto(x, TensorShape({int64_t(x.size())}));
    return request;
  }

  template <typename Request>
  Request ExamplesRequest(const std::string& signature, std::vector<float> xs) {
    Request request;
    request.mutable_model_spec()->set_name("half_plus_two");
    request.mutable_model_spec()->mutable_version()->set_value(123);
    request.mutable_model_spec()->set_signature_name(signature);
    for (float x : xs) {
      *request.mutable_input()->mutable_example_list()->add_examples() = ExampleWithX(x);
    }
    return request;
  }

  FakeCore core_;
  PredictionServices services_;
};

TEST_F(PredictionServicesTest, PredictDefaultSignatureLatestVersion) {
  tfs::PredictRequest request = PredictX({1, 2, 5});
  request.mutable_model_spec()->mutable_version()->set_value(123);
  tfs::PredictResponse response;
  ASSERT_TRUE(services_.Predict(request, &response).ok());
  EXPECT_EQ(response.model_spec().name(), "half_plus_two");
  EXPECT_EQ(response.model_spec().version().value(), 123);
  EXPECT_EQ(response.model_spec().signature_name(), "serving_default");
  ASSERT_TRUE(response.outputs().contains("y"));
  EXPECT_FALSE(response.outputs().at("y").tensor_content().empty());  // packed bytes
  EXPECT_THAT(Floats(response.outputs().at("y")), ElementsAre(2.5f, 3.0f, 4.5f));

  tfs::PredictResponse latest;  // no version: 124, where a = 1
  ASSERT_TRUE(services_.Predict(PredictX({1}), &latest).ok());
  EXPECT_EQ(latest.model_spec().version().value(), 124);
  EXPECT_THAT(Floats(latest.outputs().at("y")), ElementsAre(3.0f));
}

TEST_F(PredictionServicesTest, PredictByLabelAndNamedSignature) {
  tfs::PredictRequest request = PredictX({3});
  request.mutable_model_spec()->set_version_label("stable");
  request.mutable_model_spec()->set_signature_name("serving_default");
  tfs::PredictResponse response;
  ASSERT_TRUE(services_.Predict(request, &response).ok());
  EXPECT_EQ(response.model_spec().version().value(), 123);
  EXPECT_THAT(Floats(response.outputs().at("y")), ElementsAre(3.5f));
}

TEST_F(PredictionServicesTest, PredictErrorsMatchTfServing) {
  tfs::PredictResponse response;
  tfs::PredictRequest no_spec = PredictX({1});
  no_spec.clear_model_spec();
  EXPECT_EQ(services_.Predict(no_spec, &response), absl::InvalidArgumentError("Missing ModelSpec"));

  tfs::PredictRequest unknown_model = PredictX({1});
  unknown_model.mutable_model_spec()->set_name("nope");
  EXPECT_EQ(services_.Predict(unknown_model, &response).code(), absl::StatusCode::kNotFound);

  tfs::PredictRequest bad_signature = PredictX({1});
  bad_signature.mutable_model_spec()->set_signature_name("nope");
  EXPECT_EQ(services_.Predict(bad_signature, &response),
            absl::FailedPreconditionError("Serving signature key \"nope\" not found."));

  tfs::PredictRequest extra = PredictX({1});
  (*extra.mutable_inputs())["z"] = FloatProto({1}, TensorShape({1}));
  EXPECT_EQ(services_.Predict(extra, &response),
            absl::InvalidArgumentError("input size does not match signature: 2!=1 len({x,z}) != "
                                       "len({x}). Sent extra: {z}. Missing but required: {}."));

  tfs::PredictRequest renamed = PredictX({1});
  (*renamed.mutable_inputs())["z"] = renamed.inputs().at("x");
  renamed.mutable_inputs()->erase("x");
  EXPECT_EQ(services_.Predict(renamed, &response),
            absl::InvalidArgumentError("input tensor alias not found in signature: z. Inputs "
                                       "expected to be in the set {x}."));

  tfs::PredictRequest none = PredictX({1});
  none.clear_inputs();
  absl::Status missing = services_.Predict(none, &response);
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.message(), HasSubstr("Missing but required: {x}."));

  tfs::PredictRequest bad_tensor = PredictX({1});
  (*bad_tensor.mutable_inputs())["x"].set_tensor_content("abc");
  absl::Status parse = services_.Predict(bad_tensor, &response);
  EXPECT_EQ(parse.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parse.message(), HasSubstr("tensor parsing error: x"));
}

TEST_F(PredictionServicesTest, PredictOutputFilter) {
  tfs::PredictResponse response;
  tfs::PredictRequest filtered = PredictX({1});
  filtered.add_output_filter("y");
  ASSERT_TRUE(services_.Predict(filtered, &response).ok());
  EXPECT_EQ(response.outputs_size(), 1);

  tfs::PredictRequest unknown = PredictX({1});
  unknown.add_output_filter("w");
  EXPECT_EQ(services_.Predict(unknown, &response),
            absl::InvalidArgumentError("output tensor alias not found in signature: w Outputs "
                                       "expected to be in the set {y}."));
  tfs::PredictRequest twice = PredictX({1});
  twice.add_output_filter("y");
  twice.add_output_filter("y");
  EXPECT_EQ(services_.Predict(twice, &response),
            absl::InvalidArgumentError("duplicate output tensor alias: y"));
}

TEST_F(PredictionServicesTest, ClassifyAndRegressTfServingExpectations) {
  tfs::ClassificationResponse classified;
  ASSERT_TRUE(
      services_
          .Classify(ExamplesRequest<tfs::ClassificationRequest>("classify_x_to_y", {20, 10}),
                    &classified)
          .ok());
  EXPECT_EQ(classified.model_spec().signature_name(), "classify_x_to_y");
  EXPECT_EQ(classified.model_spec().version().value(), 123);
  ASSERT_EQ(classified.result().classifications_size(), 2);
  EXPECT_EQ(classified.result().classifications(0).classes(0).label(), "");
  EXPECT_FLOAT_EQ(classified.result().classifications(0).classes(0).score(), 12);
  EXPECT_FLOAT_EQ(classified.result().classifications(1).classes(0).score(), 7);

  tfs::RegressionResponse regressed;
  ASSERT_TRUE(
      services_.Regress(ExamplesRequest<tfs::RegressionRequest>("regress_x_to_y", {80}), &regressed)
          .ok());
  ASSERT_EQ(regressed.result().regressions_size(), 1);
  EXPECT_FLOAT_EQ(regressed.result().regressions(0).value(), 42);

  tfs::RegressionResponse y2;
  ASSERT_TRUE(
      services_.Regress(ExamplesRequest<tfs::RegressionRequest>("regress_x_to_y2", {1, 2}), &y2)
          .ok());
  EXPECT_FLOAT_EQ(y2.result().regressions(1).value(), 4.0f);
}

TEST_F(PredictionServicesTest, ExamplesWithContextMerge) {
  tfs::RegressionRequest request = ExamplesRequest<tfs::RegressionRequest>("regress_x_to_y", {});
  auto* list = request.mutable_input()->mutable_example_list_with_context();
  *list->mutable_context() = ExampleWithX(100);  // overridden by each example's own x
  *list->add_examples() = ExampleWithX(2);
  *list->add_examples() = tensorflow::Example();  // takes x from the context
  tfs::RegressionResponse response;
  ASSERT_TRUE(services_.Regress(request, &response).ok());
  ASSERT_EQ(response.result().regressions_size(), 2);
  EXPECT_FLOAT_EQ(response.result().regressions(0).value(), 3);
  EXPECT_FLOAT_EQ(response.result().regressions(1).value(), 52);
}

TEST_F(PredictionServicesTest, ClassifyAndRegressErrors) {
  tfs::ClassificationResponse c;
  tfs::RegressionResponse r;
  EXPECT_EQ(services_.Classify(ExamplesRequest<tfs::ClassificationRequest>("nope", {1}), &c),
            absl::InvalidArgumentError("No signature was found with the name: nope"));
  EXPECT_EQ(services_.Regress(ExamplesRequest<tfs::RegressionRequest>("regress_x_to_y", {}), &r),
            absl::InvalidArgumentError("Input is empty."));
  absl::Status wrong_kind =
      services_.Classify(ExamplesRequest<tfs::ClassificationRequest>("regress_x_to_y", {1}), &c);
  EXPECT_EQ(wrong_kind.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong_kind.message(),
              HasSubstr("Expected classification signature outputs to contain at least one of"));
  absl::Status regress_predict =
      services_.Regress(ExamplesRequest<tfs::RegressionRequest>("serving_default", {1}), &r);
  EXPECT_THAT(regress_predict.message(), HasSubstr("No regression inputs found in SignatureDef"));
  tfs::RegressionRequest no_spec = ExamplesRequest<tfs::RegressionRequest>("regress_x_to_y", {1});
  no_spec.clear_model_spec();
  EXPECT_EQ(services_.Regress(no_spec, &r), absl::InvalidArgumentError("Missing ModelSpec"));
}

tfs::InferenceTask* AddTask(tfs::MultiInferenceRequest* request, const std::string& signature,
                            const std::string& method) {
  tfs::InferenceTask* task = request->add_tasks();
  task->mutable_model_spec()->set_name("half_plus_two");
  task->mutable_model_spec()->set_signature_name(signature);
  task->set_method_name(method);
  return task;
}

TEST_F(PredictionServicesTest, SignatureMethodNameCheckAsTfServing) {
  // Off (the default): signatures are judged by their inputs and outputs only.
  tfs::ClassificationResponse classified;
  EXPECT_THAT(
      services_.Classify(ExamplesRequest<tfs::ClassificationRequest>("serving_default", {1}),
                         &classified)
          .message(),
      HasSubstr("No classification inputs found"));
  SetSignatureMethodNameCheck(true);
  EXPECT_EQ(
      services_.Classify(ExamplesRequest<tfs::ClassificationRequest>("serving_default", {1}),
                         &classified),
      absl::InvalidArgumentError("Expected classification signature method_name to be "
                                 "tensorflow/serving/classify. Was: tensorflow/serving/predict"));
  tfs::RegressionResponse regressed;
  EXPECT_EQ(
      services_.Regress(ExamplesRequest<tfs::RegressionRequest>("classify_x_to_y", {1}),
                        &regressed),
      absl::InvalidArgumentError("Expected regression signature method_name to be "
                                 "tensorflow/serving/regress. Was: tensorflow/serving/classify"));
  EXPECT_TRUE(
      services_.Regress(ExamplesRequest<tfs::RegressionRequest>("regress_x_to_y", {80}), &regressed)
          .ok());
  tfs::PredictResponse predicted;
  EXPECT_TRUE(services_.Predict(PredictX({1}), &predicted).ok());
  EXPECT_TRUE(CheckSignatureMethod(SignatureApi::kPredict, "tensorflow/serving/regress").ok());
  EXPECT_EQ(CheckSignatureMethod(SignatureApi::kPredict, ""),
            absl::InternalError("Expected prediction signature method_name to be one of "
                                "{tensorflow/serving/predict, tensorflow/serving/classify, "
                                "tensorflow/serving/regress}. Was: "));
  SetSignatureMethodNameCheck(false);
  EXPECT_TRUE(CheckSignatureMethod(SignatureApi::kPredict, "").ok());
}

TEST_F(PredictionServicesTest, MultiInference) {
  tfs::MultiInferenceRequest request;
  *request.mutable_input()->mutable_example_list()->add_examples() = ExampleWithX(2);
  AddTask(&request, "regress_x_to_y", "tensorflow/serving/regress");
  AddTask(&request, "classify_x_to_y", "tensorflow/serving/classify");
  tfs::MultiInferenceResponse response;
  ASSERT_TRUE(services_.MultiInference(request, &response).ok());
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).model_spec().signature_name(), "regress_x_to_y");
  EXPECT_EQ(response.results(0).model_spec().version().value(), 124);
  EXPECT_FLOAT_EQ(response.results(0).regression_result().regressions(0).value(), 4);
  EXPECT_FLOAT_EQ(response.results(1).classification_result().classifications(0).classes(0).score(),
                  4);

  tfs::MultiInferenceRequest twice = request;
  AddTask(&twice, "regress_x_to_y", "tensorflow/serving/regress");
  EXPECT_EQ(services_.MultiInference(twice, &response),
            absl::InvalidArgumentError("Duplicate evaluation of signature: regress_x_to_y"));

  tfs::MultiInferenceRequest other_input = request;
  AddTask(&other_input, "regress_x2_to_y3", "tensorflow/serving/regress");
  EXPECT_EQ(services_.MultiInference(other_input, &response),
            absl::InvalidArgumentError("Input tensor must be the same for all Signatures."));

  tfs::MultiInferenceRequest predict = request;
  AddTask(&predict, "serving_default", "tensorflow/serving/predict");
  EXPECT_EQ(services_.MultiInference(predict, &response).code(), absl::StatusCode::kUnimplemented);

  tfs::MultiInferenceRequest two_models = request;
  AddTask(&two_models, "regress_x_to_y2", "tensorflow/serving/regress")
      ->mutable_model_spec()
      ->set_name("other");
  EXPECT_THAT(services_.MultiInference(two_models, &response).message(),
              HasSubstr("must access the same model name"));
}

TEST_F(PredictionServicesTest, GetModelMetadataListsEverySignature) {
  tfs::GetModelMetadataRequest request;
  request.mutable_model_spec()->set_name("half_plus_two");
  request.mutable_model_spec()->mutable_version()->set_value(123);
  request.add_metadata_field("signature_def");
  tfs::GetModelMetadataResponse response;
  ASSERT_TRUE(services_.GetModelMetadata(request, &response).ok());
  EXPECT_EQ(response.model_spec().name(), "half_plus_two");
  EXPECT_EQ(response.model_spec().version().value(), 123);
  EXPECT_EQ(response.model_spec().signature_name(), "");
  tfs::SignatureDefMap map;
  ASSERT_TRUE(response.metadata().at("signature_def").UnpackTo(&map));
  std::vector<std::string> keys;
  for (const auto& [key, sig] : map.signature_def()) keys.push_back(key);
  EXPECT_THAT(keys,
              UnorderedElementsAre("serving_default", "classify_x_to_y", "regress_x_to_y",
                                   "regress_x_to_y2", "regress_x2_to_y3", "__saved_model_init_op"));
  EXPECT_EQ(response.metadata().at("signature_def").type_url(),
            "type.googleapis.com/tensorflow.serving.SignatureDefMap");

  request.clear_metadata_field();
  EXPECT_EQ(services_.GetModelMetadata(request, &response),
            absl::InvalidArgumentError(
                "GetModelMetadataRequest must specify at least one metadata_field"));
  request.add_metadata_field("graph");
  EXPECT_EQ(services_.GetModelMetadata(request, &response),
            absl::InvalidArgumentError("Metadata field graph is not supported"));
}

TEST_F(PredictionServicesTest, WarmupRecords) {
  auto servable = core_.GetServableHandle(PredictX({}).model_spec());
  ASSERT_TRUE(servable.ok());
  tfs::PredictionLog predict;
  *predict.mutable_predict_log()->mutable_request() = PredictX({1, 2});
  EXPECT_TRUE(RunWarmupRecord(**servable, predict).ok());

  tfs::PredictionLog classify;
  *classify.mutable_classify_log()->mutable_request() =
      ExamplesRequest<tfs::ClassificationRequest>("classify_x_to_y", {1});
  EXPECT_TRUE(RunWarmupRecord(**servable, classify).ok());

  tfs::PredictionLog bad;
  *bad.mutable_predict_log()->mutable_request() = PredictX({1});
  bad.mutable_predict_log()->mutable_request()->mutable_model_spec()->set_signature_name("x");
  EXPECT_EQ(RunWarmupRecord(**servable, bad).code(), absl::StatusCode::kFailedPrecondition);

  tfs::PredictionLog session_run;
  session_run.mutable_session_run_log();
  EXPECT_EQ(RunWarmupRecord(**servable, session_run).code(), absl::StatusCode::kUnimplemented);
  EXPECT_TRUE(RunWarmupRecord(**servable, tfs::PredictionLog()).ok());
}

}  // namespace
}  // namespace savedserve
