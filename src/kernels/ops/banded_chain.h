// _BandedChain: a run of convolutions and max pools, computed depth first, one band of
// output rows at a time, so the activations between its stages never exist whole. Every row
// of every stage is computed once: each stage keeps, in a line buffer, the last
// extent - stride rows of its input from the band before and appends its producer's new
// rows (LineLayout below). For SSD300's first blocks this replaces intermediates of 23 MB
// (300x300x64 floats) with buffers of a few MB that stay in cache.
// Made by the serving-graph pass in runtime/banded_chains.h from nodes of the blocked
// layout (ops/blocked_layout.h); internal to savedserve, never in a SavedModel.
//
// Node: input 0 is the chain's input (blocked, or NHWC when the first stage is not blocked);
// then, stage by stage, each stage's inputs after its first (filter, bias). The output is
// blocked. Attributes:
//   _stages        list(string): each stage's NodeDef, serialized (a Conv2D / _FusedConv2D
//                  with BiasAdd and an optional activation, or a MaxPool on blocked input;
//                  every window at least as tall as its stride)
//   _stage_inputs  list(int): how many inputs each stage takes after its first
//   _band_bytes    int: one image's new rows of all stages per band are kept to about this
//                  size where the stages' efficiency allows (ChooseLines; the kernel runs a
//                  batch in groups of a few images and gives a group of N images N times as
//                  many bytes)
//   T              float
//
// The reference kernel runs the stages' reference kernels one after the other on whole NHWC
// tensors. This header also has what both kernels share: the stages' parsing and the band
// arithmetic (pure).
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "kernels/op_kernel.h"
#include "tensorflow/core/framework/node_def.pb.h"

namespace savedserve {

inline constexpr char kBandedChainOp[] = "_BandedChain";
inline constexpr char kStagesAttr[] = "_stages";
inline constexpr char kStageInputsAttr[] = "_stage_inputs";
inline constexpr char kBandBytesAttr[] = "_band_bytes";

// One stage of a chain node, as its attributes describe it.
struct ChainStage {
  tensorflow::NodeDef node;
  int first_input = 0;  // the chain node's input holding the stage's first extra input
  int num_inputs = 0;   // extra inputs: those after the stage's data input
};

// Parses _stages and _stage_inputs and checks them against the node's inputs.
absl::StatusOr<std::vector<ChainStage>> ParseChainStages(const KernelConstruction& c);

// What a stage's kernel sees when created: inputs typed float, the data input's shape
// unknown, the extra inputs' constants taken from the chain node `c`. Borrows `stage.node`.
KernelConstruction StageConstruction(const KernelConstruction& c, const ChainStage& stage);

// One stage's geometry along rows (per image).
struct StageRows {
  int64_t stride = 1;
  int64_t extent = 1;   // (window - 1) * dilation + 1
  int64_t pad_top = 0;  // rows of padding before the first input row
  int64_t out_h = 0;    // output rows of the whole image
  int64_t row_bytes = 0;  // bytes of one output row (all channels)
  int64_t row_multiple = 1;  // new rows per band preferably a multiple of this (Winograd: 4)
  int64_t min_rows = 1;      // and preferably at least this many
};

// How a chain runs with line buffers: every row of every stage is computed once. In band b,
// stage s computes its output rows [b * rows[s] - lag[s], + rows[s]); its input buffer holds
// `kept[s]` = extent - stride rows of its producer's output from band b - 1 followed by the
// producer's rows[s - 1] = stride * rows[s] new rows: (rows[s] - 1) * stride + extent rows,
// exactly its window's rows. lag[s - 1] = lag[s] * stride + pad_top - kept[s], so the rows
// match; every lag is >= 0, so the rows kept "before band 0" all lie above the image
// (padding). The chain's input is read whole, not kept: band b reads `in_rows` rows from
// InStart(b).
struct LineLayout {
  int64_t bands = 0;
  std::vector<int64_t> rows;  // per stage: new output rows per band
  std::vector<int64_t> lag;   // per stage
  std::vector<int64_t> kept;  // per stage: input rows kept from the previous band
  int64_t in_rows = 0;        // rows of the chain's input a band reads
  int64_t in_start_0 = 0;     // the first of them in band 0 (may be negative)
  int64_t in_step = 0;        // and how far they move per band

  // The first row (in stage s's output; may be negative or past the end) of band b.
  int64_t OutStart(int s, int64_t band) const { return band * rows[s] - lag[s]; }
  // Rows of stage s's input buffer: kept[s] + the producer's new rows.
  int64_t InRows(const std::vector<StageRows>& stages, int s) const {
    return (rows[s] - 1) * stages[s].stride + stages[s].extent;
  }
  int64_t InStart(int64_t band) const { return in_start_0 + band * in_step; }
};

// Whether a chain of these stages can run with line buffers: extent >= stride everywhere.
bool LinesFit(const std::vector<StageRows>& stages);

// The line layout with `last_rows` new rows of the last stage per band.
// REQUIRES: LinesFit(stages), last_rows >= 1, every out_h >= 1.
LineLayout MakeLineLayout(const std::vector<StageRows>& stages, int64_t last_rows);

// The tallest bands whose new rows of every stage together fit in `band_bytes` (at least
// one row of the last stage) and are, per stage, multiples of row_multiple and at least
// min_rows; if none fits, the shortest bands above the budget whose rows are. Then, within
// the budget (or up to twice as tall when above it), the bands computing the fewest rows.
// REQUIRES: as MakeLineLayout.
LineLayout ChooseLines(const std::vector<StageRows>& stages, int64_t band_bytes);

}  // namespace savedserve
