// The two SSD families of docs/detection_models.md, which share the output layout
// (`predictions_i` [-1, H_i, W_i, A_i, C] and `localizations_i` [-1, H_i, W_i, A_i, 4] per
// feature layer i) and differ in where anchors come from:
//  * Ssd300Decoder: no `anchors` output. Anchors from the SSD300 generator (anchors.h),
//    whose feature shapes must equal the outputs'; encodings (tx, ty, tw, th) with prior
//    scaling 0.1/0.2; stretched input; score > 0.5, top-k 400, IoU 0.45, at most 200.
//  * AnchoredSsdDecoder (TF Object Detection API, e.g. SSD-MobileNetV1): `anchors` output
//    [num_anchors, 4] as (ymin, xmin, ymax, xmax); encodings (ty, tx, th, tw) with scales
//    10, 10, 5, 5; letterboxed input; score >= 0.5, IoU 0.5, at most 100.
// Immutable after Create; safe for concurrent use.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/ssd/anchors.h"
#include "models/ssd/detection_decoder.h"

namespace savedserve::ssd {

inline constexpr char kPredictionsPrefix[] = "predictions_";
inline constexpr char kLocalizationsPrefix[] = "localizations_";
inline constexpr char kAnchorsOutput[] = "anchors";

struct SsdLayer {
  int64_t height = 0;
  int64_t width = 0;
  int64_t anchors_per_cell = 0;
};

// What a signature's SSD outputs declare.
struct SsdLayout {
  std::vector<SsdLayer> layers;  // i = 0, 1, ... while `predictions_i` exists
  int num_classes = 0;           // C, background (class 0) included
  bool has_anchors = false;      // an `anchors` output exists

  int64_t num_anchors() const;
};

// True when `signature` has the SSD outputs (`predictions_0`).
bool HasSsdOutputs(const tensorflow::SignatureDef& signature);

// Reads the layout: every `predictions_i` must have a `localizations_i`, both DT_FLOAT
// rank 5 with known H, W, A equal between the two, the same C in every layer, 4 box values.
absl::StatusOr<SsdLayout> ParseSsdLayout(const tensorflow::SignatureDef& signature);

// Batch element `b` of the per-layer outputs, flattened and concatenated in layer order
// (index k = anchor k): `loc` [num_anchors, 4] as stored, `scores` [num_anchors, C].
struct SsdRawOutputs {
  std::vector<float> loc;
  std::vector<float> scores;
};
// The batch size of `outputs`, after checking that every layer's tensors are present,
// DT_FLOAT, and hold batch x H x W x A x (C or 4) values.
absl::StatusOr<int64_t> SsdBatchSize(const SsdLayout& layout,
                                     const std::map<std::string, Tensor>& outputs);
// REQUIRES: SsdBatchSize(layout, outputs) is OK and > b.
SsdRawOutputs GatherSsdOutputs(const SsdLayout& layout,
                               const std::map<std::string, Tensor>& outputs, int64_t b);

// Shared by both families: the output filter and batch checks.
class SsdDecoderBase : public DetectionDecoder {
 public:
  explicit SsdDecoderBase(SsdLayout layout) : layout_(std::move(layout)) {}
  std::vector<std::string> output_aliases() const override;
  absl::StatusOr<int64_t> BatchSize(const std::map<std::string, Tensor>& outputs) const override;
  int num_classes() const override { return layout_.num_classes; }
  const SsdLayout& layout() const { return layout_; }

 protected:
  const SsdLayout layout_;
};

class Ssd300Decoder : public SsdDecoderBase {
 public:
  // InvalidArgument when the layout's feature shapes or anchors per cell differ from
  // `config`'s, or the layout has an `anchors` output.
  static absl::StatusOr<std::unique_ptr<Ssd300Decoder>> Create(SsdLayout layout,
                                                               SsdAnchorConfig config = {});

  absl::string_view family() const override { return "ssd300"; }
  ResizeMode resize_mode() const override { return ResizeMode::kStretch; }
  SelectionOptions default_selection() const override { return SelectionOptions(); }
  absl::StatusOr<std::vector<Detection>> Decode(const std::map<std::string, Tensor>& outputs,
                                                int64_t b,
                                                const SelectionOptions& options) const override;

 private:
  Ssd300Decoder(SsdLayout layout, std::vector<Anchor> anchors)
      : SsdDecoderBase(std::move(layout)), anchors_(std::move(anchors)) {}
  const std::vector<Anchor> anchors_;
};

class AnchoredSsdDecoder : public SsdDecoderBase {
 public:
  // REQUIRES-like check: InvalidArgument unless layout.has_anchors.
  static absl::StatusOr<std::unique_ptr<AnchoredSsdDecoder>> Create(SsdLayout layout);

  absl::string_view family() const override { return "ssd-anchors"; }
  ResizeMode resize_mode() const override { return ResizeMode::kLetterbox; }
  SelectionOptions default_selection() const override;
  std::vector<std::string> output_aliases() const override;
  absl::StatusOr<std::vector<Detection>> Decode(const std::map<std::string, Tensor>& outputs,
                                                int64_t b,
                                                const SelectionOptions& options) const override;

 private:
  using SsdDecoderBase::SsdDecoderBase;
};

}  // namespace savedserve::ssd
