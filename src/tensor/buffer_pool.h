// BufferPool: the memory of large tensor buffers and kernel scratch, carved from a few large
// mapped regions. A model run allocates and frees the same large activations on every
// request; taking them from the pool instead of the system allocator saves the page faults
// (the kernel zeroing fresh pages), the mmap/munmap calls and, with glibc, the per-thread
// arenas that keep freed memory for the thread that freed it (a server runs requests on
// dozens of threads).
//
// Placement: best fit (the smallest free range that holds the request, the lowest address
// among equals), and a freed block merges with the free ranges beside it. So a run's
// buffers settle into about its peak of live bytes, whatever their sizes: SSD300 with
// buffers of 0.3-24 MB needs 15 MB beside its weights where recycling whole blocks by size
// held 22.5 MB. Regions are reserved address space (MAP_NORESERVE); only pages a block has
// used are resident.
//
// Release: free ranges idle for kIdleSeconds have their pages returned to the system
// (madvise DONTNEED), and a region entirely free that long is unmapped, so a burst of large
// batches does not hold memory for good; past kMaxIdleBytes of resident free memory the
// largest free ranges are returned at once.
// Safe for concurrent use.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace savedserve {

class BufferPool {
 public:
  // Requests below this go to the system allocator (its small-block caches do well). Above
  // it, glibc would keep freed blocks in the arena of the thread that freed them: SSD300's
  // 64-256 KB tensors (the heads') held 5 MB over 3-4 request threads' arenas with a 256 KB
  // minimum, 1-1.5 MB with this one (serve peak RSS 165-167 -> 162-163 MB).
  static constexpr size_t kMinPooledBytes = 64 << 10;
  // Resident free memory above this is returned to the system at once...
  static constexpr size_t kMaxIdleBytes = size_t{4} << 30;
  // ...and any free range idle for this long, at the next Take or Give.
  static constexpr double kIdleSeconds = 10;
  // Address space reserved per region; a larger request gets a region of its own size.
  static constexpr size_t kRegionBytes = size_t{256} << 20;

  explicit BufferPool(size_t max_idle_bytes = kMaxIdleBytes, double idle_seconds = kIdleSeconds,
                      size_t region_bytes = kRegionBytes)
      : max_idle_bytes_(max_idle_bytes), idle_seconds_(idle_seconds), region_bytes_(region_bytes) {}
  ~BufferPool();
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;
  // The process-wide pool, used by tensor buffers of at least kMinPooledBytes.
  static BufferPool& Global();

  struct Block {
    void* data = nullptr;  // page-aligned; nullptr when allocation failed
    size_t capacity = 0;   // bytes usable, >= the request
  };
  // A block of at least `bytes`. Contents are unspecified.
  Block Take(size_t bytes);
  // Returns a block from Take; its memory becomes free for later Takes.
  void Give(Block block);

  // Bytes of free ranges that may still be resident (an upper bound: a freed block merged
  // with never-used address space counts whole until its pages are returned).
  size_t idle_bytes() const;
  // Returns the pages of free ranges idle for at least `seconds`, and unmaps regions free
  // that long (Take and Give do this with idle_seconds).
  void FreeIdleFor(double seconds);

 private:
  using Clock = std::chrono::steady_clock;
  struct Range {
    size_t size;
    size_t dirty;  // bytes that may be resident (used since last returned to the system)
    Clock::time_point since;
  };
  using FreeMap = std::map<uintptr_t, Range>;

  // Removes `it` from both indexes, returning its range.
  Range Unlink(FreeMap::iterator it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Link(uintptr_t start, Range range) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Whether `a` and `b` lie in the same region.
  bool SameRegion(uintptr_t a, uintptr_t b) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Returns pages idle `seconds` (all dirty ones past max_idle_bytes_); collects the regions
  // to unmap outside the lock.
  void Sweep(double seconds, bool force,
             std::vector<std::pair<void*, size_t>>* unmap) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReturnPages(FreeMap::iterator it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_idle_bytes_;
  const double idle_seconds_;
  const size_t region_bytes_;
  mutable absl::Mutex mu_;
  std::map<uintptr_t, size_t> regions_ ABSL_GUARDED_BY(mu_);  // start -> size
  FreeMap free_ ABSL_GUARDED_BY(mu_);                          // by address
  std::set<std::pair<size_t, uintptr_t>> by_size_ ABSL_GUARDED_BY(mu_);  // (size, start)
  size_t idle_bytes_ ABSL_GUARDED_BY(mu_) = 0;  // sum of dirty
  Clock::time_point last_sweep_ ABSL_GUARDED_BY(mu_) = Clock::now();
};

}  // namespace savedserve
