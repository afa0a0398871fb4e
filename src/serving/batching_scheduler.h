// SharedBatchScheduler: TF Serving's shared batch scheduler. Tasks are submitted to queues,
// one per kind of task (for savedserve: one servable's signature with one set of inputs and
// outputs); a queue groups its tasks into batches of at most max_batch_size rows, and at most
// num_batch_threads batches, of all queues together, are processed at once, the queues taking
// turns.
//
// A queue's newest batch is open; it is closed and becomes runnable when the next task does
// not fit (the task starts a new batch), when it is full, when batch_timeout_micros have
// passed on the Env clock since its first task, when its queue is closing, or after Flush().
// A runnable batch runs as soon as fewer than num_batch_threads batches are running, so with a
// timeout of 0 batches only grow while the model is busy. A queue holds at most
// max_enqueued_batches batches that have not started to run (the open one included); a task
// that needs one more fails with UNAVAILABLE "The batch scheduling queue to which this task
// was submitted is full", as in TF Serving.
//
// Unlike TF Serving, there are no batch threads of their own: Schedule() blocks its caller
// until the task's batch has been processed, and while it waits the caller's thread processes
// runnable batches (its own or others') whenever a slot is free. A request that finds the
// model idle thus runs at once on its own thread, and a batch of N requests costs N - 1
// thread wake-ups instead of N + 1 hand-offs to and from a batch thread.
//
// With num_batch_threads == 0 callers never process: ProcessOneBatch() runs one runnable batch
// on the calling thread, so tests step the scheduler with a fake clock and never sleep.
//
// Ownership: the scheduler is shared by its creator and its queues (shared_ptr). A BatchQueue
// is owned by its user; destroying it waits until its tasks have been processed. Tasks are
// owned by their callers; a batch lends them to the process callback.
// Thread-safety: the scheduler and its queues are safe for concurrent use.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/env.h"

namespace savedserve {

class SharedBatchScheduler;

// A unit of work of size() rows (its inputs' 0th dimension). Subclasses carry the payload.
class BatchTask {
 public:
  virtual ~BatchTask() = default;
  virtual int64_t size() const = 0;

 private:
  friend class SharedBatchScheduler;
  bool processed_ = false;  // guarded by the scheduler's mutex
};

using Batch = std::vector<BatchTask*>;
// Processes a batch; the tasks may be used until it returns.
using ProcessBatchFn = std::function<void(const Batch& batch)>;

// TF Serving's QueueOptions, with its defaults.
struct BatchQueueOptions {
  int64_t max_batch_size = 1000;      // rows per batch; larger tasks are rejected
  int64_t batch_timeout_micros = 0;   // how long an open batch may wait to fill up
  int64_t max_enqueued_batches = 10;  // batches not yet running, the open one included
};

// InvalidArgument, with TF Serving's messages, for a max_batch_size <= 0 or a negative
// timeout or queue length.
absl::Status ValidateBatchQueueOptions(const BatchQueueOptions& options);

class BatchQueue {
 public:
  // Closes the queue (its open batch becomes runnable) and waits until every task submitted
  // to it has been processed, then removes it from the scheduler.
  ~BatchQueue();
  BatchQueue(const BatchQueue&) = delete;
  BatchQueue& operator=(const BatchQueue&) = delete;

  // Adds `task` to the open batch and returns once the batch holding it has been processed,
  // processing runnable batches on this thread meanwhile (see above). Fails at once, leaving
  // `task` untouched: InvalidArgument "Task size N is larger than maximum input batch size M", or
  // Unavailable when the queue is full or closed.
  absl::Status Schedule(BatchTask& task);
  // Tasks submitted and not yet handed to the process callback.
  int64_t NumEnqueuedTasks() const;

 private:
  friend class SharedBatchScheduler;
  struct State;
  BatchQueue(std::shared_ptr<SharedBatchScheduler> scheduler, State* state)
      : scheduler_(std::move(scheduler)), state_(state) {}

  const std::shared_ptr<SharedBatchScheduler> scheduler_;
  State* const state_;  // owned by scheduler_, which keeps it until this queue is destroyed
};

class SharedBatchScheduler : public std::enable_shared_from_this<SharedBatchScheduler> {
 public:
  struct Options {
    // Batches processed at once, on the threads of waiting callers; 0: none, ProcessOneBatch()
    // steps by hand. TF Serving's default is one per core.
    int num_batch_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::string thread_pool_name = "batch_threads";  // for logs and metrics
    Env* env = Env::Default();                       // the clock for batch timeouts
  };
  // InvalidArgument when num_batch_threads < 0.
  static absl::StatusOr<std::shared_ptr<SharedBatchScheduler>> Create(Options options);
  // REQUIRES: every queue has been destroyed.
  ~SharedBatchScheduler();
  SharedBatchScheduler(const SharedBatchScheduler&) = delete;
  SharedBatchScheduler& operator=(const SharedBatchScheduler&) = delete;

  // A new queue whose batches are given to `process`; fails as ValidateBatchQueueOptions.
  absl::StatusOr<std::unique_ptr<BatchQueue>> AddQueue(const BatchQueueOptions& options,
                                                       ProcessBatchFn process);

  // Runs one runnable batch (round-robin over the queues) on the calling thread, whatever the
  // number already running; false when none is runnable. For schedulers without slots.
  bool ProcessOneBatch();
  // From now on batches run without waiting for their timeout (server shutdown: queued
  // requests are answered promptly instead of waiting for company).
  void Flush();

  // Tasks waiting in every queue, not yet handed to a process callback.
  int64_t NumEnqueuedTasks() const;
  // Blocks until at least `n` tasks wait in the queues (tests: requests made on other
  // threads have been queued).
  void WaitForEnqueuedTasks(int64_t n) const;
  // Batches handed to process callbacks so far.
  int64_t NumBatchesProcessed() const;
  // Queues not yet destroyed.
  int NumQueues() const;
  const std::string& thread_pool_name() const { return options_.thread_pool_name; }
  Env* env() const { return options_.env; }

 private:
  friend class BatchQueue;
  using StateList = std::list<std::unique_ptr<BatchQueue::State>>;

  explicit SharedBatchScheduler(Options options);
  absl::Status ScheduleOn(BatchQueue::State* state, BatchTask& task);
  absl::Status EnqueueLocked(BatchQueue::State* state, BatchTask& task)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Waits until `task` has been processed, processing runnable batches meanwhile.
  void AwaitProcessedLocked(const BatchTask& task) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool SlotFreeLocked() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return running_ < options_.num_batch_threads;
  }
  bool AnyRunnableLocked() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // When the earliest open batch times out (UINT64_MAX: none waits).
  uint64_t EarliestDeadlineLocked() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Pops the next runnable batch of any queue, round-robin; returns its queue (nullptr when
  // nothing is runnable).
  BatchQueue::State* TakeBatchLocked(Batch* batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Pops the next runnable batch of `state`; false when it has none.
  bool TakeBatchFromLocked(BatchQueue::State* state, Batch* batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool IsOpenBatchRunnableLocked(const BatchQueue::State& state) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Runs `batch` with mu_ released, then marks its tasks processed.
  void RunBatchLocked(BatchQueue::State* state, const Batch& batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CloseAndRemove(BatchQueue::State* state);
  int64_t NumEnqueuedTasksLocked() const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  const Options options_;
  mutable absl::Mutex mu_;
  StateList queues_ ABSL_GUARDED_BY(mu_);
  StateList::iterator next_queue_ ABSL_GUARDED_BY(mu_);  // round-robin position
  int running_ ABSL_GUARDED_BY(mu_) = 0;                 // batches being processed
  bool flushing_ ABSL_GUARDED_BY(mu_) = false;
  int64_t batches_processed_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace savedserve
