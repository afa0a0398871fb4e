// Keeping convolutions and pools in oneDNN's blocked layout: a load-time rewrite of the
// serving graph, as ONNX Runtime's NCHWc transformer does. Winograd and the AVX-512 JIT
// convolutions work on nChw16c activations (kernels/ops/blocked_layout.h); run on NHWC
// tensors, each such convolution reorders its input and output (for SSD300 about 14 ms of
// memory traffic per image on one core). Here every Conv2D / _FusedConv2D (no fused tail, or
// BiasAdd + activation), MaxPool and AvgPool whose channel counts are multiples of 16 becomes
// "<name>/_nChw16c" with _layout = nChw16c, reading its input blocked: straight from a
// blocked producer, else through one _ToNChw16c per tensor ("<producer>/_to_nChw16c"). The
// node's own name becomes a _FromNChw16c of the blocked result, so every other reader (and
// a fetch) still sees NHWC; conversions nobody reads are pruned by Plan. Shapes come from
// _output_shapes: nodes without them stay as they are.
// Only for the optimized oneDNN kernels on CPUs that run nChw16c natively (the caller
// checks PreferBlockedActivations). Pure; safe for concurrent use.
#pragma once

#include <vector>

#include "tensorflow/core/framework/node_def.pb.h"

namespace savedserve {

// Whether a convolution's fused tail is one the blocked kernel runs inside the primitive:
// none (not a _FusedConv2D), or a BiasAdd with an optional activation.
bool BlockableTail(const tensorflow::NodeDef& node);

// Returns how many nodes now run blocked.
int KeepActivationsBlocked(std::vector<tensorflow::NodeDef>* nodes);

}  // namespace savedserve
