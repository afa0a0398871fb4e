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

namespace {

// Rows of stage s's output (and, for s = -1, of the chain's input) a band of `band_rows`
// final rows needs: each stage needs (rows - 1) * stride + extent rows of its input.
std::vector<int64_t> RowsPerStage(const std::vector<StageRows>& stages, int64_t band_rows,
                                  int64_t* in_rows) {
  std::vector<int64_t> rows(stages.size());
  int64_t r = band_rows;
  for (size_t s = stages.size(); s-- > 0;) {
    rows[s] = r;
    r = (r - 1) * stages[s].stride + stages[s].extent;
  }
  *in_rows = r;
  return rows;
}

}  // namespace

int64_t BandLayout::OutStart(const std::vector<StageRows>& stages, int s, int64_t band) const {
  int64_t start = band * band_rows;
  for (int t = static_cast<int>(stages.size()) - 1; t > s; --t) {
    start = start * stages[t].stride - stages[t].pad_top;
  }
  return start;
}

int64_t BandLayout::InStart(const std::vector<StageRows>& stages, int64_t band) const {
  return OutStart(stages, 0, band) * stages[0].stride - stages[0].pad_top;
}

BandLayout ChooseBands(const std::vector<StageRows>& stages, int64_t band_bytes) {
  const int64_t out_h = stages.back().out_h;
  auto fits = [&](int64_t band_rows) {
    int64_t in_rows = 0;
    const std::vector<int64_t> rows = RowsPerStage(stages, band_rows, &in_rows);
    for (size_t s = 0; s < stages.size(); ++s) {
      if (rows[s] * stages[s].row_bytes > band_bytes) return false;
    }
    return true;
  };
  int64_t band_rows = 1;
  while (band_rows < out_h && fits(band_rows + 1)) ++band_rows;
  // Bands of equal size: as few as this band size needs, then as small as that allows.
  const int64_t bands = (out_h + band_rows - 1) / band_rows;
  BandLayout layout;
  layout.band_rows = (out_h + bands - 1) / bands;
  layout.bands = bands;
  layout.out_rows = RowsPerStage(stages, layout.band_rows, &layout.in_rows);
  return layout;
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
