#include "tools/npy.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/status.h"

namespace savedserve::tools {
namespace {

constexpr char kMagic[] = "\x93NUMPY";

struct Descr {
  char order;  // '<', '>' or '|'
  char kind;   // 'f', 'i', 'u', 'b', 'S', 'U'
  int size;    // bytes per element (characters for 'U')
};

struct DescrName {
  DataType dtype;
  char kind;
  int size;
};
constexpr DescrName kDescrs[] = {
    {tensorflow::DT_FLOAT, 'f', 4},  {tensorflow::DT_DOUBLE, 'f', 8},
    {tensorflow::DT_HALF, 'f', 2},   {tensorflow::DT_INT8, 'i', 1},
    {tensorflow::DT_INT16, 'i', 2},  {tensorflow::DT_INT32, 'i', 4},
    {tensorflow::DT_INT64, 'i', 8},  {tensorflow::DT_UINT8, 'u', 1},
    {tensorflow::DT_UINT16, 'u', 2}, {tensorflow::DT_UINT32, 'u', 4},
    {tensorflow::DT_UINT64, 'u', 8}, {tensorflow::DT_BOOL, 'b', 1},
};

uint16_t Le16(const std::string& b, size_t at) {
  return static_cast<uint8_t>(b[at]) | static_cast<uint16_t>(static_cast<uint8_t>(b[at + 1])) << 8;
}
uint32_t Le32(const std::string& b, size_t at) {
  return Le16(b, at) | uint32_t{Le16(b, at + 2)} << 16;
}
uint64_t Le64(const std::string& b, size_t at) {
  return Le32(b, at) | uint64_t{Le32(b, at + 4)} << 32;
}

// The value of 'key' in the header dict, as text ("'<f4'", "False", "(3, 1)").
absl::StatusOr<std::string> HeaderField(const std::string& header, const std::string& key) {
  const std::string quoted = absl::StrCat("'", key, "':");
  size_t at = header.find(quoted);
  if (at == std::string::npos) return absl::InvalidArgumentError("npy header lacks " + key);
  at += quoted.size();
  size_t end = header[header.find_first_not_of(' ', at)] == '(' ? header.find(')', at) + 1
                                                                : header.find_first_of(",}", at);
  return std::string(absl::StripAsciiWhitespace(header.substr(at, end - at)));
}

absl::StatusOr<Descr> ParseDescr(const std::string& text) {
  std::string d(absl::StripAsciiWhitespace(text));
  if (d.size() < 4 || (d.front() != '\'' && d.front() != '"')) {
    return absl::InvalidArgumentError("unsupported npy descr " + d);
  }
  d = d.substr(1, d.size() - 2);
  Descr out{d[0], d[1], 0};
  if (!absl::SimpleAtoi(d.substr(2), &out.size)) {
    return absl::InvalidArgumentError("unsupported npy descr " + d);
  }
  return out;
}

absl::StatusOr<TensorShape> ParseShape(const std::string& text) {
  std::vector<int64_t> dims;
  for (absl::string_view part : absl::StrSplit(absl::StripPrefix(absl::StripSuffix(text, ")"), "("),
                                               ',', absl::SkipWhitespace())) {
    int64_t dim;
    if (!absl::SimpleAtoi(part, &dim)) return absl::InvalidArgumentError("bad npy shape " + text);
    dims.push_back(dim);
  }
  return TensorShape::FromDims(dims);
}

// Fixed-width byte or UTF-32 strings to std::string (UTF-8), trailing NULs dropped.
Tensor DecodeStrings(const Descr& descr, const char* data, TensorShape shape) {
  Tensor t(tensorflow::DT_STRING, std::move(shape));
  const int width = descr.kind == 'U' ? descr.size * 4 : descr.size;
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    std::string s;
    const char* p = data + i * width;
    if (descr.kind == 'S') {
      s.assign(p, strnlen(p, width));
    } else {
      for (int c = 0; c < descr.size; ++c) {
        uint32_t cp;
        std::memcpy(&cp, p + 4 * c, 4);
        if (descr.order == '>') cp = __builtin_bswap32(cp);
        if (cp == 0) break;
        if (cp < 0x80) {
          s += static_cast<char>(cp);
        } else if (cp < 0x800) {
          s += static_cast<char>(0xc0 | cp >> 6), s += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
          s += static_cast<char>(0xe0 | cp >> 12);
          s += static_cast<char>(0x80 | (cp >> 6 & 0x3f)),
              s += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
          s += static_cast<char>(0xf0 | cp >> 18), s += static_cast<char>(0x80 | (cp >> 12 & 0x3f));
          s += static_cast<char>(0x80 | (cp >> 6 & 0x3f)),
              s += static_cast<char>(0x80 | (cp & 0x3f));
        }
      }
    }
    t.data<std::string>()[i] = std::move(s);
  }
  return t;
}

absl::StatusOr<Tensor> DecodeData(const Descr& descr, const std::string& bytes, size_t offset,
                                  TensorShape shape) {
  const int width = descr.kind == 'U' ? descr.size * 4 : descr.size;
  const uint64_t need = static_cast<uint64_t>(shape.num_elements()) * width;
  if (bytes.size() - offset < need) return absl::InvalidArgumentError("npy data is truncated");
  if (descr.kind == 'S' || descr.kind == 'U')
    return DecodeStrings(descr, bytes.data() + offset, shape);
  for (const DescrName& d : kDescrs) {
    if (d.kind != descr.kind || d.size != descr.size) continue;
    Tensor t(d.dtype, std::move(shape));
    char* out = static_cast<char*>(t.raw_data());
    std::memcpy(out, bytes.data() + offset, need);
    if (descr.order == '>' && width > 1) {
      for (uint64_t i = 0; i < need; i += width) std::reverse(out + i, out + i + width);
    }
    return t;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unsupported npy dtype ", std::string(1, descr.kind), descr.size));
}

}  // namespace

bool LooksLikeZip(const std::string& bytes) { return absl::StartsWith(bytes, "PK\x03\x04"); }

absl::StatusOr<Tensor> ParseNpy(const std::string& bytes) {
  if (!absl::StartsWith(bytes, kMagic) || bytes.size() < 10) {
    return absl::InvalidArgumentError("not an .npy file (bad magic)");
  }
  const int major = static_cast<uint8_t>(bytes[6]);
  const size_t header_len = major == 1 ? Le16(bytes, 8) : Le32(bytes, 8);
  const size_t header_start = major == 1 ? 10 : 12;
  if (bytes.size() < header_start + header_len)
    return absl::InvalidArgumentError("npy header is truncated");
  const std::string header = bytes.substr(header_start, header_len);
  ASSIGN_OR_RETURN(std::string descr_text, HeaderField(header, "descr"));
  ASSIGN_OR_RETURN(std::string fortran, HeaderField(header, "fortran_order"));
  ASSIGN_OR_RETURN(std::string shape_text, HeaderField(header, "shape"));
  if (fortran != "False")
    return absl::UnimplementedError("Fortran-order .npy files are not supported");
  ASSIGN_OR_RETURN(Descr descr, ParseDescr(descr_text));
  ASSIGN_OR_RETURN(TensorShape shape, ParseShape(shape_text));
  return DecodeData(descr, bytes, header_start + header_len, std::move(shape));
}

absl::StatusOr<std::string> SerializeNpy(const Tensor& t) {
  std::string descr;
  std::string data;
  if (t.dtype() == tensorflow::DT_STRING) {
    size_t width = 1;
    for (const std::string& s : t.flat<std::string>()) width = std::max(width, s.size());
    descr = absl::StrCat("|S", width);
    for (const std::string& s : t.flat<std::string>())
      data += s + std::string(width - s.size(), '\0');
  } else {
    for (const DescrName& d : kDescrs) {
      if (d.dtype == t.dtype())
        descr = absl::StrCat(d.size == 1 ? "|" : "<", std::string(1, d.kind), d.size);
    }
    if (descr.empty()) {
      return absl::InvalidArgumentError("cannot write " + DataTypeName(t.dtype()) + " as .npy");
    }
    data = std::string(t.tensor_data());
  }
  std::vector<std::string> dims;
  for (int64_t d : t.shape().dims()) dims.push_back(absl::StrCat(d));
  const std::string shape = dims.size() == 1 ? absl::StrCat("(", dims[0], ",)")
                                             : absl::StrCat("(", absl::StrJoin(dims, ", "), ")");
  std::string header =
      absl::StrCat("{'descr': '", descr, "', 'fortran_order': False, 'shape': ", shape, ", }");
  // Pad with spaces so the data starts on a 64-byte boundary, ending the header with \n.
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out(kMagic, 6);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ReadNpzMembers(
    const std::string& bytes) {
  std::vector<std::pair<std::string, std::string>> members;
  size_t at = 0;
  while (at + 30 <= bytes.size() && Le32(bytes, at) == 0x04034b50) {
    const uint16_t flags = Le16(bytes, at + 6), method = Le16(bytes, at + 8);
    uint64_t compressed = Le32(bytes, at + 18), size = Le32(bytes, at + 22);
    const uint16_t name_len = Le16(bytes, at + 26), extra_len = Le16(bytes, at + 28);
    if (at + 30 + name_len + extra_len > bytes.size()) break;
    std::string name = bytes.substr(at + 30, name_len);
    // Zip64 sizes (numpy writes them) live in extra field 0x0001.
    for (size_t e = at + 30 + name_len; e + 4 <= at + 30 + name_len + extra_len;) {
      const uint16_t id = Le16(bytes, e), len = Le16(bytes, e + 2);
      if (id == 1 && len >= 16) size = Le64(bytes, e + 4), compressed = Le64(bytes, e + 12);
      e += 4 + len;
    }
    if (flags & 8)
      return absl::UnimplementedError("zip members with data descriptors are not supported");
    const size_t data = at + 30 + name_len + extra_len;
    if (data + compressed > bytes.size())
      return absl::InvalidArgumentError("npz archive is truncated");
    std::string content;
    if (method == 0) {
      content = bytes.substr(data, compressed);
    } else if (method == 8) {
      content.resize(size);
      z_stream z{};
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + data));
      z.avail_in = static_cast<uInt>(compressed);
      z.next_out = reinterpret_cast<Bytef*>(content.data());
      z.avail_out = static_cast<uInt>(size);
      const bool ok = inflateInit2(&z, -15) == Z_OK && inflate(&z, Z_FINISH) == Z_STREAM_END;
      inflateEnd(&z);
      if (!ok) return absl::InvalidArgumentError("cannot inflate npz member " + name);
    } else {
      return absl::UnimplementedError(absl::StrCat("npz compression method ", method));
    }
    members.emplace_back(std::string(absl::StripSuffix(name, ".npy")), std::move(content));
    at = data + compressed;
  }
  if (members.empty()) return absl::InvalidArgumentError("not an .npz archive");
  return members;
}

}  // namespace savedserve::tools
