#include "models/ssd/detection_output.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"
#include "models/ssd/labels.h"
#include "rapidjson/prettywriter.h"
#include "rapidjson/stringbuffer.h"

namespace savedserve::ssd {
namespace {

double Rounded(float value, double scale) { return std::round(value * scale) / scale; }

}  // namespace

std::string FormatDetectionTable(std::span<const ImageDetections> results,
                                 const std::vector<std::string>& labels) {
  size_t image_width = 5, label_width = 5;
  for (const ImageDetections& r : results) {
    image_width = std::max(image_width, r.image.size());
    for (const PixelDetection& d : r.detections) {
      label_width = std::max(label_width, LabelFor(labels, d.class_id).size());
    }
  }
  const int iw = static_cast<int>(image_width), lw = static_cast<int>(label_width);
  std::string out = absl::StrFormat("%-*s  %5s  %-*s  %6s  %8s %8s %8s %8s\n", iw, "image", "class",
                                    lw, "label", "score", "x0", "y0", "x1", "y1");
  for (const ImageDetections& r : results) {
    for (const PixelDetection& d : r.detections) {
      absl::StrAppendFormat(&out, "%-*s  %5d  %-*s  %6.4f  %8.1f %8.1f %8.1f %8.1f\n", iw, r.image,
                            d.class_id, lw, LabelFor(labels, d.class_id), d.score, d.box.x0,
                            d.box.y0, d.box.x1, d.box.y1);
    }
  }
  return out;
}

std::string FormatDetectionJson(std::span<const ImageDetections> results,
                                const std::vector<std::string>& labels) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  w.StartArray();
  for (const ImageDetections& r : results) {
    w.StartObject();
    w.Key("image");
    w.String(r.image.data(), static_cast<rapidjson::SizeType>(r.image.size()));
    w.Key("detections");
    w.StartArray();
    for (const PixelDetection& d : r.detections) {
      const std::string label = LabelFor(labels, d.class_id);
      w.StartObject();
      w.Key("class_id");
      w.Int(d.class_id);
      w.Key("label");
      w.String(label.data(), static_cast<rapidjson::SizeType>(label.size()));
      w.Key("score");
      w.Double(Rounded(d.score, 1e4));
      w.Key("box");
      w.StartObject();
      for (const auto& [key, value] :
           {std::pair{"x0", d.box.x0}, {"y0", d.box.y0}, {"x1", d.box.x1}, {"y1", d.box.y1}}) {
        w.Key(key);
        w.Double(Rounded(value, 10));
      }
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace savedserve::ssd
