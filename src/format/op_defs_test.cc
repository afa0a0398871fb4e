#include "format/op_defs.h"

#include "gtest/gtest.h"

namespace savedserve {
namespace {

// A typo in one text proto would otherwise pass silently in release builds: the table's
// own check is an assert.
TEST(OpDefsTest, EveryEntryParsesInNameOrder) {
  const absl::Status status = CheckOpDefTable();
  EXPECT_TRUE(status.ok()) << status;
}

TEST(OpDefsTest, LookupFindsEveryListedOp) {
  const tensorflow::OpList& list = RegisteredOpList();
  ASSERT_EQ(list.op_size(), static_cast<int>(RegisteredOpNames().size()));
  for (const tensorflow::OpDef& def : list.op()) {
    const tensorflow::OpDef* found = RegisteredOpDef(def.name());
    ASSERT_NE(found, nullptr) << def.name();
    EXPECT_EQ(found->name(), def.name());
  }
  EXPECT_EQ(RegisteredOpDef("NoSuchOp"), nullptr);
}

}  // namespace
}  // namespace savedserve
