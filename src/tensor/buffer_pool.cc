#include "tensor/buffer_pool.h"

#include <sys/mman.h>

#include <algorithm>
#include <limits>

namespace savedserve {
namespace {

constexpr size_t kPage = 4096;

void Unmap(const std::vector<std::pair<void*, size_t>>& regions) {
  for (const auto& [data, size] : regions) munmap(data, size);
}

}  // namespace

BufferPool& BufferPool::Global() {
  static BufferPool* pool = new BufferPool;
  return *pool;
}

BufferPool::~BufferPool() {
  for (const auto& [start, size] : regions_) munmap(reinterpret_cast<void*>(start), size);
}

BufferPool::Range BufferPool::Unlink(FreeMap::iterator it) {
  const Range range = it->second;
  by_size_.erase({range.size, it->first});
  idle_bytes_ -= range.dirty;
  free_.erase(it);
  return range;
}

void BufferPool::Link(uintptr_t start, Range range) {
  free_.emplace(start, range);
  by_size_.emplace(range.size, start);
  idle_bytes_ += range.dirty;
}

bool BufferPool::SameRegion(uintptr_t a, uintptr_t b) const {
  auto region = std::prev(regions_.upper_bound(a));
  return b >= region->first && b - region->first < region->second;
}

void BufferPool::ReturnPages(FreeMap::iterator it) {
  Range& range = it->second;
  if (range.dirty == 0) return;
  madvise(reinterpret_cast<void*>(it->first), range.size, MADV_DONTNEED);
  idle_bytes_ -= range.dirty;
  range.dirty = 0;
}

void BufferPool::Sweep(double seconds, bool force, std::vector<std::pair<void*, size_t>>* unmap) {
  const Clock::time_point now = Clock::now();
  if (force || now - last_sweep_ >= std::chrono::duration<double>(seconds / 10)) {
    last_sweep_ = now;
    const auto idle_for = std::chrono::duration<double>(seconds);
    for (auto it = free_.begin(); it != free_.end();) {
      if (now - it->second.since < idle_for) {
        ++it;
        continue;
      }
      auto region = regions_.find(it->first);
      if (region != regions_.end() && region->second == it->second.size) {
        unmap->emplace_back(reinterpret_cast<void*>(region->first), region->second);
        regions_.erase(region);
        Unlink(it++);
        continue;
      }
      ReturnPages(it++);
    }
  }
  // Over the limit: return the ranges with the most resident pages first.
  while (idle_bytes_ > max_idle_bytes_) {
    auto most = std::max_element(free_.begin(), free_.end(), [](const auto& a, const auto& b) {
      return a.second.dirty < b.second.dirty;
    });
    ReturnPages(most);
  }
}

void BufferPool::FreeIdleFor(double seconds) {
  std::vector<std::pair<void*, size_t>> unmap;
  {
    absl::MutexLock lock(&mu_);
    Sweep(seconds, /*force=*/true, &unmap);
  }
  Unmap(unmap);
}

BufferPool::Block BufferPool::Take(size_t bytes) {
  if (bytes > std::numeric_limits<size_t>::max() - region_bytes_) return Block{};
  const size_t size = (std::max<size_t>(bytes, 1) + kPage - 1) / kPage * kPage;
  std::vector<std::pair<void*, size_t>> unmap;
  Block block;
  {
    absl::MutexLock lock(&mu_);
    Sweep(idle_seconds_, /*force=*/false, &unmap);
    auto fit = by_size_.lower_bound({size, 0});
    if (fit == by_size_.end()) {
      // No free range holds it: reserve a new region (address space only; pages come on use).
      const size_t region = std::max(region_bytes_, size);
      void* data = mmap(nullptr, region, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (data != MAP_FAILED) {
        const auto start = reinterpret_cast<uintptr_t>(data);
        regions_.emplace(start, region);
        Link(start, Range{region, 0, Clock::now()});
        fit = by_size_.lower_bound({size, 0});
      }
    }
    if (fit != by_size_.end()) {
      const uintptr_t start = fit->second;
      const Range range = Unlink(free_.find(start));
      if (range.size > size) {
        Link(start + size, Range{range.size - size, range.dirty - std::min(range.dirty, size),
                                 range.since});
      }
      block = Block{reinterpret_cast<void*>(start), size};
    }
  }
  Unmap(unmap);
  return block;
}

void BufferPool::Give(Block block) {
  if (block.data == nullptr) return;
  std::vector<std::pair<void*, size_t>> unmap;
  {
    absl::MutexLock lock(&mu_);
    uintptr_t start = reinterpret_cast<uintptr_t>(block.data);
    Range range{block.capacity, block.capacity, Clock::now()};
    // Merge with the free ranges on either side (within the region).
    auto next = free_.find(start + range.size);
    if (next != free_.end() && SameRegion(start, next->first)) {
      const Range after = Unlink(next);
      range.size += after.size;
      range.dirty += after.dirty;
    }
    auto prev = free_.lower_bound(start);
    if (prev != free_.begin()) {
      --prev;
      if (prev->first + prev->second.size == start && SameRegion(prev->first, start)) {
        const uintptr_t before_start = prev->first;
        const Range before = Unlink(prev);
        start = before_start;
        range.size += before.size;
        range.dirty += before.dirty;
      }
    }
    Link(start, range);
    Sweep(idle_seconds_, /*force=*/false, &unmap);
  }
  Unmap(unmap);
}

size_t BufferPool::idle_bytes() const {
  absl::MutexLock lock(&mu_);
  return idle_bytes_;
}

}  // namespace savedserve
