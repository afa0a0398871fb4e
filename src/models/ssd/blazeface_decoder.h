// The BlazeFace detection family (docs/detection_models.md, "BlazeFace"): MediaPipe's face
// detector as a TF.js graph model imported with `savedserve import tfjs`. Recognised by its
// outputs alone, since import keeps the model's own aliases (Identity, Identity_1, ...): four
// DT_FLOAT rank-3 outputs [-1|N, A, 1] (score logits) and [-1|N, A, 16] (box + keypoint
// regressors), for A = 512 (16x16 cells x 2 anchors) and A = 384 (8x8 cells x 6). The one
// input is DT_FLOAT [-1|N, S, S, 3] scaled to -1..1 (x / 127.5 - 1), letterboxed. Faces are
// reported as class 1 of the face label list (background, face, unused), the ids the SSD
// face detector uses, so clients treat both face models alike.
// Immutable after Create; safe for concurrent use.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/ssd/blazeface.h"
#include "models/ssd/detection_decoder.h"

namespace savedserve::ssd {

// True when `signature`'s outputs have BlazeFace's layout (shapes only; aliases are free).
bool HasBlazeFaceOutputs(const tensorflow::SignatureDef& signature);

class BlazeFaceDecoder : public DetectionDecoder {
 public:
  // InvalidArgument when the outputs are not BlazeFace's or the input is not a square image.
  static absl::StatusOr<std::unique_ptr<BlazeFaceDecoder>> Create(
      const tensorflow::SignatureDef& signature);

  absl::string_view family() const override { return "blazeface"; }
  ResizeMode resize_mode() const override { return ResizeMode::kLetterbox; }
  InputScaling input_scaling() const override { return {1.0f / 127.5f, -1.0f}; }
  int num_classes() const override { return 3; }
  SelectionOptions default_selection() const override { return BlazeFaceSelection(); }
  std::vector<std::string> output_aliases() const override;
  absl::StatusOr<int64_t> BatchSize(const std::map<std::string, Tensor>& outputs) const override;
  absl::StatusOr<std::vector<Detection>> Decode(const std::map<std::string, Tensor>& outputs,
                                                int64_t b,
                                                const SelectionOptions& options) const override;

 private:
  struct Head {
    BlazeFaceHead shape;
    std::string scores;      // alias of [N, A, 1]
    std::string regressors;  // alias of [N, A, 16]
  };
  BlazeFaceDecoder(std::vector<Head> heads, int input_size);

  const std::vector<Head> heads_;  // in anchor order: 512 then 384
  const int input_size_;
  const std::vector<Anchor> anchors_;
};

}  // namespace savedserve::ssd
