#include "base/thread_pool.h"

#include <sched.h>

#include <algorithm>
#include <atomic>

namespace savedserve {

int ThreadPool::NumCores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

ThreadPool::ThreadPool(int num_threads) : num_threads_(num_threads > 0 ? num_threads : NumCores()) {
  for (int i = 1; i < num_threads_; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (auto& t : workers_) t.join();
}

void ThreadPool::WorkerLoop() {
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](ThreadPool* p)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) { return p->stopping_ || !p->queue_.empty(); },
          this));
      if (queue_.empty()) return;  // stopping
      task = std::move(queue_.back());
      queue_.pop_back();
    }
    task();
  }
}

void ThreadPool::ParallelFor(int64_t n, int64_t cost_per_unit,
                             const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  constexpr int64_t kMinCostPerBlock = 20000;  // below this, threading costs more than it saves
  int64_t max_blocks =
      std::max<int64_t>(1, n * std::max<int64_t>(cost_per_unit, 1) / kMinCostPerBlock);
  int64_t blocks = std::min<int64_t>({max_blocks, n, num_threads_});
  if (blocks <= 1) {
    fn(0, n);
    return;
  }
  int64_t block_size = (n + blocks - 1) / blocks;
  blocks = (n + block_size - 1) / block_size;
  std::atomic<int64_t> remaining{blocks - 1};
  {
    absl::MutexLock lock(&mu_);
    for (int64_t b = 1; b < blocks; ++b) {
      int64_t begin = b * block_size, end = std::min(n, begin + block_size);
      queue_.push_back([&fn, &remaining, begin, end] {
        fn(begin, end);
        remaining.fetch_sub(1, std::memory_order_acq_rel);
      });
    }
  }
  fn(0, std::min(n, block_size));
  // Help with queued work while waiting, so nested ParallelFor calls cannot deadlock.
  while (remaining.load(std::memory_order_acquire) > 0) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      if (!queue_.empty()) {
        task = std::move(queue_.back());
        queue_.pop_back();
      }
    }
    if (task) {
      task();
    } else {
      std::this_thread::yield();
    }
  }
}

}  // namespace savedserve
