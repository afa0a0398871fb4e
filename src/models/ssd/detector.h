// Detector: the client side of a served detection model. Create() reads the model's
// SignatureDef from the server (GetModelMetadata over gRPC, or GET .../metadata over REST),
// works out the input (float pixels or encoded images) and the decoder family
// (detection_decoder.h); Detect() sends the images as one batch in one Predict request (in
// requests of the model's batch size when its signature fixes one) and returns each image's
// detections in its own pixels.
//
//   ASSIGN_OR_RETURN(auto transport, CreateDetectionTransport({.grpc_target = "host:8500"}));
//   ASSIGN_OR_RETURN(auto detector,
//                    Detector::Create(std::move(transport), {.model_name = "faces"}));
//   ASSIGN_OR_RETURN(auto found,
//                    detector->Detect(images, detector->decoder().default_selection()));
//
// Safe for concurrent use after Create.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "models/ssd/detection_decoder.h"
#include "models/ssd/detection_image.h"
#include "tensor/tensor.h"
#include "tensorflow_serving/apis/get_model_metadata.pb.h"
#include "tensorflow_serving/apis/model.pb.h"

namespace savedserve::ssd {

// The two ways to reach TF Serving's API.
class DetectionTransport {
 public:
  virtual ~DetectionTransport() = default;
  virtual absl::StatusOr<tensorflow::serving::SignatureDefMap> GetSignatureDefs(
      const tensorflow::serving::ModelSpec& spec) const = 0;
  // `output_dtypes`: the outputs wanted and their dtypes (REST needs them to type the JSON).
  virtual absl::StatusOr<std::map<std::string, Tensor>> Predict(
      const tensorflow::serving::ModelSpec& spec, const std::map<std::string, Tensor>& inputs,
      const std::map<std::string, DataType>& output_dtypes) const = 0;
  // "gRPC localhost:8500" / "REST http://host:8501", for messages.
  virtual std::string description() const = 0;
};

struct TransportOptions {
  std::string grpc_target = "localhost:8500";  // used when rest_url is empty
  std::string rest_url;                        // "http://host:port"; set: REST instead of gRPC
  int64_t timeout_ms = 120000;                 // per call; <= 0: none
};
// Connects lazily: a server that is down shows on the first call. InvalidArgument for a
// malformed REST URL (only http:// is supported).
absl::StatusOr<std::unique_ptr<DetectionTransport>> CreateDetectionTransport(
    const TransportOptions& options);

inline constexpr char kDetectionSignature[] = "detected_model";

struct DetectorOptions {
  std::string model_name;
  // The default, when the model has no such signature, falls back to serving_default.
  std::string signature_name = kDetectionSignature;
  std::optional<int64_t> version;  // nullopt: the server's latest
  // The image input; when the signature has no such input but exactly one input, that one
  // (models imported with their own aliases).
  std::string input_alias = "images";
};

class Detector {
 public:
  // Fetches the signature and picks the decoder. Errors name the model, signature and
  // server: Unavailable when the server is down, NotFound for a missing model or signature,
  // InvalidArgument for a signature that is not a detection layout.
  static absl::StatusOr<std::unique_ptr<Detector>> Create(
      std::unique_ptr<DetectionTransport> transport, DetectorOptions options);

  const DetectionDecoder& decoder() const { return *decoder_; }
  const DetectionInput& input() const { return input_; }
  const tensorflow::SignatureDef& signature() const { return signature_; }

  // The input batch for `images`: resized float pixels, or the encoded bytes.
  Tensor MakeInput(std::span<const SourceImage> images) const;
  // One Predict request with all `images` (or one per input().batch images when the
  // signature fixes the batch size); per image, its detections (best first) in its own
  // pixels.
  absl::StatusOr<std::vector<std::vector<PixelDetection>>> Detect(
      std::span<const SourceImage> images, const SelectionOptions& selection) const;

 private:
  Detector(std::unique_ptr<DetectionTransport> transport, DetectorOptions options)
      : transport_(std::move(transport)), options_(std::move(options)) {}
  absl::Status Init();
  // One Predict request with all of `images`.
  absl::StatusOr<std::vector<std::vector<PixelDetection>>> DetectBatch(
      std::span<const SourceImage> images, const SelectionOptions& selection) const;

  const std::unique_ptr<DetectionTransport> transport_;
  const DetectorOptions options_;
  tensorflow::serving::ModelSpec spec_;
  tensorflow::SignatureDef signature_;
  DetectionInput input_;
  std::unique_ptr<DetectionDecoder> decoder_;
  std::map<std::string, DataType> output_dtypes_;
};

}  // namespace savedserve::ssd
