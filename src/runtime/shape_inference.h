// Static output shapes for the serving graph: a load-time pass that writes _output_shapes on
// the nodes that lack it, for the ops the layout passes look at (blocked_layout.h,
// banded_chains.h read shapes from _output_shapes only). TF1 graphs exported with
// add_shapes carry them; TF2 function bodies and most exports do not, and without shapes
// their convolutions would never run in the blocked layout. Shapes start at Placeholders
// (their `shape` attr) and Consts and follow TensorFlow's shape functions for convolutions
// (NHWC), pools, pads, BiasAdd, batch norm, concatenation and element-wise ops with
// broadcasting; any other op, and a node whose input shapes are unknown, is left alone, so
// a shape written here is one TensorFlow's own inference would also derive. Existing
// _output_shapes are kept, made more specific where inference knows more (an exporter may
// write unknown shapes); where they conflict, the graph's own wins. Pure; safe for
// concurrent use.
#pragma once

#include <vector>

#include "tensorflow/core/framework/node_def.pb.h"

namespace savedserve {

// Returns how many nodes' _output_shapes were written or made more specific.
int InferMissingShapes(std::vector<tensorflow::NodeDef>* nodes);

}  // namespace savedserve
