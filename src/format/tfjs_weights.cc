#include "format/tfjs_weights.h"

#include <cmath>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "tensor/dtype.h"

namespace savedserve {
namespace {

using tensorflow::DataType;

enum class Quantization { kNone, kUint8, kUint16, kFloat16 };

struct WeightSpec {
  std::string name;
  TensorShape shape;
  DataType dtype = tensorflow::DT_INVALID;
  Quantization quantization = Quantization::kNone;
  double scale = 1;
  double min = 0;
};

absl::Status SpecError(const std::string& source, absl::string_view weight,
                       absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": weight '", weight, "': ", message));
}

absl::StatusOr<DataType> ParseDtype(absl::string_view dtype) {
  if (dtype == "float32") return tensorflow::DT_FLOAT;
  if (dtype == "int32") return tensorflow::DT_INT32;
  if (dtype == "bool") return tensorflow::DT_BOOL;
  if (dtype == "string") return tensorflow::DT_STRING;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown dtype '", dtype, "' (expected float32, int32, bool or string)"));
}

// Reads `quantization` {dtype, scale, min} or {dtype, min, max} into `spec`.
absl::Status ParseQuantization(const rapidjson::Value& q, WeightSpec* spec) {
  if (!q.IsObject() || !q.HasMember("dtype") || !q["dtype"].IsString()) {
    return absl::InvalidArgumentError("quantization needs a string `dtype`");
  }
  absl::string_view dtype(q["dtype"].GetString(), q["dtype"].GetStringLength());
  double levels = 0;
  if (dtype == "uint8") {
    spec->quantization = Quantization::kUint8;
    levels = 255;
  } else if (dtype == "uint16") {
    spec->quantization = Quantization::kUint16;
    levels = 65535;
  } else if (dtype == "float16") {
    spec->quantization = Quantization::kFloat16;
    if (spec->dtype != tensorflow::DT_FLOAT) {
      return absl::InvalidArgumentError("float16 quantization needs dtype float32");
    }
    return absl::OkStatus();
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown quantization dtype '", dtype,
                                                   "' (expected uint8, uint16 or float16)"));
  }
  if (spec->dtype != tensorflow::DT_FLOAT && spec->dtype != tensorflow::DT_INT32) {
    return absl::InvalidArgumentError(absl::StrCat(dtype, " quantization needs float32 or int32"));
  }
  auto number = [&](const char* key, double* out) {
    if (!q.HasMember(key) || !q[key].IsNumber()) return false;
    *out = q[key].GetDouble();
    return true;
  };
  double max = 0;
  if (!number("min", &spec->min)) {
    return absl::InvalidArgumentError("quantization needs a numeric `min`");
  }
  if (number("scale", &spec->scale)) return absl::OkStatus();
  if (number("max", &max)) {
    spec->scale = (max - spec->min) / levels;
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError("quantization needs a numeric `scale` or `max`");
}

absl::StatusOr<WeightSpec> ParseSpec(const rapidjson::Value& w, const std::string& source,
                                     const std::string& where) {
  if (!w.IsObject() || !w.HasMember("name") || !w["name"].IsString()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", where, " has no string `name`"));
  }
  WeightSpec spec;
  spec.name = std::string(w["name"].GetString(), w["name"].GetStringLength());
  if (!w.HasMember("shape") || !w["shape"].IsArray()) {
    return SpecError(source, spec.name, "no `shape` array");
  }
  std::vector<int64_t> dims;
  for (const auto& d : w["shape"].GetArray()) {
    if (!d.IsInt64() || d.GetInt64() < 0) {
      return SpecError(source, spec.name, "shape entries must be non-negative integers");
    }
    dims.push_back(d.GetInt64());
  }
  auto shape = TensorShape::FromDims(dims);
  if (!shape.ok()) return SpecError(source, spec.name, shape.status().message());
  spec.shape = *shape;
  if (!w.HasMember("dtype") || !w["dtype"].IsString()) {
    return SpecError(source, spec.name, "no string `dtype`");
  }
  auto dtype = ParseDtype(w["dtype"].GetString());
  if (!dtype.ok()) return SpecError(source, spec.name, dtype.status().message());
  spec.dtype = *dtype;
  if (w.HasMember("quantization") && !w["quantization"].IsNull()) {
    absl::Status s = ParseQuantization(w["quantization"], &spec);
    if (!s.ok()) return SpecError(source, spec.name, s.message());
  }
  return spec;
}

size_t BytesPerValue(const WeightSpec& spec) {
  switch (spec.quantization) {
    case Quantization::kUint8:
      return 1;
    case Quantization::kUint16:
    case Quantization::kFloat16:
      return 2;
    case Quantization::kNone:
      break;
  }
  return spec.dtype == tensorflow::DT_BOOL ? 1 : 4;
}

template <typename Q>
void Dequantize(const char* data, const WeightSpec& spec, Tensor* out) {
  const int64_t n = spec.shape.num_elements();
  for (int64_t i = 0; i < n; ++i) {
    Q q;
    std::memcpy(&q, data + i * sizeof(Q), sizeof(Q));
    const double v = q * spec.scale + spec.min;  // in double, as JavaScript computes it
    if (spec.dtype == tensorflow::DT_INT32) {
      out->data<int32_t>()[i] = static_cast<int32_t>(std::round(v));
    } else {
      out->data<float>()[i] = static_cast<float>(v);
    }
  }
}

// TF.js string weights: per element a uint32 (LE) byte length, then the bytes.
absl::StatusOr<size_t> DecodeStrings(absl::string_view data, const WeightSpec& spec,
                                     const std::string& source, Tensor* out) {
  size_t offset = 0;
  for (int64_t i = 0; i < spec.shape.num_elements(); ++i) {
    uint32_t length = 0;
    if (data.size() - offset < 4) return SpecError(source, spec.name, "shards end mid-string");
    std::memcpy(&length, data.data() + offset, 4);
    offset += 4;
    if (data.size() - offset < length) {
      return SpecError(source, spec.name, "shards end mid-string");
    }
    out->data<std::string>()[i] = std::string(data.substr(offset, length));
    offset += length;
  }
  return offset;
}

// Decodes the weight at the start of `data`; returns the bytes it used.
absl::StatusOr<size_t> DecodeWeight(absl::string_view data, const WeightSpec& spec,
                                    const std::string& source, Tensor* out) {
  *out = Tensor(spec.dtype, spec.shape);
  if (spec.dtype == tensorflow::DT_STRING) return DecodeStrings(data, spec, source, out);
  const uint64_t n = spec.shape.num_elements();
  const uint64_t bytes = n * BytesPerValue(spec);
  if (bytes / BytesPerValue(spec) != n || bytes > data.size()) {
    return SpecError(source, spec.name,
                     absl::StrCat("needs ", bytes, " bytes but its group's shards hold only ",
                                  data.size(), " more"));
  }
  switch (spec.quantization) {
    case Quantization::kUint8:
      Dequantize<uint8_t>(data.data(), spec, out);
      break;
    case Quantization::kUint16:
      Dequantize<uint16_t>(data.data(), spec, out);
      break;
    case Quantization::kFloat16:
      for (uint64_t i = 0; i < n; ++i) {
        Half h;
        std::memcpy(&h.bits, data.data() + 2 * i, 2);
        out->data<float>()[i] = HalfToFloat(h);
      }
      break;
    case Quantization::kNone:
      if (spec.dtype == tensorflow::DT_BOOL) {
        for (uint64_t i = 0; i < n; ++i) out->data<bool>()[i] = data[i] != 0;
      } else if (bytes > 0) {
        std::memcpy(out->raw_data(), data.data(), bytes);
      }
      break;
  }
  return bytes;
}

// One group: its shards concatenated, then its weights read back to back.
absl::Status ReadGroup(const rapidjson::Value& group, int group_index, const std::string& shard_dir,
                       const std::string& source, Env* env, TfjsWeights* weights) {
  const std::string where = absl::StrCat("group ", group_index);
  if (!group.IsObject() || !group.HasMember("paths") || !group["paths"].IsArray() ||
      !group.HasMember("weights") || !group["weights"].IsArray()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": ", where, " needs `paths` and `weights` arrays"));
  }
  std::string buffer;
  std::vector<std::string> paths;
  for (const auto& p : group["paths"].GetArray()) {
    if (!p.IsString()) {
      return absl::InvalidArgumentError(absl::StrCat(source, ": ", where, ": non-string path"));
    }
    paths.push_back(JoinPath(shard_dir, p.GetString()));
    auto shard = env->ReadFile(paths.back());
    if (!shard.ok()) {
      return Annotate(shard.status(), absl::StrCat(source, ": reading shard ", paths.back()));
    }
    buffer += *shard;
  }
  size_t offset = 0;
  int index = 0;
  for (const auto& w : group["weights"].GetArray()) {
    ASSIGN_OR_RETURN(WeightSpec spec,
                     ParseSpec(w, source, absl::StrCat(where, " weight ", index++)));
    Tensor value;
    ASSIGN_OR_RETURN(size_t used,
                     DecodeWeight(absl::string_view(buffer).substr(offset), spec, source, &value));
    offset += used;
    weights->tensors.emplace_back(spec.name, std::move(value));
  }
  if (offset != buffer.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": ", where, "'s weights need ", offset, " bytes but its shards (",
                     absl::StrJoin(paths, ", "), ") hold ", buffer.size()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Tensor> TfjsWeights::Get(absl::string_view name) const {
  for (const auto& [weight_name, value] : tensors) {
    if (weight_name == name) return value;
  }
  return absl::NotFoundError(absl::StrCat(source, ": no weight named '", name, "'"));
}

absl::StatusOr<std::string> FindTfjsManifest(const std::string& path, Env* env) {
  if (!env->IsDirectory(path)) {
    if (env->FileExists(path)) return path;
    return absl::NotFoundError(absl::StrCat("TF.js weights not found: ", path));
  }
  ASSIGN_OR_RETURN(std::vector<std::string> names, env->ListDir(path));
  std::vector<std::string> manifests;
  for (const std::string& name : names) {
    if (absl::EndsWith(name, "weights_manifest.json")) manifests.push_back(name);
  }
  if (manifests.size() == 1) return JoinPath(path, manifests[0]);
  if (manifests.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(path, " holds several weights manifests (",
                                                   absl::StrJoin(manifests, ", "), "); name one"));
  }
  if (env->FileExists(JoinPath(path, "model.json"))) return JoinPath(path, "model.json");
  return absl::NotFoundError(absl::StrCat(path, " holds no *weights_manifest.json or model.json"));
}

absl::StatusOr<TfjsWeights> ParseTfjsWeights(absl::string_view manifest_json,
                                             const std::string& shard_dir,
                                             const std::string& source, Env* env) {
  rapidjson::Document doc;
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag;
  doc.Parse<kFlags>(manifest_json.data(), manifest_json.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": malformed JSON at offset ", doc.GetErrorOffset(), ": ",
                     rapidjson::GetParseError_En(doc.GetParseError())));
  }
  const rapidjson::Value* groups = &doc;
  if (doc.IsObject() && doc.HasMember("weightsManifest")) groups = &doc["weightsManifest"];
  if (!groups->IsArray()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source,
                     ": expected a weights manifest (an array of groups, or an object with "
                     "`weightsManifest`)"));
  }
  TfjsWeights weights;
  weights.source = source;
  int index = 0;
  for (const auto& group : groups->GetArray()) {
    RETURN_IF_ERROR(ReadGroup(group, index++, shard_dir, source, env, &weights));
  }
  return weights;
}

absl::StatusOr<TfjsWeights> ReadTfjsWeights(const std::string& manifest_path, Env* env) {
  ASSIGN_OR_RETURN(std::string json, env->ReadFile(manifest_path));
  return ParseTfjsWeights(json, std::string(Dirname(manifest_path)), manifest_path, env);
}

}  // namespace savedserve
