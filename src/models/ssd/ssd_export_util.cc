#include "models/ssd/ssd_export_util.h"

#include "absl/strings/str_join.h"
#include "base/status.h"
#include "export/signature.h"

namespace savedserve {

absl::StatusOr<ImageInput> AddDetectorInput(GraphBuilder& g, int size, bool encoded,
                                            bool letterbox) {
  if (encoded) {
    ImageInputOptions options;
    options.name = "images";
    options.height = options.width = size;
    options.letterbox = letterbox;
    return AddEncodedImageInput(g, options);
  }
  NodeOutput images = g.Placeholder("images", tensorflow::DT_FLOAT,
                                    PartialShape(std::vector<int64_t>{-1, size, size, 3}));
  return ImageInput{images, images};
}

absl::StatusOr<SignatureDefMap> DetectorSignatures(
    const NodeOutput& input, const std::map<std::string, NodeOutput>& outputs) {
  TensorInfoMap inputs = {
      {"images", BuildTensorInfo(input.tensor_name(), input.dtype, input.shape)}};
  TensorInfoMap infos;
  for (const auto& [alias, t] : outputs) {
    infos[alias] = BuildTensorInfo(t.tensor_name(), t.dtype, t.shape);
  }
  ASSIGN_OR_RETURN(tensorflow::SignatureDef signature, PredictSignatureDef(inputs, infos));
  return SignatureDefMap{{"detected_model", signature},
                         {kDefaultServingSignatureDefKey, signature}};
}

AssetSpec AddLabelsAsset(GraphBuilder& g, const std::vector<std::string>& labels) {
  NodeOutput name = g.Const("labels_filename", Tensor::Scalar(std::string("labels.txt")));
  return AssetSpec{"", "labels.txt", name.tensor_name(), absl::StrJoin(labels, "\n") + "\n"};
}

}  // namespace savedserve
