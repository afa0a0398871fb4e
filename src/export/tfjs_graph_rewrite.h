// Rewrites the ops that only TensorFlow.js knows into standard TensorFlow ops, so a graph that
// tfjs-converter wrote runs in TensorFlow (and savedserve) unchanged otherwise:
//   FusedDepthwiseConv2dNative -> DepthwiseConv2dNative [+ BiasAdd] [+ activation]
//   DepthwiseConv2d            -> DepthwiseConv2dNative (an alias of the converter's)
//   Prelu(x, alpha)            -> Relu(x) + alpha * (x - Relu(x))   (bit-exact)
//   _FusedConv2D / _FusedMatMul whose fused_ops end in Prelu (TF has no fused Prelu) ->
//                                 the same op without it, then the Prelu above.
// TensorFlow's own fused ops (_FusedConv2D, _FusedMatMul with BiasAdd/Relu/Relu6/Elu/
// LeakyRelu/...) are kept as they are. The last node of each replacement keeps the original
// name, so consumers and signatures need no change. Pure functions; safe for concurrent use.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "tensorflow/core/framework/graph.pb.h"

namespace savedserve {

// Rewrites `graph`'s top-level nodes in place. A TF.js-only op inside a library function, or
// a fused op with fused_ops this cannot express, is Unimplemented naming the node.
absl::Status RewriteTfjsOnlyOps(tensorflow::GraphDef* graph);

// The op types RewriteTfjsOnlyOps replaces (sorted).
std::vector<std::string> TfjsOnlyOps();

}  // namespace savedserve
