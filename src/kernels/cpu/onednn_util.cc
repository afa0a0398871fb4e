#include "kernels/cpu/onednn_util.h"

#include <omp.h>

#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace savedserve {
namespace onednn {

const dnnl::engine& CpuEngine() {
  static const dnnl::engine* engine = new dnnl::engine(dnnl::engine::kind::cpu, 0);
  return *engine;
}

dnnl::stream& ThreadStream() {
  thread_local dnnl::stream stream(CpuEngine());
  return stream;
}

int UseThreads(const ThreadPool* pool, double work) {
  const int available = pool != nullptr ? pool->num_threads() : ThreadPool::NumCores();
  const int threads =
      static_cast<int>(std::clamp<double>(work / kWorkPerThread, 1.0, std::max(available, 1)));
  if (omp_get_max_threads() != threads) omp_set_num_threads(threads);
  return threads;
}

ScratchMemory::ScratchMemory(const dnnl::primitive_desc_base& pd,
                             std::initializer_list<size_t> extra_bytes) {
  // One scratch buffer each: the pool then serves a later, smaller request from any of them.
  const dnnl::memory::desc desc = pd.scratchpad_desc();
  void* scratchpad = nullptr;
  if (desc.get_size() > 0) {
    buffers_.push_back(AllocateBufferForOverwrite(desc.get_size()));
    scratchpad = buffers_.back()->data();
  }
  scratchpad_ = dnnl::memory(desc, CpuEngine(), scratchpad);
  for (size_t bytes : extra_bytes) {
    buffers_.push_back(AllocateBufferForOverwrite(std::max<size_t>(bytes, 1)));
    extra_.push_back(buffers_.back()->data());
  }
}

dnnl::memory::desc WinogradWeightsDesc(int64_t out_c, int64_t in_c, int64_t kh, int64_t kw) {
  return dnnl::memory::desc({out_c, in_c, kh, kw}, dnnl::memory::data_type::f32,
                            dnnl::memory::format_tag::OIhw16i16o);
}

dnnl::primitive_attr MakeAttr(const dnnl::post_ops& post_ops) {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  if (post_ops.len() > 0) attr.set_post_ops(post_ops);
  return attr;
}

void AppendActivation(Activation activation, float leakyrelu_alpha, dnnl::post_ops* post_ops) {
  using dnnl::algorithm;
  switch (activation) {
    case Activation::kNone:
      return;
    case Activation::kRelu:
      post_ops->append_eltwise(1.0f, algorithm::eltwise_relu, 0.0f, 0.0f);
      return;
    case Activation::kRelu6:
      post_ops->append_eltwise(1.0f, algorithm::eltwise_clip, 0.0f, 6.0f);
      return;
    case Activation::kElu:
      post_ops->append_eltwise(1.0f, algorithm::eltwise_elu, 1.0f, 0.0f);
      return;
    case Activation::kLeakyRelu:
      post_ops->append_eltwise(1.0f, algorithm::eltwise_relu, leakyrelu_alpha, 0.0f);
      return;
    case Activation::kTanh:
      post_ops->append_eltwise(1.0f, algorithm::eltwise_tanh, 0.0f, 0.0f);
      return;
    case Activation::kSigmoid:
      post_ops->append_eltwise(1.0f, algorithm::eltwise_logistic, 0.0f, 0.0f);
      return;
    case Activation::kGeluApproximate:
      post_ops->append_eltwise(1.0f, algorithm::eltwise_gelu_tanh, 0.0f, 0.0f);
      return;
    case Activation::kGeluExact:
      post_ops->append_eltwise(1.0f, algorithm::eltwise_gelu_erf, 0.0f, 0.0f);
      return;
  }
}

bool IsJitImplementation(absl::string_view impl_info) {
  // "jit:...", "brgconv:...", "brg:..." (matmul), "brdgmm_dw:..." (depthwise via brgemm).
  return absl::StrContains(impl_info, "jit") || absl::StrContains(impl_info, "brg") ||
         absl::StrContains(impl_info, "brdgmm");
}

dnnl::memory Wrap(const dnnl::memory::desc& desc, const void* data) {
  return dnnl::memory(desc, CpuEngine(), const_cast<void*>(data));
}

dnnl::memory Wrap(const dnnl::memory::desc& desc, const Tensor& tensor) {
  return Wrap(desc, tensor.raw_data());
}

dnnl::memory::desc MatrixDesc(const std::vector<int64_t>& batch, int64_t rows, int64_t cols,
                              bool transposed) {
  dnnl::memory::dims dims(batch.begin(), batch.end());
  dims.push_back(rows);
  dims.push_back(cols);
  dnnl::memory::dims strides(dims.size());
  const int r = static_cast<int>(dims.size());
  strides[r - 1] = transposed ? rows : 1;
  strides[r - 2] = transposed ? 1 : cols;
  int64_t stride = rows * cols;
  for (int i = r - 3; i >= 0; --i) {
    strides[i] = stride;
    stride *= dims[i];
  }
  return dnnl::memory::desc(dims, dnnl::memory::data_type::f32, strides);
}

absl::Status Guard(absl::string_view what, const std::function<void()>& fn) {
  try {
    fn();
  } catch (const dnnl::error& e) {
    return absl::InternalError(absl::StrCat(what, ": oneDNN: ", e.what()));
  }
  return absl::OkStatus();
}

absl::Status ReorderActivations(const Tensor& in, bool to_blocked, Tensor* out) {
  const TensorShape& nhwc = to_blocked ? in.shape() : out->shape();
  if (nhwc.num_elements() == 0) return absl::OkStatus();
  const dnnl::memory::dims dims = {nhwc.dim(0), nhwc.dim(3), nhwc.dim(1), nhwc.dim(2)};
  const dnnl::memory::desc plain(dims, dnnl::memory::data_type::f32,
                                 dnnl::memory::format_tag::nhwc);
  const dnnl::memory::desc blocked(dims, dnnl::memory::data_type::f32,
                                   dnnl::memory::format_tag::nChw16c);
  return Guard("reordering activations", [&] {
    dnnl::memory src = Wrap(to_blocked ? plain : blocked, in);
    dnnl::memory dst = Wrap(to_blocked ? blocked : plain, *out);
    dnnl::reorder(src, dst).execute(ThreadStream(), src, dst);
    ThreadStream().wait();
  });
}

absl::StatusOr<std::shared_ptr<TensorBuffer>> Reorder(const dnnl::memory::desc& from,
                                                      const void* data,
                                                      const dnnl::memory::desc& to) {
  std::shared_ptr<TensorBuffer> buffer = AllocateBuffer(std::max<size_t>(to.get_size(), 1));
  if (from == to) {
    std::memcpy(buffer->data(), data, to.get_size());
    return buffer;
  }
  absl::Status status = Guard("reordering weights", [&] {
    dnnl::memory src = Wrap(from, data);
    dnnl::memory dst(to, CpuEngine(), buffer->data());
    dnnl::reorder(src, dst).execute(ThreadStream(), src, dst);
    ThreadStream().wait();
  });
  if (!status.ok()) return status;
  return buffer;
}

absl::Status ExecuteWithWeights(const dnnl::primitive& primitive,
                                const dnnl::primitive_desc_base& pd, const void* src,
                                const void* packed, const dnnl::memory::desc& plain_desc,
                                const void* plain, void* dst, absl::string_view what) {
  std::shared_ptr<TensorBuffer> per_call;
  const void* weights = packed;
  if (weights == nullptr) {
    auto reordered = Reorder(plain_desc, plain, pd.weights_desc(0));
    if (!reordered.ok()) return reordered.status();
    per_call = *std::move(reordered);
    weights = per_call->data();
  }
  return Guard(what, [&] {
    dnnl::stream& stream = ThreadStream();
    ScratchMemory scratch(pd);
    primitive.execute(stream, {{DNNL_ARG_SRC, Wrap(pd.src_desc(0), src)},
                               {DNNL_ARG_WEIGHTS, Wrap(pd.weights_desc(0), weights)},
                               {DNNL_ARG_DST, Wrap(pd.dst_desc(0), dst)},
                               {DNNL_ARG_SCRATCHPAD, scratch.scratchpad()}});
    stream.wait();
  });
}

absl::StatusOr<const void*> PackedWeights::Get(const dnnl::memory::desc& layout) {
  absl::MutexLock lock(&mu_);
  for (const Packed& p : packed_) {
    if (p.desc == layout) return static_cast<const void*>(p.buffer->data());
  }
  auto buffer = Reorder(plain_, weights_.raw_data(), layout);
  if (!buffer.ok()) return buffer.status();
  weights_.buffer()->Evict();
  packed_.push_back(Packed{layout, *buffer});
  return static_cast<const void*>(packed_.back().buffer->data());
}

}  // namespace onednn
}  // namespace savedserve
