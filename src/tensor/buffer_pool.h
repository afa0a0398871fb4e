// BufferPool: recycles the memory of large tensor buffers. A model run allocates and frees
// the same few large activations on every request; taking them from a pool instead of the
// system allocator saves the page faults (the kernel zeroing fresh pages), the mmap/munmap
// calls and, with glibc, the per-thread arenas that keep freed memory for the thread that
// freed it (a server runs requests on dozens of threads). Idle blocks are reused for any
// request from half their size up, so a network whose activations shrink layer by layer
// needs about its peak live memory per request running at once. Scratch (a buffer held
// for one kernel call, such as a oneDNN scratchpad) may use any idle block large enough,
// and a new scratch block retires the idle scratch blocks smaller than itself: the calls of
// one run then share the block of the largest, instead of each size keeping its own (a
// network's Winograd layers asked for 8, 17, 17 and 24 MB). Blocks idle for
// kIdleSeconds are freed (so a burst of large batches does not hold memory for good), and
// so are the largest ones when more than kMaxIdleBytes are idle.
// Safe for concurrent use.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace savedserve {

class BufferPool {
 public:
  // Requests below this go to the system allocator (its small-block caches do well).
  static constexpr size_t kMinPooledBytes = 256 << 10;
  // Idle memory above this is returned to the system at once...
  static constexpr size_t kMaxIdleBytes = size_t{4} << 30;
  // ...and any block idle for this long, at the next Take or Give.
  static constexpr double kIdleSeconds = 10;

  explicit BufferPool(size_t max_idle_bytes = kMaxIdleBytes, double idle_seconds = kIdleSeconds)
      : max_idle_bytes_(max_idle_bytes), idle_seconds_(idle_seconds) {}
  // The process-wide pool, used by tensor buffers of at least kMinPooledBytes.
  static BufferPool& Global();

  // What a block is for: a tensor (may live long) or scratch (released within the call).
  enum class Use { kTensor, kScratch };
  struct Block {
    void* data = nullptr;  // page-aligned; nullptr when allocation failed
    size_t capacity = 0;   // bytes usable, >= the request
    Use use = Use::kTensor;
  };
  // A block of at least `bytes`: the smallest idle one that is at most twice that (any size
  // for scratch), else a new one. Contents are unspecified.
  Block Take(size_t bytes, Use use = Use::kTensor);
  // Returns a block from Take; it becomes idle (or is freed, past max_idle_bytes).
  void Give(Block block);

  size_t idle_bytes() const;
  // Frees the blocks idle for at least `seconds` (Take and Give do, with idle_seconds).
  void FreeIdleFor(double seconds);

 private:
  using Clock = std::chrono::steady_clock;
  struct Idle {
    void* data;
    Clock::time_point since;
    Use use;  // of its last taker
  };
  // Moves the blocks idle for `seconds` out of the pool, for freeing outside the lock.
  void TakeStale(double seconds, std::vector<std::pair<void*, size_t>>* stale) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_idle_bytes_;
  const double idle_seconds_;
  mutable absl::Mutex mu_;
  std::multimap<size_t, Idle> idle_ ABSL_GUARDED_BY(mu_);  // by capacity
  size_t idle_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  Clock::time_point last_sweep_ ABSL_GUARDED_BY(mu_) = Clock::now();
};

}  // namespace savedserve
