// oneDNN kernel for Einsum: the reference kernel's reductions and transposes
// (ops/einsum.h) around oneDNN's matmul for the contraction, which takes the broadcast batch
// dimensions directly. Primitives are cached per contraction shape.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/cpu/onednn_util.h"
#include "kernels/ops/einsum.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

constexpr size_t kMaxBatchRank = 10;  // DNNL_MAX_NDIMS - 2

// A BatchedMatMulFn on oneDNN. Safe for concurrent use.
class OneDnnBatchedMatMul {
 public:
  absl::Status operator()(const MatMulDims& dims, const float* a, const float* b, float* c,
                          ThreadPool* pool) {
    if (dims.batch.size() > kMaxBatchRank || dims.k == 0) {
      return ReferenceBatchedMatMul(dims, a, b, c, pool);
    }
    const double flops = 2.0 * dims.batch_size() * dims.m * dims.n * dims.k;
    const int threads = onednn::UseThreads(pool, flops);
    std::vector<int64_t> key = {dims.m, dims.n, dims.k, threads};
    for (const auto* v : {&dims.batch, &dims.a_batch, &dims.b_batch}) {
      key.push_back(-1);
      key.insert(key.end(), v->begin(), v->end());
    }
    ASSIGN_OR_RETURN(auto plan, plans_.GetOrCreate(key, [&] { return MakePlan(dims); }));
    return onednn::ExecuteWithWeights(*plan->primitive, plan->pd, a, /*packed=*/b,
                                      dnnl::memory::desc(), nullptr, c, "Einsum contraction");
  }

 private:
  struct Plan {
    dnnl::matmul::primitive_desc pd;
    std::optional<dnnl::matmul> primitive;
  };

  static absl::StatusOr<std::shared_ptr<const Plan>> MakePlan(const MatMulDims& d) {
    auto plan = std::make_shared<Plan>();
    RETURN_IF_ERROR(onednn::Guard("creating Einsum matmul", [&] {
      dnnl::matmul::desc desc(onednn::MatrixDesc(d.a_batch, d.m, d.k, false),
                              onednn::MatrixDesc(d.b_batch, d.k, d.n, false),
                              onednn::MatrixDesc(d.batch, d.m, d.n, false));
      plan->pd = dnnl::matmul::primitive_desc(desc, onednn::MakeAttr(), onednn::CpuEngine());
      plan->primitive.emplace(plan->pd);
    }));
    return std::shared_ptr<const Plan>(std::move(plan));
  }

  onednn::PlanCache<Plan> plans_;
};

absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
  auto matmul = std::make_shared<OneDnnBatchedMatMul>();
  return CreateEinsumKernel(
      c, [matmul](const MatMulDims& dims, const float* a, const float* b, float* out,
                  ThreadPool* pool) { return (*matmul)(dims, a, b, out, pool); });
}

}  // namespace

SS_REGISTER_KERNEL("Einsum", kOptimized, Create);

}  // namespace savedserve
