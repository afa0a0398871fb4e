// Models built in C++ with GraphBuilder and exported as TF1-style SavedModels, for demos and
// tests that need no TensorFlow: half_plus_two (y = 0.5 * x + 2), the model TF Serving's
// documentation serves. Pure functions over an Env; safe for concurrent use.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/env.h"
#include "export/saved_model_builder.h"
#include "export/versioned_export.h"
#include "tensorflow/core/protobuf/meta_graph.pb.h"

namespace savedserve {

// Everything SavedModelBuilder needs for one meta graph built in code.
struct BuiltModel {
  tensorflow::MetaGraphDef meta_graph;  // graph, saver, collections, stripped op list
  SignatureDefMap signatures;
  VariableList variables;         // checkpoint contents
  std::vector<AssetSpec> assets;  // files for assets/ (e.g. labels.txt)
  std::set<std::string> tags = {"serve"};
};

// Writes `model` as `<export_base>/<model_name>/<version>` (nullopt: next) atomically:
// saved_model.pb + variables/ (+ assets/).
absl::StatusOr<VersionedExportResult> ExportBuiltModel(const BuiltModel& model,
                                                       const std::string& export_base,
                                                       const std::string& model_name,
                                                       std::optional<int64_t> version,
                                                       Env* env = Env::Default());

// TF1 half_plus_two: `x` (Placeholder DT_FLOAT [-1]), variables `a` = 0.5 and `b` = 2.0
// (VariableV2), `y` = Identity(Add(Mul(a, x), b)); signature `serving_default` (predict)
// x -> x:0, y -> y:0; sharded V2 saver.
absl::StatusOr<BuiltModel> BuildHalfPlusTwo();

absl::StatusOr<VersionedExportResult> ExportHalfPlusTwo(const std::string& export_base,
                                                        const std::string& model_name,
                                                        std::optional<int64_t> version,
                                                        Env* env = Env::Default());

}  // namespace savedserve
