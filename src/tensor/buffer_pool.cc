#include "tensor/buffer_pool.h"

#include <cstdlib>
#include <vector>

namespace savedserve {
namespace {

constexpr size_t kAlignment = 64;
constexpr size_t kPage = 4096;

}  // namespace

BufferPool& BufferPool::Global() {
  static BufferPool* pool = new BufferPool;
  return *pool;
}

BufferPool::Block BufferPool::Take(size_t bytes) {
  {
    absl::MutexLock lock(&mu_);
    auto it = idle_.lower_bound(bytes);
    if (it != idle_.end() && it->first / 2 <= bytes) {
      Block block{it->second, it->first};
      idle_bytes_ -= it->first;
      idle_.erase(it);
      return block;
    }
  }
  const size_t capacity = (bytes + kPage - 1) / kPage * kPage;
  return Block{std::aligned_alloc(kAlignment, capacity), capacity};
}

void BufferPool::Give(Block block) {
  if (block.data == nullptr) return;
  std::vector<void*> freed;
  {
    absl::MutexLock lock(&mu_);
    idle_.emplace(block.capacity, block.data);
    idle_bytes_ += block.capacity;
    // Over the limit: free the largest idle blocks (the likeliest leftovers of a big batch).
    while (idle_bytes_ > kMaxIdleBytes) {
      auto largest = std::prev(idle_.end());
      idle_bytes_ -= largest->first;
      freed.push_back(largest->second);
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
