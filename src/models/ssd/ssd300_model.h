// SSD300-VGG16 (docs/ssd.md) built in C++ as a TF1-style SavedModel that follows
// docs/detection_models.md: input `images` (RGB 0..255 at 300x300, or encoded images), the
// VGG mean subtraction, the network of the SSD-Tensorflow port (variable scope
// `ssd_300_vgg`, slim names such as `ssd_300_vgg/conv1/conv1_1/weights` and
// `ssd_300_vgg/block4_box/L2Normalization/gamma`), and per feature layer i = 0..5 the outputs
// `predictions_i` (softmax over 21 classes, [-1, H, W, A, 21]) and `localizations_i` (raw
// encodings, [-1, H, W, A, 4]); signatures `detected_model` and `serving_default`.
//
// Weights come from a TF1 checkpoint (variables looked up by name; optimizer slots and
// other extra entries are ignored), or, without one, from a seeded portable generator:
// uniform Xavier weights, zero biases, L2-normalisation scale 20. Such a model is untrained
// and says so in meta_info_def.meta_graph_version ("ssd300-vgg16 untrained seed=N").
// Every weight is a VariableV2 initialised with zeros in the graph (tf.get_variable with
// zeros_initializer), so the 26.3 M weights live only in variables/.
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

inline constexpr int kSsd300InputSize = 300;
inline constexpr int kSsd300NumClasses = 21;  // Pascal VOC: background + 20

struct Ssd300Options {
  // A TF1 checkpoint prefix, or a directory whose `checkpoint` state file names the latest;
  // empty: seeded random weights (an untrained model).
  std::string checkpoint;
  uint64_t seed = 0;  // for the random weights; ignored with a checkpoint
  // false: `images` is DT_FLOAT [-1, 300, 300, 3]; true: DT_STRING [-1] of encoded JPEG/PNG,
  // decoded and stretched to 300x300 in the graph (export/image_input.h).
  bool encoded_input = false;
};

// Builds the model. Errors name the checkpoint and the variable at fault (missing, or a
// shape or dtype that does not fit the network).
absl::StatusOr<BuiltModel> BuildSsd300(const Ssd300Options& options, Env* env = Env::Default());

// Builds the model and writes it as `<export_base>/<model_name>/<version>` (nullopt: next).
absl::StatusOr<VersionedExportResult> ExportSsd300(const Ssd300Options& options,
                                                   const std::string& export_base,
                                                   const std::string& model_name,
                                                   std::optional<int64_t> version,
                                                   Env* env = Env::Default());

}  // namespace savedserve
