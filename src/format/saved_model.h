// Reading SavedModels from disk: `saved_model.pb` (or `saved_model.pbtxt`), the MetaGraphDef
// chosen by tag set, its assets and extra assets, and where its variables are. Executing the
// graph is the runtime's job; this layer only reads and checks files. Pure functions over
// an Env; safe for concurrent use.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/env.h"
#include "tensorflow/core/protobuf/meta_graph.pb.h"
#include "tensorflow/core/protobuf/saved_model.pb.h"

namespace savedserve {

// TensorFlow's names and constants for SavedModels.
inline constexpr char kSavedModelFilenamePb[] = "saved_model.pb";
inline constexpr char kSavedModelFilenamePbTxt[] = "saved_model.pbtxt";
inline constexpr char kSavedModelVariablesDirectory[] = "variables";
inline constexpr char kSavedModelVariablesFilename[] = "variables";
inline constexpr char kSavedModelAssetsDirectory[] = "assets";
inline constexpr char kSavedModelAssetsExtraDirectory[] = "assets.extra";
inline constexpr char kSavedModelAssetsKey[] = "saved_model_assets";
inline constexpr char kSavedModelMainOpKey[] = "saved_model_main_op";
inline constexpr char kSavedModelLegacyInitOpKey[] = "legacy_init_op";
inline constexpr char kSavedModelInitOpSignatureKey[] = "__saved_model_init_op";
inline constexpr char kSavedModelFingerprintFilename[] = "fingerprint.pb";

// True when `dir` holds saved_model.pb or saved_model.pbtxt.
bool MaybeSavedModelDirectory(const std::string& dir, Env* env = Env::Default());

// Parses the SavedModel proto. Errors name the file, and for a directory that is not a
// SavedModel, say what is missing and what was found instead.
absl::StatusOr<tensorflow::SavedModel> ReadSavedModelProto(const std::string& dir,
                                                           Env* env = Env::Default());

// The MetaGraphDef whose tag set equals `tags`; NotFound lists the tag sets that exist.
absl::StatusOr<tensorflow::MetaGraphDef> FindMetaGraph(const tensorflow::SavedModel& model,
                                                       const std::set<std::string>& tags);

// One asset a graph expects: the tensor to feed with the file's path.
struct AssetFile {
  std::string tensor_name;  // e.g. "Const:0" or "asset_path_initializer:0"
  std::string filename;     // relative, e.g. "foo.txt"
  std::string path;         // <dir>/assets/<filename>
  // Whether `path` exists. A missing asset is not an error, as in TensorFlow: the graph only
  // receives the path, and some real exports omit files their graph never opens.
  bool exists = true;
};

// Everything needed to run a loaded MetaGraphDef.
struct SavedModelContents {
  std::string dir;
  tensorflow::SavedModel saved_model;   // all meta graphs as read
  tensorflow::MetaGraphDef meta_graph;  // the one chosen by tags
  std::vector<AssetFile> assets;  // from asset_file_def, else the saved_model_assets collection
  std::map<std::string, std::string> assets_extra;  // relative path -> contents
  // "<dir>/variables/variables" when the variables index exists; empty otherwise (a model
  // without variables, like matrix_half_plus_two).
  std::string variables_prefix;
};

// Reads saved_model.pb(txt), picks the meta graph for `tags`, resolves assets (checking the
// files exist) and assets.extra, and locates variables.
absl::StatusOr<SavedModelContents> ReadSavedModel(const std::string& dir,
                                                  const std::set<std::string>& tags,
                                                  Env* env = Env::Default());

// Parses a MetaGraphDef file (a checkpoint's `.meta`), binary or text.
absl::StatusOr<tensorflow::MetaGraphDef> ReadMetaGraphFile(const std::string& path,
                                                           Env* env = Env::Default());

}  // namespace savedserve
