// _BandedChain (see banded_chain.h): the stages' parsing, the band arithmetic and the
// reference kernel; the fast one is cpu/banded_chain_onednn.cc.
#include "kernels/ops/banded_chain.h"

#include <algorithm>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/blocked_layout.h"
#include "kernels/registry.h"

namespace savedserve {

absl::StatusOr<std::vector<ChainStage>> ParseChainStages(const KernelConstruction& c) {
  ASSIGN_OR_RETURN(auto serialized, c.GetAttr<std::vector<std::string>>(kStagesAttr));
  ASSIGN_OR_RETURN(auto counts, c.GetAttr<std::vector<int64_t>>(kStageInputsAttr));
  if (serialized.empty() || serialized.size() != counts.size()) {
    return c.Error(absl::StrCat("needs as many ", kStagesAttr, " as ", kStageInputsAttr,
                                " (at least one)"));
  }
  std::vector<ChainStage> stages(serialized.size());
  int next = 1;
  for (size_t s = 0; s < stages.size(); ++s) {
    if (!stages[s].node.ParseFromString(serialized[s])) {
      return c.Error(absl::StrCat("stage ", s, " is not a NodeDef"));
    }
    if (counts[s] < 0 || next + counts[s] > c.num_inputs()) {
      return c.Error(absl::StrCat("stage ", s, " takes more inputs than the node has"));
    }
    stages[s].first_input = next;
    stages[s].num_inputs = static_cast<int>(counts[s]);
    next += stages[s].num_inputs;
  }
  if (next != c.num_inputs()) {
    return c.Error(absl::StrCat("the stages take ", next, " inputs, the node has ",
                                c.num_inputs()));
  }
  return stages;
}

KernelConstruction StageConstruction(const KernelConstruction& c, const ChainStage& stage) {
  std::vector<const Tensor*> constants{nullptr};
  for (int i = 0; i < stage.num_inputs; ++i) {
    constants.push_back(c.constant_input(stage.first_input + i));
  }
  return KernelConstruction(stage.node, std::vector<DataType>(stage.num_inputs + 1, tensorflow::DT_FLOAT),
                            std::vector<PartialShape>(stage.num_inputs + 1), std::move(constants),
                            c.functions());
}

bool LinesFit(const std::vector<StageRows>& stages) {
  for (const StageRows& st : stages) {
    if (st.stride < 1 || st.extent < st.stride) return false;
  }
  return true;
}

LineLayout MakeLineLayout(const std::vector<StageRows>& stages, int64_t last_rows) {
  const int n = static_cast<int>(stages.size());
  LineLayout layout;
  layout.rows.resize(n);
  layout.lag.resize(n);
  layout.kept.resize(n);
  int64_t r = last_rows;
  for (int s = n; s-- > 0;) {
    layout.rows[s] = r;
    layout.kept[s] = stages[s].extent - stages[s].stride;
    r *= stages[s].stride;
  }
  // The smallest lag of the last stage making every stage's lag >= 0 (lags grow with it):
  // lag[s - 1] = lag[s] * stride + pad_top - kept[s].
  for (int64_t c = 0;; ++c) {
    int64_t lag = c;
    bool ok = true;
    for (int s = n - 1; s >= 0; --s) {
      layout.lag[s] = lag;
      ok = ok && lag >= 0;
      lag = lag * stages[s].stride + stages[s].pad_top - layout.kept[s];
    }
    if (ok) break;
  }
  // The chain's input rows stage 0 reads: (start - lag) * stride - pad_top on.
  layout.in_rows = layout.InRows(stages, 0);
  layout.in_start_0 = -layout.lag[0] * stages[0].stride - stages[0].pad_top;
  layout.in_step = layout.rows[0] * stages[0].stride;
  const int64_t out_h = stages.back().out_h;
  layout.bands = (out_h + layout.lag.back() + last_rows - 1) / last_rows;
  return layout;
}

LineLayout ChooseLines(const std::vector<StageRows>& stages, int64_t band_bytes) {
  // Bytes of one band's new rows of every stage per row of the last stage.
  int64_t per_row = 0, rows_per_last = 1;
  std::vector<int64_t> scale(stages.size());  // new rows of stage s per row of the last
  for (size_t s = stages.size(); s-- > 0;) {
    scale[s] = rows_per_last;
    per_row += rows_per_last * stages[s].row_bytes;
    rows_per_last *= stages[s].stride;
  }
  const int64_t out_h = stages.back().out_h;
  const int64_t most = std::clamp<int64_t>(band_bytes / std::max<int64_t>(per_row, 1), 1, out_h);
  auto whole = [&](int64_t r) {
    for (size_t s = 0; s < stages.size(); ++s) {
      if ((r * scale[s]) % std::max<int64_t>(stages[s].row_multiple, 1) != 0 ||
          r * scale[s] < stages[s].min_rows) {
        return false;
      }
    }
    return true;
  };
  // The most rows within the budget that suit every stage; else the fewest above it (the
  // stages' efficiency is worth more than the budget); else the most.
  int64_t chosen = most;
  bool found = false;
  for (int64_t r = most; r >= 1 && !found; --r) {
    if (whole(r)) chosen = r, found = true;
  }
  for (int64_t r = most + 1; r <= out_h + 64 && !found; ++r) {
    if (whole(r)) chosen = r, found = true;
  }
  if (!found) return MakeLineLayout(stages, chosen);
  // Bands cover out_h + lag rows of the last stage. Within the budget, or up to twice as
  // tall when above it already, the bands computing the fewest rows in all (rows past the
  // image are waste).
  const int64_t lag = MakeLineLayout(stages, chosen).lag.back();
  auto computed = [&](int64_t r) { return (out_h + lag + r - 1) / r * r; };
  int64_t best = chosen;
  for (int64_t r = chosen + 1; r <= (chosen > most ? 2 * chosen : most); ++r) {
    if (whole(r) && computed(r) < computed(best)) best = r;
  }
  return MakeLineLayout(stages, best);
}

namespace {

// The stages' reference kernels in turn, on NHWC tensors; the chain's blocked input and
// output are converted element by element.
class ReferenceBandedChainKernel final : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(std::vector<ChainStage> stages, ParseChainStages(c));
    std::unique_ptr<ReferenceBandedChainKernel> k(new ReferenceBandedChainKernel());
    for (size_t s = 0; s < stages.size(); ++s) {
      KernelConstruction blocked = StageConstruction(c, stages[s]);
      ASSIGN_OR_RETURN(bool is_blocked, IsBlockedLayout(blocked));
      if (s == 0) k->blocked_input_ = is_blocked;
      stages[s].node.mutable_attr()->erase(kLayoutAttr);
      ASSIGN_OR_RETURN(std::unique_ptr<OpKernel> kernel,
                       KernelRegistry::Global().Create(StageConstruction(c, stages[s]),
                                                       KernelVariant::kReference));
      k->kernels_.push_back(std::move(kernel));
    }
    k->stages_ = std::move(stages);
    return std::unique_ptr<OpKernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor x, ctx.input(0));
    if (x.dtype() != tensorflow::DT_FLOAT) return ctx.Error("input must be float32");
    if (blocked_input_) {
      auto nhwc = NhwcShape(x.shape());
      if (!nhwc.ok()) return ctx.Error(nhwc.status().message());
      Tensor converted = Tensor::ForOverwrite(tensorflow::DT_FLOAT, *nhwc);
      ConvertLayoutReference(x.data<float>(), *nhwc, false, converted.data<float>());
      x = std::move(converted);
    }
    for (size_t s = 0; s < stages_.size(); ++s) {
      std::vector<Value> values{Value{x, nullptr}};
      for (int i = 0; i < stages_[s].num_inputs; ++i) {
        ASSIGN_OR_RETURN(Tensor t, ctx.input(stages_[s].first_input + i));
        values.push_back(Value{std::move(t), nullptr});
      }
      std::vector<const Value*> inputs;
      for (const Value& v : values) inputs.push_back(&v);
      std::vector<Value> outputs(1);
      KernelContext stage_ctx(stages_[s].node, inputs, &outputs, ctx.thread_pool(),
                              ctx.resources(), ctx.functions());
      RETURN_IF_ERROR(kernels_[s]->Compute(stage_ctx));
      x = std::move(outputs[0].tensor);
    }
    if (x.shape().rank() != 4 || x.shape().dim(3) % kChannelBlock != 0) {
      return ctx.Error("the last stage's output must have channels in multiples of 16");
    }
    Tensor* out = ctx.allocate_output_for_overwrite(0, tensorflow::DT_FLOAT, BlockedShape(x.shape()));
    ConvertLayoutReference(x.data<float>(), x.shape(), true, out->data<float>());
    return absl::OkStatus();
  }

 private:
  std::vector<ChainStage> stages_;  // NHWC: _layout removed
  std::vector<std::unique_ptr<OpKernel>> kernels_;
  bool blocked_input_ = false;
};

}  // namespace

SS_REGISTER_KERNEL(kBandedChainOp, kReference, CreateKernel<ReferenceBandedChainKernel>);

}  // namespace savedserve
