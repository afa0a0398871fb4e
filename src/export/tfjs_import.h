// Importing a TensorFlow.js graph model (tfjs-converter's `model.json` + weight shards) as a
// SavedModel. `modelTopology` is a GraphDef in protobuf's JSON form; each weight of the
// `weightsManifest` (dequantised: uint8/uint16 affine, float16) becomes the value of the Const
// node of the same name; TF.js-only ops are rewritten into standard ones
// (tfjs_graph_rewrite.h) while TensorFlow's fused ops are kept. The `serving_default`
// signature comes from the model's `signature` (top level, or under `userDefinedMetadata`),
// or from explicit input/output mappings. The result has no variables: every weight is a
// constant of the graph. Safe for concurrent use (distinct imports).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "base/env.h"
#include "export/saved_model_builder.h"
#include "export/versioned_export.h"
#include "tensorflow/core/protobuf/meta_graph.pb.h"

namespace savedserve {

// alias -> tensor name ("node:0"), as ParseTensorMapping returns them.
using TensorMapping = std::vector<std::pair<std::string, std::string>>;

struct TfjsImportOptions {
  std::string model_json;  // path of model.json; shards are resolved against its directory
  // Replace the model's signature inputs / outputs when non-empty (required for a model
  // without a signature).
  TensorMapping inputs;
  TensorMapping outputs;
  Env* env = Env::Default();
};

// A TF.js graph model as a meta graph ready for SavedModelBuilder (tags, signatures and
// devices are set by the builder).
struct ImportedGraphModel {
  tensorflow::MetaGraphDef meta_graph;
  SignatureDefMap signatures;  // serving_default
};

// Reads and converts the model. Errors name the file and the node, weight or key at fault:
// malformed JSON, a topology that is not a GraphDef, missing or short shards, a weight whose
// dtype or shape differs from its Const node, a Const node without a value, an unknown
// signature tensor.
absl::StatusOr<ImportedGraphModel> ReadTfjsGraphModel(const TfjsImportOptions& options);

// ReadTfjsGraphModel, then writes `<export_base>/<model_name>/<version>` atomically
// (`version` nullopt: next).
absl::StatusOr<VersionedExportResult> ImportTfjsGraphModel(const TfjsImportOptions& options,
                                                           const std::string& export_base,
                                                           const std::string& model_name,
                                                           std::optional<int64_t> version);

}  // namespace savedserve
