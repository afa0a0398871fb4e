// StringSplitV2: splits each string of a vector into a SparseTensor of tokens
// (indices [n, 2], values [n], dense shape [batch, most tokens]), as Python's str.split:
// with a separator, on every occurrence of it (empty tokens kept); with an empty one, on
// runs of ASCII whitespace (no empty tokens). maxsplit >= 0 caps the splits per string, the
// rest of the string being the last token.
#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

void SplitOnSeparator(absl::string_view s, absl::string_view sep, int64_t maxsplit,
                      std::vector<absl::string_view>* out) {
  int64_t splits = 0;
  while (maxsplit < 0 || splits < maxsplit) {
    const size_t at = s.find(sep);
    if (at == absl::string_view::npos) break;
    out->push_back(s.substr(0, at));
    s.remove_prefix(at + sep.size());
    ++splits;
  }
  out->push_back(s);
}

void SplitOnWhitespace(absl::string_view s, int64_t maxsplit, std::vector<absl::string_view>* out) {
  int64_t splits = 0;
  s = absl::StripLeadingAsciiWhitespace(s);
  while (!s.empty()) {
    if (maxsplit >= 0 && splits == maxsplit) {
      out->push_back(s);
      return;
    }
    const auto end = std::find_if(s.begin(), s.end(), absl::ascii_isspace);
    const size_t length = end - s.begin();
    out->push_back(s.substr(0, length));
    s = absl::StripLeadingAsciiWhitespace(s.substr(length));
    ++splits;
  }
}

class StringSplitV2Kernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(int64_t maxsplit, c.GetAttrOr<int64_t>("maxsplit", -1));
    return std::unique_ptr<OpKernel>(new StringSplitV2Kernel(maxsplit));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor sep, ctx.input(1));
    if (input.dtype() != tensorflow::DT_STRING || input.shape().rank() != 1) {
      return ctx.Error(absl::StrCat("input must be a vector of strings, got shape ",
                                    input.shape().DebugString()));
    }
    if (sep.dtype() != tensorflow::DT_STRING || sep.shape().rank() != 0) {
      return ctx.Error(absl::StrCat("sep must be a scalar, got shape ", sep.shape().DebugString()));
    }
    const std::string& separator = sep.data<std::string>()[0];
    std::vector<absl::string_view> tokens;
    std::vector<int64_t> row_of;  // the input row of each token
    int64_t widest = 0;
    for (int64_t i = 0; i < input.num_elements(); ++i) {
      const size_t before = tokens.size();
      const std::string& s = input.data<std::string>()[i];
      if (separator.empty()) {
        SplitOnWhitespace(s, maxsplit_, &tokens);
      } else {
        SplitOnSeparator(s, separator, maxsplit_, &tokens);
      }
      row_of.resize(tokens.size(), i);
      widest = std::max<int64_t>(widest, tokens.size() - before);
    }
    const int64_t n = static_cast<int64_t>(tokens.size());
    Tensor* indices = ctx.allocate_output_for_overwrite(0, tensorflow::DT_INT64, TensorShape{n, 2});
    Tensor* values = ctx.allocate_output(1, tensorflow::DT_STRING, TensorShape{n});
    Tensor* shape = ctx.allocate_output_for_overwrite(2, tensorflow::DT_INT64, TensorShape{2});
    for (int64_t t = 0; t < n; ++t) {
      const int64_t column =
          t > 0 && row_of[t - 1] == row_of[t] ? indices->data<int64_t>()[2 * t - 1] + 1 : 0;
      indices->data<int64_t>()[2 * t] = row_of[t];
      indices->data<int64_t>()[2 * t + 1] = column;
      values->data<std::string>()[t] = std::string(tokens[t]);
    }
    shape->data<int64_t>()[0] = input.num_elements();
    shape->data<int64_t>()[1] = widest;
    return absl::OkStatus();
  }

 private:
  explicit StringSplitV2Kernel(int64_t maxsplit) : maxsplit_(maxsplit) {}
  const int64_t maxsplit_;
};

SS_REGISTER_KERNEL("StringSplitV2", kReference, CreateKernel<StringSplitV2Kernel>);

}  // namespace
}  // namespace savedserve
