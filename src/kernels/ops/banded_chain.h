// _BandedChain: a run of convolutions, optionally ending in a max pool, computed depth
// first, one band of output rows at a time, so the activations between its stages never
// exist whole: each stage keeps only the rows the next one needs for the current band
// (its own rows plus the window's halo). For SSD300's first blocks this replaces
// intermediates of 23 MB (300x300x64 floats) with bands of about 2 MB that stay in cache.
// Made by the serving-graph pass in runtime/banded_chains.h from nodes of the blocked
// layout (ops/blocked_layout.h); internal to savedserve, never in a SavedModel.
//
// Node: input 0 is the chain's input (blocked, or NHWC when the first stage is not blocked);
// then, stage by stage, each stage's inputs after its first (filter, bias). The output is
// blocked. Attributes:
//   _stages        list(string): each stage's NodeDef, serialized (a Conv2D / _FusedConv2D
//                  with BiasAdd and an optional activation, stride 1 along rows; the last
//                  may be a MaxPool)
//   _stage_inputs  list(int): how many inputs each stage takes after its first
//   _band_bytes    int: one image's rows of the largest band of any stage are kept to about
//                  this size (the kernel runs a batch in groups of a few images and gives a
//                  group of N images N times as many bytes per image)
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
};

// How a chain is cut into bands: `band_rows` rows of the last stage's output per band.
struct BandLayout {
  int64_t band_rows = 0;
  int64_t bands = 0;
  std::vector<int64_t> out_rows;  // per stage: output rows a band computes
  int64_t in_rows = 0;            // rows of the chain's input a band reads

  // The first row (in stage s's output; may be negative or past the end) of band b, and
  // of the chain's input for band b.
  int64_t OutStart(const std::vector<StageRows>& stages, int s, int64_t band) const;
  int64_t InStart(const std::vector<StageRows>& stages, int64_t band) const;
};

// The largest band whose rows of every stage output fit in `band_bytes` (at least one row).
// REQUIRES: stages non-empty, every out_h >= 1.
BandLayout ChooseBands(const std::vector<StageRows>& stages, int64_t band_bytes);

}  // namespace savedserve
