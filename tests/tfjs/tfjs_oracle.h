// TensorFlow.js as an oracle for tests: runs tools/tfjs_oracle/run.js (set up in the build
// tree by scripts/tfjs-oracle-setup.sh, the `tfjs_oracle_setup` ctest fixture) on a batch
// of cases in one node process and reads the outputs back. One thread at a time.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "tensor/tensor.h"
#include "tensorflow/core/framework/graph.pb.h"

namespace savedserve::testing {

struct OracleCase {
  std::string id;
  std::string model_json;      // a TF.js graph model on disk, or
  tensorflow::GraphDef graph;  // a graph given here (used when model_json is empty)
  std::vector<std::pair<std::string, Tensor>> feeds;  // Placeholder node name -> value
  std::vector<std::string> fetches;                   // "node:0", ...
};

struct OracleResult {
  bool ok = false;
  std::string error;            // TF.js's message when !ok
  std::vector<Tensor> outputs;  // one per fetch
  double ms = 0;                // TF.js's time for the case
};

class TfjsOracle {
 public:
  // The oracle in $SAVEDSERVE_TFJS_ORACLE (set by ctest). An error says why it cannot run
  // (no node, packages not installed), for a GTEST_SKIP.
  static absl::StatusOr<TfjsOracle> Find();

  // The TensorFlow op types TF.js's graph executor maps.
  absl::StatusOr<std::vector<std::string>> ListOps() const;
  // Runs every case in one node process; results in case order.
  absl::StatusOr<std::vector<OracleResult>> Run(const std::vector<OracleCase>& cases) const;

 private:
  explicit TfjsOracle(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

// The skip message when the oracle is unavailable, else nullopt (and `oracle` set).
#define SS_REQUIRE_TFJS_ORACLE(oracle)                                                \
  auto ss_oracle_or_ = ::savedserve::testing::TfjsOracle::Find();                     \
  if (!ss_oracle_or_.ok()) {                                                          \
    GTEST_SKIP() << "TF.js oracle unavailable: " << ss_oracle_or_.status().message(); \
  }                                                                                   \
  const ::savedserve::testing::TfjsOracle& oracle = *ss_oracle_or_

}  // namespace savedserve::testing
