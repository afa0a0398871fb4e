// Building blocks of the REST JSON codec (json_tensor, json_example, json_proto,
// json_client_codec): parsing with TF Serving's error texts and a nesting limit, TF Serving's
// float formatting, {"b64": ...} objects, and the {"error": ...} body. Pure functions, safe
// for concurrent use. Depends only on proto/base/tensor so the REST client can link it.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rapidjson/document.h"
#include "rapidjson/prettywriter.h"
#include "rapidjson/stringbuffer.h"
#include "tensor/dtype.h"
#include "tensor/tensor.h"
#include "tensorflow/core/framework/tensor.pb.h"
#include "tensorflow_serving/apis/model.pb.h"

namespace savedserve {

// The writer every response is built with (TF Serving's: 4-space indent), plus a way to put
// a long run of already formatted text straight into the buffer.
class JsonWriter : public rapidjson::PrettyWriter<rapidjson::StringBuffer> {
 public:
  using PrettyWriter::PrettyWriter;

  // Writes one array value (with the separator/indent the writer would put before it) whose
  // text `write` produces into the buffer it is given (room for `max_bytes`); `write`
  // returns the end of what it wrote. Saves a copy per character on large tensors.
  template <typename WriteFn>
  void RawArray(size_t max_bytes, WriteFn write) {
    PrettyPrefix(rapidjson::kArrayType);
    char* const start = os_->Push(max_bytes);
    char* const end = write(start);
    os_->Pop(max_bytes - static_cast<size_t>(end - start));
    EndValue(true);
  }
};

// Deepest nesting of arrays/objects a document may have. A tensor has at most 254 dims
// (TensorFlow's limit), so real requests stay far below; the limit keeps the recursive
// tensor walkers (and rapidjson's writer) off deep stacks. RapidJSON itself parses
// iteratively, so a deeper document is rejected without recursion.
inline constexpr int kMaxJsonDepth = 512;

// Parses `json` (NaN/Infinity accepted, numbers read as TF Serving reads them) into `doc`
// and requires a top-level object. Errors (InvalidArgument) as TF Serving: "JSON Parse
// error: The document is empty", "JSON Parse error: Invalid value at offset: N", "JSON
// Value: ... Is not object", plus "JSON Parse error: nesting deeper than 512 levels ..."
// for over-deep documents.
absl::Status ParseJsonObject(absl::string_view json, rapidjson::Document* doc);

// Copies an optional "signature_name" member into spec->signature_name. A non-string value
// fails with "JSON Value: ... not formatted correctly. 'signature_name' key must be a string
// value."
absl::Status FillSignatureName(const rapidjson::Value& doc, tensorflow::serving::ModelSpec* spec);

// "Null", "False", "True", "Object", "Array", "String", "Number".
const char* JsonTypeString(const rapidjson::Value& value);
// The value as compact JSON text for error messages (NaN/Infinity included), cut after
// 4 KiB.
std::string JsonValueToString(const rapidjson::Value& value);
// TensorFlow's DataTypeString: "float", "int64", "string", "half", ...
std::string TfTypeName(DataType dtype);

// TF Serving's number writer: shortest of %g (six digits) if it round-trips, else
// max_digits10; ".0" appended to whole numbers; NaN, Infinity, -Infinity unquoted.
std::string FormatFloat(float value);
std::string FormatDouble(double value);
bool WriteFloat(JsonWriter* writer, float value);
bool WriteDouble(JsonWriter* writer, double value);

// True for an object with exactly one member, "b64", whose value is a string.
bool IsBase64Object(const rapidjson::Value& value);
// Decodes {"b64": "..."}; errors: "JSON Value: ... not formatted correctly for base64 data",
// "Unable to base64 decode".
absl::Status DecodeBase64Object(const rapidjson::Value& value, std::string* decoded);
void WriteBase64Object(JsonWriter* writer, absl::string_view bytes);

// One dense tensor from a JSON value (the columnar form): the shape follows the nesting and
// every value is converted to `dtype` with TF Serving's rules and messages. `tensor` is
// overwritten. (Implemented in json_tensor.cc.)
absl::Status JsonValueToTensorProto(const rapidjson::Value& value, DataType dtype,
                                    tensorflow::TensorProto* tensor);

// How DT_STRING elements are written.
enum class StringEncoding {
  kPlain,           // JSON strings
  kBase64,          // {"b64": ...} (outputs named "*_bytes")
  kBase64IfBinary,  // {"b64": ...} unless the bytes are valid UTF-8 without control chars
};
// Writes one DT_STRING element.
void WriteJsonString(absl::string_view bytes, StringEncoding strings, JsonWriter* writer);
// Writes dims [dim, rank) of `tensor` as nested lists starting at element *offset (a bare
// scalar when dim == rank), advancing *offset. Fails on dtypes JSON cannot hold (complex,
// resource, variant): "Failed to write JSON value for tensor type: complex64".
// `single_line_arrays` says the writer is in kFormatSingleLineArray mode; float lists are
// then written as one raw value ("[1.0, 2.5]", exactly what the writer would produce),
// without a writer call per number.
absl::Status WriteTensorValues(const Tensor& tensor, StringEncoding strings, int dim,
                               int64_t* offset, JsonWriter* writer,
                               bool single_line_arrays = false);

// "JSON Value: <value> <message>" as InvalidArgument.
absl::Status JsonFormatError(const rapidjson::Value& value, absl::string_view message);

// {"error": "<message>"} for a failed request (pretty-printed, message JSON-escaped).
std::string MakeJsonFromStatus(const absl::Status& status);

// Finishes a document held by `buffer`.
inline std::string TakeJson(const rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace savedserve
