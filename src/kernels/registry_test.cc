#include "kernels/registry.h"

#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"

namespace savedserve {
namespace {

TEST(KernelRegistry, UnknownOpNamesOpAndNode) {
  OpRunner runner("NoSuchOpAnywhere", "my/node");
  auto out = runner.Run({});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(out.status().message().find("NoSuchOpAnywhere"), absl::string_view::npos);
  EXPECT_NE(out.status().message().find("my/node"), absl::string_view::npos);
}

TEST(KernelRegistry, EveryOpHasAReferenceKernel) {
  const auto& registry = KernelRegistry::Global();
  for (const auto& op : registry.Ops()) {
    EXPECT_TRUE(registry.HasVariant(op, KernelVariant::kReference))
        << op << " has a fast kernel but no reference kernel to test it against";
  }
}

}  // namespace
}  // namespace savedserve
