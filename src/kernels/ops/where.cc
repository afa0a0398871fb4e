// Where with one input (tf.where(condition)): the coordinates of the true / non-zero
// elements in row-major order, an int64 matrix [number of them, rank(input)]. Bool and every
// number type (complex: non-zero when either part is).
#include <complex>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/dispatch.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

template <typename T>
bool NonZero(T v) {
  return v != T{};
}
template <>
bool NonZero(Half v) {
  return (v.bits & 0x7fff) != 0;  // +-0 are the only zeros; NaN counts as non-zero
}
template <>
bool NonZero(BFloat16 v) {
  return (v.bits & 0x7fff) != 0;
}

// The flat positions of the non-zero elements of `t` (of element type T).
template <typename T>
std::vector<int64_t> NonZeroPositions(const Tensor& t) {
  std::vector<int64_t> positions;
  const T* data = static_cast<const T*>(t.raw_data());
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    if (NonZero(data[i])) positions.push_back(i);
  }
  return positions;
}

class WhereKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    if (c.num_inputs() != 1) {
      return c.Error(absl::StrCat("takes 1 input (tf.where(condition)), got ", c.num_inputs(),
                                  "; the 3-input form is Select / SelectV2"));
    }
    return std::make_unique<WhereKernel>();
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
    std::vector<int64_t> positions;
    if (input.dtype() == tensorflow::DT_COMPLEX64) {
      positions = NonZeroPositions<std::complex<float>>(input);
    } else if (input.dtype() == tensorflow::DT_COMPLEX128) {
      positions = NonZeroPositions<std::complex<double>>(input);
    } else if (!VisitDType<NumberAndBoolTypes>(input.dtype(), [&](auto tag) {
                 positions = NonZeroPositions<typename decltype(tag)::type>(input);
               })) {
      return ctx.Error(UnsupportedDTypeMessage<NumberAndBoolTypes>(input.dtype()));
    }
    const TensorShape& shape = input.shape();
    const int rank = shape.rank();
    const int64_t count = static_cast<int64_t>(positions.size());
    ASSIGN_OR_RETURN(Tensor * out,
                     AllocateOutput(ctx, 0, tensorflow::DT_INT64, TensorShape{count, rank},
                                    /*for_overwrite=*/true));
    int64_t* coords = out->data<int64_t>();
    for (int64_t n = 0; n < count; ++n) {
      int64_t flat = positions[n];
      for (int d = rank - 1; d >= 0; --d) {
        coords[n * rank + d] = flat % shape.dim(d);
        flat /= shape.dim(d);
      }
    }
    return absl::OkStatus();
  }
};

SS_REGISTER_KERNEL("Where", kReference, CreateKernel<WhereKernel>);

}  // namespace
}  // namespace savedserve
