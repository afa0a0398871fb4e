#include "base/denormal.h"

#include <cfloat>
#include <thread>

#include "gtest/gtest.h"

namespace savedserve {
namespace {

// Kept out of the optimiser's reach so the multiplication happens at run time.
volatile float g_small = FLT_MIN;

float HalveSmallest() { return g_small * 0.5f; }  // a denormal result unless flushed

TEST(DenormalTest, ScopedFlushTurnsDenormalResultsIntoZeroAndRestores) {
  ASSERT_NE(HalveSmallest(), 0.0f);
  {
    ScopedFlushDenormal flush;
    EXPECT_EQ(HalveSmallest(), 0.0f);
  }
  EXPECT_NE(HalveSmallest(), 0.0f);
}

TEST(DenormalTest, ThreadsCreatedAfterwardsInheritTheMode) {
  ScopedFlushDenormal flush;
  float in_thread = 1.0f;
  std::thread([&] { in_thread = HalveSmallest(); }).join();
  EXPECT_EQ(in_thread, 0.0f);
}

}  // namespace
}  // namespace savedserve
