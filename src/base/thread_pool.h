// A fixed pool of worker threads for intra-op parallelism. ParallelFor splits [0, n) into
// contiguous blocks run on the pool and the calling thread, returning when all are done.
// Safe for concurrent use: many requests may call ParallelFor on one pool at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace savedserve {

class ThreadPool {
 public:
  // `num_threads` <= 0 means one per core. The caller's thread also works, so a pool of
  // N threads uses N-1 workers.
  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return num_threads_; }
  // Runs fn(begin, end) over blocks covering [0, n). `cost_per_unit` is a rough count of
  // operations per index, so tiny loops stay on the calling thread.
  void ParallelFor(int64_t n, int64_t cost_per_unit,
                   const std::function<void(int64_t begin, int64_t end)>& fn);
  // Cores on this machine (as the scheduler allows this process).
  static int NumCores();

 private:
  void WorkerLoop();

  int num_threads_;
  absl::Mutex mu_;
  std::vector<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace savedserve
