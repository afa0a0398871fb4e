#include "frontend/rest/json_util.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "frontend/rest/float_format.h"
#include "rapidjson/error/en.h"
#include "rapidjson/memorystream.h"
#include "rapidjson/reader.h"
#include "rapidjson/writer.h"

namespace savedserve {
namespace {

constexpr char kBase64Key[] = "b64";
constexpr size_t kMaxValueTextBytes = 4096;

// SAX handler in front of the Document: forwards every event and stops the parse (a
// kParseErrorTermination) when arrays/objects nest deeper than `limit`, so the depth check
// costs nothing extra on large bodies. RapidJSON parses iteratively; the limit protects the
// recursive tensor walkers that read the document afterwards.
class DepthLimitedHandler {
 public:
  DepthLimitedHandler(rapidjson::Document* doc, int limit) : doc_(doc), limit_(limit) {}
  bool too_deep() const { return too_deep_; }

  bool Null() { return doc_->Null(); }
  bool Bool(bool b) { return doc_->Bool(b); }
  bool Int(int i) { return doc_->Int(i); }
  bool Uint(unsigned u) { return doc_->Uint(u); }
  bool Int64(int64_t i) { return doc_->Int64(i); }
  bool Uint64(uint64_t u) { return doc_->Uint64(u); }
  bool Double(double d) { return doc_->Double(d); }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool copy) {
    return doc_->RawNumber(str, length, copy);
  }
  bool String(const char* str, rapidjson::SizeType length, bool copy) {
    return doc_->String(str, length, copy);
  }
  bool Key(const char* str, rapidjson::SizeType length, bool copy) {
    return doc_->Key(str, length, copy);
  }
  bool StartObject() { return Enter() && doc_->StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return doc_->EndObject(members);
  }
  bool StartArray() { return Enter() && doc_->StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return doc_->EndArray(elements);
  }

 private:
  bool Enter() {
    if (++depth_ <= limit_) return true;
    too_deep_ = true;
    return false;
  }

  rapidjson::Document* doc_;
  const int limit_;
  int depth_ = 0;
  bool too_deep_ = false;
};


// Valid UTF-8 (RFC 3629: no overlongs, surrogates or values past U+10FFFF) with no control
// characters other than tab/newline/return: safe to send as a JSON string.
bool IsPrintableUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
      ++i;
      continue;
    }
    int extra;
    uint32_t code;
    if ((c & 0xE0) == 0xC0) {
      extra = 1, code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const unsigned char cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return false;
      code = (code << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMin[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

// Writes `data` with dims `dims[0..rank)` as nested single-line lists ("[[1.0, 2.0], [3.0]]",
// the writer's kFormatSingleLineArray layout) at `p`; returns the end.
char* WriteFloatLists(const float* data, const int64_t* dims, int rank, char* p) {
  *p++ = '[';
  int64_t inner = 1;
  for (int d = 1; d < rank; ++d) inner *= dims[d];
  for (int64_t i = 0; i < dims[0]; ++i) {
    if (i > 0) {
      *p++ = ',';
      *p++ = ' ';
    }
    if (rank == 1) {
      p += FormatJsonFloat(data[i], p);
    } else {
      p = WriteFloatLists(data + i * inner, dims + 1, rank - 1, p);
    }
  }
  *p++ = ']';
  return p;
}

// Dims [dim, rank) of the DT_FLOAT `tensor` from element *offset as one raw array of nested
// single-line lists; advances *offset.
void WriteFloatArray(const Tensor& tensor, int dim, int64_t* offset, JsonWriter* writer) {
  const TensorShape& shape = tensor.shape();
  std::vector<int64_t> dims;
  int64_t count = 1, lists = 1, outer = 1;
  for (int d = dim; d < shape.rank(); ++d) {
    dims.push_back(shape.dim(d));
    count *= shape.dim(d);
    if (d + 1 < shape.rank()) lists += (outer *= shape.dim(d));
  }
  // Each number takes at most its text plus ", "; each list "[", "]" and ", ".
  const size_t max_bytes =
      static_cast<size_t>(count) * (kJsonFloatBufferSize + 2) + static_cast<size_t>(lists) * 4;
  const float* data = tensor.data<float>() + *offset;
  writer->RawArray(max_bytes, [&](char* out) {
    return WriteFloatLists(data, dims.data(), static_cast<int>(dims.size()), out);
  });
  *offset += count;
}

absl::Status WriteElement(const Tensor& t, StringEncoding strings, int64_t i, JsonWriter* writer) {
  bool ok = false;
  switch (t.dtype()) {
    case tensorflow::DT_FLOAT:
      ok = WriteFloat(writer, t.data<float>()[i]);
      break;
    case tensorflow::DT_DOUBLE:
      ok = WriteDouble(writer, t.data<double>()[i]);
      break;
    case tensorflow::DT_HALF:
      ok = WriteFloat(writer, HalfToFloat(t.data<Half>()[i]));
      break;
    case tensorflow::DT_BFLOAT16:
      ok = WriteFloat(writer, BFloat16ToFloat(t.data<BFloat16>()[i]));
      break;
    case tensorflow::DT_INT8:
      ok = writer->Int(t.data<int8_t>()[i]);
      break;
    case tensorflow::DT_INT16:
      ok = writer->Int(t.data<int16_t>()[i]);
      break;
    case tensorflow::DT_INT32:
      ok = writer->Int(t.data<int32_t>()[i]);
      break;
    case tensorflow::DT_INT64:
      ok = writer->Int64(t.data<int64_t>()[i]);
      break;
    case tensorflow::DT_UINT8:
      ok = writer->Uint(t.data<uint8_t>()[i]);
      break;
    case tensorflow::DT_UINT16:
      ok = writer->Uint(t.data<uint16_t>()[i]);
      break;
    case tensorflow::DT_UINT32:
      ok = writer->Uint(t.data<uint32_t>()[i]);
      break;
    case tensorflow::DT_UINT64:
      ok = writer->Uint64(t.data<uint64_t>()[i]);
      break;
    case tensorflow::DT_BOOL:
      ok = writer->Bool(t.data<bool>()[i]);
      break;
    case tensorflow::DT_STRING:
      WriteJsonString(t.data<std::string>()[i], strings, writer);
      ok = true;
      break;
    default:
      break;
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("Failed to write JSON value for tensor type: ", TfTypeName(t.dtype())));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseJsonObject(absl::string_view json, rapidjson::Document* doc) {
  if (json.empty()) {
    return absl::InvalidArgumentError("JSON Parse error: The document is empty");
  }
  // TF Serving parses with kParseNanAndInfFlag only: rapidjson's normal-precision numbers
  // (exact for up to 15-16 significant digits), which are also what its clients get. The
  // recursive parser is 12% faster than the iterative one; DepthLimitedHandler stops it at
  // kMaxJsonDepth + 1 levels, which bounds its stack use to a few hundred frames.
  constexpr unsigned kFlags = rapidjson::kParseNanAndInfFlag;
  DepthLimitedHandler handler(doc, kMaxJsonDepth);
  rapidjson::ParseResult result;
  auto parse = [&](rapidjson::Document&) {
    rapidjson::MemoryStream stream(json.data(), json.size());
    rapidjson::Reader reader;
    result = reader.Parse<kFlags>(stream, handler);
    return !result.IsError();
  };
  doc->Populate(parse);
  if (handler.too_deep()) {
    return absl::InvalidArgumentError(absl::StrCat("JSON Parse error: nesting deeper than ",
                                                   kMaxJsonDepth,
                                                   " levels of arrays/objects is not supported"));
  }
  if (result.IsError()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "JSON Parse error: ", rapidjson::GetParseError_En(result.Code()), " at offset: ",
        result.Offset()));
  }
  if (!doc->IsObject()) return JsonFormatError(*doc, "Is not object");
  return absl::OkStatus();
}

absl::Status FillSignatureName(const rapidjson::Value& doc, tensorflow::serving::ModelSpec* spec) {
  const auto it = doc.FindMember("signature_name");
  if (it == doc.MemberEnd()) return absl::OkStatus();
  if (!it->value.IsString()) {
    return JsonFormatError(doc,
                           "not formatted correctly. 'signature_name' key must be a string value.");
  }
  spec->set_signature_name(it->value.GetString(), it->value.GetStringLength());
  return absl::OkStatus();
}

const char* JsonTypeString(const rapidjson::Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return "Null";
    case rapidjson::kFalseType:
      return "False";
    case rapidjson::kTrueType:
      return "True";
    case rapidjson::kObjectType:
      return "Object";
    case rapidjson::kArrayType:
      return "Array";
    case rapidjson::kStringType:
      return "String";
    case rapidjson::kNumberType:
      return "Number";
  }
  return "Unknown";
}

std::string JsonValueToString(const rapidjson::Value& value) {
  if (value.IsFloat()) return FormatFloat(value.GetFloat());
  if (value.IsDouble()) return FormatDouble(value.GetDouble());
  rapidjson::StringBuffer buffer;
  // Compact, and nested NaN/Infinity (accepted on input) must print too. (rapidjson 1.1's
  // PrettyWriter does not compile with write flags.)
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                    rapidjson::CrtAllocator, rapidjson::kWriteNanAndInfFlag>
      writer(buffer);
  value.Accept(writer);
  std::string text = TakeJson(buffer);
  if (text.size() > kMaxValueTextBytes) {
    text.resize(kMaxValueTextBytes);
    text += "...";
  }
  return text;
}

std::string TfTypeName(DataType dtype) {
  std::string name = DataTypeName(dtype);  // "DT_FLOAT"
  if (absl::StartsWith(name, "DT_")) name = name.substr(3);
  return absl::AsciiStrToLower(name);
}

std::string FormatFloat(float value) {
  char buf[kJsonFloatBufferSize];
  return std::string(buf, FormatJsonFloat(value, buf));
}
std::string FormatDouble(double value) {
  char buf[kJsonFloatBufferSize];
  return std::string(buf, FormatJsonDouble(value, buf));
}

bool WriteFloat(JsonWriter* writer, float value) {
  char buf[kJsonFloatBufferSize];
  return writer->RawValue(buf, FormatJsonFloat(value, buf), rapidjson::kNumberType);
}
bool WriteDouble(JsonWriter* writer, double value) {
  char buf[kJsonFloatBufferSize];
  return writer->RawValue(buf, FormatJsonDouble(value, buf), rapidjson::kNumberType);
}

bool IsBase64Object(const rapidjson::Value& value) {
  if (!value.IsObject() || value.MemberCount() != 1) return false;
  const auto it = value.FindMember(kBase64Key);
  return it != value.MemberEnd() && it->value.IsString();
}

absl::Status DecodeBase64Object(const rapidjson::Value& value, std::string* decoded) {
  if (!IsBase64Object(value)) {
    return JsonFormatError(value, "not formatted correctly for base64 data");
  }
  const rapidjson::Value& text = value.FindMember(kBase64Key)->value;
  if (!absl::Base64Unescape(absl::string_view(text.GetString(), text.GetStringLength()), decoded)) {
    return absl::InvalidArgumentError("Unable to base64 decode");
  }
  return absl::OkStatus();
}

void WriteBase64Object(JsonWriter* writer, absl::string_view bytes) {
  const std::string encoded = absl::Base64Escape(bytes);
  writer->StartObject();
  writer->Key(kBase64Key);
  writer->String(encoded.data(), encoded.size());
  writer->EndObject();
}

void WriteJsonString(absl::string_view bytes, StringEncoding strings, JsonWriter* writer) {
  if (strings == StringEncoding::kBase64 ||
      (strings == StringEncoding::kBase64IfBinary && !IsPrintableUtf8(bytes))) {
    WriteBase64Object(writer, bytes);
  } else {
    writer->String(bytes.data(), bytes.size());
  }
}

absl::Status WriteTensorValues(const Tensor& tensor, StringEncoding strings, int dim,
                               int64_t* offset, JsonWriter* writer, bool single_line_arrays) {
  const TensorShape& shape = tensor.shape();
  if (dim >= shape.rank()) return WriteElement(tensor, strings, (*offset)++, writer);
  if (single_line_arrays && tensor.dtype() == tensorflow::DT_FLOAT) {
    WriteFloatArray(tensor, dim, offset, writer);
    return absl::OkStatus();
  }
  writer->StartArray();
  for (int64_t i = 0; i < shape.dim(dim); ++i) {
    const absl::Status status =
        WriteTensorValues(tensor, strings, dim + 1, offset, writer, single_line_arrays);
    if (!status.ok()) return status;
  }
  writer->EndArray();
  return absl::OkStatus();
}

absl::Status JsonFormatError(const rapidjson::Value& value, absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat("JSON Value: ", JsonValueToString(value), " ", message));
}

std::string MakeJsonFromStatus(const absl::Status& status) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("error");
  const absl::string_view message = status.message();
  writer.String(message.data(), message.size());
  writer.EndObject();
  return TakeJson(buffer);
}

}  // namespace savedserve
