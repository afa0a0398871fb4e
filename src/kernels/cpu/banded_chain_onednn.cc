// The _BandedChain kernel (ops/banded_chain.h) on oneDNN: every stage is one primitive
// created for a band's shape (a group of up to kMaxImagesPerBand images, the band's rows,
// the full width), so all bands reuse it. A band is computed stage by stage:
//   1. the chain's input rows it needs are copied into a band buffer, rows outside the
//      image zeroed (what the first stage's padding would read);
//   2. each stage runs without padding along rows (the band buffers hold the halo), with
//      its own padding along columns;
//   3. output rows of a stage that lie outside the image are overwritten with what the next
//      stage's padding stands for: zero before a convolution, the lowest float before a max
//      pool (TF's max pool ignores padding);
//   4. the last stage's rows inside the image are copied into the output.
// A first stage whose input is NHWC (too few channels to block, e.g. 3 colour channels)
// reads an NCHW band, which oneDNN's JIT convolution takes directly into a blocked output.
// Weights are packed once, as in conv2d_onednn.cc, for the stages oneDNN runs.
//
// Winograd: a stage for which WinogradPays (conv2d_onednn.h) runs as our own Winograd
// F(4x4, 3x3) (winograd_f43.h) when it can (blocked input, channels in multiples of 16,
// column padding 0 or 1, a fused activation it has, AVX-512), else as oneDNN's. Ours shares
// the filter (made on the stage's first Winograd plan; oneDNN then packs no copy) and needs
// 0.8 MB of scratch per thread whatever the band, where oneDNN's Winograd books 8-26 MB per
// running stage on SSD300's bands (its transformed weights, input and output for the whole
// band); ours is also faster there (numbers in conv2d_onednn.h).
#include <omp.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "base/status.h"
#include "kernels/cpu/conv2d_onednn.h"
#include "kernels/cpu/onednn_util.h"
#include "kernels/cpu/winograd_f43.h"
#include "kernels/ops/banded_chain.h"
#include "kernels/ops/blocked_layout.h"
#include "kernels/ops/conv2d.h"
#include "kernels/ops/pooling.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

using dnnl::memory;
using Tag = dnnl::memory::format_tag;
constexpr auto kF32 = dnnl::memory::data_type::f32;

// A batch runs in groups of at most this many images, each group's band buffers holding
// every image's rows in bands as tall as one image's alone would be times the group's size.
// SSD300 batch 8 on 2 cores, measured in alternation: per image 1.09-1.16x batch 1's with
// groups of 4, 0.98-1.11x with one image's band height for the whole batch. Groups bound the
// band buffers (and the primitives and weight formats oneDNN picks per batch size) for any
// batch; a server batching 8 clients into batches of 4 peaks at 1.22 GB, against 0.66 GB
// with one image's band height.
constexpr int64_t kMaxImagesPerBand = 4;

class BandedChainKernel final : public OpKernel, public onednn::Introspectable {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c);

  absl::Status Compute(KernelContext& ctx) const override;

  int64_t Flops(const std::vector<TensorShape>& shapes) const override {
    if (shapes.empty()) return 0;
    auto input = LogicalShape(shapes[0], blocked_input_);
    return input.ok() ? LogicalFlops(*input) : 0;
  }

  absl::StatusOr<std::string> Implementation(const std::vector<TensorShape>& inputs,
                                             int threads) const override {
    if (inputs.empty()) return absl::InvalidArgumentError("need the input shape");
    ASSIGN_OR_RETURN(TensorShape input, LogicalShape(inputs[0], blocked_input_));
    ASSIGN_OR_RETURN(auto plan, GetPlan(input, threads));
    std::vector<std::string> impls;
    for (const StagePlan& stage : plan->stages) impls.push_back(stage.impl);
    return absl::StrJoin(impls, " | ");
  }

 private:
  struct Stage {
    tensorflow::NodeDef node;
    bool pool = false;
    ConvSpec conv;
    PoolSpec pool_spec;
    TensorShape filter_shape;                         // convolutions
    std::unique_ptr<onednn::PackedWeights> weights;   // convolutions
    std::optional<Tensor> bias;                       // convolutions with BiasAdd
    // Our Winograd, for a convolution on blocked input: made by the first plan in which the
    // stage's WinogradPays (sharing the filter `weights` holds), so stages that never use it
    // cost nothing; WinogradF43Conv::Create says whether it can run the stage. Null for
    // other stages.
    struct OwnWinograd {
      absl::Mutex mu;
      bool tried ABSL_GUARDED_BY(mu) = false;
      std::unique_ptr<WinogradF43Conv> conv ABSL_GUARDED_BY(mu);
    };
    std::unique_ptr<OwnWinograd> winograd;
  };

  struct StagePlan {
    WindowGeometry geometry;  // whole images, the group's batch
    std::optional<dnnl::convolution_forward::primitive_desc> conv_pd;
    std::optional<dnnl::pooling_forward::primitive_desc> pool_pd;
    std::optional<dnnl::primitive> primitive;
    const WinogradF43Conv* winograd = nullptr;  // runs the stage instead of a primitive
    const void* weights = nullptr;
    std::string impl;
    float mask = 0;  // what this stage's rows outside the image hold for the next stage
  };

  struct Plan {
    std::vector<StagePlan> stages;
    std::vector<StageRows> rows;
    BandLayout bands;
  };

  BandedChainKernel(std::vector<Stage> stages, bool blocked_input, int64_t band_bytes)
      : stages_(std::move(stages)), blocked_input_(blocked_input), band_bytes_(band_bytes) {}

  // 2 * multiply-adds of the convolutions for an NHWC input of shape `input`.
  int64_t LogicalFlops(const TensorShape& input) const {
    auto geometries = Geometries(input);
    if (!geometries.ok()) return 0;
    int64_t flops = 0;
    TensorShape stage_input = input;
    for (size_t s = 0; s < stages_.size(); ++s) {
      if (!stages_[s].pool) flops += stages_[s].conv.Flops(stage_input, stages_[s].filter_shape);
      stage_input = (*geometries)[s].output_shape();
    }
    return flops;
  }
  // Each stage's geometry for a chain input of `input` (NHWC, batch as given).
  absl::StatusOr<std::vector<WindowGeometry>> Geometries(const TensorShape& input) const;
  absl::StatusOr<std::shared_ptr<const Plan>> GetPlan(const TensorShape& input,
                                                      int threads) const {
    std::vector<int64_t> key = input.dims();
    key.push_back(threads);
    return plans_.GetOrCreate(key, [&] { return MakePlan(input); });
  }
  absl::StatusOr<std::shared_ptr<const Plan>> MakePlan(const TensorShape& input) const;
  // The stage's own Winograd, made on first call; null where it cannot run the stage (then
  // oneDNN does).
  static const WinogradF43Conv* OwnWinograd(const Stage& stage);

  // Runs images [first_image, first_image + the plan's batch) of `input` into `output`,
  // band by band. Throws dnnl::error.
  void RunGroup(const Tensor& input, const Plan& plan, int64_t first_image,
                Tensor* output) const;
  // Copies the input rows of band `band` of image `n` into `band_input`.
  void CopyInputBand(const Tensor& input, const WindowGeometry& first, const Plan& plan,
                     int64_t n, int64_t band, float* band_input) const;

  const std::vector<Stage> stages_;
  const bool blocked_input_;  // the first stage reads blocked activations (else NHWC)
  const int64_t band_bytes_;
  mutable onednn::PlanCache<Plan> plans_;
};

absl::StatusOr<std::unique_ptr<OpKernel>> BandedChainKernel::Create(const KernelConstruction& c) {
  ASSIGN_OR_RETURN(std::vector<ChainStage> parsed, ParseChainStages(c));
  ASSIGN_OR_RETURN(int64_t band_bytes, c.GetAttrOr<int64_t>(kBandBytesAttr, 2 << 20));
  if (band_bytes <= 0) return c.Error(absl::StrCat(kBandBytesAttr, " must be positive"));
  std::vector<Stage> stages(parsed.size());
  bool blocked_input = true;
  for (size_t s = 0; s < stages.size(); ++s) {
    Stage& stage = stages[s];
    stage.node = parsed[s].node;
    const KernelConstruction sc = StageConstruction(c, parsed[s]);
    const int count = parsed[s].num_inputs;
    ASSIGN_OR_RETURN(bool blocked, IsBlockedLayout(sc));
    if (s == 0) {
      blocked_input = blocked;
    } else if (!blocked) {
      return c.Error(absl::StrCat("stage ", s, " (", stage.node.name(), ") is not blocked"));
    }
    const bool last = s + 1 == stages.size();
    if (stage.node.op() == "MaxPool" && last && s > 0) {
      stage.pool = true;
      ASSIGN_OR_RETURN(stage.pool_spec, PoolSpec::Parse(sc, false));
      continue;
    }
    if (stage.node.op() != "Conv2D" && stage.node.op() != "_FusedConv2D") {
      return c.Error(absl::StrCat("stage ", s, ": ", stage.node.op(), " cannot be banded"));
    }
    ASSIGN_OR_RETURN(stage.conv, ConvSpec::Parse(sc, false));
    const FusedOps& ops = stage.conv.fused_ops;
    const bool bias = stage.conv.fused && ops.affine == FusedOps::Affine::kBiasAdd;
    if (stage.conv.fused && (ops.residual_add || (!bias && ops.affine != FusedOps::Affine::kNone))) {
      return c.Error(absl::StrCat("stage ", s, ": only a BiasAdd and activation can be fused"));
    }
    const Tensor* filter = sc.constant_input(1);
    if (filter == nullptr || filter->dtype() != tensorflow::DT_FLOAT ||
        filter->shape().rank() != 4) {
      return c.Error(absl::StrCat("stage ", s, " needs a constant 4-D float filter"));
    }
    const TensorShape& f = filter->shape();
    stage.filter_shape = f;
    stage.weights = std::make_unique<onednn::PackedWeights>(
        *filter, memory::desc({f.dim(3), f.dim(2), f.dim(0), f.dim(1)}, kF32, Tag::hwio));
    if (bias) {
      const Tensor* b = count >= 2 ? sc.constant_input(2) : nullptr;
      if (b == nullptr || b->dtype() != tensorflow::DT_FLOAT || b->num_elements() != f.dim(3)) {
        return c.Error(absl::StrCat("stage ", s, " needs a constant float bias of ", f.dim(3),
                                    " elements"));
      }
      stage.bias = b->Reshaped(TensorShape({f.dim(3)}));
    }
    if (blocked || s > 0) stage.winograd = std::make_unique<Stage::OwnWinograd>();
  }
  std::unique_ptr<BandedChainKernel> k(
      new BandedChainKernel(std::move(stages), blocked_input, band_bytes));
  // Pack the weights now when the input's shape is known, so the first request does not.
  std::vector<int64_t> in = c.input_shape(0).dims();
  if (blocked_input && in.size() == 5) in = {in[0], in[2], in[3], in[1] * kChannelBlock};
  if (in.size() == 4 && in[1] > 0 && in[2] > 0 && in[3] > 0) {
    const TensorShape probe(
        {std::clamp<int64_t>(in[0], 1, kMaxImagesPerBand), in[1], in[2], in[3]});
    (void)k->GetPlan(probe, onednn::UseThreads(nullptr, k->LogicalFlops(probe)));
  }
  return std::unique_ptr<OpKernel>(std::move(k));
}

absl::StatusOr<std::vector<WindowGeometry>> BandedChainKernel::Geometries(
    const TensorShape& input) const {
  std::vector<WindowGeometry> geometries;
  TensorShape shape = input;
  for (const Stage& stage : stages_) {
    WindowGeometry g;
    if (stage.pool) {
      ASSIGN_OR_RETURN(g, stage.pool_spec.Geometry(shape));
    } else {
      ASSIGN_OR_RETURN(g, stage.conv.Geometry(shape, stage.filter_shape));
    }
    if (g.out_c % kChannelBlock != 0) {
      return absl::InvalidArgumentError("banded stages need output channels in multiples of 16");
    }
    shape = g.output_shape();
    geometries.push_back(g);
  }
  return geometries;
}

absl::StatusOr<std::shared_ptr<const BandedChainKernel::Plan>> BandedChainKernel::MakePlan(
    const TensorShape& input) const {
  if (input.rank() != 4) return absl::InvalidArgumentError("input must be 4-D");
  ASSIGN_OR_RETURN(std::vector<WindowGeometry> geometries, Geometries(input));
  if (blocked_input_ && geometries[0].in_c % kChannelBlock != 0) {
    return absl::InvalidArgumentError("blocked input needs channels in multiples of 16");
  }
  auto plan = std::make_shared<Plan>();
  for (const WindowGeometry& g : geometries) {
    plan->rows.push_back(StageRows{g.stride_h, (g.window_h - 1) * g.dilation_h + 1, g.pad_top,
                                   g.out_h, g.out_w * g.out_c * int64_t{sizeof(float)}});
  }
  // Bands hold the rows of every image of the group, each image's as tall as band_bytes_
  // alone would allow times the group's size (see kMaxImagesPerBand).
  plan->bands = ChooseBands(plan->rows, band_bytes_ * std::max<int64_t>(input.dim(0), 1));
  const BandLayout& bands = plan->bands;
  for (size_t s = 0; s < stages_.size(); ++s) {
    const Stage& stage = stages_[s];
    const WindowGeometry& g = geometries[s];
    StagePlan& sp = plan->stages.emplace_back();
    sp.geometry = g;
    const bool next_is_pool = s + 1 < stages_.size() && stages_[s + 1].pool;
    sp.mask = next_is_pool ? std::numeric_limits<float>::lowest() : 0.0f;
    const int64_t in_rows = s == 0 ? bands.in_rows : bands.out_rows[s - 1];
    const memory::desc src({g.batch, g.in_c, in_rows, g.in_w}, kF32,
                           s == 0 && !blocked_input_ ? Tag::nchw : Tag::nChw16c);
    const memory::desc dst({g.batch, g.out_c, bands.out_rows[s], g.out_w}, kF32, Tag::nChw16c);
    const memory::dims pad_l = {0, g.pad_left}, pad_r = {0, std::max<int64_t>(g.pad_right, 0)};
    if (stage.winograd && WinogradPays(g) && g.pad_left >= 0 && g.pad_left <= 1 &&
        g.pad_right >= 0 && g.pad_right <= 1) {
      sp.winograd = OwnWinograd(stage);
      if (sp.winograd != nullptr) {
        sp.impl = "winograd_f43:avx512 (savedserve)";
        continue;
      }
    }
    RETURN_IF_ERROR(onednn::Guard(stage.node.name(), [&] {
      if (stage.pool) {
        dnnl::pooling_forward::desc desc(dnnl::prop_kind::forward_inference,
                                         dnnl::algorithm::pooling_max, src, dst,
                                         {g.stride_h, g.stride_w}, {g.window_h, g.window_w},
                                         pad_l, pad_r);
        sp.pool_pd.emplace(desc, onednn::MakeAttr(), onednn::CpuEngine());
        sp.primitive = dnnl::pooling_forward(*sp.pool_pd);
        sp.impl = sp.pool_pd->impl_info_str();
        return;
      }
      dnnl::post_ops post_ops;
      if (stage.conv.fused) {
        onednn::AppendActivation(stage.conv.fused_ops.activation,
                                 stage.conv.fused_ops.leakyrelu_alpha, &post_ops);
      }
      const memory::desc bias =
          stage.bias ? memory::desc({g.out_c}, kF32, Tag::x) : memory::desc();
      auto create = [&](dnnl::algorithm algorithm) {
        const bool winograd = algorithm == dnnl::algorithm::convolution_winograd;
        const memory::desc weights =
            winograd ? onednn::WinogradWeightsDesc(g.out_c, g.in_c, g.window_h, g.window_w)
                     : memory::desc({g.out_c, g.in_c, g.window_h, g.window_w}, kF32, Tag::any);
        dnnl::convolution_forward::desc desc(
            winograd ? onednn::kWinogradPropKind : dnnl::prop_kind::forward_inference,
            algorithm, src, weights, bias, dst,
            {g.stride_h, g.stride_w}, {g.dilation_h - 1, g.dilation_w - 1}, pad_l, pad_r);
        sp.conv_pd.emplace(desc, onednn::MakeAttr(post_ops), onednn::CpuEngine());
      };
      const bool winograd = blocked_input_ || s > 0 ? WinogradPays(g) : false;
      try {
        create(winograd ? dnnl::algorithm::convolution_winograd
                        : dnnl::algorithm::convolution_direct);
      } catch (const dnnl::error&) {
        if (!winograd) throw;
        create(dnnl::algorithm::convolution_direct);
      }
      sp.primitive = dnnl::convolution_forward(*sp.conv_pd);
      sp.impl = sp.conv_pd->impl_info_str();
    }));
    if (!stage.pool) {
      ASSIGN_OR_RETURN(sp.weights, stage.weights->Get(sp.conv_pd->weights_desc()));
    }
  }
  return std::shared_ptr<const Plan>(std::move(plan));
}

const WinogradF43Conv* BandedChainKernel::OwnWinograd(const Stage& stage) {
  absl::MutexLock lock(&stage.winograd->mu);
  if (!stage.winograd->tried) {
    stage.winograd->tried = true;
    const FusedOps& ops = stage.conv.fused_ops;
    auto conv = WinogradF43Conv::Create(stage.weights->plain(), stage.bias ? &*stage.bias : nullptr,
                                        stage.conv.fused ? ops.activation : Activation::kNone,
                                        ops.leakyrelu_alpha);
    if (conv.ok()) stage.winograd->conv = *std::move(conv);  // else unsupported: oneDNN's
  }
  return stage.winograd->conv.get();
}

void BandedChainKernel::CopyInputBand(const Tensor& input, const WindowGeometry& first,
                                      const Plan& plan, int64_t n, int64_t band,
                                      float* band_input) const {
  const int64_t rows = plan.bands.in_rows, start = plan.bands.InStart(plan.rows, band);
  const int64_t h = first.in_h, w = first.in_w, c = first.in_c;
  const float* image = input.data<float>() + n * h * w * c;
  if (blocked_input_) {  // [C/16, H, W, 16] -> [C/16, rows, W, 16]
    const int64_t row = w * kChannelBlock;
    for (int64_t cb = 0; cb < c / kChannelBlock; ++cb) {
      for (int64_t r = 0; r < rows; ++r) {
        float* to = band_input + (cb * rows + r) * row;
        const int64_t y = start + r;
        if (y < 0 || y >= h) {
          std::fill(to, to + row, 0.0f);
        } else {
          std::memcpy(to, image + (cb * h + y) * row, row * sizeof(float));
        }
      }
    }
    return;
  }
  for (int64_t r = 0; r < rows; ++r) {  // NHWC [H, W, C] -> NCHW [C, rows, W]
    const int64_t y = start + r;
    for (int64_t ch = 0; ch < c; ++ch) {
      float* to = band_input + (ch * rows + r) * w;
      if (y < 0 || y >= h) {
        std::fill(to, to + w, 0.0f);
        continue;
      }
      const float* from = image + y * w * c + ch;
      for (int64_t x = 0; x < w; ++x) to[x] = from[x * c];
    }
  }
}

absl::Status BandedChainKernel::Compute(KernelContext& ctx) const {
  ASSIGN_OR_RETURN(Tensor input, ctx.input(0));
  if (input.dtype() != tensorflow::DT_FLOAT) return ctx.Error("input must be float32");
  absl::StatusOr<TensorShape> logical = LogicalShape(input.shape(), blocked_input_);
  if (!logical.ok()) return ctx.Error(logical.status().message());
  if (logical->rank() != 4) return ctx.Error("input must be 4-D");
  const int64_t batch = logical->dim(0);
  const int64_t group = std::clamp<int64_t>(batch, 1, kMaxImagesPerBand);
  auto group_shape = [&](int64_t n) {
    return TensorShape({n, logical->dim(1), logical->dim(2), logical->dim(3)});
  };
  const int threads = onednn::UseThreads(ctx.thread_pool(), LogicalFlops(group_shape(group)));
  auto plan_or = GetPlan(group_shape(group), threads);
  if (!plan_or.ok()) return ctx.Error(plan_or.status().message());
  const WindowGeometry& last = (*plan_or)->stages.back().geometry;
  Tensor* output = ctx.allocate_output_for_overwrite(
      0, tensorflow::DT_FLOAT, BlockedShape(TensorShape({batch, last.out_h, last.out_w,
                                                         last.out_c})));
  if (output->num_elements() == 0) return absl::OkStatus();
  std::shared_ptr<const Plan> rest;  // for the images left over after the full groups
  if (batch % group != 0) {
    auto rest_or = GetPlan(group_shape(batch % group), threads);
    if (!rest_or.ok()) return ctx.Error(rest_or.status().message());
    rest = *std::move(rest_or);
  }
  return onednn::Guard(ctx.node().name(), [&] {
    for (int64_t first = 0; first < batch; first += group) {
      RunGroup(input, batch - first >= group ? **plan_or : *rest, first, output);
    }
  });
}

void BandedChainKernel::RunGroup(const Tensor& input, const Plan& plan, int64_t first_image,
                                 Tensor* output) const {
  // Band buffers hold the band's rows of every image of the group: [N, C/16, rows, W, 16]
  // (the first stage's NHWC input as [N, C, rows, W]), so each stage runs once per band.
  const BandLayout& bands = plan.bands;
  const WindowGeometry& first = plan.stages[0].geometry;
  const int64_t batch = first.batch;
  const int64_t image_input = bands.in_rows * first.in_w * first.in_c;
  Tensor band_input =
      Tensor::ForOverwrite(tensorflow::DT_FLOAT, TensorShape({batch, image_input}));
  std::vector<Tensor> band_outputs;
  for (size_t s = 0; s < plan.stages.size(); ++s) {
    const WindowGeometry& g = plan.stages[s].geometry;
    band_outputs.push_back(Tensor::ForOverwrite(
        tensorflow::DT_FLOAT, TensorShape({batch, bands.out_rows[s], g.out_w, g.out_c})));
  }
  dnnl::stream& stream = onednn::ThreadStream();
  for (int64_t b = 0; b < bands.bands; ++b) {
    for (int64_t n = 0; n < batch; ++n) {
      CopyInputBand(input, first, plan, first_image + n, b,
                    band_input.data<float>() + n * image_input);
    }
    for (size_t s = 0; s < plan.stages.size(); ++s) {
      const StagePlan& sp = plan.stages[s];
      const Stage& stage = stages_[s];
      void* src = s == 0 ? band_input.raw_data() : band_outputs[s - 1].raw_data();
      float* dst = band_outputs[s].data<float>();
      if (sp.winograd != nullptr) {
        const WindowGeometry& g = sp.geometry;
        const WinogradF43Conv::Band band{batch, s == 0 ? bands.in_rows : bands.out_rows[s - 1],
                                         g.in_w, g.pad_left, std::max<int64_t>(g.pad_right, 0)};
        const int threads = omp_get_max_threads();  // UseThreads' team size
        std::shared_ptr<TensorBuffer> scratch =
            AllocateBufferForOverwrite(sp.winograd->ScratchBytes(band, threads));
        sp.winograd->Run(band, static_cast<const float*>(src), dst, scratch->data(), threads);
      } else if (sp.pool_pd) {
        onednn::ScratchMemory scratch(*sp.pool_pd);
        sp.primitive->execute(stream,
                              {{DNNL_ARG_SRC, onednn::Wrap(sp.pool_pd->src_desc(), src)},
                               {DNNL_ARG_DST, onednn::Wrap(sp.pool_pd->dst_desc(), dst)},
                               {DNNL_ARG_SCRATCHPAD, scratch.scratchpad()}});
        stream.wait();
      } else {
        onednn::ScratchMemory scratch(*sp.conv_pd);
        std::unordered_map<int, memory> args = {
            {DNNL_ARG_SRC, onednn::Wrap(sp.conv_pd->src_desc(), src)},
            {DNNL_ARG_WEIGHTS, onednn::Wrap(sp.conv_pd->weights_desc(), sp.weights)},
            {DNNL_ARG_DST, onednn::Wrap(sp.conv_pd->dst_desc(), dst)},
            {DNNL_ARG_SCRATCHPAD, scratch.scratchpad()}};
        if (stage.bias) {
          args[DNNL_ARG_BIAS] = onednn::Wrap(sp.conv_pd->bias_desc(), *stage.bias);
        }
        sp.primitive->execute(stream, args);
        stream.wait();
      }
      const WindowGeometry& g = sp.geometry;
      const int64_t rows = bands.out_rows[s], start = bands.OutStart(plan.rows, s, b);
      const int64_t row = g.out_w * kChannelBlock;  // one row of one channel block
      const int64_t blocks = g.out_c / kChannelBlock;
      for (int64_t n = 0; n < batch; ++n) {
        float* image = dst + n * blocks * rows * row;
        if (s + 1 < plan.stages.size()) {  // rows outside the image: the next stage's padding
          for (int64_t r = 0; r < rows; ++r) {
            if (start + r >= 0 && start + r < g.out_h) continue;
            for (int64_t cb = 0; cb < blocks; ++cb) {
              float* to = image + (cb * rows + r) * row;
              std::fill(to, to + row, sp.mask);
            }
          }
          continue;
        }
        // The last stage: its rows inside the image go to the output.
        const int64_t begin = std::max<int64_t>(start, 0);
        const int64_t end = std::min(start + rows, g.out_h);
        if (end <= begin) continue;
        float* out = output->data<float>() + (first_image + n) * blocks * g.out_h * row;
        for (int64_t cb = 0; cb < blocks; ++cb) {
          std::memcpy(out + (cb * g.out_h + begin) * row, image + (cb * rows + begin - start) * row,
                      (end - begin) * row * sizeof(float));
        }
      }
    }
  }
}

}  // namespace

SS_REGISTER_KERNEL(kBandedChainOp, kOptimized, CreateKernel<BandedChainKernel>);

}  // namespace savedserve
