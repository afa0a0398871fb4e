// Turning a TF1 checkpoint (`<prefix>.meta` MetaGraphDef + `<prefix>.index` +
// `<prefix>.data-*`) into a versioned SavedModel with a signature: the export step of a TF1
// training project, without Python. Safe for concurrent use (distinct exports).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "base/env.h"
#include "export/versioned_export.h"
#include "tensorflow/core/protobuf/meta_graph.pb.h"

namespace savedserve {

// A checkpoint prefix given directly, or a directory whose `checkpoint` state file names
// the latest prefix (relative to the directory, or absolute). NotFound says what was looked
// for.
absl::StatusOr<std::string> ResolveCheckpointPrefix(const std::string& prefix_or_dir,
                                                    Env* env = Env::Default());

// Parses "alias=tensor:0,alias2=tensor2:0" into (alias, tensor) pairs.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseTensorMapping(
    const std::string& text);

// A TensorInfo for `tensor_name` ("node:i") with the dtype from the op's definition (the
// meta graph's stripped_op_list) and the shape from the node's `_output_shapes` or
// Placeholder `shape` attribute, else unknown rank.
absl::StatusOr<tensorflow::TensorInfo> TensorInfoFromGraph(const tensorflow::MetaGraphDef& meta,
                                                           const std::string& tensor_name);

struct CheckpointExportOptions {
  std::string checkpoint;                                    // prefix or directory
  std::vector<std::pair<std::string, std::string>> inputs;   // alias -> tensor name
  std::vector<std::pair<std::string, std::string>> outputs;  // alias -> tensor name
  std::string signature_name = "serving_default";
  std::string method = "predict";  // predict | classify | regress (or the full method name)
  std::set<std::string> tags = {"serve"};
  std::string export_base;
  std::string model_name;
  std::optional<int64_t> version;  // nullopt: next
  bool clear_devices = false;
  bool as_text = false;  // saved_model.pbtxt instead of saved_model.pb
  Env* env = Env::Default();
};

// Reads the checkpoint, builds the signature and writes the SavedModel atomically.
absl::StatusOr<VersionedExportResult> ExportCheckpoint(const CheckpointExportOptions& options);

}  // namespace savedserve
