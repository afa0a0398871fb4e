// StaticRegexFullMatch: whether each string matches `pattern` in full. TensorFlow uses RE2;
// the patterns graphs carry (the saver's "^s3://.*" and the like) mean the same in
// std::regex's ECMAScript grammar, which is what this kernel compiles once at creation.
#include <regex>

#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class StaticRegexFullMatchKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(std::string pattern, c.GetAttr<std::string>("pattern"));
    try {
      return std::unique_ptr<OpKernel>(new StaticRegexFullMatchKernel(std::regex(pattern)));
    } catch (const std::regex_error& e) {
      return c.Error(absl::StrCat("invalid pattern '", pattern, "': ", e.what()));
    }
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor in, ctx.input(0));
    if (in.dtype() != tensorflow::DT_STRING) return ctx.Error("input must be strings");
    Tensor* out = ctx.allocate_output(0, tensorflow::DT_BOOL, in.shape());
    for (int64_t i = 0; i < in.num_elements(); ++i) {
      out->data<bool>()[i] = std::regex_match(in.data<std::string>()[i], regex_);
    }
    return absl::OkStatus();
  }

 private:
  explicit StaticRegexFullMatchKernel(std::regex regex) : regex_(std::move(regex)) {}
  const std::regex regex_;
};

SS_REGISTER_KERNEL("StaticRegexFullMatch", kReference, CreateKernel<StaticRegexFullMatchKernel>);

}  // namespace
}  // namespace savedserve
