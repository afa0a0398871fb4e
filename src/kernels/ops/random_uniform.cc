// RandomUniform: floats uniform in [0, 1) of the shape given by input 0. Serving graphs
// only meet it in variable initializers (saved_model_half_plus_two_mkl's init op
// re-initializes its conv kernels with it), so the generator is simple: one Mersenne
// Twister per kernel, seeded from `seed`/`seed2` when either is set (as TF does, the
// sequence then repeats across loads), else randomly; a mutex makes it shareable.
#include <random>

#include "absl/synchronization/mutex.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

absl::StatusOr<TensorShape> ShapeInput(const KernelContext& ctx) {
  ASSIGN_OR_RETURN(Tensor t, ctx.input(0));
  if (t.shape().rank() != 1) return ctx.Error("shape must be a vector");
  std::vector<int64_t> dims;
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    if (t.dtype() == tensorflow::DT_INT32) {
      dims.push_back(t.data<int32_t>()[i]);
    } else if (t.dtype() == tensorflow::DT_INT64) {
      dims.push_back(t.data<int64_t>()[i]);
    } else {
      return ctx.Error("shape must be int32 or int64");
    }
  }
  auto shape = TensorShape::FromDims(dims);
  if (!shape.ok()) return ctx.Error(shape.status().message());
  return shape;
}

class RandomUniformKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(DataType dtype, c.GetAttr<DataType>("dtype"));
    if (dtype != tensorflow::DT_FLOAT && dtype != tensorflow::DT_DOUBLE &&
        dtype != tensorflow::DT_HALF && dtype != tensorflow::DT_BFLOAT16) {
      return c.Error(absl::StrCat("unsupported dtype ", DataTypeName(dtype)));
    }
    ASSIGN_OR_RETURN(int64_t seed, c.GetAttrOr<int64_t>("seed", 0));
    ASSIGN_OR_RETURN(int64_t seed2, c.GetAttrOr<int64_t>("seed2", 0));
    const uint64_t state =
        (seed == 0 && seed2 == 0)
            ? (uint64_t{std::random_device{}()} << 32) ^ std::random_device{}()
            : static_cast<uint64_t>(seed) * 0x9e3779b97f4a7c15ull ^ static_cast<uint64_t>(seed2);
    return std::unique_ptr<OpKernel>(new RandomUniformKernel(dtype, state));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(TensorShape shape, ShapeInput(ctx));
    // The shape comes from a tensor, so a request can ask for any size: refuse what cannot
    // be allocated (ResourceExhausted) instead of letting bad_alloc escape.
    ASSIGN_OR_RETURN(Tensor * out, AllocateOutput(ctx, 0, dtype_, std::move(shape)));
    absl::MutexLock lock(&mu_);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (int64_t i = 0; i < out->num_elements(); ++i) {
      const double u = uniform(engine_);
      switch (dtype_) {
        case tensorflow::DT_FLOAT:
          out->data<float>()[i] = static_cast<float>(u);
          break;
        case tensorflow::DT_DOUBLE:
          out->data<double>()[i] = u;
          break;
        case tensorflow::DT_HALF:
          out->data<Half>()[i] = FloatToHalf(static_cast<float>(u));
          break;
        default:
          out->data<BFloat16>()[i] = FloatToBFloat16(static_cast<float>(u));
          break;
      }
    }
    return absl::OkStatus();
  }

 private:
  RandomUniformKernel(DataType dtype, uint64_t state) : dtype_(dtype), engine_(state) {}
  const DataType dtype_;
  mutable absl::Mutex mu_;
  mutable std::mt19937_64 engine_ ABSL_GUARDED_BY(mu_);
};

SS_REGISTER_KERNEL("RandomUniform", kReference, CreateKernel<RandomUniformKernel>);

}  // namespace
}  // namespace savedserve
