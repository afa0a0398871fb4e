#include "tensor/buffer_pool.h"

#include <cstdint>

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
