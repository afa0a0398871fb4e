// Plumbing shared by the oneDNN kernels (conv, depthwise, matmul, pooling).
//
// Threads: Debian's oneDNN 2.6 is built with the OpenMP runtime and has no
// set_max_threads API; it sizes its parallel regions from omp_get_max_threads() of the
// calling thread, both when a primitive is created (work split) and when it runs. So every
// kernel calls UseThreads(pool, work) first: it sets the calling thread's OpenMP team size to the
// session pool's num_threads (per-thread ICV, so concurrent requests do not interfere), and
// the thread count is part of every primitive cache key.
//
// Concurrency: a primitive is immutable and may run from many threads at once provided each
// run has its own memory objects and scratchpad. Kernels therefore build primitives with
// scratchpad_mode::user, wrap tensors in fresh dnnl::memory objects per call, and take the
// scratchpad from a ScratchMemory held for the call. Caches below are mutex-guarded.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "base/thread_pool.h"
#include "kernels/ops/fused_epilogue.h"
#include "oneapi/dnnl/dnnl.hpp"
#include "tensor/tensor.h"

namespace savedserve {
namespace onednn {

// Implemented by every oneDNN kernel so tests and tools can see which implementation
// oneDNN chose (e.g. "brgconv:avx512_core", or "ref:any" when it fell back to a slow one).
class Introspectable {
 public:
  virtual ~Introspectable() = default;
  virtual absl::StatusOr<std::string> Implementation(const std::vector<TensorShape>& inputs,
                                                     int threads) const = 0;
};

// The process-wide CPU engine. Safe for concurrent use.
const dnnl::engine& CpuEngine();
// A stream for the calling thread (created on first use).
dnnl::stream& ThreadStream();

// Sets the calling thread's OpenMP team size and returns it: pool->num_threads() (all cores
// when pool is null), reduced for small problems to one thread per kWorkPerThread of `work`
// (floating-point operations, or a comparable count for memory-bound ops). An OpenMP team
// joins at a barrier, so a small primitive split over threads costs more than it saves, and
// on a busy machine a descheduled team member stalls the whole call for a timeslice.
constexpr double kWorkPerThread = 20e6;
int UseThreads(const ThreadPool* pool, double work);

// Scratch memory for one primitive execution: `pd`'s scratchpad plus `extra` buffers (for
// activations a kernel reorders into a blocked layout), held for the call; large ones come
// from, and go back to, the BufferPool. So scratch memory grows with the number of
// executions running at once, not with the number of threads that ever ran one (a server
// calls kernels from dozens). One thread at a time.
class ScratchMemory {
 public:
  explicit ScratchMemory(const dnnl::primitive_desc_base& pd,
                         std::initializer_list<size_t> extra_bytes = {});
  ScratchMemory(const ScratchMemory&) = delete;
  ScratchMemory& operator=(const ScratchMemory&) = delete;

  const dnnl::memory& scratchpad() const { return scratchpad_; }
  // Extra buffer i, 64-byte aligned.
  void* extra(int i) const { return extra_[i]; }

 private:
  std::vector<std::shared_ptr<TensorBuffer>> buffers_;
  dnnl::memory scratchpad_;
  std::vector<void*> extra_;
};

// Attributes every kernel uses: user scratchpad, plus `post_ops`.
dnnl::primitive_attr MakeAttr(const dnnl::post_ops& post_ops = dnnl::post_ops());
// Appends the eltwise post-op for `activation` (nothing for kNone).
void AppendActivation(Activation activation, float leakyrelu_alpha, dnnl::post_ops* post_ops);

// How Winograd convolutions are described. oneDNN's forward_inference Winograd keeps its
// weights pre-transformed (4x the filter's size) and still books the scratchpad its
// forward_training variant does, which transforms plain blocked weights into that scratchpad
// on every call. So Winograd primitives are made as forward_training (the same results for
// a convolution) with OIhw16i16o weights: served SSD300 peaks 25 MB lower with the default
// Winograd policy (215 MB with all), for up to 5% more time.
inline constexpr dnnl::prop_kind kWinogradPropKind = dnnl::prop_kind::forward_training;
dnnl::memory::desc WinogradWeightsDesc(int64_t out_c, int64_t in_c, int64_t kh, int64_t kw);

// True when oneDNN picked a JIT / brgemm implementation rather than a reference one.
bool IsJitImplementation(absl::string_view impl_info);

// Wraps a tensor's data (oneDNN takes non-const pointers even for inputs it only reads).
dnnl::memory Wrap(const dnnl::memory::desc& desc, const Tensor& tensor);
dnnl::memory Wrap(const dnnl::memory::desc& desc, const void* data);

// A dense row-major f32 tensor of `batch` x rows x cols, described transposed when
// `transposed` (stored as cols x rows): a matmul operand whose transpose is just strides.
dnnl::memory::desc MatrixDesc(const std::vector<int64_t>& batch, int64_t rows, int64_t cols,
                              bool transposed);

// Runs `fn`, turning oneDNN's exceptions into an Internal status prefixed with `what`.
absl::Status Guard(absl::string_view what, const std::function<void()>& fn);

// Packed copies of one constant weight tensor, one per layout a primitive asked for
// (usually exactly one). Reorders happen once, on first request of a layout, under a lock;
// the returned pointer stays valid for the object's lifetime. Safe for concurrent use.
class PackedWeights {
 public:
  // `plain` describes `weights`' own layout. The tensor is kept (shared, not copied).
  PackedWeights(Tensor weights, dnnl::memory::desc plain)
      : weights_(std::move(weights)), plain_(std::move(plain)) {}

  const dnnl::memory::desc& plain_desc() const { return plain_; }
  // The weights as given, in plain_desc()'s layout.
  const Tensor& plain() const { return weights_; }
  absl::StatusOr<const void*> Get(const dnnl::memory::desc& layout);

 private:
  struct Packed {
    dnnl::memory::desc desc;
    std::shared_ptr<TensorBuffer> buffer;
  };
  const Tensor weights_;
  const dnnl::memory::desc plain_;
  absl::Mutex mu_;
  std::vector<Packed> packed_ ABSL_GUARDED_BY(mu_);
};

// Copies an NHWC float tensor into a blocked one [N, C/16, H, W, 16] (to_blocked), or
// back; `out` must already have the target shape (see ops/blocked_layout.h).
absl::Status ReorderActivations(const Tensor& in, bool to_blocked, Tensor* out);

// Reorders `data` in layout `from` into a new buffer in layout `to` (per-call packing of
// non-constant weights).
absl::StatusOr<std::shared_ptr<TensorBuffer>> Reorder(const dnnl::memory::desc& from,
                                                      const void* data,
                                                      const dnnl::memory::desc& to);

// Runs `primitive` (made from `pd`, with src, weights and dst arguments) on `src` into `dst`
// with a ScratchMemory scratchpad. Its weights are `packed` when not null (already in
// pd's weights layout, e.g. a constant reordered at load), else `plain` (in layout
// `plain_desc`) reordered for this call only. oneDNN errors become Internal prefixed with
// `what`.
absl::Status ExecuteWithWeights(const dnnl::primitive& primitive,
                                const dnnl::primitive_desc_base& pd, const void* src,
                                const void* packed, const dnnl::memory::desc& plain_desc,
                                const void* plain, void* dst, absl::string_view what);

// Per-shape plans (primitive + whatever the kernel derives from the shape), created on first
// use of a key and then shared. Creation runs outside the lock; if two threads race, one
// result is kept. Safe for concurrent use.
template <typename Plan>
class PlanCache {
 public:
  using Key = std::vector<int64_t>;

  absl::StatusOr<std::shared_ptr<const Plan>> GetOrCreate(
      const Key& key, const std::function<absl::StatusOr<std::shared_ptr<const Plan>>()>& make) {
    {
      absl::MutexLock lock(&mu_);
      auto it = plans_.find(key);
      if (it != plans_.end()) return it->second;
    }
    auto plan = make();
    if (!plan.ok()) return plan.status();
    absl::MutexLock lock(&mu_);
    auto [it, inserted] = plans_.emplace(key, *std::move(plan));
    return it->second;
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<Key, std::shared_ptr<const Plan>> plans_ ABSL_GUARDED_BY(mu_);
};

}  // namespace onednn
}  // namespace savedserve
