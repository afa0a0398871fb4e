// StringJoin: element-wise concatenation of N string tensors with `separator`. Inputs are
// scalars or share one shape; scalars repeat for every element.
#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class StringJoinKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(std::string separator, c.GetAttrOr<std::string>("separator", ""));
    for (int i = 0; i < c.num_inputs(); ++i) {
      if (c.input_type(i) != tensorflow::DT_STRING && c.input_type(i) != tensorflow::DT_INVALID) {
        return c.Error(absl::StrCat("input ", i, " is ", DataTypeName(c.input_type(i)),
                                    ", expected DT_STRING"));
      }
    }
    return std::unique_ptr<OpKernel>(new StringJoinKernel(std::move(separator)));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    std::vector<Tensor> inputs;
    TensorShape shape;
    bool have_shape = false;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      ASSIGN_OR_RETURN(Tensor t, ctx.input(i));
      if (t.dtype() != tensorflow::DT_STRING) return ctx.Error("inputs must be strings");
      if (t.shape().rank() > 0) {
        if (have_shape && t.shape() != shape) {
          return ctx.Error(absl::StrCat("input shapes differ: ", shape.DebugString(), " vs ",
                                        t.shape().DebugString()));
        }
        shape = t.shape();
        have_shape = true;
      }
      inputs.push_back(std::move(t));
    }
    Tensor* out = ctx.allocate_output(0, tensorflow::DT_STRING, shape);
    std::string* dst = out->data<std::string>();
    for (int64_t e = 0; e < out->num_elements(); ++e) {
      for (size_t i = 0; i < inputs.size(); ++i) {
        if (i > 0) dst[e] += separator_;
        const std::string* src = inputs[i].data<std::string>();
        dst[e] += inputs[i].shape().rank() == 0 ? src[0] : src[e];
      }
    }
    return absl::OkStatus();
  }

 private:
  explicit StringJoinKernel(std::string separator) : separator_(std::move(separator)) {}
  const std::string separator_;
};

SS_REGISTER_KERNEL("StringJoin", kReference, CreateKernel<StringJoinKernel>);

}  // namespace
}  // namespace savedserve
