// SharedBatchScheduler: batches close when full, when their timeout passes on the fake clock,
// when a task does not fit, on Flush and when their queue goes; full queues refuse tasks;
// queues take turns. Stepped by hand (no threads) except for one threaded stress test.
#include "serving/batching_scheduler.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_util/memory_env.h"

namespace savedserve {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class IdTask : public BatchTask {
 public:
  IdTask(int id, int64_t rows) : id_(id), rows_(rows) {}
  int64_t size() const override { return rows_; }
  int id() const { return id_; }

 private:
  int id_;
  int64_t rows_;
};

// Records the task ids of every batch it is given.
class Recorder {
 public:
  ProcessBatchFn Fn() {
    return [this](Batch batch) {
      std::vector<int> ids;
      for (const auto& task : batch) ids.push_back(static_cast<IdTask*>(task.get())->id());
      absl::MutexLock lock(&mu_);
      batches_.push_back(ids);
    };
  }
  std::vector<std::vector<int>> batches() const {
    absl::MutexLock lock(&mu_);
    return batches_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::vector<int>> batches_ ABSL_GUARDED_BY(mu_);
};

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SharedBatchScheduler::Options options;
    options.num_batch_threads = 0;
    options.env = &env_;
    auto scheduler = SharedBatchScheduler::Create(options);
    ASSERT_TRUE(scheduler.ok()) << scheduler.status();
    scheduler_ = *std::move(scheduler);
  }

  std::unique_ptr<BatchQueue> AddQueue(int64_t max_batch_size, int64_t timeout_micros,
                                       int64_t max_enqueued_batches, Recorder& recorder) {
    BatchQueueOptions options;
    options.max_batch_size = max_batch_size;
    options.batch_timeout_micros = timeout_micros;
    options.max_enqueued_batches = max_enqueued_batches;
    auto queue = scheduler_->AddQueue(options, recorder.Fn());
    EXPECT_TRUE(queue.ok()) << queue.status();
    return *std::move(queue);
  }

  static absl::Status Schedule(BatchQueue& queue, int id, int64_t rows = 1) {
    std::unique_ptr<BatchTask> task = std::make_unique<IdTask>(id, rows);
    return queue.Schedule(task);
  }

  MemoryEnv env_;
  std::shared_ptr<SharedBatchScheduler> scheduler_;
};

TEST_F(SchedulerTest, FullBatchRunsAtOnce) {
  Recorder recorder;
  auto queue = AddQueue(3, 1'000'000, 10, recorder);
  for (int id = 1; id <= 3; ++id) ASSERT_TRUE(Schedule(*queue, id).ok());
  EXPECT_EQ(scheduler_->NumEnqueuedTasks(), 3);
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  EXPECT_FALSE(scheduler_->ProcessOneBatch());
  EXPECT_THAT(recorder.batches(), ElementsAre(ElementsAre(1, 2, 3)));
  EXPECT_EQ(scheduler_->NumBatchesProcessed(), 1);
}

TEST_F(SchedulerTest, TimeoutClosesPartialBatch) {
  Recorder recorder;
  auto queue = AddQueue(8, 5000, 10, recorder);
  ASSERT_TRUE(Schedule(*queue, 1).ok());
  env_.AdvanceMicros(3000);
  ASSERT_TRUE(Schedule(*queue, 2).ok());  // the timeout counts from the first task
  env_.AdvanceMicros(1999);
  EXPECT_FALSE(scheduler_->ProcessOneBatch());
  env_.AdvanceMicros(1);
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  EXPECT_THAT(recorder.batches(), ElementsAre(ElementsAre(1, 2)));
}

TEST_F(SchedulerTest, TaskThatDoesNotFitStartsNewBatch) {
  Recorder recorder;
  auto queue = AddQueue(4, 1'000'000, 10, recorder);
  ASSERT_TRUE(Schedule(*queue, 1, 3).ok());
  ASSERT_TRUE(Schedule(*queue, 2, 2).ok());  // 3 + 2 > 4: batch {1} closes
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  EXPECT_FALSE(scheduler_->ProcessOneBatch());  // {2} waits for company
  ASSERT_TRUE(Schedule(*queue, 3, 2).ok());     // now full
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  EXPECT_THAT(recorder.batches(), ElementsAre(ElementsAre(1), ElementsAre(2, 3)));
}

TEST_F(SchedulerTest, FullQueueIsUnavailable) {
  Recorder recorder;
  auto queue = AddQueue(1, 1'000'000, 2, recorder);
  ASSERT_TRUE(Schedule(*queue, 1).ok());
  ASSERT_TRUE(Schedule(*queue, 2).ok());
  absl::Status full = Schedule(*queue, 3);
  EXPECT_EQ(full.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(full.message(), "The batch scheduling queue to which this task was submitted is full");
  EXPECT_TRUE(scheduler_->ProcessOneBatch());  // a running batch no longer counts
  EXPECT_TRUE(Schedule(*queue, 3).ok());
}

TEST_F(SchedulerTest, TaskLargerThanMaxBatchSize) {
  Recorder recorder;
  auto queue = AddQueue(4, 0, 10, recorder);
  absl::Status status = Schedule(*queue, 1, 5);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "Task size 5 is larger than maximum batch size 4");
}

TEST_F(SchedulerTest, QueuesTakeTurns) {
  Recorder a, b;
  auto queue_a = AddQueue(1, 0, 10, a);
  auto queue_b = AddQueue(1, 0, 10, b);
  for (int id = 1; id <= 2; ++id) {
    ASSERT_TRUE(Schedule(*queue_a, id).ok());
    ASSERT_TRUE(Schedule(*queue_b, 10 + id).ok());
  }
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  EXPECT_EQ(a.batches().size(), 1u);
  EXPECT_EQ(b.batches().size(), 1u);
}

TEST_F(SchedulerTest, FlushRunsOpenBatchesWithoutWaiting) {
  Recorder recorder;
  auto queue = AddQueue(8, 1'000'000, 10, recorder);
  ASSERT_TRUE(Schedule(*queue, 1).ok());
  EXPECT_FALSE(scheduler_->ProcessOneBatch());
  scheduler_->Flush();
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
}

TEST_F(SchedulerTest, DestroyingQueueRunsWhatIsQueued) {
  Recorder recorder;
  auto queue = AddQueue(2, 1'000'000, 10, recorder);
  for (int id = 1; id <= 3; ++id) ASSERT_TRUE(Schedule(*queue, id).ok());
  EXPECT_EQ(scheduler_->NumQueues(), 1);
  queue.reset();
  EXPECT_THAT(recorder.batches(), ElementsAre(ElementsAre(1, 2), ElementsAre(3)));
  EXPECT_EQ(scheduler_->NumQueues(), 0);
}

TEST_F(SchedulerTest, InvalidOptions) {
  Recorder recorder;
  BatchQueueOptions options;
  options.max_batch_size = 0;
  EXPECT_THAT(scheduler_->AddQueue(options, recorder.Fn()).status().message(),
              HasSubstr("max_batch_size must be positive; was 0"));
  options.max_batch_size = 1;
  options.batch_timeout_micros = -1;
  EXPECT_THAT(scheduler_->AddQueue(options, recorder.Fn()).status().message(),
              HasSubstr("batch_timeout_micros must be non-negative"));
  SharedBatchScheduler::Options bad;
  bad.num_batch_threads = -1;
  EXPECT_FALSE(SharedBatchScheduler::Create(bad).ok());
}

// Threads on the real clock: every task of three producers runs exactly once, in batches no
// larger than the limit.
TEST(SharedBatchSchedulerThreadsTest, EveryTaskRunsOnce) {
  constexpr int kProducers = 3, kTasksEach = 200, kMaxBatch = 8;
  SharedBatchScheduler::Options options;
  options.num_batch_threads = 2;
  auto scheduler = SharedBatchScheduler::Create(options);
  ASSERT_TRUE(scheduler.ok());
  std::vector<std::atomic<int>> runs(kProducers * kTasksEach);
  std::atomic<int> done{0}, oversized{0};
  absl::Notification all_done;
  ProcessBatchFn process = [&](Batch batch) {
    if (batch.size() > kMaxBatch) ++oversized;
    for (const auto& task : batch) ++runs[static_cast<IdTask*>(task.get())->id()];
    if ((done += batch.size()) == kProducers * kTasksEach) all_done.Notify();
  };
  BatchQueueOptions queue_options;
  queue_options.max_batch_size = kMaxBatch;
  queue_options.max_enqueued_batches = 1'000'000;
  std::vector<std::unique_ptr<BatchQueue>> queues;
  for (int p = 0; p < kProducers; ++p)
    queues.push_back(*(*scheduler)->AddQueue(queue_options, process));
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < kTasksEach; ++i) {
        std::unique_ptr<BatchTask> task = std::make_unique<IdTask>(p * kTasksEach + i, 1);
        EXPECT_TRUE(queues[p]->Schedule(task).ok());
      }
    });
  }
  for (std::thread& t : producers) t.join();
  all_done.WaitForNotification();
  queues.clear();
  for (const auto& count : runs) EXPECT_EQ(count.load(), 1);
  EXPECT_EQ(oversized.load(), 0);
}

}  // namespace
}  // namespace savedserve
