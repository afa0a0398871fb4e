// SSD-MobileNetV1, the face detector of face-api.js (`ssdMobilenetv1`, trained on WIDER FACE,
// TF Object Detection API weight names), rebuilt from its TF.js weights as a TF1-style
// SavedModel following docs/detection_models.md: input `images` (512x512 RGB in 0..255, or
// encoded images), outputs `predictions_i` (sigmoid class scores, [-1, H, W, A, 3]),
// `localizations_i` (raw (ty, tx, th, tw), [-1, H, W, A, 4]) for the six feature layers and
// `anchors` ([-1, 5118, 4] as (ymin, xmin, ymax, xmax), the same for every image);
// signatures `detected_model` and `serving_default`; the label list as the asset
// `labels.txt`.
//
// The graph (docs/ssd.md): x·2/255 − 1; MobileNetV1 (conv 3x3/2 + bias + ReLU6, then 13
// depthwise 3x3 + batch norm + ReLU6 / pointwise 1x1 + bias + ReLU6 pairs, stride 2 at pairs
// 2, 4, 6, 12); eight extra convs + bias + ReLU6; box predictors on pair 11, the backbone
// output and extra convs 1, 3, 5, 7. Every weight is a VariableV2 named as in the manifest
// (e.g. `MobilenetV1/Conv2d_1_depthwise/depthwise_weights`), restored from variables/.
// Pure functions; safe for concurrent use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "base/env.h"
#include "export/demo_models.h"
#include "export/versioned_export.h"

namespace savedserve {

inline constexpr int kSsdMobilenetV1InputSize = 512;

struct SsdMobilenetV1Options {
  // The TF.js weights: `ssd_mobilenetv1_model-weights_manifest.json`, or its directory.
  std::string weights;
  // false: `images` is DT_FLOAT [-1, 512, 512, 3]; true: DT_STRING [-1] of encoded JPEG/PNG,
  // decoded, letterboxed and resized in the graph (export/image_input.h).
  bool encoded_input = false;
};

// Reads the weights and builds the model. Errors name the manifest and the weight at fault
// (missing, or a shape that does not fit the network).
absl::StatusOr<BuiltModel> BuildSsdMobilenetV1(const SsdMobilenetV1Options& options,
                                               Env* env = Env::Default());

// Builds the model and writes it as `<export_base>/<model_name>/<version>` (nullopt: next).
absl::StatusOr<VersionedExportResult> ExportSsdMobilenetV1(const SsdMobilenetV1Options& options,
                                                           const std::string& export_base,
                                                           const std::string& model_name,
                                                           std::optional<int64_t> version,
                                                           Env* env = Env::Default());

}  // namespace savedserve
