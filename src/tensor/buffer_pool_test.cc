#include "tensor/buffer_pool.h"

#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <vector>

#include "gtest/gtest.h"
#include "tensor/tensor.h"

namespace savedserve {
namespace {

TEST(BufferPoolTest, ReusesIdleBlocksFromHalfTheirSizeUp) {
  BufferPool pool;
  BufferPool::Block big = pool.Take(10 << 20);
  ASSERT_NE(big.data, nullptr);
  EXPECT_GE(big.capacity, size_t{10} << 20);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(big.data) % 64, 0u);
  pool.Give(big);
  EXPECT_EQ(pool.idle_bytes(), big.capacity);
  // Too small for the idle block (it would waste more than half): a new one.
  BufferPool::Block small = pool.Take(4 << 20);
  EXPECT_NE(small.data, big.data);
  // Half the size or more: the idle block.
  BufferPool::Block half = pool.Take(6 << 20);
  EXPECT_EQ(half.data, big.data);
  EXPECT_EQ(pool.idle_bytes(), 0u);
  pool.Give(small);
  pool.Give(half);
}

TEST(BufferPoolTest, ScratchTakesAnyIdleBlockLargeEnough) {
  using Use = BufferPool::Use;
  BufferPool pool;
  BufferPool::Block big = pool.Take(16 << 20, Use::kScratch);
  pool.Give(big);
  // A tensor would waste most of the block: it gets a new one...
  BufferPool::Block tensor = pool.Take(1 << 20);
  EXPECT_NE(tensor.data, big.data);
  // ...scratch, released within the call, takes it.
  BufferPool::Block scratch = pool.Take(1 << 20, Use::kScratch);
  EXPECT_EQ(scratch.data, big.data);
  EXPECT_EQ(scratch.use, Use::kScratch);
  pool.Give(tensor);
  pool.Give(scratch);
}

TEST(BufferPoolTest, NewScratchBlockRetiresSmallerIdleScratch) {
  using Use = BufferPool::Use;
  BufferPool pool;
  BufferPool::Block small_scratch = pool.Take(1 << 20, Use::kScratch);
  BufferPool::Block small_tensor = pool.Take(1 << 20);
  pool.Give(small_scratch);
  pool.Give(small_tensor);
  ASSERT_EQ(pool.idle_bytes(), small_scratch.capacity + small_tensor.capacity);
  // Larger scratch: a new block, which will serve whatever the small scratch block did; the
  // idle tensor block stays for tensors.
  BufferPool::Block large = pool.Take(4 << 20, Use::kScratch);
  EXPECT_EQ(pool.idle_bytes(), small_tensor.capacity);
  pool.Give(large);
  BufferPool::Block again = pool.Take(2 << 20, Use::kScratch);
  EXPECT_EQ(again.data, large.data);
  pool.Give(again);
}

TEST(BufferPoolTest, FreesTheLargestIdleBlocksPastTheLimit) {
  constexpr size_t kLimit = 64 << 20;
  BufferPool pool(kLimit);
  BufferPool::Block a = pool.Take(kLimit / 2);
  BufferPool::Block b = pool.Take(kLimit / 4);
  BufferPool::Block c = pool.Take(kLimit / 2 + 4096);
  pool.Give(a);
  pool.Give(b);
  pool.Give(c);  // over the limit: c, the largest, goes
  EXPECT_EQ(pool.idle_bytes(), a.capacity + b.capacity);
  BufferPool::Block again = pool.Take(kLimit / 2);
  EXPECT_EQ(again.data, a.data);
  pool.Give(again);
}

TEST(BufferPoolTest, FreesBlocksIdleTooLong) {
  BufferPool pool(BufferPool::kMaxIdleBytes, /*idle_seconds=*/3600);
  pool.Give(pool.Take(1 << 20));
  pool.FreeIdleFor(3600);  // not that old yet
  EXPECT_EQ(pool.idle_bytes(), size_t{1} << 20);
  pool.FreeIdleFor(0);
  EXPECT_EQ(pool.idle_bytes(), 0u);
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
