#include "kernels/ops/matmul.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/conv2d.h"
#include "kernels/registry.h"

namespace savedserve {

absl::StatusOr<MatMulSpec> MatMulSpec::Parse(const KernelConstruction& c) {
  MatMulSpec spec;
  spec.fused = c.op() == "_FusedMatMul";
  ASSIGN_OR_RETURN(DataType t, c.GetAttrOr<DataType>("T", tensorflow::DT_FLOAT));
  if (t != tensorflow::DT_FLOAT) {
    return absl::UnimplementedError(
        absl::StrCat(c.op(), " '", c.name(), "': type ", DataTypeName(t), " is not supported"));
  }
  ASSIGN_OR_RETURN(spec.transpose_a, c.GetAttrOr<bool>("transpose_a", false));
  ASSIGN_OR_RETURN(spec.transpose_b, c.GetAttrOr<bool>("transpose_b", false));
  if (spec.fused) {
    ASSIGN_OR_RETURN(spec.fused_ops,
                     ParseFusedOps(c, /*allow_batch_norm=*/false, /*allow_add=*/false));
  } else if (c.num_inputs() != 2) {
    return c.Error(absl::StrCat("expects 2 inputs, got ", c.num_inputs()));
  }
  return spec;
}

int64_t MatMulDims::batch_size() const {
  int64_t size = 1;
  for (int64_t d : batch) size *= d;
  return size;
}

std::vector<int64_t> MatMulDims::output_dims() const {
  std::vector<int64_t> dims = batch;
  dims.push_back(m);
  dims.push_back(n);
  return dims;
}

absl::StatusOr<MatMulDims> MatMulShapes(const TensorShape& a, const TensorShape& b,
                                        bool transpose_a, bool transpose_b) {
  if (a.rank() != 2 || b.rank() != 2) {
    return absl::InvalidArgumentError(absl::StrCat("MatMul operands must be 2-D, got ",
                                                   a.DebugString(), " and ", b.DebugString()));
  }
  return BatchMatMulShapes(a, b, transpose_a, transpose_b);
}

absl::StatusOr<MatMulDims> BatchMatMulShapes(const TensorShape& x, const TensorShape& y, bool adj_x,
                                             bool adj_y) {
  if (x.rank() < 2 || y.rank() < 2) {
    return absl::InvalidArgumentError(absl::StrCat("operands must be at least 2-D, got ",
                                                   x.DebugString(), " and ", y.DebugString()));
  }
  MatMulDims d;
  const int xr = x.rank(), yr = y.rank();
  d.m = adj_x ? x.dim(xr - 1) : x.dim(xr - 2);
  d.k = adj_x ? x.dim(xr - 2) : x.dim(xr - 1);
  const int64_t yk = adj_y ? y.dim(yr - 1) : y.dim(yr - 2);
  d.n = adj_y ? y.dim(yr - 2) : y.dim(yr - 1);
  if (d.k != yk) {
    return absl::InvalidArgumentError(
        absl::StrCat("inner dimensions differ: ", x.DebugString(), " and ", y.DebugString()));
  }
  const int rank = std::max(xr, yr) - 2;
  d.batch.assign(rank, 1);
  d.a_batch.assign(rank, 1);
  d.b_batch.assign(rank, 1);
  for (int i = 0; i < rank; ++i) {
    const int xi = i - (rank - (xr - 2)), yi = i - (rank - (yr - 2));
    if (xi >= 0) d.a_batch[i] = x.dim(xi);
    if (yi >= 0) d.b_batch[i] = y.dim(yi);
    const int64_t a = d.a_batch[i], b = d.b_batch[i];
    if (a != b && a != 1 && b != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "batch dimensions do not broadcast: ", x.DebugString(), " and ", y.DebugString()));
    }
    d.batch[i] = a == 1 ? b : a;
  }
  return d;
}

void ReferenceMatMulCore(int64_t m, int64_t n, int64_t k, const float* a, bool transpose_a,
                         const float* b, bool transpose_b, float* c, ThreadPool* pool) {
  // Element (i, p) of op(a) and (p, j) of op(b).
  const int64_t a_row = transpose_a ? 1 : k, a_col = transpose_a ? m : 1;
  const int64_t b_row = transpose_b ? 1 : n, b_col = transpose_b ? k : 1;
  auto rows = [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      float* out = c + i * n;
      std::fill(out, out + n, 0.0f);
      for (int64_t p = 0; p < k; ++p) {
        const float v = a[i * a_row + p * a_col];
        const float* bp = b + p * b_row;
        if (b_col == 1) {
          for (int64_t j = 0; j < n; ++j) out[j] += v * bp[j];
        } else {
          for (int64_t j = 0; j < n; ++j) out[j] += v * bp[j * b_col];
        }
      }
    }
  };
  if (pool == nullptr) {
    rows(0, m);
  } else {
    pool->ParallelFor(m, n * k, rows);
  }
}

namespace {

class ReferenceMatMulKernel : public OpKernel {
 public:
  explicit ReferenceMatMulKernel(MatMulSpec spec) : spec_(std::move(spec)) {}

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor a, ctx.input(0));
    ASSIGN_OR_RETURN(Tensor b, ctx.input(1));
    if (a.dtype() != tensorflow::DT_FLOAT || b.dtype() != tensorflow::DT_FLOAT) {
      return ctx.Error("operands must be float32");
    }
    auto dims = MatMulShapes(a.shape(), b.shape(), spec_.transpose_a, spec_.transpose_b);
    if (!dims.ok()) return ctx.Error(dims.status().message());
    Tensor* c = ctx.allocate_output(0, tensorflow::DT_FLOAT, TensorShape({dims->m, dims->n}));
    if (c->num_elements() == 0) return absl::OkStatus();
    // Transposing b first keeps the inner loop contiguous.
    Tensor bt = b;
    if (spec_.transpose_b) {
      bt = Tensor(tensorflow::DT_FLOAT, TensorShape({dims->k, dims->n}));
      for (int64_t j = 0; j < dims->n; ++j) {
        for (int64_t p = 0; p < dims->k; ++p) {
          bt.data<float>()[p * dims->n + j] = b.data<float>()[j * dims->k + p];
        }
      }
    }
    ReferenceMatMulCore(dims->m, dims->n, dims->k, a.data<float>(), spec_.transpose_a,
                        bt.data<float>(), false, c->data<float>(), ctx.thread_pool());
    if (!spec_.fused) return absl::OkStatus();
    return RunFusedEpilogue(ctx, spec_.fused_ops, 2, c, ctx.thread_pool());
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    if (shapes.size() < 2) return 0;
    auto d = MatMulShapes(shapes[0], shapes[1], spec_.transpose_a, spec_.transpose_b);
    return d.ok() ? 2 * d->m * d->n * d->k : 0;
  }

 private:
  const MatMulSpec spec_;
};

absl::StatusOr<std::unique_ptr<OpKernel>> CreateReferenceMatMul(const KernelConstruction& c) {
  ASSIGN_OR_RETURN(MatMulSpec spec, MatMulSpec::Parse(c));
  return std::unique_ptr<OpKernel>(new ReferenceMatMulKernel(std::move(spec)));
}

}  // namespace

SS_REGISTER_KERNEL("MatMul", kReference, CreateReferenceMatMul);
SS_REGISTER_KERNEL("_FusedMatMul", kReference, CreateReferenceMatMul);

}  // namespace savedserve
