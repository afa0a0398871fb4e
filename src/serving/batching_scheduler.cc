#include "serving/batching_scheduler.h"

#include <cassert>
#include <deque>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/status.h"

namespace savedserve {

namespace {

constexpr uint64_t kNoDeadline = std::numeric_limits<uint64_t>::max();

// Tasks grouped so far, and their rows.
struct PendingBatch {
  Batch tasks;
  int64_t rows = 0;
};

}  // namespace

// One queue's batches. Everything but the two constants is guarded by the scheduler's mu_.
struct BatchQueue::State {
  State(const BatchQueueOptions& o, ProcessBatchFn p) : options(o), process(std::move(p)) {
    batches.emplace_back();
  }
  bool Idle() const { return in_flight == 0 && batches.size() == 1 && batches[0].tasks.empty(); }

  const BatchQueueOptions options;
  const ProcessBatchFn process;
  std::deque<PendingBatch> batches;  // never empty; the back one is open, the others closed
  uint64_t open_batch_start_micros = 0;
  int in_flight = 0;  // batches handed to `process` and not yet returned
  bool closed = false;
};

absl::Status ValidateBatchQueueOptions(const BatchQueueOptions& options) {
  if (options.max_batch_size <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_batch_size must be positive; was ", options.max_batch_size));
  }
  if (options.batch_timeout_micros < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "batch_timeout_micros must be non-negative; was ", options.batch_timeout_micros));
  }
  if (options.max_enqueued_batches < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_enqueued_batches must be non-negative; was ", options.max_enqueued_batches));
  }
  return absl::OkStatus();
}

BatchQueue::~BatchQueue() { scheduler_->CloseAndRemove(state_); }

absl::Status BatchQueue::Schedule(BatchTask& task) { return scheduler_->ScheduleOn(state_, task); }

int64_t BatchQueue::NumEnqueuedTasks() const {
  absl::MutexLock lock(&scheduler_->mu_);
  int64_t n = 0;
  for (const PendingBatch& batch : state_->batches) n += batch.tasks.size();
  return n;
}

absl::StatusOr<std::shared_ptr<SharedBatchScheduler>> SharedBatchScheduler::Create(
    Options options) {
  if (options.num_batch_threads < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("num_batch_threads must be positive; was ", options.num_batch_threads));
  }
  return std::shared_ptr<SharedBatchScheduler>(new SharedBatchScheduler(std::move(options)));
}

SharedBatchScheduler::SharedBatchScheduler(Options options)
    : options_(std::move(options)), next_queue_(queues_.end()) {}

SharedBatchScheduler::~SharedBatchScheduler() {
  absl::MutexLock lock(&mu_);
  assert(queues_.empty());
}

absl::StatusOr<std::unique_ptr<BatchQueue>> SharedBatchScheduler::AddQueue(
    const BatchQueueOptions& options, ProcessBatchFn process) {
  if (absl::Status status = ValidateBatchQueueOptions(options); !status.ok()) return status;
  auto state = std::make_unique<BatchQueue::State>(options, std::move(process));
  BatchQueue::State* raw = state.get();
  {
    absl::MutexLock lock(&mu_);
    queues_.push_back(std::move(state));
  }
  return std::unique_ptr<BatchQueue>(new BatchQueue(shared_from_this(), raw));
}

absl::Status SharedBatchScheduler::ScheduleOn(BatchQueue::State* state, BatchTask& task) {
  if (task.size() > state->options.max_batch_size) {
    return absl::InvalidArgumentError(absl::StrCat("Task size ", task.size(),
                                                   " is larger than maximum input batch size ",
                                                   state->options.max_batch_size));
  }
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(EnqueueLocked(state, task));
  AwaitProcessedLocked(task);
  return absl::OkStatus();
}

absl::Status SharedBatchScheduler::EnqueueLocked(BatchQueue::State* state, BatchTask& task) {
  if (state->closed) return absl::UnavailableError("The batch scheduling queue is closed");
  if (state->batches.back().rows + task.size() > state->options.max_batch_size) {
    if (static_cast<int64_t>(state->batches.size()) >= state->options.max_enqueued_batches) {
      return absl::UnavailableError(
          "The batch scheduling queue to which this task was submitted is full");
    }
    state->batches.emplace_back();
  }
  PendingBatch& open = state->batches.back();
  if (open.tasks.empty()) state->open_batch_start_micros = options_.env->NowMicros();
  open.rows += task.size();
  open.tasks.push_back(&task);
  task.processed_ = false;
  return absl::OkStatus();
}

void SharedBatchScheduler::AwaitProcessedLocked(const BatchTask& task) {
  auto ready = [this, &task]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return task.processed_ || (SlotFreeLocked() && AnyRunnableLocked());
  };
  while (!task.processed_) {
    Batch batch;
    BatchQueue::State* state = SlotFreeLocked() ? TakeBatchLocked(&batch) : nullptr;
    if (state != nullptr) {
      RunBatchLocked(state, batch);
      continue;
    }
    // Sleep until processed or a batch can be run; with a slot free, also until the earliest
    // open batch times out (time passing is no mutex event that would re-check `ready`).
    const uint64_t deadline = SlotFreeLocked() ? EarliestDeadlineLocked() : kNoDeadline;
    const uint64_t now = options_.env->NowMicros();
    if (deadline == kNoDeadline) {
      mu_.Await(absl::Condition(&ready));
    } else if (deadline > now) {
      mu_.AwaitWithTimeout(absl::Condition(&ready), absl::Microseconds(deadline - now));
    }
  }
}

bool SharedBatchScheduler::IsOpenBatchRunnableLocked(const BatchQueue::State& state) const {
  const PendingBatch& open = state.batches.back();
  if (open.tasks.empty()) return false;
  return state.closed || flushing_ || open.rows >= state.options.max_batch_size ||
         options_.env->NowMicros() >=
             state.open_batch_start_micros + state.options.batch_timeout_micros;
}

bool SharedBatchScheduler::AnyRunnableLocked() const {
  for (const auto& state : queues_) {
    if (state->batches.size() >= 2 || IsOpenBatchRunnableLocked(*state)) return true;
  }
  return false;
}

uint64_t SharedBatchScheduler::EarliestDeadlineLocked() const {
  uint64_t deadline = kNoDeadline;
  for (const auto& state : queues_) {
    if (state->batches.back().tasks.empty()) continue;
    deadline = std::min(deadline, state->open_batch_start_micros +
                                      static_cast<uint64_t>(state->options.batch_timeout_micros));
  }
  return deadline;
}

bool SharedBatchScheduler::TakeBatchFromLocked(BatchQueue::State* state, Batch* batch) {
  if (state->batches.size() == 1 && IsOpenBatchRunnableLocked(*state)) {
    state->batches.emplace_back();
  }
  if (state->batches.size() < 2) return false;
  *batch = std::move(state->batches.front().tasks);
  state->batches.pop_front();
  return true;
}

BatchQueue::State* SharedBatchScheduler::TakeBatchLocked(Batch* batch) {
  for (size_t tried = 0; tried < queues_.size(); ++tried) {
    if (next_queue_ == queues_.end()) next_queue_ = queues_.begin();
    BatchQueue::State* state = (next_queue_++)->get();
    if (TakeBatchFromLocked(state, batch)) return state;
  }
  return nullptr;
}

void SharedBatchScheduler::RunBatchLocked(BatchQueue::State* state, const Batch& batch) {
  ++running_;
  ++state->in_flight;
  ++batches_processed_;
  mu_.Unlock();
  state->process(batch);
  mu_.Lock();
  for (BatchTask* task : batch) task->processed_ = true;  // its caller may return from here on
  --state->in_flight;
  --running_;
}

bool SharedBatchScheduler::ProcessOneBatch() {
  absl::MutexLock lock(&mu_);
  Batch batch;
  BatchQueue::State* state = TakeBatchLocked(&batch);
  if (state == nullptr) return false;
  RunBatchLocked(state, batch);
  return true;
}

void SharedBatchScheduler::Flush() {
  absl::MutexLock lock(&mu_);
  flushing_ = true;
}

void SharedBatchScheduler::CloseAndRemove(BatchQueue::State* state) {
  absl::MutexLock lock(&mu_);
  state->closed = true;
  // Without slots nobody else would run what is left.
  Batch batch;
  while (options_.num_batch_threads == 0 && TakeBatchFromLocked(state, &batch)) {
    RunBatchLocked(state, batch);
  }
  mu_.Await(absl::Condition(state, &BatchQueue::State::Idle));
  for (auto it = queues_.begin(); it != queues_.end(); ++it) {
    if (it->get() != state) continue;
    if (next_queue_ == it) ++next_queue_;
    queues_.erase(it);
    break;
  }
}

int64_t SharedBatchScheduler::NumEnqueuedTasksLocked() const {
  int64_t n = 0;
  for (const auto& state : queues_) {
    for (const PendingBatch& batch : state->batches) n += batch.tasks.size();
  }
  return n;
}

int64_t SharedBatchScheduler::NumEnqueuedTasks() const {
  absl::MutexLock lock(&mu_);
  return NumEnqueuedTasksLocked();
}

void SharedBatchScheduler::WaitForEnqueuedTasks(int64_t n) const {
  absl::MutexLock lock(&mu_);
  auto enough = [this, n]()
                    ABSL_SHARED_LOCKS_REQUIRED(mu_) { return NumEnqueuedTasksLocked() >= n; };
  mu_.Await(absl::Condition(&enough));
}

int SharedBatchScheduler::NumQueues() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(queues_.size());
}

int64_t SharedBatchScheduler::NumBatchesProcessed() const {
  absl::MutexLock lock(&mu_);
  return batches_processed_;
}

}  // namespace savedserve
