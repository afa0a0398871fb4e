// TF.js weights: a weights manifest (tfjs-converter's `*weights_manifest.json`, or the
// `weightsManifest` member of a `model.json`) and the binary shard files it names. The
// manifest is a list of groups {paths, weights: [{name, shape, dtype, quantization?}]};
// each group's shards, concatenated in order, hold its weights back to back. Quantized
// weights are dequantised as TF.js does: uint8/uint16 affine (q·scale + min, in double,
// rounded for int32 weights), float16 -> float32. Pure functions over an Env; safe for
// concurrent use.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/env.h"
#include "tensor/tensor.h"

namespace savedserve {

struct TfjsWeights {
  std::string source;  // the manifest's path, for messages
  // Each weight's name and value (DT_FLOAT, DT_INT32, DT_BOOL or DT_STRING), in manifest
  // order.
  std::vector<std::pair<std::string, Tensor>> tensors;

  // The weight named `name`; NotFound naming it and the manifest when absent.
  absl::StatusOr<Tensor> Get(absl::string_view name) const;
};

// Resolves a `--weights` argument: a manifest file is returned as is; a directory must hold
// exactly one `*weights_manifest.json`, or else a `model.json`.
absl::StatusOr<std::string> FindTfjsManifest(const std::string& path, Env* env = Env::Default());

// Reads the manifest at `manifest_path` (a JSON array of groups, or an object with a
// `weightsManifest` array) and its shards, which are resolved against its directory.
// Errors name the manifest and, where one is at fault, the weight or shard: malformed JSON,
// a missing or short shard, shards longer than their weights, unknown dtypes.
absl::StatusOr<TfjsWeights> ReadTfjsWeights(const std::string& manifest_path,
                                            Env* env = Env::Default());

// As ReadTfjsWeights, for manifest JSON already in memory: shards are resolved against
// `shard_dir`; `source` names the manifest in messages.
absl::StatusOr<TfjsWeights> ParseTfjsWeights(absl::string_view manifest_json,
                                             const std::string& shard_dir,
                                             const std::string& source, Env* env);

}  // namespace savedserve
