#include "tools/numpy_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace savedserve::tools {
namespace {

constexpr int kPrecision = 8;
constexpr int kLineWidth = 75;
constexpr int64_t kThreshold = 1000;
constexpr int64_t kEdgeItems = 3;

// A finite float's shortest round-trip digits: value = d.ddd x 10^exp10.
struct Digits {
  bool negative = false;
  std::string digits;
  int exp10 = 0;
};

template <typename T>
Digits Shortest(T value, int max_significant = 0) {
  char buf[64];
  auto r = max_significant > 0
               ? std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific,
                               max_significant - 1)
               : std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  std::string text(buf, r.ptr);
  Digits d;
  size_t i = 0;
  if (text[0] == '-') d.negative = true, i = 1;
  const size_t e = text.find('e');
  for (; i < e; ++i) {
    if (text[i] != '.') d.digits += text[i];
  }
  d.exp10 = std::stoi(text.substr(e + 1));
  while (d.digits.size() > 1 && d.digits.back() == '0') d.digits.pop_back();
  return d;
}

// Positional text split into integer and fraction digits, at most kPrecision fraction
// digits (rounded from the exact value when the shortest form has more).
template <typename T>
std::pair<std::string, std::string> Positional(T value) {
  Digits d = Shortest(value);
  const int frac_needed = std::max(0, static_cast<int>(d.digits.size()) - 1 - d.exp10);
  if (frac_needed > kPrecision) {
    char buf[512];
    auto r = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::fixed, kPrecision);
    std::string text(buf, r.ptr);
    const size_t dot = text.find('.');
    std::string frac = text.substr(dot + 1);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    return {text.substr(0, dot), frac};
  }
  std::string int_part, frac;
  if (d.exp10 >= 0) {
    int_part = d.digits.substr(0, std::min<size_t>(d.digits.size(), d.exp10 + 1));
    int_part.resize(d.exp10 + 1, '0');
    if (static_cast<int>(d.digits.size()) > d.exp10 + 1) frac = d.digits.substr(d.exp10 + 1);
  } else {
    int_part = "0";
    frac = std::string(-d.exp10 - 1, '0') + d.digits;
  }
  if (d.negative) int_part = "-" + int_part;
  return {int_part, frac};
}

// Scientific text: mantissa integer digit (with sign), mantissa fraction, exponent digits.
template <typename T>
std::tuple<std::string, std::string, int> Scientific(T value) {
  Digits d = Shortest(value);
  if (static_cast<int>(d.digits.size()) - 1 > kPrecision) d = Shortest(value, kPrecision + 1);
  return {(d.negative ? "-" : "") + d.digits.substr(0, 1), d.digits.substr(1), d.exp10};
}

std::string ExponentText(int exp10, int min_digits) {
  std::string digits = absl::StrCat(std::abs(exp10));
  if (static_cast<int>(digits.size()) < min_digits)
    digits.insert(0, min_digits - digits.size(), '0');
  return absl::StrCat(exp10 < 0 ? "-" : "+", digits);
}

// numpy's FloatingFormat: one layout (positional or exponent, paddings) for all elements.
template <typename T>
std::function<std::string(T)> FloatFormatter(const std::vector<T>& shown) {
  std::vector<T> finite;
  for (T v : shown) {
    if (std::isfinite(v)) finite.push_back(v);
  }
  bool exp_format = false;
  T max_abs = 0, min_abs = 0;
  bool any_nonzero = false;
  for (T v : finite) {
    if (v == 0) continue;
    const T a = std::fabs(v);
    max_abs = any_nonzero ? std::max(max_abs, a) : a;
    min_abs = any_nonzero ? std::min(min_abs, a) : a;
    any_nonzero = true;
  }
  if (any_nonzero) exp_format = max_abs >= 1e8 || min_abs < 1e-4 || max_abs / min_abs > 1000;
  int pad_left = 0, pad_right = 0, precision = 0, exp_size = 2;
  for (T v : finite) {
    if (exp_format) {
      auto [i, f, e] = Scientific(v);
      pad_left = std::max<int>(pad_left, i.size());
      precision = std::max<int>(precision, f.size());
      exp_size = std::max<int>(exp_size, absl::StrCat(std::abs(e)).size());
    } else {
      auto [i, f] = Positional(v);
      pad_left = std::max<int>(pad_left, i.size());
      pad_right = std::max<int>(pad_right, f.size());
    }
  }
  if (exp_format) pad_right = exp_size + 2 + precision;
  if (finite.size() != shown.size()) {
    bool neg_inf = false;
    for (T v : shown) neg_inf |= std::isinf(v) && v < 0;
    pad_left = std::max(pad_left, std::max(3 - (pad_right + 1), 3 + neg_inf - (pad_right + 1)));
  }
  return [=](T v) -> std::string {
    std::string text;
    if (!std::isfinite(v)) {
      text = std::isnan(v) ? "nan" : (v < 0 ? "-inf" : "inf");
      const int width = pad_left + pad_right + 1;
      return std::string(std::max<int>(0, width - text.size()), ' ') + text;
    }
    if (exp_format) {
      auto [i, f, e] = Scientific(v);
      f.resize(precision, '0');
      text = absl::StrCat(std::string(std::max<int>(0, pad_left - i.size()), ' '), i, ".", f, "e",
                          ExponentText(e, exp_size));
    } else {
      auto [i, f] = Positional(v);
      text = absl::StrCat(std::string(std::max<int>(0, pad_left - i.size()), ' '), i, ".", f,
                          std::string(std::max<int>(0, pad_right - f.size()), ' '));
    }
    return text;
  };
}

// Python's repr() of a scalar float: shortest digits, scientific outside [1e-4, 1e16).
template <typename T>
std::string ScalarFloat(T v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  const T a = std::fabs(v);
  if (a != 0 && (a < 1e-4 || a >= 1e16)) {
    Digits d = Shortest(v);
    std::string mantissa = d.digits.substr(0, 1);
    if (d.digits.size() > 1) absl::StrAppend(&mantissa, ".", d.digits.substr(1));
    return absl::StrCat(d.negative ? "-" : "", mantissa, "e", ExponentText(d.exp10, 2));
  }
  auto [i, f] = Positional(v);
  return absl::StrCat(i, ".", f.empty() ? "0" : f);
}

using Formatter = std::function<std::string(int64_t)>;

// Row-major strides of `dims`.
std::vector<int64_t> Strides(const std::vector<int64_t>& dims) {
  std::vector<int64_t> strides(dims.size(), 1);
  for (int i = static_cast<int>(dims.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * dims[i + 1];
  return strides;
}

// Indices along one axis that are printed: all, or the edges around "...".
std::vector<int64_t> ShownIndices(int64_t len, bool summarize) {
  std::vector<int64_t> idx;
  const bool cut = summarize && 2 * kEdgeItems < len;
  for (int64_t i = 0; i < len; ++i) {
    if (!cut || i < kEdgeItems || i >= len - kEdgeItems) idx.push_back(i);
  }
  return idx;
}

void CollectShown(const std::vector<int64_t>& dims, const std::vector<int64_t>& strides,
                  bool summarize, size_t axis, int64_t offset, std::vector<int64_t>* out) {
  if (axis == dims.size()) {
    out->push_back(offset);
    return;
  }
  for (int64_t i : ShownIndices(dims[axis], summarize)) {
    CollectShown(dims, strides, summarize, axis + 1, offset + i * strides[axis], out);
  }
}

// numpy's _extendLine: wrap before `word` when the line would grow past `width`.
void ExtendLine(std::string& s, std::string& line, const std::string& word, int width,
                const std::string& next_line_prefix) {
  bool wrap = static_cast<int>(line.size() + word.size()) > width;
  if (line.size() <= next_line_prefix.size()) wrap = false;
  if (wrap) {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    s += line + "\n";
    line = next_line_prefix;
  }
  line += word;
}

// numpy's _formatArray recursion (separator ' ').
struct ArrayPrinter {
  const std::vector<int64_t>& dims;
  const std::vector<int64_t>& strides;
  bool summarize;
  const Formatter& format;

  std::string Print(size_t axis, int64_t offset, const std::string& indent, int width) const {
    const int axes_left = static_cast<int>(dims.size() - axis);
    const int64_t len = dims[axis];
    const bool cut = summarize && 2 * kEdgeItems < len;
    std::vector<int64_t> idx = ShownIndices(len, summarize);
    std::string s;
    if (axes_left == 1) {
      std::string line = indent;
      for (size_t k = 0; k < idx.size(); ++k) {
        if (cut && idx[k] == len - kEdgeItems) {
          ExtendLine(s, line, "...", width - 1, indent);
          line += " ";
        }
        ExtendLine(s, line, format(offset + idx[k] * strides[axis]), width - 1, indent);
        if (k + 1 < idx.size()) line += " ";
      }
      s += line;
    } else {
      const std::string sep(axes_left - 1, '\n');
      for (size_t k = 0; k < idx.size(); ++k) {
        if (cut && idx[k] == len - kEdgeItems) s += indent + "..." + sep;
        s += indent + Print(axis + 1, offset + idx[k] * strides[axis], indent + " ", width - 1);
        if (k + 1 < idx.size()) s += sep;
      }
    }
    return "[" + s.substr(indent.size()) + "]";
  }
};

template <typename T>
Formatter FloatArrayFormatter(const std::vector<T>& all, const std::vector<int64_t>& shown) {
  std::vector<T> values;
  for (int64_t i : shown) values.push_back(all[i]);
  auto f = FloatFormatter(values);
  return [f, &all](int64_t i) { return f(all[i]); };
}

template <typename T>
Formatter IntFormatter(const T* data, const std::vector<int64_t>& shown) {
  size_t width = 0;
  for (int64_t i : shown) width = std::max(width, absl::StrCat(data[i]).size());
  return [data, width](int64_t i) {
    std::string s = absl::StrCat(data[i]);
    return std::string(width - std::min(width, s.size()), ' ') + s;
  };
}

}  // namespace

std::string PythonBytesRepr(const std::string& bytes) {
  const bool single = bytes.find('\'') != std::string::npos;
  const char quote = single && bytes.find('"') == std::string::npos ? '"' : '\'';
  std::string out = absl::StrCat("b", std::string(1, quote));
  for (unsigned char c : bytes) {
    if (c == quote || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 32 || c >= 127) {
      out += absl::StrFormat("\\x%02x", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += quote;
  return out;
}

}  // namespace savedserve::tools

namespace savedserve::tools {
namespace {

template <typename T>
std::vector<T> AsVector(const T* data, int64_t n) {
  return std::vector<T>(data, data + n);
}

std::vector<float> Widened(const Tensor& t) {
  std::vector<float> out(t.num_elements());
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    out[i] = t.dtype() == tensorflow::DT_HALF ? HalfToFloat(t.data<Half>()[i])
                                              : BFloat16ToFloat(t.data<BFloat16>()[i]);
  }
  return out;
}

std::string Scalar(const Tensor& t) {
  switch (t.dtype()) {
    case tensorflow::DT_FLOAT:
      return ScalarFloat(t.data<float>()[0]);
    case tensorflow::DT_DOUBLE:
      return ScalarFloat(t.data<double>()[0]);
    case tensorflow::DT_HALF:
    case tensorflow::DT_BFLOAT16:
      return ScalarFloat(Widened(t)[0]);
    case tensorflow::DT_BOOL:
      return t.data<bool>()[0] ? "True" : "False";
    case tensorflow::DT_STRING:
      return PythonBytesRepr(t.data<std::string>()[0]);
    default:
      break;
  }
  return "";
}

}  // namespace

std::string NumpyString(const Tensor& t) {
  const std::vector<int64_t>& dims = t.shape().dims();
  if (dims.empty()) {
    std::string s = Scalar(t);
    if (!s.empty()) return s;
  } else if (t.num_elements() == 0) {
    return "[]";
  }
  const std::vector<int64_t> strides = Strides(dims);
  const bool summarize = t.num_elements() > kThreshold;
  std::vector<int64_t> shown;
  CollectShown(dims, strides, summarize, 0, 0, &shown);
  std::vector<float> widened;
  std::vector<float> floats;
  std::vector<double> doubles;
  Formatter format;
  switch (t.dtype()) {
    case tensorflow::DT_FLOAT:
      floats = AsVector(t.data<float>(), t.num_elements());
      format = FloatArrayFormatter(floats, shown);
      break;
    case tensorflow::DT_DOUBLE:
      doubles = AsVector(t.data<double>(), t.num_elements());
      format = FloatArrayFormatter(doubles, shown);
      break;
    case tensorflow::DT_HALF:
    case tensorflow::DT_BFLOAT16:
      widened = Widened(t);
      format = FloatArrayFormatter(widened, shown);
      break;
#define SS_INT_CASE(DT, T)                     \
  case tensorflow::DT:                         \
    format = IntFormatter(t.data<T>(), shown); \
    break;
      SS_INT_CASE(DT_INT8, int8_t)
      SS_INT_CASE(DT_INT16, int16_t)
      SS_INT_CASE(DT_INT32, int32_t)
      SS_INT_CASE(DT_INT64, int64_t)
      SS_INT_CASE(DT_UINT8, uint8_t)
      SS_INT_CASE(DT_UINT16, uint16_t)
      SS_INT_CASE(DT_UINT32, uint32_t)
      SS_INT_CASE(DT_UINT64, uint64_t)
#undef SS_INT_CASE
    case tensorflow::DT_BOOL:
      format = [&t](int64_t i) -> std::string { return t.data<bool>()[i] ? " True" : "False"; };
      break;
    case tensorflow::DT_STRING:
      format = [&t](int64_t i) { return PythonBytesRepr(t.data<std::string>()[i]); };
      break;
    default:
      return t.DebugString();
  }
  if (dims.empty()) return format(0);
  ArrayPrinter printer{dims, strides, summarize, format};
  return printer.Print(0, 0, " ", kLineWidth);
}

}  // namespace savedserve::tools
