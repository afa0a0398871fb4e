#include "models/ssd/detection_decoder.h"

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "models/ssd/blazeface_decoder.h"
#include "models/ssd/ssd_decoders.h"
#include "tensor/shape.h"

namespace savedserve::ssd {
namespace {

using tensorflow::SignatureDef;

// One model family: whether a signature has its layout, and its decoder.
struct DecoderFamily {
  const char* description;
  bool (*matches)(const SignatureDef&);
  absl::StatusOr<std::unique_ptr<DetectionDecoder>> (*create)(const SignatureDef&);
};

template <typename T>
absl::StatusOr<std::unique_ptr<DetectionDecoder>> Upcast(absl::StatusOr<std::unique_ptr<T>> d) {
  if (!d.ok()) return d.status();
  return std::unique_ptr<DetectionDecoder>(std::move(*d));
}

absl::StatusOr<std::unique_ptr<DetectionDecoder>> CreateSsd(const SignatureDef& signature) {
  ASSIGN_OR_RETURN(SsdLayout layout, ParseSsdLayout(signature));
  if (layout.has_anchors) return Upcast(AnchoredSsdDecoder::Create(std::move(layout)));
  return Upcast(Ssd300Decoder::Create(std::move(layout)));
}

absl::StatusOr<std::unique_ptr<DetectionDecoder>> CreateBlazeFace(const SignatureDef& signature) {
  return Upcast(BlazeFaceDecoder::Create(signature));
}

// Tried in order; the first whose layout matches decodes.
constexpr DecoderFamily kFamilies[] = {
    {"SSD (predictions_i/localizations_i pairs, optionally anchors)", HasSsdOutputs, CreateSsd},
    {"BlazeFace (4 outputs [N,512|384,1|16]: score logits and regressors of its two heads)",
     HasBlazeFaceOutputs, CreateBlazeFace},
};

std::string OutputList(const SignatureDef& signature) {
  std::string out;
  for (const auto& [alias, info] : signature.outputs()) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", alias);
  }
  return out.empty() ? "none" : out;
}

}  // namespace

absl::StatusOr<DetectionInput> ParseDetectionInput(const SignatureDef& signature,
                                                   absl::string_view alias) {
  auto it = signature.inputs().find(std::string(alias));
  if (it == signature.inputs().end()) {
    return absl::InvalidArgumentError(absl::StrCat("the signature has no input '", alias,
                                                   "' (a detection signature has one, ",
                                                   "DT_FLOAT [-1, H, W, 3] or DT_STRING [-1])"));
  }
  const PartialShape shape = PartialShape::FromProto(it->second.tensor_shape());
  DetectionInput input{std::string(alias), it->second.dtype(), 0, 0, 0};
  const std::vector<int64_t>& d = shape.dims();
  if (!shape.unknown_rank() && !d.empty() && d[0] > 0) input.batch = d[0];
  if (input.dtype == tensorflow::DT_FLOAT && !shape.unknown_rank() && d.size() == 4 && d[1] > 0 &&
      d[2] > 0 && d[3] == 3) {
    input.height = d[1];
    input.width = d[2];
    return input;
  }
  if (input.dtype == tensorflow::DT_STRING && !shape.unknown_rank() && d.size() == 1) {
    return input;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "input '", alias, "' should be DT_FLOAT [-1, H, W, 3] (H, W known) or DT_STRING [-1] ",
      "(encoded images); the signature declares ", DataTypeName(input.dtype), " ",
      shape.DebugString()));
}

absl::StatusOr<std::unique_ptr<DetectionDecoder>> CreateDetectionDecoder(
    const SignatureDef& signature) {
  std::string known;
  for (const DecoderFamily& family : kFamilies) {
    if (family.matches(signature)) return family.create(signature);
    absl::StrAppend(&known, "\n  ", family.description);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("the signature's outputs (", OutputList(signature),
                   ") match no detection model family; known layouts:", known));
}

}  // namespace savedserve::ssd
