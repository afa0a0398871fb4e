// ParallelFor over a kernel's thread pool, or inline when the context has no pool.
// Safe for concurrent use (as ThreadPool::ParallelFor).
#pragma once

#include <cstdint>
#include <functional>

#include "base/thread_pool.h"

namespace savedserve {

// Runs fn(begin, end) over blocks covering [0, n); `cost_per_unit` as ThreadPool's.
inline void ParallelFor(ThreadPool* pool, int64_t n, int64_t cost_per_unit,
                        const std::function<void(int64_t begin, int64_t end)>& fn) {
  if (pool == nullptr) {
    if (n > 0) fn(0, n);
    return;
  }
  pool->ParallelFor(n, cost_per_unit, fn);
}

}  // namespace savedserve
