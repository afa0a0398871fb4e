// Every op the kernels implement has TensorFlow's OpDef in format/op_defs: GraphBuilder refuses
// ops without one, and graphs without a stripped_op_list are typed from the table. The only
// exceptions are savedserve's own graph-rewrite ops, which TensorFlow does not register.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "format/op_defs.h"
#include "gtest/gtest.h"
#include "kernels/ops/banded_chain.h"
#include "kernels/ops/blocked_layout.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

// Ops that only savedserve's own rewrites create; no TensorFlow graph carries them, so they
// have no TensorFlow OpDef. (TensorFlow's own internal ops, such as _FusedConv2D, are not
// exceptions: graphs optimised by Grappler carry them.)
const std::set<std::string>& SavedserveInternalOps() {
  static const auto* ops = new std::set<std::string>{kBandedChainOp, kToBlockedOp, kFromBlockedOp};
  return *ops;
}

TEST(OpDefCoverage, EveryKernelOpHasAnOpDef) {
  std::vector<std::string> missing;
  for (const std::string& op : KernelRegistry::Global().Ops()) {
    if (SavedserveInternalOps().count(op) == 0 && RegisteredOpDef(op) == nullptr) {
      missing.push_back(op);
    }
  }
  EXPECT_TRUE(missing.empty()) << "kernel ops without an OpDef in src/format/op_defs.cc: "
                               << absl::StrJoin(missing, ", ");
}

TEST(OpDefCoverage, InternalOpsAreRegisteredAndUnderscored) {
  for (const std::string& op : SavedserveInternalOps()) {
    EXPECT_TRUE(KernelRegistry::Global().Has(op)) << op << " is listed but has no kernel";
    EXPECT_EQ(op.rfind('_', 0), 0u) << op << " would shadow a TensorFlow op name";
    EXPECT_EQ(RegisteredOpDef(op), nullptr) << op << " has an OpDef; drop it from the list";
  }
}

}  // namespace
}  // namespace savedserve
