// DetectionDecoder: turns a served detector's raw outputs into detections, for one model
// family, everything read from the model's SignatureDef (docs/detection_models.md), never
// from its name. A family is one class (see ssd_decoders.h); CreateDetectionDecoder picks
// the one whose output layout the signature has. Adding a family (e.g. BlazeFace) is one
// more class plus one line in the list in detection_decoder.cc.
//
// Decoders are immutable after creation and safe for concurrent use.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "models/ssd/box_decoder.h"
#include "tensor/tensor.h"
#include "tensorflow/core/protobuf/meta_graph.pb.h"

namespace savedserve::ssd {

// How an image becomes the model's square-or-not input, and how boxes map back.
enum class ResizeMode {
  kStretch,    // resized to H x W directly (SSD300)
  kLetterbox,  // padded at the bottom/right with zeros to a square, then resized
};

// The image input of a detection signature.
struct DetectionInput {
  std::string alias;  // "images"
  DataType dtype = tensorflow::DT_INVALID;
  // DT_FLOAT [-1, H, W, 3]: the size the client resizes to. DT_STRING [-1] (encoded images,
  // resized in the graph): 0.
  int64_t height = 0;
  int64_t width = 0;
  // The batch size the signature fixes (BlazeFace from TF.js: 1), or 0 for any.
  int64_t batch = 0;
};

// Reads input `alias` of `signature`: DT_FLOAT [-1|N, H, W, 3] with H, W known, or DT_STRING
// [-1|N]. InvalidArgument naming what differs otherwise.
absl::StatusOr<DetectionInput> ParseDetectionInput(const tensorflow::SignatureDef& signature,
                                                   absl::string_view alias = "images");

// How a client turns 0..255 pixel values into the model's input: x * scale + offset.
// The built-in exports normalise in the graph (identity here); models imported as they are,
// such as BlazeFace from TF.js, expect the client to do it.
struct InputScaling {
  float scale = 1.0f;
  float offset = 0.0f;
};

class DetectionDecoder {
 public:
  virtual ~DetectionDecoder() = default;

  // A short name of the family, e.g. "ssd300" or "ssd-anchors" (for messages and --json).
  virtual absl::string_view family() const = 0;
  virtual ResizeMode resize_mode() const = 0;
  // Applied to float inputs after resizing (not to encoded images).
  virtual InputScaling input_scaling() const { return {}; }
  // Classes the model scores, background included (picks the built-in label list).
  virtual int num_classes() const = 0;
  // The family's score threshold, NMS IoU, top-k and maximum (docs/detection_models.md).
  virtual SelectionOptions default_selection() const = 0;
  // The outputs Decode reads (a Predict output filter).
  virtual std::vector<std::string> output_aliases() const = 0;
  // Batch elements in `outputs`, checked against the layout the signature declared.
  virtual absl::StatusOr<int64_t> BatchSize(const std::map<std::string, Tensor>& outputs) const = 0;
  // The detections of batch element `b`, best first, boxes relative to the model's input
  // (0..1; for letterboxed models, of the padded square). REQUIRES: b < BatchSize(outputs).
  virtual absl::StatusOr<std::vector<Detection>> Decode(
      const std::map<std::string, Tensor>& outputs, int64_t b,
      const SelectionOptions& options) const = 0;
};

// The decoder for `signature`'s family. InvalidArgument when no family's layout matches, or
// when the signature is of a family but malformed (a missing output pair, shapes that
// disagree, ...), saying what was expected.
absl::StatusOr<std::unique_ptr<DetectionDecoder>> CreateDetectionDecoder(
    const tensorflow::SignatureDef& signature);

}  // namespace savedserve::ssd
