// Encoded-image inputs for exported vision models (docs/detection_models.md): a DT_STRING
// batch of JPEG/PNG bytes decoded, optionally letterboxed, and resized inside the graph, so
// REST clients send base64 images instead of millions of floats. The loop over the batch is
// a functional `While` (control flow v2, what tf.map_fn writes), whose cond/body functions
// go into the graph's function library.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "export/graph_builder.h"

namespace savedserve {

struct ImageInputOptions {
  std::string name = "images";  // the Placeholder's name (and the signature alias)
  int height = 0;               // output size; both > 0
  int width = 0;
  // Pad each decoded image at the bottom and right with zeros to a square before resizing
  // (face-api.js / TF OD API style); false: stretch to height x width.
  bool letterbox = false;
};

struct ImageInput {
  NodeOutput placeholder;  // DT_STRING [-1]: what the signature's input names
  NodeOutput pixels;       // DT_FLOAT [-1, height, width, 3], RGB in 0..255
};

// Adds the placeholder and the decode/resize loop to `builder`.
absl::StatusOr<ImageInput> AddEncodedImageInput(GraphBuilder& builder,
                                                const ImageInputOptions& options);

}  // namespace savedserve
