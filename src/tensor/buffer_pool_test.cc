#include "tensor/buffer_pool.h"

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tensor/tensor.h"

namespace savedserve {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

TEST(BufferPoolTest, TakesTheSmallestFreeRangeThatFits) {
  BufferPool pool;
  BufferPool::Block a = pool.Take(4 * kMiB);
  BufferPool::Block keep1 = pool.Take(kMiB);
  BufferPool::Block c = pool.Take(2 * kMiB);
  BufferPool::Block keep2 = pool.Take(kMiB);
  ASSERT_NE(a.data, nullptr);
  EXPECT_GE(a.capacity, 4 * kMiB);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a.data) % 64, 0u);
  pool.Give(a);
  pool.Give(c);
  EXPECT_EQ(pool.idle_bytes(), a.capacity + c.capacity);
  BufferPool::Block two = pool.Take(2 * kMiB);  // c's range, not a's
  EXPECT_EQ(two.data, c.data);
  BufferPool::Block three = pool.Take(3 * kMiB);  // the front of a's
  EXPECT_EQ(three.data, a.data);
  EXPECT_EQ(pool.idle_bytes(), a.capacity - three.capacity);
  for (BufferPool::Block b : {keep1, keep2, two, three}) pool.Give(b);
}

TEST(BufferPoolTest, FreedNeighboursMerge) {
  BufferPool pool;
  BufferPool::Block a = pool.Take(kMiB);
  BufferPool::Block b = pool.Take(kMiB);
  BufferPool::Block c = pool.Take(kMiB);
  BufferPool::Block keep = pool.Take(kMiB);
  ASSERT_EQ(static_cast<char*>(b.data), static_cast<char*>(a.data) + a.capacity);
  pool.Give(a);
  pool.Give(c);
  pool.Give(b);  // joins a and c: one 3 MiB range
  BufferPool::Block all = pool.Take(3 * kMiB);
  EXPECT_EQ(all.data, a.data);
  pool.Give(all);
  pool.Give(keep);
}

TEST(BufferPoolTest, SmallerBlocksReuseALargerOnesMemory) {
  BufferPool pool;
  BufferPool::Block big = pool.Take(10 * kMiB);
  pool.Give(big);
  BufferPool::Block first = pool.Take(4 * kMiB);
  BufferPool::Block second = pool.Take(6 * kMiB);
  EXPECT_EQ(first.data, big.data);
  EXPECT_EQ(second.data, static_cast<char*>(big.data) + first.capacity);
  EXPECT_EQ(pool.idle_bytes(), 0u);  // both came from the freed block's pages
  pool.Give(first);
  pool.Give(second);
}

TEST(BufferPoolTest, BlocksLargerThanARegion) {
  BufferPool pool(BufferPool::kMaxIdleBytes, BufferPool::kIdleSeconds,
                  /*region_bytes=*/8 * kMiB);
  BufferPool::Block a = pool.Take(8 * kMiB);
  BufferPool::Block b = pool.Take(20 * kMiB);
  ASSERT_NE(a.data, nullptr);
  ASSERT_NE(b.data, nullptr);
  std::memset(a.data, 1, a.capacity);
  std::memset(b.data, 2, b.capacity);
  EXPECT_EQ(static_cast<unsigned char*>(a.data)[a.capacity - 1], 1);
  pool.Give(a);
  pool.Give(b);
  // Ranges of different regions never merge, even where the regions happen to be adjacent.
  BufferPool::Block c = pool.Take(28 * kMiB);
  ASSERT_NE(c.data, nullptr);
  EXPECT_NE(c.data, a.data);
  pool.Give(c);
}

TEST(BufferPoolTest, ReturnsTheMostResidentRangesPastTheLimit) {
  BufferPool pool(/*max_idle_bytes=*/8 * kMiB);
  BufferPool::Block a = pool.Take(6 * kMiB);
  BufferPool::Block keep1 = pool.Take(kMiB);
  BufferPool::Block b = pool.Take(4 * kMiB);
  BufferPool::Block keep2 = pool.Take(kMiB);
  pool.Give(a);
  EXPECT_EQ(pool.idle_bytes(), a.capacity);
  pool.Give(b);  // 10 MiB idle: a's pages go back to the system
  EXPECT_EQ(pool.idle_bytes(), b.capacity);
  BufferPool::Block again = pool.Take(6 * kMiB);  // the range stays usable
  EXPECT_EQ(again.data, a.data);
  for (BufferPool::Block block : {keep1, keep2, again}) pool.Give(block);
}

TEST(BufferPoolTest, FreesBlocksIdleTooLong) {
  BufferPool pool(BufferPool::kMaxIdleBytes, /*idle_seconds=*/3600);
  pool.Give(pool.Take(kMiB));
  pool.FreeIdleFor(3600);  // not that old yet
  EXPECT_EQ(pool.idle_bytes(), kMiB);
  pool.FreeIdleFor(0);
  EXPECT_EQ(pool.idle_bytes(), 0u);
}

TEST(BufferPoolTest, ConcurrentBlocksNeverOverlap) {
  BufferPool pool;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&pool, &failures, t] {
      std::mt19937 rng(t);
      std::vector<BufferPool::Block> held;
      for (int i = 0; i < 500; ++i) {
        if (held.size() < 6 && rng() % 3 != 0) {
          BufferPool::Block b = pool.Take((256 << 10) + rng() % (3 * kMiB));
          if (b.data == nullptr) {
            ++failures;
            continue;
          }
          std::memset(b.data, t + 1, b.capacity);
          held.push_back(b);
          continue;
        }
        if (held.empty()) continue;
        const size_t k = rng() % held.size();
        const auto* bytes = static_cast<const unsigned char*>(held[k].data);
        for (size_t at : {size_t{0}, held[k].capacity / 2, held[k].capacity - 1}) {
          if (bytes[at] != t + 1) ++failures;
        }
        pool.Give(held[k]);
        held.erase(held.begin() + static_cast<std::ptrdiff_t>(k));
      }
      for (BufferPool::Block b : held) pool.Give(b);
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

// Resident bytes of this process (from /proc/self/statm), or -1 when unavailable.
int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = -1;
  if (!(statm >> size >> resident)) return -1;
  return resident * sysconf(_SC_PAGESIZE);
}

TEST(BufferPoolTest, FreedBlocksLeaveTheProcess) {
  if (ResidentBytes() < 0) GTEST_SKIP() << "no /proc/self/statm";
  BufferPool pool;
  // glibc raises its mmap threshold past a freed 24 MiB block and would then serve the
  // smaller blocks below from its heap, keeping them after they are freed.
  BufferPool::Block first = pool.Take(24 << 20);
  std::memset(first.data, 1, first.capacity);
  pool.Give(first);
  pool.FreeIdleFor(0);
  std::vector<BufferPool::Block> blocks;
  for (int i = 0; i < 8; ++i) {
    blocks.push_back(pool.Take((4 << 20) + i * 4096));
    std::memset(blocks.back().data, 1, blocks.back().capacity);
  }
  const int64_t before = ResidentBytes();
  for (const BufferPool::Block& block : blocks) pool.Give(block);
  pool.FreeIdleFor(0);
  EXPECT_EQ(pool.idle_bytes(), 0u);
  EXPECT_LE(ResidentBytes(), before - (24 << 20));
}

TEST(BufferPoolTest, LargeTensorsRecycleTheirMemory) {
  const TensorShape shape({1 << 20});  // 4 MiB of floats
  const void* first = nullptr;
  {
    Tensor t(tensorflow::DT_FLOAT, shape);
    first = t.raw_data();
    t.data<float>()[7] = 1.0f;
  }
  Tensor reused = Tensor::ForOverwrite(tensorflow::DT_FLOAT, shape);
  Tensor zeroed(tensorflow::DT_FLOAT, shape);  // a new block (the first is taken)
  EXPECT_TRUE(reused.raw_data() == first || zeroed.raw_data() == first);
  EXPECT_EQ(zeroed.data<float>()[7], 0.0f);  // zero-filled even when recycled
}

}  // namespace
}  // namespace savedserve
