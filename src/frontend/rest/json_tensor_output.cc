// PredictResponse outputs -> JSON ("predictions" row form / "outputs" columnar form).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "frontend/rest/json_tensor.h"
#include "frontend/rest/json_util.h"
#include "tensor/tensor_proto.h"

namespace savedserve {
namespace {

constexpr char kPredictionsKey[] = "predictions";
constexpr char kOutputsKey[] = "outputs";
constexpr char kBytesSuffix[] = "_bytes";

struct NamedOutput {
  std::string name;
  Tensor tensor;
  StringEncoding strings = StringEncoding::kPlain;  // kBase64 for DT_STRING "*_bytes"
  int64_t offset = 0;  // next element to write (row format walks rows in order)
};

// Decodes every output, sorted by name so that the text does not depend on map order.
absl::StatusOr<std::vector<NamedOutput>> DecodeOutputs(const TensorProtoMap& outputs) {
  std::vector<NamedOutput> decoded;
  for (const auto& [name, proto] : outputs) {
    ASSIGN_OR_RETURN(Tensor tensor, TensorFromProto(proto));
    const bool as_bytes =
        tensor.dtype() == tensorflow::DT_STRING && absl::EndsWith(name, kBytesSuffix);
    decoded.push_back(
        {name, std::move(tensor), as_bytes ? StringEncoding::kBase64 : StringEncoding::kPlain});
  }
  std::sort(decoded.begin(), decoded.end(),
            [](const NamedOutput& a, const NamedOutput& b) { return a.name < b.name; });
  return decoded;
}

absl::StatusOr<int64_t> CommonBatchSize(const std::vector<NamedOutput>& outputs) {
  int64_t batch = -1;
  for (const NamedOutput& out : outputs) {
    if (out.tensor.shape().rank() == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("Tensor name: ", out.name, " has no shape information"));
    }
    const int64_t rows = out.tensor.shape().dim(0);
    if (batch >= 0 && rows != batch) {
      return absl::InvalidArgumentError(absl::StrCat("Tensor name: ", out.name,
                                                     " has inconsistent batch size: ", rows,
                                                     " expecting: ", batch));
    }
    batch = rows;
  }
  return batch;
}

// Room for the whole document up front (about 12 bytes per number), so that the buffer does
// not grow by doubling through fresh pages on every large response.
size_t EstimatedJsonBytes(const std::vector<NamedOutput>& outputs) {
  size_t bytes = 256;
  for (const NamedOutput& out : outputs) {
    bytes += out.name.size() + 12 * static_cast<size_t>(out.tensor.num_elements());
  }
  return bytes;
}

absl::StatusOr<std::string> MakeRowJson(std::vector<NamedOutput> outputs) {
  ASSIGN_OR_RETURN(const int64_t batch, CommonBatchSize(outputs));
  rapidjson::StringBuffer buffer(nullptr, EstimatedJsonBytes(outputs));
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key(kPredictionsKey);
  writer.StartArray();
  const bool objects = outputs.size() > 1;
  for (int64_t row = 0; row < batch; ++row) {
    if (objects) writer.StartObject();
    writer.SetFormatOptions(rapidjson::kFormatSingleLineArray);
    for (NamedOutput& out : outputs) {
      if (objects) writer.Key(out.name.data(), out.name.size());
      // Dim 0 is the batch: write one row.
      RETURN_IF_ERROR(WriteTensorValues(out.tensor, out.strings, 1, &out.offset, &writer,
                                        /*single_line_arrays=*/true));
    }
    writer.SetFormatOptions(rapidjson::kFormatDefault);
    if (objects) writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return TakeJson(buffer);
}

absl::StatusOr<std::string> MakeColumnarJson(std::vector<NamedOutput> outputs) {
  rapidjson::StringBuffer buffer(nullptr, EstimatedJsonBytes(outputs));
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key(kOutputsKey);
  const bool objects = outputs.size() > 1;
  if (objects) writer.StartObject();
  for (NamedOutput& out : outputs) {
    if (objects) writer.Key(out.name.data(), out.name.size());
    RETURN_IF_ERROR(WriteTensorValues(out.tensor, out.strings, 0, &out.offset, &writer));
  }
  if (objects) writer.EndObject();
  writer.EndObject();
  return TakeJson(buffer);
}

}  // namespace

absl::StatusOr<std::string> MakeJsonFromTensors(const TensorProtoMap& outputs,
                                                JsonPredictFormat format) {
  if (outputs.empty()) {
    return absl::InvalidArgumentError("Cannot convert empty tensor map to JSON");
  }
  ASSIGN_OR_RETURN(std::vector<NamedOutput> decoded, DecodeOutputs(outputs));
  return format == JsonPredictFormat::kRow ? MakeRowJson(std::move(decoded))
                                           : MakeColumnarJson(std::move(decoded));
}

}  // namespace savedserve
