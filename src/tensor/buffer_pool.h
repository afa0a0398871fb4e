// BufferPool: recycles the memory of large tensor buffers. A model run allocates and frees
// the same few large activations on every request; taking them from a pool instead of the
// system allocator saves the page faults (the kernel zeroing fresh pages), the mmap/munmap
// calls and, with glibc, the per-thread arenas that keep freed memory for the thread that
// freed it (a server runs requests on dozens of threads). Idle blocks are reused for any
// request from half their size up, so a network whose activations shrink layer by layer
// needs about its peak live memory per request running at once.
// Safe for concurrent use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

#include "absl/synchronization/mutex.h"

namespace savedserve {

class BufferPool {
 public:
  // Requests below this go to the system allocator (its small-block caches do well).
  static constexpr size_t kMinPooledBytes = 256 << 10;
  // Idle memory above this is returned to the system.
  static constexpr size_t kMaxIdleBytes = size_t{512} << 20;

  // The process-wide pool, used by tensor buffers of at least kMinPooledBytes.
  static BufferPool& Global();

  struct Block {
    void* data = nullptr;  // 64-byte aligned; nullptr when allocation failed
    size_t capacity = 0;   // bytes usable, >= the request
  };
  // A block of at least `bytes`: an idle one of at most twice that, else a new one.
  // Contents are unspecified.
  Block Take(size_t bytes);
  // Returns a block from Take; it becomes idle (or is freed, past kMaxIdleBytes).
  void Give(Block block);

  size_t idle_bytes() const;

 private:
  mutable absl::Mutex mu_;
  std::multimap<size_t, void*> idle_ ABSL_GUARDED_BY(mu_);  // capacity -> data
  size_t idle_bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace savedserve
