// SharedBatchScheduler: batches close when full, when their timeout passes on the fake clock,
// when a task does not fit, on Flush and when their queue goes; full queues refuse tasks;
// queues take turns. Stepped by hand (no slots) except for the callers' tests on the real
// clock: a lone task runs on its own thread; concurrent callers, each task exactly once.
#include "serving/batching_scheduler.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
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

// Records the task ids of every batch it is given, and the threads that ran them.
class Recorder {
 public:
  ProcessBatchFn Fn() {
    return [this](const Batch& batch) {
      std::vector<int> ids;
      for (BatchTask* task : batch) ids.push_back(static_cast<IdTask*>(task)->id());
      absl::MutexLock lock(&mu_);
      batches_.push_back(ids);
      threads_.push_back(std::this_thread::get_id());
    };
  }
  std::vector<std::vector<int>> batches() const {
    absl::MutexLock lock(&mu_);
    return batches_;
  }
  std::vector<std::thread::id> threads() const {
    absl::MutexLock lock(&mu_);
    return threads_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::vector<int>> batches_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread::id> threads_ ABSL_GUARDED_BY(mu_);
};

// A task scheduled on a thread of its own (Schedule blocks until it has been processed).
struct Submitted {
  Submitted(int id, int64_t rows) : task(id, rows) {}
  IdTask task;
  std::thread thread;
  absl::Status status;
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
  void TearDown() override { JoinAll(); }
  void JoinAll() {
    for (auto& s : submitted_) {
      if (s->thread.joinable()) s->thread.join();
    }
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

  // Schedules task `id` on its own thread and waits until it is queued.
  Submitted* Submit(BatchQueue& queue, int id, int64_t rows = 1) {
    const int64_t queued = scheduler_->NumEnqueuedTasks();
    submitted_.push_back(std::make_unique<Submitted>(id, rows));
    Submitted* s = submitted_.back().get();
    s->thread = std::thread([&queue, s] { s->status = queue.Schedule(s->task); });
    scheduler_->WaitForEnqueuedTasks(queued + 1);
    return s;
  }
  // Schedule's result for a task it refuses (it returns at once).
  static absl::Status Refused(BatchQueue& queue, int64_t rows = 1) {
    IdTask task(-1, rows);
    return queue.Schedule(task);
  }

  MemoryEnv env_;
  std::shared_ptr<SharedBatchScheduler> scheduler_;
  std::vector<std::unique_ptr<Submitted>> submitted_;
};

TEST_F(SchedulerTest, FullBatchRunsAtOnce) {
  Recorder recorder;
  auto queue = AddQueue(3, 1'000'000, 10, recorder);
  for (int id = 1; id <= 3; ++id) Submit(*queue, id);
  EXPECT_EQ(scheduler_->NumEnqueuedTasks(), 3);
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  EXPECT_FALSE(scheduler_->ProcessOneBatch());
  EXPECT_THAT(recorder.batches(), ElementsAre(ElementsAre(1, 2, 3)));
  EXPECT_EQ(scheduler_->NumBatchesProcessed(), 1);
}

TEST_F(SchedulerTest, TimeoutClosesPartialBatch) {
  Recorder recorder;
  auto queue = AddQueue(8, 5000, 10, recorder);
  Submit(*queue, 1);
  env_.AdvanceMicros(3000);
  Submit(*queue, 2);  // the timeout counts from the first task
  env_.AdvanceMicros(1999);
  EXPECT_FALSE(scheduler_->ProcessOneBatch());
  env_.AdvanceMicros(1);
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  EXPECT_THAT(recorder.batches(), ElementsAre(ElementsAre(1, 2)));
}

TEST_F(SchedulerTest, TaskThatDoesNotFitStartsNewBatch) {
  Recorder recorder;
  auto queue = AddQueue(4, 1'000'000, 10, recorder);
  Submit(*queue, 1, 3);
  Submit(*queue, 2, 2);  // 3 + 2 > 4: batch {1} closes
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  EXPECT_FALSE(scheduler_->ProcessOneBatch());  // {2} waits for company
  Submit(*queue, 3, 2);                         // now full
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  EXPECT_THAT(recorder.batches(), ElementsAre(ElementsAre(1), ElementsAre(2, 3)));
}

TEST_F(SchedulerTest, FullQueueIsUnavailable) {
  Recorder recorder;
  auto queue = AddQueue(1, 1'000'000, 2, recorder);
  Submit(*queue, 1);
  Submit(*queue, 2);
  absl::Status full = Refused(*queue);
  EXPECT_EQ(full.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(full.message(), "The batch scheduling queue to which this task was submitted is full");
  EXPECT_TRUE(scheduler_->ProcessOneBatch());  // a running batch no longer counts
  Submit(*queue, 3);
  scheduler_->Flush();
  while (scheduler_->ProcessOneBatch()) {
  }
  JoinAll();
  for (auto& s : submitted_) EXPECT_TRUE(s->status.ok()) << s->status;
}

TEST_F(SchedulerTest, TaskLargerThanMaxBatchSize) {
  Recorder recorder;
  auto queue = AddQueue(4, 0, 10, recorder);
  absl::Status status = Refused(*queue, 5);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "Task size 5 is larger than maximum input batch size 4");
}

TEST_F(SchedulerTest, QueuesTakeTurns) {
  Recorder a, b;
  auto queue_a = AddQueue(1, 0, 10, a);
  auto queue_b = AddQueue(1, 0, 10, b);
  for (int id = 1; id <= 2; ++id) {
    Submit(*queue_a, id);
    Submit(*queue_b, 10 + id);
  }
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
  EXPECT_EQ(a.batches().size(), 1u);
  EXPECT_EQ(b.batches().size(), 1u);
}

TEST_F(SchedulerTest, FlushRunsOpenBatchesWithoutWaiting) {
  Recorder recorder;
  auto queue = AddQueue(8, 1'000'000, 10, recorder);
  Submit(*queue, 1);
  EXPECT_FALSE(scheduler_->ProcessOneBatch());
  scheduler_->Flush();
  EXPECT_TRUE(scheduler_->ProcessOneBatch());
}

TEST_F(SchedulerTest, DestroyingQueueRunsWhatIsQueued) {
  Recorder recorder;
  auto queue = AddQueue(2, 1'000'000, 10, recorder);
  for (int id = 1; id <= 3; ++id) Submit(*queue, id);
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

std::shared_ptr<SharedBatchScheduler> RealScheduler(int num_batch_threads) {
  SharedBatchScheduler::Options options;
  options.num_batch_threads = num_batch_threads;
  return *SharedBatchScheduler::Create(options);
}

// With a slot free, a lone task runs at once on its caller's thread.
TEST(SharedBatchSchedulerCallersTest, LoneTaskRunsOnItsCallersThread) {
  auto scheduler = RealScheduler(1);
  Recorder recorder;
  auto queue = *scheduler->AddQueue(BatchQueueOptions{}, recorder.Fn());
  IdTask task(7, 1);
  ASSERT_TRUE(queue->Schedule(task).ok());
  EXPECT_THAT(recorder.batches(), ElementsAre(ElementsAre(7)));
  EXPECT_THAT(recorder.threads(), ElementsAre(std::this_thread::get_id()));
}

// Callers on the real clock: every task of eight concurrent callers is processed exactly once,
// in batches no larger than the limit, never more than num_batch_threads at a time.
TEST(SharedBatchSchedulerCallersTest, EveryTaskRunsOnce) {
  constexpr int kCallers = 8, kTasksEach = 100, kMaxBatch = 4, kSlots = 2;
  auto scheduler = RealScheduler(kSlots);
  std::vector<std::atomic<int>> runs(kCallers * kTasksEach);
  std::atomic<int> oversized{0}, running{0}, overlapping{0};
  ProcessBatchFn process = [&](const Batch& batch) {
    if (++running > kSlots) ++overlapping;
    if (batch.size() > kMaxBatch) ++oversized;
    for (BatchTask* task : batch) ++runs[static_cast<IdTask*>(task)->id()];
    --running;
  };
  BatchQueueOptions options;
  options.max_batch_size = kMaxBatch;
  options.max_enqueued_batches = 1'000'000;
  auto queue = *scheduler->AddQueue(options, process);
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&, c] {
      for (int i = 0; i < kTasksEach; ++i) {
        IdTask task(c * kTasksEach + i, 1);
        EXPECT_TRUE(queue->Schedule(task).ok());
      }
    });
  }
  for (std::thread& t : callers) t.join();
  queue.reset();
  for (const auto& count : runs) EXPECT_EQ(count.load(), 1);
  EXPECT_EQ(oversized.load(), 0);
  EXPECT_EQ(overlapping.load(), 0);
  EXPECT_LE(scheduler->NumBatchesProcessed(), kCallers * kTasksEach);
}

}  // namespace
}  // namespace savedserve
