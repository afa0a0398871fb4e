// LoadedModel: a SavedModel ready to run. Loading reads the files, imports the graph and its
// function library, restores the variables, runs the init op, freezes the variables no
// signature modifies and rewrites the graph requests run on (see LoadOptions::optimize), and
// creates every kernel needed by every signature (so an unsupported op is a load-time error
// naming the op and node; weights are packed then).
// The result is immutable apart from variable state, and safe for concurrent use: any number
// of threads may call Run / RunSignature at once, each getting its own per-request session.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/env.h"
#include "base/thread_pool.h"
#include "tensor/tensor.h"
#include "tensorflow/core/protobuf/meta_graph.pb.h"

namespace savedserve {

struct LoadOptions {
  std::set<std::string> tags = {"serve"};
  // Intra-op threads for kernels; <= 0 means one per core. Ignored when `thread_pool` is set.
  int intra_op_threads = 0;
  // A pool shared with other models (not owned); nullptr gives the model its own.
  ThreadPool* thread_pool = nullptr;
  Env* env = Env::Default();
  // Portable reference kernels only, never the optimized variants (differential testing).
  bool reference_kernels = false;
  // After restoring, freeze the variables no signature modifies into constants (so kernels
  // pack weights once) and rewrite the graph requests run on (fused convolutions, folded
  // pads; see runtime/graph_rewrites.h). false runs the graph as written (differential
  // testing).
  bool optimize = true;
};

class LoadedModel {
 public:
  static absl::StatusOr<std::unique_ptr<LoadedModel>> Load(const std::string& export_dir,
                                                           const LoadOptions& options = {});
  // Like Load, for a meta graph already in memory (tests; checking an export before writing
  // it): variables are restored from `variables_prefix` ("" for none); there are no assets.
  static absl::StatusOr<std::unique_ptr<LoadedModel>> FromMetaGraph(
      const tensorflow::MetaGraphDef& meta_graph, const std::string& variables_prefix = "",
      const LoadOptions& options = {});
  virtual ~LoadedModel() = default;

  virtual const tensorflow::MetaGraphDef& meta_graph() const = 0;
  // Signatures that can be run (the init-op pseudo-signature is left out).
  virtual const std::map<std::string, tensorflow::SignatureDef>& signatures() const = 0;

  // Runs signature `key` on inputs by alias. Every input of the signature must be given
  // (unless it has a default); each input is cast to the signature's dtype when it differs.
  // `output_filter` empty means all outputs. Errors name the signature and alias. Inputs
  // moved in are released as soon as the run no longer needs them (pass a copy to keep them).
  virtual absl::StatusOr<std::map<std::string, Tensor>> RunSignature(
      const std::string& key, std::map<std::string, Tensor> inputs,
      const std::vector<std::string>& output_filter = {}) const = 0;

  // Session::Run: feed any tensors by name ("x:0"), fetch tensors by name, run target nodes.
  virtual absl::StatusOr<std::vector<Tensor>> Run(
      const std::vector<std::pair<std::string, Tensor>>& feeds,
      const std::vector<std::string>& fetches, const std::vector<std::string>& targets) const = 0;

  // Floating-point operations of one run of signature `key` with these input shapes, where
  // kernels know them (0 when unknown). Measured by running the signature once on zeros
  // (empty strings for DT_STRING inputs), so a stateful signature's state changes.
  // Inputs missing from `input_shapes` take the signature's shape, unknown dims as 1.
  virtual int64_t EstimateFlops(const std::string& key,
                                const std::map<std::string, TensorShape>& input_shapes) const = 0;
};

}  // namespace savedserve
