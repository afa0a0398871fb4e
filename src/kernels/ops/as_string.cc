// AsString: numbers and bools to strings, formatted as TensorFlow does with printf: a
// conversion built once from the attributes ("%" [fill] [width] [.precision] then d / u /
// lld / llu for integers and f / e / g for floats as scientific / shortest ask);
// bools become "true" / "false"; strings pass through with width and fill.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

bool IsFloat(DataType t) { return t == tensorflow::DT_FLOAT || t == tensorflow::DT_DOUBLE; }

const char* Conversion(DataType t, bool scientific, bool shortest) {
  switch (t) {
    case tensorflow::DT_INT8:
    case tensorflow::DT_INT16:
    case tensorflow::DT_INT32:
      return "d";
    case tensorflow::DT_UINT8:
    case tensorflow::DT_UINT16:
    case tensorflow::DT_UINT32:
      return "u";
    case tensorflow::DT_INT64:
      return "lld";
    case tensorflow::DT_UINT64:
      return "llu";
    case tensorflow::DT_FLOAT:
    case tensorflow::DT_DOUBLE:
      return shortest ? "g" : scientific ? "e" : "f";
    case tensorflow::DT_BOOL:
    case tensorflow::DT_STRING:
      return "s";
    default:
      return nullptr;
  }
}

template <typename T>
std::string Format(const std::string& format, T value) {
  char buffer[64];
  int n = std::snprintf(buffer, sizeof(buffer), format.c_str(), value);
  if (n >= 0 && n < static_cast<int>(sizeof(buffer))) return std::string(buffer, n);
  std::string out(n < 0 ? 0 : n, '\0');  // a wide field or a high precision
  if (n > 0) std::snprintf(out.data(), out.size() + 1, format.c_str(), value);
  return out;
}

class AsStringKernel : public OpKernel {
 public:
  static constexpr int64_t kMaxWidthOrPrecision = 4096;  // keeps one element's text bounded

  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(DataType dtype, c.GetAttr<DataType>("T"));
    ASSIGN_OR_RETURN(int64_t precision, c.GetAttrOr<int64_t>("precision", -1));
    ASSIGN_OR_RETURN(bool scientific, c.GetAttrOr<bool>("scientific", false));
    ASSIGN_OR_RETURN(bool shortest, c.GetAttrOr<bool>("shortest", false));
    ASSIGN_OR_RETURN(int64_t width, c.GetAttrOr<int64_t>("width", -1));
    ASSIGN_OR_RETURN(std::string fill, c.GetAttrOr<std::string>("fill", ""));
    const char* conversion = Conversion(dtype, scientific, shortest);
    if (conversion == nullptr) {
      return c.Error(absl::StrCat("unsupported dtype ", DataTypeName(dtype)));
    }
    if (fill.size() > 1) return c.Error("Fill string must be one or fewer characters");
    if (scientific && shortest)
      return c.Error("Cannot select both scientific and shortest notation");
    if (!IsFloat(dtype) && (scientific || shortest || precision > -1)) {
      return c.Error("precision, scientific and shortest apply to floating point types only");
    }
    if (width > kMaxWidthOrPrecision || precision > kMaxWidthOrPrecision) {
      return c.Error(absl::StrCat("width and precision must be at most ", kMaxWidthOrPrecision));
    }
    std::string format = "%";
    if (!fill.empty()) {
      if (fill.find_first_of(" +-0#") != 0) {
        return c.Error(absl::StrCat("Fill argument not supported: \"", fill, "\""));
      }
      format += fill;
    }
    if (width > -1) absl::StrAppend(&format, width);
    if (precision > -1) absl::StrAppend(&format, ".", precision);
    format += conversion;
    return std::unique_ptr<OpKernel>(new AsStringKernel(dtype, std::move(format)));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    if (input.dtype() != dtype_) return ctx.Error("input dtype differs from T");
    Tensor* out = ctx.allocate_output(0, tensorflow::DT_STRING, input.shape());
    std::string* text = out->data<std::string>();
    const int64_t n = input.num_elements();
    for (int64_t i = 0; i < n; ++i) text[i] = FormatElement(input, i);
    return absl::OkStatus();
  }

 private:
  AsStringKernel(DataType dtype, std::string format) : dtype_(dtype), format_(std::move(format)) {}

  std::string FormatElement(const Tensor& t, int64_t i) const {
    switch (dtype_) {
      case tensorflow::DT_INT8:
        return Format(format_, int{t.data<int8_t>()[i]});
      case tensorflow::DT_INT16:
        return Format(format_, int{t.data<int16_t>()[i]});
      case tensorflow::DT_INT32:
        return Format(format_, t.data<int32_t>()[i]);
      case tensorflow::DT_UINT8:
        return Format(format_, unsigned{t.data<uint8_t>()[i]});
      case tensorflow::DT_UINT16:
        return Format(format_, unsigned{t.data<uint16_t>()[i]});
      case tensorflow::DT_UINT32:
        return Format(format_, t.data<uint32_t>()[i]);
      case tensorflow::DT_INT64:
        return Format(format_, static_cast<long long>(t.data<int64_t>()[i]));
      case tensorflow::DT_UINT64:
        return Format(format_, static_cast<unsigned long long>(t.data<uint64_t>()[i]));
      case tensorflow::DT_FLOAT:
        return Format(format_, double{t.data<float>()[i]});
      case tensorflow::DT_DOUBLE:
        return Format(format_, t.data<double>()[i]);
      case tensorflow::DT_BOOL:
        return t.data<bool>()[i] ? "true" : "false";  // unformatted, as TF
      default:
        return Format(format_, t.data<std::string>()[i].c_str());
    }
  }

  const DataType dtype_;
  const std::string format_;
};

SS_REGISTER_KERNEL("AsString", kReference, CreateKernel<AsStringKernel>);

}  // namespace
}  // namespace savedserve
