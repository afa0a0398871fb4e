// Elementwise string ops: StringLower, StringUpper (ASCII; with encoding "utf-8" a
// non-ASCII character is an error rather than a wrong answer, as we have no Unicode case
// tables), StringStrip (ASCII whitespace at both ends), StringLength (bytes or UTF-8
// characters) and Substr (by bytes or UTF-8 characters; pos and len scalars or of the
// input's shape).
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

absl::StatusOr<Tensor> StringInput(const KernelContext& ctx, int i) {
  ASSIGN_OR_RETURN(Tensor t, ctx.input(i));
  if (t.dtype() != tensorflow::DT_STRING)
    return ctx.Error(absl::StrCat("input ", i, " must be strings"));
  return t;
}

absl::StatusOr<bool> Utf8Unit(const KernelConstruction& c) {
  ASSIGN_OR_RETURN(std::string unit, c.GetAttrOr<std::string>("unit", "BYTE"));
  if (unit != "BYTE" && unit != "UTF8_CHAR") return c.Error(absl::StrCat("unknown unit ", unit));
  return unit == "UTF8_CHAR";
}

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

int64_t Utf8Length(absl::string_view s) {
  return std::count_if(s.begin(), s.end(), [](char c) { return !IsUtf8Continuation(c); });
}

class CaseKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(std::string encoding, c.GetAttrOr<std::string>("encoding", ""));
    if (!encoding.empty() && absl::AsciiStrToLower(encoding) != "utf-8") {
      return c.Error(absl::StrCat("unsupported encoding ", encoding));
    }
    return std::unique_ptr<OpKernel>(new CaseKernel(c.op() == "StringUpper", !encoding.empty()));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, StringInput(ctx, 0));
    Tensor* out = ctx.allocate_output(0, tensorflow::DT_STRING, input.shape());
    for (int64_t i = 0; i < input.num_elements(); ++i) {
      std::string s = input.data<std::string>()[i];
      if (utf8_ && std::any_of(s.begin(), s.end(), [](char c) { return c & 0x80; })) {
        return ctx.Error(absl::StrCat("element ", i,
                                      " has non-ASCII characters; only ASCII case mapping is "
                                      "supported"));
      }
      upper_ ? absl::AsciiStrToUpper(&s) : absl::AsciiStrToLower(&s);
      out->data<std::string>()[i] = std::move(s);
    }
    return absl::OkStatus();
  }

 private:
  CaseKernel(bool upper, bool utf8) : upper_(upper), utf8_(utf8) {}
  const bool upper_;
  const bool utf8_;
};

class StringStripKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::unique_ptr<OpKernel>(new StringStripKernel);
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, StringInput(ctx, 0));
    Tensor* out = ctx.allocate_output(0, tensorflow::DT_STRING, input.shape());
    for (int64_t i = 0; i < input.num_elements(); ++i) {
      out->data<std::string>()[i] =
          std::string(absl::StripAsciiWhitespace(input.data<std::string>()[i]));
    }
    return absl::OkStatus();
  }
};

class StringLengthKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(bool utf8, Utf8Unit(c));
    return std::unique_ptr<OpKernel>(new StringLengthKernel(utf8));
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, StringInput(ctx, 0));
    Tensor* out = ctx.allocate_output_for_overwrite(0, tensorflow::DT_INT32, input.shape());
    for (int64_t i = 0; i < input.num_elements(); ++i) {
      const std::string& s = input.data<std::string>()[i];
      out->data<int32_t>()[i] = static_cast<int32_t>(utf8_ ? Utf8Length(s) : s.size());
    }
    return absl::OkStatus();
  }

 private:
  explicit StringLengthKernel(bool utf8) : utf8_(utf8) {}
  const bool utf8_;
};

// Byte offset of UTF-8 character `chars` in `s` (s.size() at or past the end).
size_t Utf8Offset(absl::string_view s, int64_t chars) {
  size_t at = 0;
  for (int64_t n = 0; n < chars && at < s.size(); ++n) {
    ++at;
    while (at < s.size() && IsUtf8Continuation(s[at])) ++at;
  }
  return at;
}

class SubstrKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(bool utf8, Utf8Unit(c));
    return std::unique_ptr<OpKernel>(new SubstrKernel(utf8));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, StringInput(ctx, 0));
    ASSIGN_OR_RETURN(Tensor pos, ctx.input(1));
    ASSIGN_OR_RETURN(Tensor len, ctx.input(2));
    if ((pos.dtype() != tensorflow::DT_INT32 && pos.dtype() != tensorflow::DT_INT64) ||
        len.dtype() != pos.dtype()) {
      return ctx.Error("pos and len must both be int32 or both int64");
    }
    if (pos.shape() != len.shape()) return ctx.Error("pos and len should have the same shape");
    const bool scalar = pos.shape().rank() == 0;
    if (!scalar && pos.shape() != input.shape()) {
      return ctx.Error(absl::StrCat("pos and len must be scalars or have the input's shape ",
                                    input.shape().DebugString(), ", got ",
                                    pos.shape().DebugString()));
    }
    Tensor* out = ctx.allocate_output(0, tensorflow::DT_STRING, input.shape());
    for (int64_t i = 0; i < input.num_elements(); ++i) {
      const std::string& s = input.data<std::string>()[i];
      const int64_t p = Element(pos, scalar ? 0 : i), l = Element(len, scalar ? 0 : i);
      const int64_t size = utf8_ ? Utf8Length(s) : static_cast<int64_t>(s.size());
      if (p > size || p < -size) {
        return ctx.Error(
            absl::StrCat("pos ", p, " out of range for string b'", s, "' at index ", i));
      }
      const int64_t start = p < 0 ? p + size : p;
      const int64_t count = l < 0 ? size - start : std::min(l, size - start);
      if (utf8_) {
        const size_t from = Utf8Offset(s, start);
        const size_t to = from + Utf8Offset(absl::string_view(s).substr(from), count);
        out->data<std::string>()[i] = s.substr(from, to - from);
      } else {
        out->data<std::string>()[i] = s.substr(start, count);
      }
    }
    return absl::OkStatus();
  }

 private:
  explicit SubstrKernel(bool utf8) : utf8_(utf8) {}
  static int64_t Element(const Tensor& t, int64_t i) {
    return t.dtype() == tensorflow::DT_INT32 ? t.data<int32_t>()[i] : t.data<int64_t>()[i];
  }
  const bool utf8_;
};

SS_REGISTER_KERNEL("StringLower", kReference, CreateKernel<CaseKernel>);
SS_REGISTER_KERNEL("StringUpper", kReference, CreateKernel<CaseKernel>);
SS_REGISTER_KERNEL("StringStrip", kReference, CreateKernel<StringStripKernel>);
SS_REGISTER_KERNEL("StringLength", kReference, CreateKernel<StringLengthKernel>);
SS_REGISTER_KERNEL("Substr", kReference, CreateKernel<SubstrKernel>);

}  // namespace
}  // namespace savedserve
