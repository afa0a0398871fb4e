// `savedserve detect IMAGE...`: object detection through a model server (ours or
// tensorflow_model_server), for models with the detection signature layout of
// docs/detection_models.md. Everything about the model (input size, float or encoded input,
// anchors, letterboxing, selection defaults) comes from its metadata. All images go to the
// server as one batch in one Predict request, over gRPC (--server) or REST (--rest).
// Prints a table or --json; --out writes the annotated image as PNG (several images:
// <stem>_<i>.png beside --out, i = the image's position on the command line).
#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/env.h"
#include "base/status.h"
#include "kernels/ops/image_util.h"
#include "models/ssd/annotate.h"
#include "models/ssd/detection_output.h"
#include "models/ssd/detector.h"
#include "models/ssd/labels.h"
#include "tools/commands.h"

namespace savedserve::tools {
namespace {

using ssd::ImageDetections;
using ssd::SourceImage;

struct DetectFlags {
  std::vector<std::string> images;
  ssd::TransportOptions transport;
  ssd::DetectorOptions detector;
  int64_t version = -1;   // < 0: latest
  float threshold = NAN;  // NaN: the family's default
  float iou = NAN;
  int max = -1;  // < 0: the family's default
  std::string labels, out;
  bool json = false;
};

// Where annotated image i of n goes: --out itself for one image, else <stem>_<i>.png.
std::string OutputPath(const std::string& out, size_t i, size_t n) {
  if (n == 1) return out;
  std::string stem = out;
  if (absl::EndsWithIgnoreCase(stem, ".png")) stem.resize(stem.size() - 4);
  return absl::StrCat(stem, "_", i, ".png");
}

absl::Status WriteAnnotated(const SourceImage& image, const ImageDetections& result,
                            const std::vector<std::string>& labels, const std::string& path) {
  DecodedImage canvas = image.rgb;
  ssd::DrawDetections(canvas, result.detections, labels);
  ASSIGN_OR_RETURN(const std::string png, EncodePng(canvas));
  return Annotate(Env::Default()->WriteFile(path, png), absl::StrCat("writing ", path));
}

absl::Status Detect(DetectFlags flags) {
  std::vector<SourceImage> images;
  for (const std::string& path : flags.images) {
    ASSIGN_OR_RETURN(SourceImage image, ssd::ReadSourceImage(path));
    images.push_back(std::move(image));
  }
  if (flags.version >= 0) flags.detector.version = flags.version;
  ASSIGN_OR_RETURN(auto transport, ssd::CreateDetectionTransport(flags.transport));
  ASSIGN_OR_RETURN(auto detector, ssd::Detector::Create(std::move(transport), flags.detector));
  ssd::SelectionOptions selection = detector->decoder().default_selection();
  if (!std::isnan(flags.threshold)) selection.score_threshold = flags.threshold;
  if (!std::isnan(flags.iou)) selection.nms_iou_threshold = flags.iou;
  if (flags.max >= 0) selection.max_detections = flags.max;
  std::vector<std::string> labels = ssd::DefaultLabels(detector->decoder().num_classes());
  if (!flags.labels.empty()) {
    ASSIGN_OR_RETURN(labels, ssd::ReadLabels(flags.labels));
  }

  ASSIGN_OR_RETURN(auto per_image, detector->Detect(images, selection));
  std::vector<ImageDetections> results;
  for (size_t i = 0; i < images.size(); ++i) {
    results.push_back({flags.images[i], std::move(per_image[i])});
  }
  std::cout << (flags.json ? ssd::FormatDetectionJson(results, labels)
                           : ssd::FormatDetectionTable(results, labels));
  if (!flags.out.empty()) {
    for (size_t i = 0; i < images.size(); ++i) {
      RETURN_IF_ERROR(
          WriteAnnotated(images[i], results[i], labels, OutputPath(flags.out, i, images.size())));
    }
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterDetectCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<DetectFlags>();
  CLI::App* cmd = app.add_subcommand(
      "detect",
      "Detect objects in images with a served detection model (docs/detection_models.md)");
  cmd->add_option("images", flags->images, "JPEG, PNG or BMP files")->required();
  cmd->add_option("--server", flags->transport.grpc_target, "gRPC host:port of the model server")
      ->capture_default_str();
  cmd->add_option("--rest", flags->transport.rest_url,
                  "Use REST at this URL (http://host:port) instead of gRPC");
  cmd->add_option("--model", flags->detector.model_name, "Model name, e.g. faces or commodity")
      ->required();
  cmd->add_option("--signature", flags->detector.signature_name, "SignatureDef key")
      ->capture_default_str();
  cmd->add_option("--version", flags->version, "Model version (default: the latest)");
  cmd->add_option("--threshold", flags->threshold,
                  "Minimum class score (default: the model family's, 0.5)");
  cmd->add_option("--iou", flags->iou,
                  "NMS IoU threshold (default: the family's, 0.45 SSD300, 0.5 with anchors)");
  cmd->add_option("--max", flags->max,
                  "Most detections per image (default: the family's, 200 SSD300, 100 with "
                  "anchors; 0: no limit)");
  cmd->add_option("--labels", flags->labels,
                  "Label file, one per line, class 0 first (default: built-in by class count)");
  cmd->add_option("--out", flags->out,
                  "Write the annotated image as PNG here (several images: <stem>_<i>.png)");
  cmd->add_flag("--json", flags->json, "Print JSON instead of a table");
  cmd->add_option("--timeout_ms", flags->transport.timeout_ms, "Per-call timeout (0: none)")
      ->capture_default_str();
  cmd->callback([flags, exit_code] {
    absl::Status status = Detect(*flags);
    if (!status.ok()) {
      std::cerr << "savedserve detect: " << status.message() << "\n";
      *exit_code = 1;
    }
  });
}

}  // namespace savedserve::tools
