#include "kernels/ops/einsum.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "kernels/ops/batch_matmul.h"
#include "kernels/ops/dispatch.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

bool Contains(const std::vector<int>& v, int x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Row-major strides of `dims`, summed per label: a label repeated over several axes walks
// their diagonal.
std::vector<int64_t> LabelStrides(const std::vector<int64_t>& dims, const std::vector<int>& labels,
                                  int num_labels) {
  std::vector<int64_t> strides(num_labels, 0);
  int64_t stride = 1;
  for (int axis = static_cast<int>(dims.size()) - 1; axis >= 0; --axis) {
    strides[labels[axis]] += stride;
    stride *= dims[axis];
  }
  return strides;
}

// dst[sum idx * dst_strides] += src[sum idx * src_strides] for every index tuple over `sizes`.
void StridedAccumulate(const std::vector<int64_t>& sizes, const std::vector<int64_t>& src_strides,
                       const std::vector<int64_t>& dst_strides, const float* src, float* dst) {
  for (int64_t s : sizes) {
    if (s == 0) return;
  }
  const int last = static_cast<int>(sizes.size()) - 1;
  if (last < 0) {
    dst[0] += src[0];
    return;
  }
  std::vector<int64_t> index(sizes.size(), 0);
  int64_t src_offset = 0, dst_offset = 0;
  while (true) {
    for (int64_t i = 0; i < sizes[last]; ++i) {
      dst[dst_offset + i * dst_strides[last]] += src[src_offset + i * src_strides[last]];
    }
    int d = last - 1;
    for (; d >= 0; --d) {
      ++index[d];
      src_offset += src_strides[d];
      dst_offset += dst_strides[d];
      if (index[d] < sizes[d]) break;
      src_offset -= index[d] * src_strides[d];
      dst_offset -= index[d] * dst_strides[d];
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

// A contiguous float tensor and the label of each of its axes.
struct Labeled {
  Tensor tensor;
  std::vector<int> labels;

  int64_t size(int label) const {
    const auto it = std::find(labels.begin(), labels.end(), label);
    return it == labels.end() ? 1 : tensor.shape().dim(static_cast<int>(it - labels.begin()));
  }
};

// `x` rearranged so its axes carry `labels` (each distinct), summing over the labels of x
// that are not in `labels` and taking diagonals of labels x repeats. `labels` must be a
// subset of x's. No copy when nothing changes.
Labeled Rearrange(const Labeled& x, const std::vector<int>& labels, int num_labels) {
  if (x.labels == labels) return x;
  std::vector<int> loop;  // x's distinct labels
  for (int label : x.labels) {
    if (!Contains(loop, label)) loop.push_back(label);
  }
  std::vector<int64_t> dims;
  for (int label : labels) dims.push_back(x.size(label));
  Labeled out{Tensor(tensorflow::DT_FLOAT, TensorShape(dims)), labels};
  const std::vector<int64_t> src = LabelStrides(x.tensor.shape().dims(), x.labels, num_labels);
  const std::vector<int64_t> dst = LabelStrides(dims, labels, num_labels);
  std::vector<int64_t> sizes, src_strides, dst_strides;
  for (int label : loop) {
    sizes.push_back(x.size(label));
    src_strides.push_back(src[label]);
    dst_strides.push_back(dst[label]);  // 0 for a summed label
  }
  StridedAccumulate(sizes, src_strides, dst_strides, x.tensor.data<float>(),
                    out.tensor.data<float>());
  return out;
}

// The labels `x` must keep: those in `keep` (the output's and the other input's).
std::vector<int> KeptLabels(const std::vector<int>& labels, const std::vector<int>& keep) {
  std::vector<int> kept;
  for (int label : labels) {
    if (Contains(keep, label) && !Contains(kept, label)) kept.push_back(label);
  }
  return kept;
}

// Orders `labels` by their first position in `output`.
void SortByOutput(const std::vector<int>& output, std::vector<int>* labels) {
  auto position = [&](int label) { return std::find(output.begin(), output.end(), label); };
  std::sort(labels->begin(), labels->end(),
            [&](int a, int b) { return position(a) < position(b); });
}

// The first position in `output` of any of `labels` (output.size() when none).
size_t FirstInOutput(const std::vector<int>& output, const std::vector<int>& labels) {
  for (size_t i = 0; i < output.size(); ++i) {
    if (Contains(labels, output[i])) return i;
  }
  return output.size();
}

// The batched matmul of the two reduced inputs; result labels [batch, free a, free b], with
// a and b swapped when that order is nearer the output's.
absl::StatusOr<Labeled> Contract(const Labeled& x, const Labeled& y, const std::vector<int>& output,
                                 int num_labels, const BatchedMatMulFn& contract,
                                 ThreadPool* pool) {
  auto only = [](const Labeled& p, const Labeled& q) {
    std::vector<int> labels;
    for (int label : p.labels) {
      if (!Contains(q.labels, label)) labels.push_back(label);
    }
    return labels;
  };
  const bool swap = FirstInOutput(output, only(y, x)) < FirstInOutput(output, only(x, y));
  const Labeled& a = swap ? y : x;
  const Labeled& b = swap ? x : y;
  std::vector<int> batch, contracted, free_a, free_b;
  for (int label : a.labels) {
    if (!Contains(b.labels, label)) {
      free_a.push_back(label);
    } else {
      (Contains(output, label) ? batch : contracted).push_back(label);
    }
  }
  for (int label : b.labels) {
    if (!Contains(a.labels, label)) free_b.push_back(label);
  }
  SortByOutput(output, &batch);
  SortByOutput(output, &free_a);
  SortByOutput(output, &free_b);
  auto concat = [](std::vector<int> x, const std::vector<int>& y, const std::vector<int>& z) {
    x.insert(x.end(), y.begin(), y.end());
    x.insert(x.end(), z.begin(), z.end());
    return x;
  };
  const Labeled lhs = Rearrange(a, concat(batch, free_a, contracted), num_labels);
  const Labeled rhs = Rearrange(b, concat(batch, contracted, free_b), num_labels);
  MatMulDims dims;
  dims.m = dims.n = dims.k = 1;
  std::vector<int64_t> result_dims;
  for (int label : batch) {
    dims.a_batch.push_back(a.size(label));
    dims.b_batch.push_back(b.size(label));
    dims.batch.push_back(a.size(label) == 1 ? b.size(label) : a.size(label));
    result_dims.push_back(dims.batch.back());
  }
  for (int label : free_a) dims.m *= a.size(label), result_dims.push_back(a.size(label));
  for (int label : free_b) dims.n *= b.size(label), result_dims.push_back(b.size(label));
  for (int label : contracted) dims.k *= a.size(label);
  Labeled result{Tensor::ForOverwrite(tensorflow::DT_FLOAT, TensorShape(result_dims)),
                 concat(batch, free_a, free_b)};
  if (result.tensor.num_elements() > 0) {
    RETURN_IF_ERROR(contract(dims, lhs.tensor.data<float>(), rhs.tensor.data<float>(),
                             result.tensor.data<float>(), pool));
  }
  return result;
}

}  // namespace

int64_t EinsumFlops(const EinsumShapes& shapes) {
  if (shapes.inputs.size() != 2) return 0;
  // Every distinct label of the two inputs is looped over once per multiply-add.
  std::vector<int> labels = shapes.inputs[0];
  labels.insert(labels.end(), shapes.inputs[1].begin(), shapes.inputs[1].end());
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  int64_t flops = 2;
  for (int label : labels) flops *= shapes.label_size[label];
  return flops;
}

absl::Status ReferenceBatchedMatMul(const MatMulDims& dims, const float* a, const float* b,
                                    float* c, ThreadPool* pool) {
  for (int64_t i = 0; i < dims.batch_size(); ++i) {
    int64_t ai, bi;
    BroadcastBatchIndex(dims, i, &ai, &bi);
    ReferenceMatMulCore(dims.m, dims.n, dims.k, a + ai * dims.m * dims.k, false,
                        b + bi * dims.k * dims.n, false, c + i * dims.m * dims.n, pool);
  }
  return absl::OkStatus();
}

absl::StatusOr<Tensor> ComputeEinsum(const EinsumShapes& shapes, const std::vector<Tensor>& inputs,
                                     const BatchedMatMulFn& contract, ThreadPool* pool) {
  const int num_labels = static_cast<int>(shapes.label_size.size());
  std::vector<Labeled> reduced;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::vector<int> keep = shapes.output;
    if (inputs.size() == 2) {
      const std::vector<int>& other = shapes.inputs[1 - i];
      keep.insert(keep.end(), other.begin(), other.end());
    }
    const Labeled input{inputs[i], shapes.inputs[i]};
    reduced.push_back(Rearrange(input, KeptLabels(shapes.inputs[i], keep), num_labels));
  }
  Labeled result = reduced[0];
  if (reduced.size() == 2) {
    ASSIGN_OR_RETURN(result,
                     Contract(reduced[0], reduced[1], shapes.output, num_labels, contract, pool));
  }
  // Into the output's order, inflating labels the output repeats.
  if (result.labels == shapes.output) return result.tensor;
  Tensor output(tensorflow::DT_FLOAT, TensorShape(shapes.output_dims()));
  const std::vector<int64_t> src =
      LabelStrides(result.tensor.shape().dims(), result.labels, num_labels);
  const std::vector<int64_t> dst = LabelStrides(shapes.output_dims(), shapes.output, num_labels);
  std::vector<int64_t> sizes, src_strides, dst_strides;
  for (int label : result.labels) {
    sizes.push_back(result.size(label));
    src_strides.push_back(src[label]);
    dst_strides.push_back(dst[label]);
  }
  StridedAccumulate(sizes, src_strides, dst_strides, result.tensor.data<float>(),
                    output.data<float>());
  return output;
}

namespace {

class EinsumKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c,
                                                          BatchedMatMulFn contract) {
    ASSIGN_OR_RETURN(DataType t, c.GetAttrOr<DataType>("T", tensorflow::DT_FLOAT));
    if (t != tensorflow::DT_FLOAT) {
      return absl::UnimplementedError(
          absl::StrCat(c.op(), " '", c.name(), "': type ", DataTypeName(t), " is not supported"));
    }
    ASSIGN_OR_RETURN(std::string equation, c.GetAttr<std::string>("equation"));
    auto eq = EinsumEquation::Parse(equation);
    if (!eq.ok()) return c.Error(eq.status().message());
    if (c.num_inputs() != static_cast<int>(eq->inputs.size())) {
      return c.Error(absl::StrCat("equation '", equation, "' has ", eq->inputs.size(),
                                  " input subscripts but the node has ", c.num_inputs(),
                                  " inputs"));
    }
    return std::unique_ptr<OpKernel>(new EinsumKernel(*std::move(eq), std::move(contract)));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    std::vector<Tensor> inputs;
    std::vector<TensorShape> shapes;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      ASSIGN_OR_RETURN(Tensor t, ctx.input(i));
      RETURN_IF_ERROR(CheckInputType(ctx, i, t, tensorflow::DT_FLOAT));
      shapes.push_back(t.shape());
      inputs.push_back(std::move(t));
    }
    auto s = EinsumShapes::Compute(eq_, shapes);
    if (!s.ok()) return ctx.Error(s.status().message());
    ASSIGN_OR_RETURN(TensorShape out_shape, MakeShape(ctx, s->output_dims()));
    absl::StatusOr<Tensor> out;
    try {
      out = ComputeEinsum(*s, inputs, contract_, ctx.thread_pool());
    } catch (const std::bad_alloc&) {
      return absl::ResourceExhaustedError(absl::StrCat("Einsum '", ctx.node().name(),
                                                       "': cannot allocate for output ",
                                                       out_shape.DebugString()));
    }
    if (!out.ok()) return ctx.Error(out.status().message());
    ctx.set_output(0, *std::move(out));
    return absl::OkStatus();
  }

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    auto s = EinsumShapes::Compute(eq_, shapes);
    return s.ok() ? EinsumFlops(*s) : 0;
  }

 private:
  EinsumKernel(EinsumEquation eq, BatchedMatMulFn contract)
      : eq_(std::move(eq)), contract_(std::move(contract)) {}

  const EinsumEquation eq_;
  const BatchedMatMulFn contract_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<OpKernel>> CreateEinsumKernel(const KernelConstruction& c,
                                                             BatchedMatMulFn contract) {
  return EinsumKernel::Create(c, std::move(contract));
}

SS_REGISTER_KERNEL("Einsum", kReference, [](const KernelConstruction& c) {
  return CreateEinsumKernel(c, ReferenceBatchedMatMul);
});

}  // namespace savedserve
