// Load-time rewrites of the graph requests run on, in the spirit of TensorFlow's grappler
// remapper: they change how a result is computed, never what it is.
//
// - FoldPadsIntoConvolutions: Pad (zeros) -> Conv2D / DepthwiseConv2dNative with VALID or
//   EXPLICIT padding becomes one convolution with explicit padding, so the padded copy of
//   the activations is never made.
// - FuseContractionTails: Conv2D / DepthwiseConv2dNative / MatMul -> BiasAdd, or Conv2D /
//   DepthwiseConv2dNative -> inference FusedBatchNorm, each optionally followed by an
//   activation (Relu, Relu6, Elu, LeakyRelu, Tanh, Sigmoid), becomes one _FusedConv2D /
//   _FusedDepthwiseConv2dNative / _FusedMatMul, whose kernels run the tail inside the
//   contraction (see kernels/ops/fused_epilogue.h).
//
// Nodes are rewritten in place and none is removed: a rewritten node keeps its name (so
// fetching it still works) and takes over the work of the nodes before it, which remain for
// any other reader and are otherwise pruned away by Plan. A node is only absorbed when the
// node after it is its sole reader and it is not in `keep` (tensors fetched by signatures),
// so no work is ever done twice.
// Pure functions; safe for concurrent use.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "tensorflow/core/framework/node_def.pb.h"

namespace savedserve {

// Each returns the number of nodes it rewrote.
int FoldPadsIntoConvolutions(const std::set<std::string>& keep,
                             std::vector<tensorflow::NodeDef>* nodes);
int FuseContractionTails(const std::set<std::string>& keep,
                         std::vector<tensorflow::NodeDef>* nodes);

// Both of the above, in that order. `keep`: names of nodes whose outputs must stay as they
// are computed (signature outputs). Returns a summary for the load log.
std::string RewriteForServing(const std::set<std::string>& keep,
                              std::vector<tensorflow::NodeDef>* nodes);

}  // namespace savedserve
