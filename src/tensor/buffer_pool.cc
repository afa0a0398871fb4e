#include "tensor/buffer_pool.h"

#include <cstdlib>

namespace savedserve {
namespace {

constexpr size_t kAlignment = 64;
constexpr size_t kPage = 4096;

}  // namespace

BufferPool& BufferPool::Global() {
  static BufferPool* pool = new BufferPool;
  return *pool;
}

void BufferPool::TakeStale(double seconds, std::vector<void*>* stale) {
  const Clock::time_point now = Clock::now();
  if (seconds > 0 && now - last_sweep_ < std::chrono::duration<double>(seconds / 10)) return;
  last_sweep_ = now;
  for (auto it = idle_.begin(); it != idle_.end();) {
    if (now - it->second.since >= std::chrono::duration<double>(seconds)) {
      idle_bytes_ -= it->first;
      stale->push_back(it->second.data);
      it = idle_.erase(it);
    } else {
      ++it;
    }
  }
}

void BufferPool::FreeIdleFor(double seconds) {
  std::vector<void*> stale;
  {
    absl::MutexLock lock(&mu_);
    TakeStale(seconds, &stale);
  }
  for (void* data : stale) std::free(data);
}

BufferPool::Block BufferPool::Take(size_t bytes) {
  std::vector<void*> stale;
  Block block;
  {
    absl::MutexLock lock(&mu_);
    TakeStale(idle_seconds_, &stale);
    auto it = idle_.lower_bound(bytes);
    if (it != idle_.end() && it->first / 2 <= bytes) {
      block = Block{it->second.data, it->first};
      idle_bytes_ -= it->first;
      idle_.erase(it);
    }
  }
  for (void* data : stale) std::free(data);
  if (block.data != nullptr) return block;
  const size_t capacity = (bytes + kPage - 1) / kPage * kPage;
  return Block{std::aligned_alloc(kAlignment, capacity), capacity};
}

void BufferPool::Give(Block block) {
  if (block.data == nullptr) return;
  std::vector<void*> freed;
  {
    absl::MutexLock lock(&mu_);
    TakeStale(idle_seconds_, &freed);
    idle_.emplace(block.capacity, Idle{block.data, Clock::now()});
    idle_bytes_ += block.capacity;
    // Over the limit: free the largest idle blocks (the likeliest leftovers of a big batch).
    while (idle_bytes_ > max_idle_bytes_) {
      auto largest = std::prev(idle_.end());
      idle_bytes_ -= largest->first;
      freed.push_back(largest->second.data);
      idle_.erase(largest);
    }
  }
  for (void* data : freed) std::free(data);
}

size_t BufferPool::idle_bytes() const {
  absl::MutexLock lock(&mu_);
  return idle_bytes_;
}

}  // namespace savedserve
