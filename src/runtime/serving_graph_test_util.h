// Helpers for the tests of the load-time graph passes (freeze_variables.h,
// graph_rewrites.h): small models built with GraphBuilder, loaded with and without the
// passes, and compared. One thread at a time.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "export/graph_builder.h"
#include "runtime/loaded_model.h"
#include "tensorflow/core/protobuf/meta_graph.pb.h"

namespace savedserve::testing {

// `g`'s graph, finished with a saver and with `init` (tf.global_variables_initializer) as
// its main op, so variables hold their initial values after load, and a signature `key` per entry
// of `signatures` mapping aliases to tensors (inputs are the Placeholders among them).
struct SignatureTensors {
  std::map<std::string, NodeOutput> inputs;
  std::map<std::string, NodeOutput> outputs;
};
tensorflow::MetaGraphDef ServingMetaGraph(
    GraphBuilder& g, const std::map<std::string, SignatureTensors>& signatures);

// The node named `name` in `nodes`, or nullptr.
const tensorflow::NodeDef* FindNode(const std::vector<tensorflow::NodeDef>& nodes,
                                    const std::string& name);

// Loads `meta` with LoadOptions::optimize = `optimize` (and optimized kernels); fails the test
// and returns nullptr when it does not load.
std::unique_ptr<LoadedModel> LoadForTest(const tensorflow::MetaGraphDef& meta, bool optimize);

// Runs signature `key` of both models on `inputs` and expects every output to agree within
// `tolerance` (relative to each output's range).
void ExpectSameOutputs(const LoadedModel& actual, const LoadedModel& expected,
                       const std::string& key, const std::map<std::string, Tensor>& inputs,
                       double tolerance = 1e-5);

// Runs signature `key` on `inputs` with and without the passes and expects every output to
// agree within `tolerance` (relative to each output's range).
void ExpectSameWithAndWithoutPasses(const tensorflow::MetaGraphDef& meta, const std::string& key,
                                    const std::map<std::string, Tensor>& inputs,
                                    double tolerance = 1e-5);

}  // namespace savedserve::testing
