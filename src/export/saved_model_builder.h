// SavedModelBuilder: writes a SavedModel directory the way TensorFlow's
// tf.compat.v1.saved_model.Builder does: `saved_model.pb` (or `.pbtxt`) holding one
// MetaGraphDef per tag set, `variables/variables.{index,data-00000-of-00001}` and `assets/`.
// Files written here load in TensorFlow and TF Serving. One thread at a time.
//
//   ASSIGN_OR_RETURN(auto builder, SavedModelBuilder::Create(dir, {}));
//   RETURN_IF_ERROR(builder->AddMetaGraphAndVariables(graph, {"serve"}, sigs, vars, {}));
//   RETURN_IF_ERROR(builder->Save());
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "base/env.h"
#include "format/tensor_bundle.h"
#include "tensor/tensor.h"
#include "tensorflow/core/protobuf/meta_graph.pb.h"
#include "tensorflow/core/protobuf/saved_model.pb.h"

namespace savedserve {

using SignatureDefMap = std::map<std::string, tensorflow::SignatureDef>;
// Checkpoint keys and values of the graph's variables, written in this order.
using VariableList = std::vector<std::pair<std::string, Tensor>>;

// A file to ship in `assets/`, fed to `tensor_name` (a string tensor, e.g. "Const:0") at load.
// It is recorded in the meta graph's asset_file_def unless the meta graph already records
// that file (in asset_file_def or TF1's `saved_model_assets` collection).
struct AssetSpec {
  std::string source_path;  // where the file is now; empty: write `contents` instead
  std::string filename;     // its name under assets/ (no directories)
  std::string tensor_name;
  std::string contents;  // the file's bytes when there is no source_path (e.g. labels.txt)
};

struct MetaGraphOptions {
  // Name of an op that initialises tables etc. after variables are restored; recorded in the
  // `saved_model_main_op` collection as TF1's builder does. Empty for none.
  std::string init_op;
  bool clear_devices = false;  // strip every node's device placement
  // Check that the tensors every signature names exist in the graph. Like TensorFlow's
  // builder, method-specific rules (IsValidSignature) are not enforced here: real models
  // carry signatures that break them and still serve.
  bool validate_signatures = true;
};

class SavedModelBuilder {
 public:
  struct Options {
    Env* env = Env::Default();
    BundleWriter::Compression compression = BundleWriter::Compression::kSnappy;
  };
  // Fails when `export_dir` exists and is not empty (as TensorFlow's builder does).
  static absl::StatusOr<std::unique_ptr<SavedModelBuilder>> Create(const std::string& export_dir,
                                                                   const Options& options);

  // Adds the first meta graph and writes the variables. `meta_graph` carries the graph_def,
  // saver_def, collections and meta_info_def to keep; its tags (unless already the same set)
  // and signatures are replaced by `tags` and `signatures`. Must be called exactly once,
  // before AddMetaGraph.
  absl::Status AddMetaGraphAndVariables(tensorflow::MetaGraphDef meta_graph,
                                        const std::set<std::string>& tags,
                                        const SignatureDefMap& signatures,
                                        const VariableList& variables,
                                        const std::vector<AssetSpec>& assets,
                                        const MetaGraphOptions& options = {});
  // Adds another meta graph sharing the saved variables. Its tag set must be new.
  absl::Status AddMetaGraph(tensorflow::MetaGraphDef meta_graph, const std::set<std::string>& tags,
                            const SignatureDefMap& signatures, const std::vector<AssetSpec>& assets,
                            const MetaGraphOptions& options = {});
  // Writes `contents` to assets.extra/<relative_path> (e.g. "tf_serving_warmup_requests"),
  // files that TF Serving reads but the graph does not reference.
  absl::Status AddExtraAsset(const std::string& relative_path, absl::string_view contents);
  // Writes saved_model.pb (or saved_model.pbtxt when `as_text`). Returns its path.
  absl::StatusOr<std::string> Save(bool as_text = false);

  const std::string& export_dir() const { return export_dir_; }

 private:
  SavedModelBuilder(std::string export_dir, Options options)
      : export_dir_(std::move(export_dir)), options_(options) {}
  // Every check, before anything is written, so a refused call changes nothing.
  absl::Status CheckCanAdd(const tensorflow::MetaGraphDef& meta, const std::set<std::string>& tags,
                           const SignatureDefMap& signatures,
                           const MetaGraphOptions& options) const;
  absl::Status Record(tensorflow::MetaGraphDef meta, const std::set<std::string>& tags,
                      const SignatureDefMap& signatures, const std::vector<AssetSpec>& assets,
                      const MetaGraphOptions& options);
  absl::Status CopyAssets(const std::vector<AssetSpec>& assets, tensorflow::MetaGraphDef* meta);

  std::string export_dir_;
  Options options_;
  bool variables_saved_ = false;
  bool saved_ = false;
  tensorflow::SavedModel saved_model_;
};

// Checks that each tensor a signature names ("node:index") belongs to a node of `graph`.
absl::Status ValidateSignaturesAgainstGraph(const SignatureDefMap& signatures,
                                            const tensorflow::GraphDef& graph);

}  // namespace savedserve
