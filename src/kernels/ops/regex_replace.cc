// RegexReplace (pattern and rewrite as inputs) and StaticRegexReplace (as attributes):
// RE2 replacement of the first or every match in each string, as TensorFlow does with the
// same library (RE2 syntax; \1 in the rewrite names a group). A pattern known at load (an
// attribute, or a constant input) is compiled once there.
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/registry.h"
#include "re2/re2.h"

namespace savedserve {
namespace {

absl::StatusOr<std::shared_ptr<const RE2>> Compile(const std::string& pattern) {
  auto re = std::make_shared<const RE2>(pattern, RE2::Quiet);
  if (!re->ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid pattern: ", pattern, ", error: ", re->error()));
  }
  return re;
}

absl::StatusOr<std::string> ScalarString(const Tensor* t, const char* what) {
  if (t->dtype() != tensorflow::DT_STRING || t->shape().rank() != 0) {
    return absl::InvalidArgumentError(absl::StrCat(what, " must be a string scalar"));
  }
  return t->data<std::string>()[0];
}

class RegexReplaceKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(bool global, c.GetAttrOr<bool>("replace_global", true));
    std::shared_ptr<const RE2> re;
    std::string rewrite;
    const bool is_static = c.op() == "StaticRegexReplace";
    if (is_static) {
      ASSIGN_OR_RETURN(rewrite, c.GetAttr<std::string>("rewrite"));
    }
    const Tensor* pattern_input = is_static ? nullptr : c.constant_input(1);
    const Tensor* rewrite_input = is_static ? nullptr : c.constant_input(2);
    if (is_static || pattern_input != nullptr) {
      std::string pattern;
      if (is_static) {
        ASSIGN_OR_RETURN(pattern, c.GetAttr<std::string>("pattern"));
      } else {
        ASSIGN_OR_RETURN(pattern, ScalarString(pattern_input, "pattern"));
      }
      auto compiled = Compile(pattern);
      if (!compiled.ok()) return c.Error(compiled.status().message());
      re = *compiled;
    }
    const bool rewrite_known = is_static || rewrite_input != nullptr;
    if (rewrite_input != nullptr) {
      auto known = ScalarString(rewrite_input, "rewrite");
      if (!known.ok()) return c.Error(known.status().message());
      rewrite = *known;
    }
    if (re != nullptr && rewrite_known) {
      std::string why;
      if (!re->CheckRewriteString(rewrite, &why)) {
        return c.Error(absl::StrCat("Invalid rewrite pattern: ", rewrite, ", error: ", why));
      }
    }
    return std::unique_ptr<OpKernel>(
        new RegexReplaceKernel(global, std::move(re), rewrite_known, std::move(rewrite)));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    if (input.dtype() != tensorflow::DT_STRING) return ctx.Error("input must be strings");
    std::shared_ptr<const RE2> re = re_;
    std::string rewrite = rewrite_;
    if (re == nullptr) {
      ASSIGN_OR_RETURN(Tensor pattern, ctx.input(1));
      auto text = ScalarString(&pattern, "pattern");
      if (!text.ok()) return ctx.Error(text.status().message());
      auto compiled = Compile(*text);
      if (!compiled.ok()) return ctx.Error(compiled.status().message());
      re = *compiled;
    }
    if (!rewrite_known_) {
      ASSIGN_OR_RETURN(Tensor r, ctx.input(2));
      auto text = ScalarString(&r, "rewrite");
      if (!text.ok()) return ctx.Error(text.status().message());
      rewrite = *text;
    }
    std::string why;
    if (!re->CheckRewriteString(rewrite, &why)) {
      return ctx.Error(absl::StrCat("Invalid rewrite pattern: ", rewrite, ", error: ", why));
    }
    Tensor* out = ctx.allocate_output(0, tensorflow::DT_STRING, input.shape());
    for (int64_t i = 0; i < input.num_elements(); ++i) {
      std::string s = input.data<std::string>()[i];
      if (global_) {
        RE2::GlobalReplace(&s, *re, rewrite);
      } else {
        RE2::Replace(&s, *re, rewrite);
      }
      out->data<std::string>()[i] = std::move(s);
    }
    return absl::OkStatus();
  }

 private:
  RegexReplaceKernel(bool global, std::shared_ptr<const RE2> re, bool rewrite_known,
                     std::string rewrite)
      : global_(global),
        re_(std::move(re)),
        rewrite_known_(rewrite_known),
        rewrite_(std::move(rewrite)) {}
  const bool global_;
  const std::shared_ptr<const RE2> re_;  // nullptr: the pattern comes with each call
  const bool rewrite_known_;
  const std::string rewrite_;
};

SS_REGISTER_KERNEL("RegexReplace", kReference, CreateKernel<RegexReplaceKernel>);
SS_REGISTER_KERNEL("StaticRegexReplace", kReference, CreateKernel<RegexReplaceKernel>);

}  // namespace
}  // namespace savedserve
