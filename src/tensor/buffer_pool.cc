#include "tensor/buffer_pool.h"

#include <sys/mman.h>

#include <cstdlib>

namespace savedserve {
namespace {

constexpr size_t kPage = 4096;

// Blocks are mapped and unmapped directly: freed memory then leaves the process at once,
// where glibc would keep much of it in its arenas (its mmap threshold grows with the
// blocks freed, so later large blocks come from the heap, which it rarely trims).
void* Map(size_t capacity) {
  void* data = mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return data == MAP_FAILED ? nullptr : data;
}

void Unmap(const std::vector<std::pair<void*, size_t>>& blocks) {
  for (const auto& [data, capacity] : blocks) munmap(data, capacity);
}

}  // namespace

BufferPool& BufferPool::Global() {
  static BufferPool* pool = new BufferPool;
  return *pool;
}

void BufferPool::TakeStale(double seconds, std::vector<std::pair<void*, size_t>>* stale) {
  const Clock::time_point now = Clock::now();
  if (seconds > 0 && now - last_sweep_ < std::chrono::duration<double>(seconds / 10)) return;
  last_sweep_ = now;
  for (auto it = idle_.begin(); it != idle_.end();) {
    if (now - it->second.since >= std::chrono::duration<double>(seconds)) {
      idle_bytes_ -= it->first;
      stale->emplace_back(it->second.data, it->first);
      it = idle_.erase(it);
    } else {
      ++it;
    }
  }
}

void BufferPool::FreeIdleFor(double seconds) {
  std::vector<std::pair<void*, size_t>> stale;
  {
    absl::MutexLock lock(&mu_);
    TakeStale(seconds, &stale);
  }
  Unmap(stale);
}

BufferPool::Block BufferPool::Take(size_t bytes, Use use) {
  std::vector<std::pair<void*, size_t>> stale;
  Block block;
  {
    absl::MutexLock lock(&mu_);
    TakeStale(idle_seconds_, &stale);
    auto it = idle_.lower_bound(bytes);
    if (it != idle_.end() && (use == Use::kScratch || it->first / 2 <= bytes)) {
      block = Block{it->second.data, it->first, use};
      idle_bytes_ -= it->first;
      idle_.erase(it);
    } else if (use == Use::kScratch) {
      // The new block serves every request the smaller idle scratch blocks did.
      for (auto small = idle_.begin(); small != idle_.end() && small->first < bytes;) {
        if (small->second.use != Use::kScratch) {
          ++small;
          continue;
        }
        idle_bytes_ -= small->first;
        stale.emplace_back(small->second.data, small->first);
        small = idle_.erase(small);
      }
    }
  }
  Unmap(stale);
  if (block.data != nullptr) return block;
  const size_t capacity = (bytes + kPage - 1) / kPage * kPage;
  return Block{Map(capacity), capacity, use};
}

void BufferPool::Give(Block block) {
  if (block.data == nullptr) return;
  std::vector<std::pair<void*, size_t>> freed;
  {
    absl::MutexLock lock(&mu_);
    TakeStale(idle_seconds_, &freed);
    idle_.emplace(block.capacity, Idle{block.data, Clock::now(), block.use});
    idle_bytes_ += block.capacity;
    // Over the limit: free the largest idle blocks (the likeliest leftovers of a big batch).
    while (idle_bytes_ > max_idle_bytes_) {
      auto largest = std::prev(idle_.end());
      idle_bytes_ -= largest->first;
      freed.emplace_back(largest->second.data, largest->first);
      idle_.erase(largest);
    }
  }
  Unmap(freed);
}

size_t BufferPool::idle_bytes() const {
  absl::MutexLock lock(&mu_);
  return idle_bytes_;
}

}  // namespace savedserve
