#include "models/ssd/blazeface_decoder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "tensor/shape.h"

namespace savedserve::ssd {
namespace {

constexpr int kFaceClass = 1;

// The heads BlazeFace's anchor counts stand for.
const BlazeFaceHead* HeadFor(int64_t anchors) {
  static const std::vector<BlazeFaceHead>* heads = new std::vector<BlazeFaceHead>(BlazeFaceHeads());
  for (const BlazeFaceHead& head : *heads) {
    if (head.num_anchors() == anchors) return &head;
  }
  return nullptr;
}

// An output [-1|N, A, depth] with A a BlazeFace head's anchor count: A, else 0.
int64_t AnchorsOf(const tensorflow::TensorInfo& info, int64_t depth) {
  PartialShape shape = PartialShape::FromProto(info.tensor_shape());
  if (info.dtype() != tensorflow::DT_FLOAT || shape.unknown_rank() || shape.rank() != 3 ||
      shape.dims()[2] != depth || HeadFor(shape.dims()[1]) == nullptr) {
    return 0;
  }
  return shape.dims()[1];
}

}  // namespace

bool HasBlazeFaceOutputs(const tensorflow::SignatureDef& signature) {
  if (signature.outputs_size() != 4) return false;
  std::vector<int64_t> scores, regressors;
  for (const auto& [alias, info] : signature.outputs()) {
    if (int64_t a = AnchorsOf(info, 1)) scores.push_back(a);
    if (int64_t a = AnchorsOf(info, kBlazeFaceRegressors)) regressors.push_back(a);
  }
  std::sort(scores.begin(), scores.end());
  std::sort(regressors.begin(), regressors.end());
  return scores.size() == 2 && scores == regressors && scores[0] != scores[1];
}

absl::StatusOr<std::unique_ptr<BlazeFaceDecoder>> BlazeFaceDecoder::Create(
    const tensorflow::SignatureDef& signature) {
  if (!HasBlazeFaceOutputs(signature)) {
    return absl::InvalidArgumentError(
        "not a BlazeFace signature: expected four DT_FLOAT outputs [N, 512|384, 1|16]");
  }
  if (signature.inputs_size() != 1) {
    return absl::InvalidArgumentError("a BlazeFace signature has one input");
  }
  const auto& input = signature.inputs().begin()->second;
  PartialShape shape = PartialShape::FromProto(input.tensor_shape());
  if (shape.unknown_rank() || shape.rank() != 4 || shape.dims()[1] <= 0 ||
      shape.dims()[1] != shape.dims()[2]) {
    return absl::InvalidArgumentError(absl::StrCat(
        "BlazeFace's input must be a square image [N, S, S, 3], not ", shape.DebugString()));
  }
  std::vector<Head> heads;
  for (const BlazeFaceHead& head : BlazeFaceHeads()) {
    Head h{head, "", ""};
    for (const auto& [alias, info] : signature.outputs()) {
      if (AnchorsOf(info, 1) == head.num_anchors()) h.scores = alias;
      if (AnchorsOf(info, kBlazeFaceRegressors) == head.num_anchors()) h.regressors = alias;
    }
    heads.push_back(std::move(h));
  }
  return std::unique_ptr<BlazeFaceDecoder>(
      new BlazeFaceDecoder(std::move(heads), static_cast<int>(shape.dims()[1])));
}

BlazeFaceDecoder::BlazeFaceDecoder(std::vector<Head> heads, int input_size)
    : heads_(std::move(heads)), input_size_(input_size), anchors_([&] {
        std::vector<BlazeFaceHead> shapes;
        for (const Head& h : heads_) shapes.push_back(h.shape);
        return BlazeFaceAnchors(shapes);
      }()) {}

std::vector<std::string> BlazeFaceDecoder::output_aliases() const {
  std::vector<std::string> aliases;
  for (const Head& h : heads_) {
    aliases.push_back(h.scores);
    aliases.push_back(h.regressors);
  }
  return aliases;
}

absl::StatusOr<int64_t> BlazeFaceDecoder::BatchSize(
    const std::map<std::string, Tensor>& outputs) const {
  int64_t batch = -1;
  for (const Head& h : heads_) {
    for (const auto& [alias, depth] : {std::pair{h.scores, int64_t{1}},
                                       std::pair{h.regressors, int64_t{kBlazeFaceRegressors}}}) {
      auto it = outputs.find(alias);
      if (it == outputs.end()) return absl::InvalidArgumentError("missing output " + alias);
      const Tensor& t = it->second;
      if (t.dtype() != tensorflow::DT_FLOAT || t.shape().rank() != 3 ||
          t.shape().dim(1) != h.shape.num_anchors() || t.shape().dim(2) != depth ||
          (batch >= 0 && t.shape().dim(0) != batch)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "output ", alias, " is ", DataTypeName(t.dtype()), " ", t.shape().DebugString(),
            ", expected DT_FLOAT [N,", h.shape.num_anchors(), ",", depth, "]"));
      }
      batch = t.shape().dim(0);
    }
  }
  return batch;
}

absl::StatusOr<std::vector<Detection>> BlazeFaceDecoder::Decode(
    const std::map<std::string, Tensor>& outputs, int64_t b,
    const SelectionOptions& options) const {
  std::vector<float> logits, regressors;
  for (const Head& h : heads_) {
    const int64_t n = h.shape.num_anchors();
    const float* s = outputs.at(h.scores).data<float>() + b * n;
    const float* r = outputs.at(h.regressors).data<float>() + b * n * kBlazeFaceRegressors;
    logits.insert(logits.end(), s, s + n);
    regressors.insert(regressors.end(), r, r + n * kBlazeFaceRegressors);
  }
  ASSIGN_OR_RETURN(
      std::vector<Detection> faces,
      DecodeBlazeFace(anchors_, logits, regressors, kBlazeFaceRegressors, input_size_, options));
  for (Detection& face : faces) face.class_id = kFaceClass;
  return faces;
}

}  // namespace savedserve::ssd
