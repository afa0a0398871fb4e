// Pieces every built-in detector export shares (docs/detection_models.md): the `images`
// input (float pixels or encoded images), the `detected_model` / `serving_default`
// signatures, and the label list as the asset `labels.txt`. Pure functions over a
// GraphBuilder; one thread at a time per builder.
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "export/graph_builder.h"
#include "export/image_input.h"
#include "export/saved_model_builder.h"

namespace savedserve {

// Adds the input `images`: DT_FLOAT [-1, size, size, 3] (`pixels` is the placeholder itself),
// or with `encoded` a DT_STRING [-1] batch of JPEG/PNG decoded and resized to size x size
// in the graph, padded to a square first when `letterbox`.
absl::StatusOr<ImageInput> AddDetectorInput(GraphBuilder& g, int size, bool encoded,
                                            bool letterbox);

// Identical predict signatures `detected_model` and `serving_default`: input `images`
// (`input`), outputs by alias (`predictions_i`, `localizations_i`, ...).
absl::StatusOr<SignatureDefMap> DetectorSignatures(
    const NodeOutput& input, const std::map<std::string, NodeOutput>& outputs);

// Adds the `labels_filename` Const naming the asset and returns the asset, whose contents
// are `labels` one per line (class 0 first). Call before Finish().
AssetSpec AddLabelsAsset(GraphBuilder& g, const std::vector<std::string>& labels);

}  // namespace savedserve
