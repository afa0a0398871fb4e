// Depth-first execution of convolution chains: a load-time rewrite of the serving graph,
// after KeepActivationsBlocked (blocked_layout.h). A run of blocked convolutions (the first
// may instead be an NHWC one with fewer than 16 input channels, whose output only feeds a
// _ToNChw16c), optionally ending in a blocked MaxPool, where each stage's output is read only
// by the next stage and is not fetched (readers count only if the kept outputs depend on
// them: nodes earlier passes left behind do not), becomes one _BandedChain node (ops/banded_chain.h)
// computing it band of rows by band, so the activations between the stages are never held
// whole. Chains are only made where an intermediate activation is large (per image at least
// `min_intermediate_bytes`): there they cost memory and cache misses; small ones fit in cache
// anyway. The last stage's node takes the chain's place under its own name; the absorbed
// nodes remain and are pruned by Plan. Shapes come from _output_shapes.
// Pure; safe for concurrent use.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "tensorflow/core/framework/node_def.pb.h"

namespace savedserve {

struct BandedChainOptions {
  int64_t min_intermediate_bytes = 1 << 20;
  int64_t band_bytes = 2 << 20;  // the kernel keeps every stage's band within about this
};

// The options the serving graph uses (LoadedModel); settable for tests. Thread-safe.
BandedChainOptions DefaultBandedChainOptions();
void SetDefaultBandedChainOptions(const BandedChainOptions& options);

// `keep`: nodes whose outputs are fetched by signatures. Returns the number of chains made.
int FuseBandedChains(const std::set<std::string>& keep, const BandedChainOptions& options,
                     std::vector<tensorflow::NodeDef>* nodes);

}  // namespace savedserve
