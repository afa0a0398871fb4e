// BatchingModel over a counting fake half_plus_two, with a scheduler stepped by hand on a fake
// clock: concurrent calls share one run and each gets exactly the rows it would get unbatched,
// partial batches wait for their timeout, padding to allowed batch sizes and to a common
// shape, TF Serving's errors, and a servable's queues outliving its unload until the calls
// queued in them have run. Also BatchingParameters as TF Serving reads them.
#include "serving/batching_model.h"

#include <cmath>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "serving/prediction_services.h"
#include "tensor/tensor_proto.h"
#include "tensorflow/core/example/example.pb.h"
#include "test_util/fake_half_plus_two.h"
#include "test_util/memory_env.h"
#include "test_util/testdata.h"

namespace savedserve {
namespace {

namespace tfs = tensorflow::serving;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Outputs = std::map<std::string, Tensor>;

// The fake half_plus_two, remembering what each run was fed.
class CountingModel : public testing::FakeHalfPlusTwo {
 public:
  absl::StatusOr<std::vector<Tensor>> Run(const std::vector<std::pair<std::string, Tensor>>& feeds,
                                          const std::vector<std::string>& fetches,
                                          const std::vector<std::string>& targets) const override {
    {
      absl::MutexLock lock(&mu_);
      fed_.push_back(feeds.at(0).second);
    }
    return FakeHalfPlusTwo::Run(feeds, fetches, targets);
  }
  std::vector<Tensor> fed() const {
    absl::MutexLock lock(&mu_);
    return fed_;
  }

 private:
  mutable absl::Mutex mu_;
  mutable std::vector<Tensor> fed_ ABSL_GUARDED_BY(mu_);
};

Tensor Floats(std::vector<float> values, TensorShape shape) {
  return Tensor::FromVector<float>(values, std::move(shape));
}
std::vector<float> Values(const Tensor& t) {
  return {t.flat<float>().begin(), t.flat<float>().end()};
}

// A call made on its own thread.
struct AsyncCall {
  std::thread thread;
  absl::StatusOr<Outputs> result;
};

class BatchingModelTest : public ::testing::Test {
 protected:
  void Make(BatchingOptions options) {
    SharedBatchScheduler::Options scheduler_options;
    scheduler_options.num_batch_threads = 0;
    scheduler_options.env = &env_;
    scheduler_ = *SharedBatchScheduler::Create(scheduler_options);
    auto fake = std::make_unique<CountingModel>();
    fake_ = fake.get();
    auto model = BatchingModel::Create(std::move(fake), scheduler_, std::move(options));
    ASSERT_TRUE(model.ok()) << model.status();
    model_ = *std::move(model);
  }
  static BatchingOptions Options(int64_t max_batch_size, int64_t timeout_micros = 1'000'000) {
    BatchingOptions options;
    options.queue.max_batch_size = max_batch_size;
    options.queue.batch_timeout_micros = timeout_micros;
    return options;
  }

  absl::StatusOr<Outputs> Predict(const Tensor& x, std::vector<std::string> filter = {}) {
    return model_->RunSignature("serving_default", {{"x", x}}, filter);
  }
  AsyncCall* PredictAsync(Tensor x) {
    calls_.push_back(std::make_unique<AsyncCall>());
    AsyncCall* call = calls_.back().get();
    call->thread = std::thread([this, call, x] { call->result = Predict(x); });
    return call;
  }
  void JoinAll() {
    for (auto& call : calls_) call->thread.join();
  }
  // The same request on the plain fake model.
  static std::vector<float> Unbatched(const Tensor& x) {
    testing::FakeHalfPlusTwo plain;
    return Values(plain.RunSignature("serving_default", {{"x", x}}, {})->at("y"));
  }
  static void ExpectUnbatchedAnswer(const AsyncCall& call, const Tensor& x) {
    ASSERT_TRUE(call.result.ok()) << call.result.status();
    EXPECT_EQ(call.result->at("y").shape(), x.shape());
    EXPECT_EQ(Values(call.result->at("y")), Unbatched(x));
  }

  MemoryEnv env_;
  std::shared_ptr<SharedBatchScheduler> scheduler_;
  CountingModel* fake_ = nullptr;
  std::unique_ptr<BatchingModel> model_;
  std::vector<std::unique_ptr<AsyncCall>> calls_;
};

TEST_F(BatchingModelTest, ConcurrentCallsShareOneRun) {
  Make(Options(4));
  const Tensor x1 = Floats({1}, {1}), x2 = Floats({2, 3}, {2}), x3 = Floats({4}, {1});
  AsyncCall* a = PredictAsync(x1);
  AsyncCall* b = PredictAsync(x2);
  AsyncCall* c = PredictAsync(x3);
  scheduler_->WaitForEnqueuedTasks(3);
  EXPECT_TRUE(scheduler_->ProcessOneBatch());  // 4 rows: full
  JoinAll();
  ASSERT_EQ(fake_->fed().size(), 1u);
  EXPECT_EQ(fake_->fed()[0].shape(), TensorShape({4}));
  ExpectUnbatchedAnswer(*a, x1);
  ExpectUnbatchedAnswer(*b, x2);
  ExpectUnbatchedAnswer(*c, x3);
}

TEST_F(BatchingModelTest, RecordsQueuingLatencyAndWrappedRunsAsTfServing) {
  Metrics metrics;
  BatchingOptions options = Options(8, 5000);
  options.metrics = &metrics;
  Make(options);
  AsyncCall* a = PredictAsync(Floats({1}, {1}));
  AsyncCall* b = PredictAsync(Floats({5}, {1}));
  scheduler_->WaitForEnqueuedTasks(2);
  env_.AdvanceMicros(5000);
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  JoinAll();
  ASSERT_TRUE(a->result.ok() && b->result.ok());
  const std::string text = metrics.PrometheusText();
  const std::string queuing = ":tensorflow:serving:batching_session:queuing_latency";
  EXPECT_THAT(text, HasSubstr(queuing + "_count{thread_pool_name=\"batch_threads\"} 2\n"));
  EXPECT_THAT(text, HasSubstr(queuing + "_sum{thread_pool_name=\"batch_threads\"} 10000\n"));
  // 5000 us lies between BatchingSession's bounds 100 * 1.2^21 and 100 * 1.2^22.
  EXPECT_THAT(text, HasSubstr(queuing + "_bucket{thread_pool_name=\"batch_threads\",le=\"" +
                              absl::StrCat(100 * std::pow(1.2, 21)) + "\"} 0\n"));
  EXPECT_THAT(text, HasSubstr(queuing + "_bucket{thread_pool_name=\"batch_threads\",le=\"" +
                              absl::StrCat(100 * std::pow(1.2, 22)) + "\"} 2\n"));
  EXPECT_THAT(text, HasSubstr(":tensorflow:serving:batching_session:wrapped_run_count 1\n"));
}

TEST_F(BatchingModelTest, TimeoutClosesPartialBatch) {
  Make(Options(8, 5000));
  AsyncCall* a = PredictAsync(Floats({1}, {1}));
  AsyncCall* b = PredictAsync(Floats({5}, {1}));
  scheduler_->WaitForEnqueuedTasks(2);
  env_.AdvanceMicros(4999);
  EXPECT_FALSE(scheduler_->ProcessOneBatch());
  env_.AdvanceMicros(1);
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  JoinAll();
  EXPECT_EQ(fake_->fed().size(), 1u);
  ExpectUnbatchedAnswer(*a, Floats({1}, {1}));
  ExpectUnbatchedAnswer(*b, Floats({5}, {1}));
}

TEST_F(BatchingModelTest, AllowedBatchSizesPadWithFirstRowOfLastCall) {
  BatchingOptions options = Options(8, 0);
  options.allowed_batch_sizes = {2, 4, 8};
  Make(options);
  const std::vector<Tensor> xs = {Floats({1, 2}, {1, 2}), Floats({3, 4}, {1, 2}),
                                  Floats({5, 6}, {1, 2})};
  for (const Tensor& x : xs) PredictAsync(x);
  scheduler_->WaitForEnqueuedTasks(3);
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  JoinAll();
  ASSERT_EQ(fake_->fed().size(), 1u);
  const Tensor fed = fake_->fed()[0];
  EXPECT_EQ(fed.shape(), TensorShape({4, 2}));  // 3 rows padded to 4
  const std::vector<float> rows = Values(fed);
  // Arrival order is up to the threads; the padding row repeats the last call's row.
  EXPECT_THAT(std::vector<float>(rows.begin() + 6, rows.end()), ElementsAre(rows[4], rows[5]));
  for (size_t i = 0; i < xs.size(); ++i) ExpectUnbatchedAnswer(*calls_[i], xs[i]);
}

TEST_F(BatchingModelTest, VariableLengthInputsArePadded) {
  BatchingOptions options = Options(3);
  options.pad_variable_length_inputs = true;
  Make(options);
  AsyncCall* a = PredictAsync(Floats({1, 2}, {1, 2}));
  scheduler_->WaitForEnqueuedTasks(1);
  AsyncCall* b = PredictAsync(Floats({3, 4, 5, 6, 7, 8}, {2, 3}));
  scheduler_->WaitForEnqueuedTasks(2);
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  JoinAll();
  ASSERT_EQ(fake_->fed().size(), 1u);
  EXPECT_EQ(fake_->fed()[0].shape(), TensorShape({3, 3}));
  // a's row grew to [1, 2, 1] (TF Serving pads with the tensor's first element).
  ASSERT_TRUE(a->result.ok()) << a->result.status();
  EXPECT_EQ(a->result->at("y").shape(), TensorShape({1, 3}));
  EXPECT_THAT(Values(a->result->at("y")), ElementsAre(2.5, 3, 2.5));
  ExpectUnbatchedAnswer(*b, Floats({3, 4, 5, 6, 7, 8}, {2, 3}));
}

TEST_F(BatchingModelTest, MismatchedShapesFailOnlyTheOddCall) {
  Make(Options(4));
  AsyncCall* a = PredictAsync(Floats({1, 2}, {1, 2}));
  scheduler_->WaitForEnqueuedTasks(1);
  AsyncCall* b = PredictAsync(Floats({1, 2, 3}, {1, 3}));
  scheduler_->WaitForEnqueuedTasks(2);
  AsyncCall* c = PredictAsync(Floats({3, 4, 5, 6}, {2, 2}));
  scheduler_->WaitForEnqueuedTasks(3);
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  JoinAll();
  ExpectUnbatchedAnswer(*a, Floats({1, 2}, {1, 2}));
  ExpectUnbatchedAnswer(*c, Floats({3, 4, 5, 6}, {2, 2}));
  EXPECT_EQ(b->result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(b->result.status().message(),
              HasSubstr("Tensors with name 'x' from different tasks have different shapes and "
                        "padding is turned off"));
  EXPECT_EQ(fake_->fed().size(), 1u);
}

TEST_F(BatchingModelTest, FullQueueIsUnavailable) {
  BatchingOptions options = Options(1);
  options.queue.max_enqueued_batches = 1;
  Make(options);
  AsyncCall* a = PredictAsync(Floats({1}, {1}));
  scheduler_->WaitForEnqueuedTasks(1);
  auto refused = Predict(Floats({2}, {1}));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(refused.status().message(),
            "The batch scheduling queue to which this task was submitted is full");
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  JoinAll();
  ExpectUnbatchedAnswer(*a, Floats({1}, {1}));
}

TEST_F(BatchingModelTest, UnbatchableRequests) {
  Make(Options(4));
  auto too_big = Predict(Floats({1, 2, 3, 4, 5}, {5}));
  EXPECT_EQ(too_big.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(too_big.status().message(), "Task size 5 is larger than maximum input batch size 4");
  auto scalar = Predict(Tensor::Scalar<float>(1));
  EXPECT_THAT(scalar.status().message(), HasSubstr("must have at least one dimension"));
  // Unknown names get the wrapped model's own error, and no queue.
  const int queues = scheduler_->NumQueues();
  EXPECT_EQ(model_->RunSignature("nope", {{"x", Floats({1}, {1})}}, {}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(scheduler_->NumQueues(), queues);
}

// enable_large_batch_splitting: a call larger than a batch runs in parts, one after another,
// and gets all its rows back; beyond the input limit it fails with TF Serving's message.
TEST_F(BatchingModelTest, LargeCallsAreSplit) {
  BatchingOptions options = Options(4);
  options.max_split_input_rows = 10;
  Make(options);
  const Tensor x = Floats({1, 2, 3, 4, 5, 6}, {6});
  AsyncCall* call = PredictAsync(x);
  scheduler_->WaitForEnqueuedTasks(1);
  EXPECT_TRUE(scheduler_->ProcessOneBatch());  // rows 0-3: a full batch
  scheduler_->WaitForEnqueuedTasks(1);
  scheduler_->Flush();
  EXPECT_TRUE(scheduler_->ProcessOneBatch());  // rows 4-5
  JoinAll();
  ExpectUnbatchedAnswer(*call, x);
  ASSERT_EQ(fake_->fed().size(), 2u);
  EXPECT_EQ(fake_->fed()[0].shape(), TensorShape({4}));
  EXPECT_EQ(fake_->fed()[1].shape(), TensorShape({2}));
  EXPECT_EQ(Predict(Floats(std::vector<float>(11, 1), {11})).status().message(),
            "Task size 11 is larger than maximum input batch size 10");
}

TEST_F(BatchingModelTest, EachKindOfCallHasItsOwnQueue) {
  Make(Options(4, 0));
  calls_.push_back(std::make_unique<AsyncCall>());
  AsyncCall* filtered = calls_.back().get();
  filtered->thread = std::thread([&] { filtered->result = Predict(Floats({1}, {1}), {"y"}); });
  AsyncCall* all = PredictAsync(Floats({2}, {1}));
  scheduler_->WaitForEnqueuedTasks(2);
  EXPECT_EQ(scheduler_->NumQueues(), 2);
  while (scheduler_->ProcessOneBatch()) {
  }
  JoinAll();
  EXPECT_EQ(fake_->fed().size(), 2u);
  ExpectUnbatchedAnswer(*filtered, Floats({1}, {1}));
  ExpectUnbatchedAnswer(*all, Floats({2}, {1}));
}

std::string SerializedExample(float x) {
  tensorflow::Example example;
  (*example.mutable_features()->mutable_feature())["x"].mutable_float_list()->add_value(x);
  return example.SerializeAsString();
}

Tensor Examples(std::vector<std::string> serialized) {
  const int64_t n = serialized.size();
  return Tensor::FromVector<std::string>(serialized, TensorShape({n}));
}

// Run (Classify and Regress): batched by feed and fetch names; each caller gets its fetches
// in its own order, repeats included; a bad example fails only its own call.
TEST_F(BatchingModelTest, RunCallsBatchAndOneBadCallFailsAlone) {
  Make(Options(8));
  absl::StatusOr<std::vector<Tensor>> good, bad, two;
  std::thread t1([&] {
    good = model_->Run({{"tf_example:0", Examples({SerializedExample(1)})}},
                       {"y2:0", "y:0", "y2:0"}, {});
  });
  scheduler_->WaitForEnqueuedTasks(1);
  std::thread t2([&] {
    bad = model_->Run({{"tf_example:0", Examples({"not an example"})}}, {"y:0", "y2:0"}, {});
  });
  scheduler_->WaitForEnqueuedTasks(2);
  std::thread t3([&] {
    two = model_->Run({{"tf_example:0", Examples({SerializedExample(2), SerializedExample(4)})}},
                      {"y:0", "y2:0"}, {});
  });
  scheduler_->WaitForEnqueuedTasks(3);
  scheduler_->Flush();
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  t1.join();
  t2.join();
  t3.join();
  ASSERT_TRUE(good.ok()) << good.status();
  ASSERT_EQ(good->size(), 3u);
  EXPECT_THAT(Values((*good)[0]), ElementsAre(3.5));  // y2 = 0.5 x + 3
  EXPECT_THAT(Values((*good)[1]), ElementsAre(2.5));
  EXPECT_THAT(Values((*good)[2]), ElementsAre(3.5));
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_THAT(Values((*two)[0]), ElementsAre(3, 4));
  EXPECT_THAT(bad.status().message(), HasSubstr("Could not parse example input"));
  EXPECT_EQ(fake_->fed().size(), 4u);  // the failed batch, then each call alone
}

// A version being unloaded: the manager's reference goes while a call is queued; the
// servable lives until that call has run, then its queue goes with it.
TEST_F(BatchingModelTest, UnloadWaitsForQueuedCalls) {
  Make(Options(4));
  auto servable =
      std::make_shared<const Servable>(ServableId{"half_plus_two", 1}, "/m", std::move(model_));
  std::weak_ptr<const Servable> watch = servable;
  tfs::PredictRequest request;
  request.mutable_model_spec()->set_name("half_plus_two");
  Tensor x = Floats({1, 2}, {2});
  TensorToProto(x, &(*request.mutable_inputs())["x"]);
  tfs::PredictResponse response;
  absl::Status status;
  std::thread caller([&, handle = ServableHandle(servable)]() mutable {
    status = PredictionServices::PredictOn(*handle, request, &response);
    handle.reset();
  });
  scheduler_->WaitForEnqueuedTasks(1);
  servable.reset();  // unloaded
  EXPECT_FALSE(watch.expired());
  scheduler_->Flush();
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  caller.join();
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(Values(*TensorFromProto(response.outputs().at("y"))), Unbatched(x));
  EXPECT_TRUE(watch.expired());
  EXPECT_EQ(scheduler_->NumQueues(), 0);
}

absl::StatusOr<BatchingConfig> ConfigFromText(const std::string& text) {
  tfs::BatchingParameters parameters;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &parameters));
  return BatchingConfigFromParameters(parameters);
}

TEST(BatchingConfigTest, TfServingDefaults) {
  auto config = ConfigFromText("");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->batching.queue.max_batch_size, 1000);
  EXPECT_EQ(config->batching.queue.batch_timeout_micros, 0);
  EXPECT_EQ(config->batching.queue.max_enqueued_batches, 10);
  EXPECT_EQ(config->scheduler.num_batch_threads,
            static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  EXPECT_EQ(config->scheduler.thread_pool_name, "batch_threads");
  EXPECT_TRUE(config->batching.allowed_batch_sizes.empty());
  EXPECT_FALSE(config->batching.pad_variable_length_inputs);
}

TEST(BatchingConfigTest, RealBatchingConfigFile) {
  SS_REQUIRE_TESTDATA();
  auto text = Env::Default()->ReadFile(testdata + "/serving/batching_config.txt");
  ASSERT_TRUE(text.ok()) << text.status();
  auto config = ConfigFromText(*text);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->batching.queue.max_batch_size, 128);
  EXPECT_EQ(config->batching.queue.batch_timeout_micros, 0);
  EXPECT_EQ(config->batching.queue.max_enqueued_batches, 1000000);
  EXPECT_EQ(config->scheduler.num_batch_threads, 8);
}

TEST(BatchingConfigTest, TfServingChecks) {
  auto config = ConfigFromText(
      "max_batch_size { value: 8 } allowed_batch_sizes: 2 allowed_batch_sizes: 4 "
      "pad_variable_length_inputs: true");
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(),
              HasSubstr("Last entry in allowed_batch_sizes must match max_batch_size; last entry "
                        "was 4; expected 8"));
  EXPECT_THAT(ConfigFromText("max_batch_size { value: 8 } allowed_batch_sizes: 4 "
                             "allowed_batch_sizes: 2 allowed_batch_sizes: 8")
                  .status()
                  .message(),
              HasSubstr("monotonically increasing"));
  EXPECT_THAT(ConfigFromText("num_batch_threads { value: 0 }").status().message(),
              HasSubstr("num_batch_threads must be positive; was 0"));
  EXPECT_THAT(ConfigFromText("max_batch_size { value: 0 }").status().message(),
              HasSubstr("max_batch_size must be positive; was 0"));
  auto split = ConfigFromText(
      "max_batch_size { value: 64 } enable_large_batch_splitting { value: true } "
      "max_execution_batch_size { value: 16 } allowed_batch_sizes: 8 allowed_batch_sizes: 16");
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(split->batching.queue.max_batch_size, 16);
  EXPECT_EQ(split->batching.max_split_input_rows, 64);
  EXPECT_THAT(
      ConfigFromText("max_batch_size { value: 64 } enable_large_batch_splitting { value: "
                     "true } max_execution_batch_size { value: 16 } allowed_batch_sizes: 64")
          .status()
          .message(),
      HasSubstr("must match max_execution_batch_size; last entry was 64; expected 16"));
  auto good = ConfigFromText(
      "max_batch_size { value: 8 } allowed_batch_sizes: 2 allowed_batch_sizes: 8 "
      "pad_variable_length_inputs: true");
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_THAT(good->batching.allowed_batch_sizes, ElementsAre(2, 8));
  EXPECT_TRUE(good->batching.pad_variable_length_inputs);
}

}  // namespace
}  // namespace savedserve
