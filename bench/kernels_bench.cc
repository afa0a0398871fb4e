// Kernel benchmarks: conv, depthwise, pooling, matmul, batch matmul, bias add and batch norm
// (reference and optimized variants), and every convolution of SSD300-VGG16 (docs/ssd.md),
// layer by layer (fused bias + ReLU, packed weights, batch 1, 2 threads) and summed (with
// and without Winograd, 2 and 1 threads), and the bands of SSD300's Winograd chain stages
// (WinogradBand/*: our Winograd against oneDNN's and its direct convolution, with the scratch
// each needs). Each reports ms per run, GFLOP/s and the percentage of
// this machine's FMA peak, which the first benchmarks measure in the same run with a register-only
// FMA loop (AVX-512 when the CPU has it, else AVX2) on 1 and 2 threads. Rates come from the
// best iteration (and the best peak run), which is what survives a shared, busy machine.
//
//   build/bench/kernels_bench [--benchmark_filter=Ssd300|WinogradBand]
#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/thread_pool.h"
#include "benchmark/benchmark.h"
#include "kernels/cpu/conv2d_onednn.h"
#include "kernels/cpu/onednn_util.h"
#include "kernels/cpu/winograd_f43.h"
#include "kernels/kernel_testing.h"

namespace savedserve {
namespace {

// ---- FMA peak -------------------------------------------------------------------------
// 12 independent accumulators (named, so they live in registers) hide the FMA latency on
// both FMA ports.
constexpr int kAccumulators = 12;

#define SS_FMA_LOOP(V, SET1, FMA, ADD)                                                      \
  V a0 = SET1(0), a1 = SET1(1), a2 = SET1(2), a3 = SET1(3), a4 = SET1(4), a5 = SET1(5),     \
    a6 = SET1(6), a7 = SET1(7), a8 = SET1(8), a9 = SET1(9), a10 = SET1(10), a11 = SET1(11); \
  const V b = SET1(0.999f), c = SET1(1e-3f);                                                \
  for (int64_t k = 0; k < n; ++k) {                                                         \
    a0 = FMA(a0, b, c), a1 = FMA(a1, b, c), a2 = FMA(a2, b, c);                             \
    a3 = FMA(a3, b, c), a4 = FMA(a4, b, c), a5 = FMA(a5, b, c);                             \
    a6 = FMA(a6, b, c), a7 = FMA(a7, b, c), a8 = FMA(a8, b, c);                             \
    a9 = FMA(a9, b, c), a10 = FMA(a10, b, c), a11 = FMA(a11, b, c);                         \
  }                                                                                         \
  V sum = ADD(ADD(ADD(a0, a1), ADD(a2, a3)), ADD(ADD(a4, a5), ADD(a6, a7)));                \
  sum = ADD(sum, ADD(ADD(a8, a9), ADD(a10, a11)))

__attribute__((target("avx512f"))) float FmaLoop512(int64_t n) {
  SS_FMA_LOOP(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps);
  float out[16];
  _mm512_storeu_ps(out, sum);
  return out[0];
}

__attribute__((target("avx2,fma"))) float FmaLoop256(int64_t n) {
  SS_FMA_LOOP(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps);
  float out[8];
  _mm256_storeu_ps(out, sum);
  return out[0];
}
#undef SS_FMA_LOOP

bool HasAvx512() { return __builtin_cpu_supports("avx512f"); }

double g_peak_gflops[3] = {0, 0, 0};  // [threads], measured by BM_FmaPeak

// Best of many short runs: on a shared machine the best run is the one least disturbed.
// Each thread times its own loop after a start signal, so thread start-up is not counted.
void BM_FmaPeak(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const bool avx512 = HasAvx512();
  const int64_t n = 400'000;  // ~5M FMA instructions per thread, about a millisecond
  const double flops = 2.0 * kAccumulators * (avx512 ? 16 : 8) * n * threads;
  double best = 1e30;
  for (auto _ : state) {
    std::atomic<bool> go{false};
    std::vector<double> seconds(threads);
    std::vector<float> sink(threads);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        while (!go.load(std::memory_order_acquire)) {
        }
        auto start = std::chrono::steady_clock::now();
        sink[t] = avx512 ? FmaLoop512(n) : FmaLoop256(n);
        seconds[t] =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      });
    }
    go.store(true, std::memory_order_release);
    for (auto& w : workers) w.join();
    best = std::min(best, *std::max_element(seconds.begin(), seconds.end()));
    benchmark::DoNotOptimize(sink.data());
  }
  const double gflops = flops / best / 1e9;
  g_peak_gflops[std::min(threads, 2)] = std::max(g_peak_gflops[std::min(threads, 2)], gflops);
  state.counters["GFLOP/s"] = gflops;
  state.SetLabel(avx512 ? "avx512 fma, best run" : "avx2 fma, best run");
}
BENCHMARK(BM_FmaPeak)->Arg(1)->Arg(2)->MinTime(1.0)->UseRealTime()->Unit(benchmark::kMillisecond);

// ---- running one kernel ---------------------------------------------------------------

// One op ready to run: a node, its inputs (those listed in `constant` are graph constants,
// i.e. weights the kernel packs at creation) and the created kernel.
struct PreparedOp {
  std::unique_ptr<OpRunner> runner;
  std::vector<Tensor> inputs;
  std::unique_ptr<OpKernel> kernel;
  int num_outputs = 1;
  int64_t flops = 0;
};

absl::Status RunKernel(const PreparedOp& op, ThreadPool* pool) {
  std::vector<Value> values;
  for (const Tensor& t : op.inputs) values.push_back(Value{t, nullptr});
  std::vector<const Value*> pointers;
  for (const Value& v : values) pointers.push_back(&v);
  std::vector<Value> outputs(op.num_outputs);
  ResourceManager resources;
  KernelContext ctx(op.runner->node(), pointers, &outputs, pool, &resources, nullptr);
  return op.kernel->Compute(ctx);
}

// Creates the kernel; an error aborts the benchmark with a message.
bool Prepare(PreparedOp& op, KernelVariant variant, benchmark::State& state) {
  auto kernel = op.runner->Create(op.inputs, variant);
  if (!kernel.ok()) {
    state.SkipWithError(std::string(kernel.status().message()).c_str());
    return false;
  }
  op.kernel = *std::move(kernel);
  std::vector<TensorShape> shapes;
  for (const Tensor& t : op.inputs) shapes.push_back(t.shape());
  op.flops = op.kernel->Flops(shapes);
  return true;
}

// Times `ops` run in sequence per iteration on a pool of `threads` and reports the mean and
// best ms, and GFLOP/s and % of the FMA peak (for that many threads) of the best run.
void TimeOps(benchmark::State& state, const std::vector<PreparedOp*>& ops, int threads,
             int64_t flops) {
  ThreadPool pool(threads);
  for (PreparedOp* op : ops) {  // warm-up: primitive creation, first-touch of outputs
    absl::Status s = RunKernel(*op, &pool);
    if (!s.ok()) {
      state.SkipWithError(std::string(s.message()).c_str());
      return;
    }
  }
  double seconds = 0, best = 1e30;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    for (PreparedOp* op : ops) (void)RunKernel(*op, &pool);
    const double t =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    seconds += t;
    best = std::min(best, t);
  }
  state.counters["ms"] = seconds / std::max<int64_t>(state.iterations(), 1) * 1e3;
  state.counters["best_ms"] = best * 1e3;
  if (flops > 0) {  // rates from the best run, like the peak they are compared with
    const double gflops = flops / best / 1e9;
    state.counters["GFLOP/s"] = gflops;
    const double peak = g_peak_gflops[std::min(threads, 2)];
    if (peak > 0) state.counters["%peak"] = 100.0 * gflops / peak;
  }
}

// ---- op builders ----------------------------------------------------------------------

struct ConvShape {
  std::string name;
  int64_t h, w, in_c, k, out_c, stride = 1, dilation = 1;
  std::string padding = "SAME";
  int64_t pad = 0;  // EXPLICIT padding on every side (SSD's "pad 1" before a VALID conv)
  bool relu = true;
  bool depthwise = false;  // out_c is then the multiplier
};

std::unique_ptr<PreparedOp> MakeConv(const ConvShape& s, int64_t batch, bool fused) {
  auto op = std::make_unique<PreparedOp>();
  const bool dw = s.depthwise;
  std::string type = dw ? "DepthwiseConv2dNative" : "Conv2D";
  if (fused) type = "_Fused" + type;
  op->runner = std::make_unique<OpRunner>(type, s.name);
  OpRunner& r = *op->runner;
  r.Attr("T", tensorflow::DT_FLOAT)
      .Attr("strides", std::vector<int64_t>{1, s.stride, s.stride, 1})
      .Attr("dilations", std::vector<int64_t>{1, s.dilation, s.dilation, 1})
      .Attr("padding", s.pad > 0 ? std::string("EXPLICIT") : s.padding);
  if (s.pad > 0) {
    r.Attr("explicit_paddings", std::vector<int64_t>{0, 0, s.pad, s.pad, s.pad, s.pad, 0, 0});
  }
  op->inputs = {
      RandomTensor(tensorflow::DT_FLOAT, TensorShape({batch, s.h, s.w, s.in_c}), 1),
      RandomTensor(tensorflow::DT_FLOAT, TensorShape({s.k, s.k, s.in_c, s.out_c}), 2, -0.1, 0.1)};
  r.ConstantInput(1);
  if (fused) {
    std::vector<std::string> ops = {"BiasAdd"};
    if (s.relu) ops.push_back("Relu");
    r.Attr("fused_ops", ops).Attr("num_args", 1).ConstantInput(2);
    const int64_t out_c = dw ? s.in_c * s.out_c : s.out_c;
    op->inputs.push_back(RandomTensor(tensorflow::DT_FLOAT, TensorShape({out_c}), 3));
  }
  return op;
}

void BM_Conv(benchmark::State& state, ConvShape shape, int64_t batch, bool fused,
             KernelVariant variant, int threads) {
  auto op = MakeConv(shape, batch, fused);
  if (!Prepare(*op, variant, state)) return;
  TimeOps(state, {op.get()}, threads, op->flops);
}

// Keras Conv2DTranspose (3x3, stride 2, SAME): out_backprop [1, h, w, in_c] -> [1, 2h, 2w,
// out_c], weights packed, input_sizes a runtime value as Keras writes it.
void BM_ConvTranspose(benchmark::State& state, int64_t h, int64_t w, int64_t in_c, int64_t out_c,
                      KernelVariant variant) {
  PreparedOp op;
  op.runner = std::make_unique<OpRunner>("Conv2DBackpropInput");
  op.runner->Attr("T", tensorflow::DT_FLOAT)
      .Attr("strides", std::vector<int64_t>{1, 2, 2, 1})
      .Attr("padding", "SAME")
      .ConstantInput(1);
  const std::vector<int32_t> sizes = {1, static_cast<int32_t>(2 * h), static_cast<int32_t>(2 * w),
                                      static_cast<int32_t>(out_c)};
  op.inputs = {Tensor::FromVector<int32_t>(sizes, TensorShape({4})),
               RandomTensor(tensorflow::DT_FLOAT, TensorShape({3, 3, out_c, in_c}), 2, -0.1, 0.1),
               RandomTensor(tensorflow::DT_FLOAT, TensorShape({1, h, w, in_c}), 1)};
  if (!Prepare(op, variant, state)) return;
  TimeOps(state, {&op}, 2, op.flops);
}

// Conv3D (3x3x3, SAME, weights packed) on a video-model-sized clip [1, 8, 28, 28, 32] -> 64.
void BM_Conv3D(benchmark::State& state, KernelVariant variant) {
  PreparedOp op;
  op.runner = std::make_unique<OpRunner>("Conv3D");
  op.runner->Attr("T", tensorflow::DT_FLOAT)
      .Attr("strides", std::vector<int64_t>{1, 1, 1, 1, 1})
      .Attr("padding", "SAME")
      .ConstantInput(1);
  op.inputs = {RandomTensor(tensorflow::DT_FLOAT, TensorShape({1, 8, 28, 28, 32}), 1),
               RandomTensor(tensorflow::DT_FLOAT, TensorShape({3, 3, 3, 32, 64}), 2, -0.1, 0.1)};
  if (!Prepare(op, variant, state)) return;
  TimeOps(state, {&op}, 2, op.flops);
}

// Einsum as Keras MultiHeadAttention writes it (BERT-base sizes, one sequence of 128): the
// query projection (weights constant) and the attention scores.
void BM_Einsum(benchmark::State& state, std::string equation, std::vector<int64_t> a,
               std::vector<int64_t> b, KernelVariant variant) {
  PreparedOp op;
  op.runner = std::make_unique<OpRunner>("Einsum");
  op.runner->Attr("T", tensorflow::DT_FLOAT).Attr("N", 2).Attr("equation", equation);
  op.inputs = {RandomTensor(tensorflow::DT_FLOAT, TensorShape(a), 1),
               RandomTensor(tensorflow::DT_FLOAT, TensorShape(b), 2)};
  if (!Prepare(op, variant, state)) return;
  TimeOps(state, {&op}, 2, op.flops);
}

std::unique_ptr<PreparedOp> MakeMatMul(int64_t m, int64_t k, int64_t n, bool batch,
                                       bool fused = false) {
  auto op = std::make_unique<PreparedOp>();
  op->runner = std::make_unique<OpRunner>(batch   ? "BatchMatMulV2"
                                          : fused ? "_FusedMatMul"
                                                  : "MatMul");
  op->runner->Attr("T", tensorflow::DT_FLOAT);
  if (batch) {  // attention-like: [8, m, k] x [8, k, n]
    op->inputs = {RandomTensor(tensorflow::DT_FLOAT, TensorShape({8, m, k}), 1),
                  RandomTensor(tensorflow::DT_FLOAT, TensorShape({8, k, n}), 2)};
  } else {
    op->inputs = {RandomTensor(tensorflow::DT_FLOAT, TensorShape({m, k}), 1),
                  RandomTensor(tensorflow::DT_FLOAT, TensorShape({k, n}), 2)};
    op->runner->ConstantInput(1);
  }
  if (fused) {  // a dense layer: bias + ReLU
    op->runner->Attr("fused_ops", std::vector<std::string>{"BiasAdd", "Relu"});
    op->runner->Attr("num_args", 1).ConstantInput(2);
    op->inputs.push_back(RandomTensor(tensorflow::DT_FLOAT, TensorShape({n}), 3));
  }
  return op;
}

void BM_MatMul(benchmark::State& state, int64_t m, int64_t k, int64_t n, bool batch,
               KernelVariant variant, bool fused = false) {
  auto op = MakeMatMul(m, k, n, batch, fused);
  if (!Prepare(*op, variant, state)) return;
  TimeOps(state, {op.get()}, 2, op->flops);
}

void BM_Pool(benchmark::State& state, std::string type, int64_t size, int64_t channels,
             int64_t window, int64_t stride, KernelVariant variant) {
  PreparedOp op;
  op.runner = std::make_unique<OpRunner>(type);
  op.runner->Attr("T", tensorflow::DT_FLOAT)
      .Attr("ksize", std::vector<int64_t>{1, window, window, 1})
      .Attr("strides", std::vector<int64_t>{1, stride, stride, 1})
      .Attr("padding", "SAME");
  op.inputs = {RandomTensor(tensorflow::DT_FLOAT, TensorShape({1, size, size, channels}), 1)};
  if (!Prepare(op, variant, state)) return;
  TimeOps(state, {&op}, 2, 0);
  state.SetBytesProcessed(state.iterations() * op.inputs[0].TotalBytes());
}

void BM_ChannelAffine(benchmark::State& state, bool batch_norm) {
  PreparedOp op;
  const int64_t c = 64;
  op.runner = std::make_unique<OpRunner>(batch_norm ? "FusedBatchNormV3" : "BiasAdd");
  op.runner->Attr("T", tensorflow::DT_FLOAT);
  op.inputs = {RandomTensor(tensorflow::DT_FLOAT, TensorShape({1, 150, 150, c}), 1)};
  for (int i = 0; i < (batch_norm ? 4 : 1); ++i) {
    op.inputs.push_back(RandomTensor(tensorflow::DT_FLOAT, TensorShape({c}), 2 + i, 0.5, 1.5));
    op.runner->ConstantInput(1 + i);
  }
  if (batch_norm) {
    op.runner->Attr("is_training", false).Attr("U", tensorflow::DT_FLOAT);
    op.num_outputs = 6;
  }
  if (!Prepare(op, KernelVariant::kOptimized, state)) return;
  TimeOps(state, {&op}, 2, 0);
  state.SetBytesProcessed(state.iterations() * op.inputs[0].TotalBytes() * 2);
}

// ---- SSD300-VGG16 -----------------------------------------------------------------------

std::vector<ConvShape> Ssd300Convs() {
  std::vector<ConvShape> l = {
      {"conv1_1", 300, 300, 3, 3, 64},
      {"conv1_2", 300, 300, 64, 3, 64},
      {"conv2_1", 150, 150, 64, 3, 128},
      {"conv2_2", 150, 150, 128, 3, 128},
      {"conv3_1", 75, 75, 128, 3, 256},
      {"conv3_2", 75, 75, 256, 3, 256},
      {"conv3_3", 75, 75, 256, 3, 256},
      {"conv4_1", 38, 38, 256, 3, 512},
      {"conv4_2", 38, 38, 512, 3, 512},
      {"conv4_3", 38, 38, 512, 3, 512},
      {"conv5_1", 19, 19, 512, 3, 512},
      {"conv5_2", 19, 19, 512, 3, 512},
      {"conv5_3", 19, 19, 512, 3, 512},
      {"conv6", 19, 19, 512, 3, 1024, 1, 6},
      {"conv7", 19, 19, 1024, 1, 1024},
      {"block8_1x1", 19, 19, 1024, 1, 256},
      {"block8_3x3", 19, 19, 256, 3, 512, 2, 1, "VALID", 1},
      {"block9_1x1", 10, 10, 512, 1, 128},
      {"block9_3x3", 10, 10, 128, 3, 256, 2, 1, "VALID", 1},
      {"block10_1x1", 5, 5, 256, 1, 128},
      {"block10_3x3", 5, 5, 128, 3, 256, 1, 1, "VALID"},
      {"block11_1x1", 3, 3, 256, 1, 128},
      {"block11_3x3", 3, 3, 128, 3, 256, 1, 1, "VALID"},
  };
  // Box heads: 3x3 convs (no ReLU) giving anchors x 4 locations and anchors x 21 classes.
  struct Head {
    const char* name;
    int64_t size, channels, anchors;
  };
  for (const Head& h :
       {Head{"block4", 38, 512, 4}, Head{"block7", 19, 1024, 6}, Head{"block8", 10, 512, 6},
        Head{"block9", 5, 256, 6}, Head{"block10", 3, 256, 4}, Head{"block11", 1, 256, 4}}) {
    for (int64_t per_anchor : {4, 21}) {
      ConvShape s{absl::StrCat(h.name, per_anchor == 4 ? "_loc" : "_cls"),
                  h.size,
                  h.size,
                  h.channels,
                  3,
                  h.anchors * per_anchor};
      s.relu = false;
      l.push_back(s);
    }
  }
  return l;
}

void BM_Ssd300All(benchmark::State& state, int threads, bool winograd) {
  const WinogradPolicy was = GetWinogradPolicy();
  SetWinogradPolicy(winograd ? WinogradPolicy::kAll : WinogradPolicy::kNone);
  std::vector<std::unique_ptr<PreparedOp>> ops;
  std::vector<PreparedOp*> raw;
  int64_t flops = 0;
  for (const ConvShape& s : Ssd300Convs()) {
    ops.push_back(MakeConv(s, 1, /*fused=*/true));
    if (!Prepare(*ops.back(), KernelVariant::kOptimized, state)) break;
    raw.push_back(ops.back().get());
    flops += ops.back()->flops;
  }
  if (raw.size() == ops.size()) TimeOps(state, raw, threads, flops);
  SetWinogradPolicy(was);
  state.counters["GFLOP"] = flops / 1e9;
}

// ---- SSD300's banded Winograd convolutions ----------------------------------------------
// One band of a _BandedChain conv stage (cpu/banded_chain_onednn.cc): input [1, IC/16,
// rows + 2, w, 16] (the rows' halo included), SAME padding along columns, bias + ReLU,
// 2 and 1 threads. Ours (cpu/winograd_f43.h), oneDNN's Winograd as the serving path builds it
// (onednn::kWinogradPropKind: weights transformed per call) and oneDNN's direct convolution.
// GFLOP/s count the direct convolution's flops; "scratch_MB" is the scratch each needs.
enum class BandImpl { kOurs, kOneDnnWinograd, kOneDnnDirect };

void BM_WinogradBand(benchmark::State& state, int64_t rows, int64_t w, int64_t ic, int64_t oc,
                     BandImpl impl, int threads) {
  if (!HasAvx512()) {
    state.SkipWithError("needs AVX-512");
    return;
  }
  const Tensor src =
      RandomTensor(tensorflow::DT_FLOAT, TensorShape({1, ic / 16, rows + 2, w, 16}), 1, 0, 1);
  const Tensor filter =
      RandomTensor(tensorflow::DT_FLOAT, TensorShape({3, 3, ic, oc}), 2, -0.1, 0.1);
  const Tensor bias = RandomTensor(tensorflow::DT_FLOAT, TensorShape({oc}), 3);
  Tensor dst(tensorflow::DT_FLOAT, TensorShape({1, oc / 16, rows, w, 16}));
  std::function<void()> run;
  size_t scratch_bytes = 0;
  std::unique_ptr<WinogradF43Conv> ours;
  std::shared_ptr<TensorBuffer> scratch;
  std::optional<dnnl::convolution_forward::primitive_desc> pd;
  std::optional<dnnl::convolution_forward> primitive;
  std::shared_ptr<TensorBuffer> weights;
  const WinogradF43Conv::Band band{1, rows + 2, w, 1, 1};
  if (impl == BandImpl::kOurs) {
    auto created = WinogradF43Conv::Create(filter, &bias, Activation::kRelu);
    if (!created.ok()) {
      state.SkipWithError(std::string(created.status().message()).c_str());
      return;
    }
    ours = *std::move(created);
    scratch_bytes = ours->ScratchBytes(band, threads);
    scratch = AllocateBufferForOverwrite(scratch_bytes);
    run = [&] { ours->Run(band, src.data<float>(), dst.data<float>(), scratch->data(), threads); };
  } else {
    using Tag = dnnl::memory::format_tag;
    constexpr auto kF32 = dnnl::memory::data_type::f32;
    const bool wino = impl == BandImpl::kOneDnnWinograd;
    omp_set_num_threads(threads);
    dnnl::post_ops post_ops;
    onednn::AppendActivation(Activation::kRelu, 0, &post_ops);
    const dnnl::memory::desc src_md({1, ic, rows + 2, w}, kF32, Tag::nChw16c);
    const dnnl::memory::desc dst_md({1, oc, rows, w}, kF32, Tag::nChw16c);
    const dnnl::memory::desc weights_md = wino ? onednn::WinogradWeightsDesc(oc, ic, 3, 3)
                                               : dnnl::memory::desc({oc, ic, 3, 3}, kF32, Tag::any);
    dnnl::convolution_forward::desc desc(
        wino ? onednn::kWinogradPropKind : dnnl::prop_kind::forward_inference,
        wino ? dnnl::algorithm::convolution_winograd : dnnl::algorithm::convolution_direct, src_md,
        weights_md, dnnl::memory::desc({oc}, kF32, Tag::x), dst_md, {1, 1}, {0, 0}, {0, 1}, {0, 1});
    pd.emplace(desc, onednn::MakeAttr(post_ops), onednn::CpuEngine());
    primitive.emplace(*pd);
    scratch_bytes = pd->scratchpad_desc().get_size();
    scratch = AllocateBufferForOverwrite(std::max<size_t>(scratch_bytes, 1));
    weights = AllocateBufferForOverwrite(pd->weights_desc().get_size());
    std::memset(weights->data(), 0, pd->weights_desc().get_size());
    state.SetLabel(pd->impl_info_str());
    run = [&] {
      dnnl::stream& stream = onednn::ThreadStream();
      primitive->execute(
          stream, {{DNNL_ARG_SRC, onednn::Wrap(pd->src_desc(), src.data<float>())},
                   {DNNL_ARG_WEIGHTS, onednn::Wrap(pd->weights_desc(), weights->data())},
                   {DNNL_ARG_BIAS, onednn::Wrap(pd->bias_desc(), bias.data<float>())},
                   {DNNL_ARG_DST, onednn::Wrap(pd->dst_desc(), dst.data<float>())},
                   {DNNL_ARG_SCRATCHPAD, onednn::Wrap(pd->scratchpad_desc(), scratch->data())}});
      stream.wait();
    };
  }
  run();  // warm-up
  double seconds = 0, best = 1e30;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    run();
    const double t =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    seconds += t;
    best = std::min(best, t);
  }
  const double flops = 2.0 * 9 * ic * oc * rows * w;
  state.counters["ms"] = seconds / std::max<int64_t>(state.iterations(), 1) * 1e3;
  state.counters["best_ms"] = best * 1e3;
  state.counters["GFLOP/s"] = flops / best / 1e9;
  const double peak = g_peak_gflops[std::min(threads, 2)];  // Winograd can pass 100%
  if (peak > 0) state.counters["%peak"] = 100.0 * flops / best / 1e9 / peak;
  state.counters["scratch_MB"] = scratch_bytes / 1e6;
}

void RegisterAll() {
  constexpr auto kRef = KernelVariant::kReference;
  constexpr auto kOpt = KernelVariant::kOptimized;
  auto both = [](const std::string& name, auto fn) {
    for (auto v : {KernelVariant::kReference, KernelVariant::kOptimized}) {
      benchmark::RegisterBenchmark((name + (v == kRef ? "/reference" : "/optimized")).c_str(),
                                   [fn, v](benchmark::State& s) { fn(s, v); })
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
  };
  // Generic shapes (2 threads), reference and optimized.
  const ConvShape conv{"conv", 56, 56, 64, 3, 64};
  both("Conv2D/56x56x64->64_3x3",
       [conv](benchmark::State& s, KernelVariant v) { BM_Conv(s, conv, 1, false, v, 2); });
  ConvShape dw{"dw", 112, 112, 32, 3, 1};
  dw.depthwise = true;
  both("DepthwiseConv2dNative/112x112x32_3x3",
       [dw](benchmark::State& s, KernelVariant v) { BM_Conv(s, dw, 1, false, v, 2); });
  ConvShape dw2{"dw2", 28, 28, 256, 3, 2, 2};
  dw2.depthwise = true;
  both("DepthwiseConv2dNative/28x28x256_3x3_s2_mult2",
       [dw2](benchmark::State& s, KernelVariant v) { BM_Conv(s, dw2, 1, false, v, 2); });
  both("Conv2DBackpropInput/32x32x256->64x64x128_3x3_s2",
       [](benchmark::State& s, KernelVariant v) { BM_ConvTranspose(s, 32, 32, 256, 128, v); });
  both("Conv3D/8x28x28x32->64_3x3x3", BM_Conv3D);
  both("Einsum/abc,cde->abde_128x768x12x64", [](benchmark::State& s, KernelVariant v) {
    BM_Einsum(s, "abc,cde->abde", {1, 128, 768}, {768, 12, 64}, v);
  });
  both("Einsum/aecd,abcd->acbe_128x12x64", [](benchmark::State& s, KernelVariant v) {
    BM_Einsum(s, "aecd,abcd->acbe", {1, 128, 12, 64}, {1, 128, 12, 64}, v);
  });
  both("MatMul/1x1024x1000",
       [](benchmark::State& s, KernelVariant v) { BM_MatMul(s, 1, 1024, 1000, false, v); });
  both("MatMul/128x512x512",
       [](benchmark::State& s, KernelVariant v) { BM_MatMul(s, 128, 512, 512, false, v); });
  both("_FusedMatMul/1x1024x1000_BiasAdd_Relu",
       [](benchmark::State& s, KernelVariant v) { BM_MatMul(s, 1, 1024, 1000, false, v, true); });
  both("BatchMatMulV2/8x128x64x128",
       [](benchmark::State& s, KernelVariant v) { BM_MatMul(s, 128, 64, 128, true, v); });
  both("MaxPool/150x150x64_2x2_s2",
       [](benchmark::State& s, KernelVariant v) { BM_Pool(s, "MaxPool", 150, 64, 2, 2, v); });
  both("AvgPool/19x19x512_3x3_s1",
       [](benchmark::State& s, KernelVariant v) { BM_Pool(s, "AvgPool", 19, 512, 3, 1, v); });
  benchmark::RegisterBenchmark("BiasAdd/150x150x64", [](benchmark::State& s) {
    BM_ChannelAffine(s, false);
  })->UseRealTime();
  benchmark::RegisterBenchmark("FusedBatchNormV3/150x150x64", [](benchmark::State& s) {
    BM_ChannelAffine(s, true);
  })->UseRealTime();
  // SSD300-VGG16: every conv (+bias+ReLU fused, weights packed) at batch 1, 2 threads.
  for (const ConvShape& shape : Ssd300Convs()) {
    benchmark::RegisterBenchmark(
        ("Ssd300/" + shape.name).c_str(),
        [shape](benchmark::State& s) { BM_Conv(s, shape, 1, true, kOpt, 2); })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  // SSD300's Winograd band shapes (the _BandedChain stages of blocks 1-3).
  struct BandShape {
    const char* name;
    int64_t rows, w, ic, oc;
  };
  for (const BandShape& b :
       {BandShape{"64->64_16x300", 16, 300, 64, 64}, BandShape{"64->128_20x150", 20, 150, 64, 128},
        BandShape{"128->128_20x150", 20, 150, 128, 128},
        BandShape{"128->256_28x75", 28, 75, 128, 256},
        BandShape{"256->256_28x75", 28, 75, 256, 256}}) {
    for (int threads : {2, 1}) {
      for (auto [impl, suffix] :
           {std::pair{BandImpl::kOurs, "ours"}, std::pair{BandImpl::kOneDnnWinograd, "onednn_wino"},
            std::pair{BandImpl::kOneDnnDirect, "onednn_direct"}}) {
        benchmark::RegisterBenchmark(
            absl::StrCat("WinogradBand/", b.name, "/", suffix, "/threads:", threads).c_str(),
            [b, impl, threads](benchmark::State& s) {
              BM_WinogradBand(s, b.rows, b.w, b.ic, b.oc, impl, threads);
            })
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
      }
    }
  }
  // All of them in sequence (one image), with Winograd (the default) and direct only.
  for (int threads : {2, 1}) {
    for (bool winograd : {true, false}) {
      std::string name =
          absl::StrCat("Ssd300/all_convs", winograd ? "" : "_direct", "/threads:", threads);
      benchmark::RegisterBenchmark(
          name.c_str(),
          [threads, winograd](benchmark::State& s) { BM_Ssd300All(s, threads, winograd); })
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
  }
}

}  // namespace
}  // namespace savedserve

int main(int argc, char** argv) {
  savedserve::RegisterAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
