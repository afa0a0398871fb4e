#include "kernels/ops/batch_matmul.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/registry.h"

namespace savedserve {

absl::StatusOr<BatchMatMulSpec> BatchMatMulSpec::Parse(const KernelConstruction& c) {
  BatchMatMulSpec spec;
  for (const char* attr : {"T", "Ta", "Tb", "Tout"}) {
    if (!c.HasAttr(attr)) continue;
    ASSIGN_OR_RETURN(DataType t, c.GetAttr<DataType>(attr));
    if (t != tensorflow::DT_FLOAT) {
      return absl::UnimplementedError(absl::StrCat(c.op(), " '", c.name(), "': ", attr, "=",
                                                   DataTypeName(t), " is not supported"));
    }
  }
  if (c.num_inputs() != 2) return c.Error("expects 2 inputs");
  ASSIGN_OR_RETURN(spec.adj_x, c.GetAttrOr<bool>("adj_x", false));
  ASSIGN_OR_RETURN(spec.adj_y, c.GetAttrOr<bool>("adj_y", false));
  return spec;
}

void BroadcastBatchIndex(const MatMulDims& dims, int64_t i, int64_t* a_index, int64_t* b_index) {
  int64_t a = 0, b = 0, a_stride = 1, b_stride = 1;
  for (int d = static_cast<int>(dims.batch.size()) - 1; d >= 0; --d) {
    const int64_t coord = i % dims.batch[d];
    i /= dims.batch[d];
    if (dims.a_batch[d] != 1) a += coord * a_stride;
    if (dims.b_batch[d] != 1) b += coord * b_stride;
    a_stride *= dims.a_batch[d];
    b_stride *= dims.b_batch[d];
  }
  *a_index = a;
  *b_index = b;
}

namespace {

class ReferenceBatchMatMulKernel : public OpKernel {
 public:
  explicit ReferenceBatchMatMulKernel(BatchMatMulSpec spec) : spec_(spec) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor x, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor y, ctx.input(1));
    if (x.dtype() != tensorflow::DT_FLOAT || y.dtype() != tensorflow::DT_FLOAT) {
      return ctx.Error("operands must be float32");
    }
    auto dims = BatchMatMulShapes(x.shape(), y.shape(), spec_.adj_x, spec_.adj_y);
    if (!dims.ok()) return ctx.Error(dims.status().message());
    Tensor* out = ctx.allocate_output(0, tensorflow::DT_FLOAT, TensorShape(dims->output_dims()));
    if (out->num_elements() == 0) return absl::OkStatus();
    const int64_t m = dims->m, n = dims->n, k = dims->k;
    for (int64_t i = 0; i < dims->batch_size(); ++i) {
      int64_t ai, bi;
      BroadcastBatchIndex(*dims, i, &ai, &bi);
      ReferenceMatMulCore(m, n, k, x.data<float>() + ai * m * k, spec_.adj_x,
                          y.data<float>() + bi * k * n, spec_.adj_y, out->data<float>() + i * m * n,
                          ctx.thread_pool());
    }
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    if (shapes.size() < 2) return 0;
    auto d = BatchMatMulShapes(shapes[0], shapes[1], spec_.adj_x, spec_.adj_y);
    return d.ok() ? 2 * d->batch_size() * d->m * d->n * d->k : 0;
  }

 private:
  const BatchMatMulSpec spec_;
};

absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
  ASSIGN_OR_RETURN(BatchMatMulSpec spec, BatchMatMulSpec::Parse(c));
  return std::unique_ptr<OpKernel>(new ReferenceBatchMatMulKernel(spec));
}

}  // namespace

SS_REGISTER_KERNEL("BatchMatMul", kReference, Create);
SS_REGISTER_KERNEL("BatchMatMulV2", kReference, Create);
SS_REGISTER_KERNEL("BatchMatMulV3", kReference, Create);

}  // namespace savedserve
