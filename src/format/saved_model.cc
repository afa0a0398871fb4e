#include "format/saved_model.h"

#include <climits>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/logging.h"
#include "base/status.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/text_format.h"

namespace savedserve {
namespace {

using google::protobuf::Message;

// Protobuf cannot parse messages of 2 GiB or more; below that, SavedModels with large
// embedded constants must load whatever the protobuf build's default limit (once 64 MiB).
constexpr uint64_t kMaxBinaryProtoBytes = INT_MAX;
// assets.extra trees deeper than this are treated as a symlink loop, not data.
constexpr int kMaxAssetsExtraDepth = 32;

absl::Status ParseBinaryProto(const std::string& data, const std::string& path, Message* msg) {
  if (data.size() > kMaxBinaryProtoBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": ", data.size(), " bytes is more than protobuf's 2 GiB message limit"));
  }
  google::protobuf::io::ArrayInputStream array(data.data(), static_cast<int>(data.size()));
  google::protobuf::io::CodedInputStream coded(&array);
  coded.SetTotalBytesLimit(INT_MAX);
  if (!msg->ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage()) {
    return absl::DataLossError(absl::StrCat(path, ": not a valid binary ", msg->GetTypeName(),
                                            " (truncated or corrupt, ", data.size(), " bytes)"));
  }
  return absl::OkStatus();
}

// Keeps the first text-format error so the Status can say where the file is broken.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (error_.empty()) error_ = absl::StrCat("line ", line + 1, ":", column + 1, ": ", message);
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

// Parses text format into `msg`; returns "" on success, else the first error with its place.
std::string ParseTextProto(const std::string& data, Message* msg) {
  google::protobuf::TextFormat::Parser parser;
  FirstErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (parser.ParseFromString(data, msg)) return "";
  return errors.error().empty() ? "unparseable text" : errors.error();
}

// One note about a directory entry that explains why this is not a SavedModel, or "".
std::string ExplainEntry(const std::string& dir, const std::string& name, Env* env) {
  if (name == "export.meta") return "a legacy SessionBundle export, not a SavedModel";
  if (absl::EndsWith(name, ".meta")) return "a checkpoint's MetaGraphDef, not a SavedModel";
  if (name == "checkpoint") return "a checkpoint state file";
  if (absl::EndsWith(name, ".index")) return "a checkpoint index";
  if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos &&
      MaybeSavedModelDirectory(JoinPath(dir, name), env)) {
    return "a versioned SavedModel directory: pass the version directory itself";
  }
  return "";
}

// Says what was found instead of a SavedModel, so a wrong path is easy to fix.
absl::Status NotASavedModel(const std::string& dir, Env* env) {
  const std::string missing = absl::StrCat("SavedModel not found in ", dir, ": no ",
                                           kSavedModelFilenamePb, " or ", kSavedModelFilenamePbTxt);
  if (!env->IsDirectory(dir)) {
    return absl::NotFoundError(absl::StrCat(missing, env->FileExists(dir)
                                                         ? "; the path is a file, not a directory"
                                                         : "; the directory does not exist"));
  }
  absl::StatusOr<std::vector<std::string>> names = env->ListDir(dir);
  if (!names.ok()) return Annotate(names.status(), missing);
  if (names->empty()) return absl::NotFoundError(absl::StrCat(missing, "; the directory is empty"));
  std::vector<std::string> notes;
  for (const std::string& name : *names) {
    std::string why = ExplainEntry(dir, name, env);
    if (!why.empty()) notes.push_back(absl::StrCat("found ", name, ": ", why));
  }
  if (notes.empty()) {
    notes.push_back(absl::StrCat("found only: ", absl::StrJoin(*names, ", ")));
  }
  return absl::NotFoundError(absl::StrCat(missing, "; ", absl::StrJoin(notes, "; ")));
}

std::string TagSetString(const std::set<std::string>& tags) {
  return absl::StrCat("{", absl::StrJoin(tags, ", "), "}");
}

std::set<std::string> TagsOf(const tensorflow::MetaGraphDef& meta_graph) {
  const auto& tags = meta_graph.meta_info_def().tags();
  return std::set<std::string>(tags.begin(), tags.end());
}

// The AssetFileDefs of `meta_graph`: its asset_file_def field (TF2 and newer TF1), else the
// `saved_model_assets` collection that older TF1 exporters wrote.
absl::StatusOr<std::vector<tensorflow::AssetFileDef>> AssetFileDefs(
    const tensorflow::MetaGraphDef& meta_graph) {
  if (meta_graph.asset_file_def_size() > 0) {
    return std::vector<tensorflow::AssetFileDef>(meta_graph.asset_file_def().begin(),
                                                 meta_graph.asset_file_def().end());
  }
  std::vector<tensorflow::AssetFileDef> defs;
  auto it = meta_graph.collection_def().find(kSavedModelAssetsKey);
  if (it == meta_graph.collection_def().end()) return defs;
  if (!it->second.has_any_list()) {
    return absl::InvalidArgumentError(
        absl::StrCat("collection ", kSavedModelAssetsKey, " is not an any_list"));
  }
  for (const google::protobuf::Any& any : it->second.any_list().value()) {
    tensorflow::AssetFileDef def;
    if (!any.Is<tensorflow::AssetFileDef>() || !any.UnpackTo(&def)) {
      return absl::InvalidArgumentError(absl::StrCat("collection ", kSavedModelAssetsKey,
                                                     " holds a ", any.type_url(),
                                                     ", not a valid tensorflow.AssetFileDef"));
    }
    defs.push_back(std::move(def));
  }
  return defs;
}

// Asset names are relative to assets/; one that could escape it is refused rather than
// handing the graph an arbitrary path.
absl::Status CheckAssetFilename(const std::string& filename) {
  bool escapes = filename.empty() || filename.front() == '/';
  for (absl::string_view part : absl::StrSplit(filename, '/')) escapes |= (part == "..");
  if (escapes) {
    return absl::InvalidArgumentError(absl::StrCat("asset filename \"", filename,
                                                   "\" is not a relative path inside ",
                                                   kSavedModelAssetsDirectory, "/"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<AssetFile>> ResolveAssets(const std::string& dir,
                                                     const tensorflow::MetaGraphDef& meta_graph,
                                                     Env* env) {
  ASSIGN_OR_RETURN(std::vector<tensorflow::AssetFileDef> defs, AssetFileDefs(meta_graph));
  std::vector<AssetFile> assets;
  for (const tensorflow::AssetFileDef& def : defs) {
    RETURN_IF_ERROR(CheckAssetFilename(def.filename()));
    AssetFile asset;
    asset.tensor_name = def.tensor_info().name();
    asset.filename = def.filename();
    asset.path = JoinPath(JoinPath(dir, kSavedModelAssetsDirectory), def.filename());
    asset.exists = env->FileExists(asset.path);
    // TensorFlow itself only feeds the path; graphs that never open the file still load
    // (saved_model_half_plus_two_cpu_with_saved_model_config ships without its foo.txt).
    if (!asset.exists) SS_LOG(WARNING) << "asset " << asset.path << " does not exist";
    assets.push_back(std::move(asset));
  }
  return assets;
}

// Reads every file under root/rel into `out`, keyed by its path relative to root.
absl::Status ReadTree(const std::string& root, const std::string& rel, int depth, Env* env,
                      std::map<std::string, std::string>* out) {
  const std::string path = JoinPath(root, rel);
  if (depth > kMaxAssetsExtraDepth) {
    return absl::FailedPreconditionError(absl::StrCat(path, ": directory tree too deep"));
  }
  ASSIGN_OR_RETURN(std::vector<std::string> names, env->ListDir(path));
  for (const std::string& name : names) {
    const std::string child = JoinPath(rel, name);
    if (env->IsDirectory(JoinPath(root, child))) {
      RETURN_IF_ERROR(ReadTree(root, child, depth + 1, env, out));
    } else {
      ASSIGN_OR_RETURN((*out)[child], env->ReadFile(JoinPath(root, child)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<tensorflow::MetaGraphDef> FindMetaGraphIn(const tensorflow::SavedModel& model,
                                                         const std::set<std::string>& tags,
                                                         const std::string& where) {
  std::vector<std::string> available;
  for (const tensorflow::MetaGraphDef& meta_graph : model.meta_graphs()) {
    std::set<std::string> have = TagsOf(meta_graph);
    if (have == tags) return meta_graph;
    available.push_back(TagSetString(have));
  }
  return absl::NotFoundError(absl::StrCat(
      "MetaGraphDef with tags ", TagSetString(tags), " not found in SavedModel", where,
      "; available tag sets: ", available.empty() ? "none" : absl::StrJoin(available, ", ")));
}

}  // namespace

bool MaybeSavedModelDirectory(const std::string& dir, Env* env) {
  return env->FileExists(JoinPath(dir, kSavedModelFilenamePb)) ||
         env->FileExists(JoinPath(dir, kSavedModelFilenamePbTxt));
}

absl::StatusOr<tensorflow::SavedModel> ReadSavedModelProto(const std::string& dir, Env* env) {
  tensorflow::SavedModel model;
  // Like TensorFlow, the binary file wins when both exist.
  const std::string pb_path = JoinPath(dir, kSavedModelFilenamePb);
  if (env->FileExists(pb_path)) {
    ASSIGN_OR_RETURN(std::string data, env->ReadFile(pb_path));
    RETURN_IF_ERROR(ParseBinaryProto(data, pb_path, &model));
    return model;
  }
  const std::string pbtxt_path = JoinPath(dir, kSavedModelFilenamePbTxt);
  if (env->FileExists(pbtxt_path)) {
    ASSIGN_OR_RETURN(std::string data, env->ReadFile(pbtxt_path));
    std::string error = ParseTextProto(data, &model);
    if (!error.empty()) {
      return absl::DataLossError(
          absl::StrCat(pbtxt_path, ": not a valid text tensorflow.SavedModel: ", error));
    }
    return model;
  }
  return NotASavedModel(dir, env);
}

absl::StatusOr<tensorflow::MetaGraphDef> FindMetaGraph(const tensorflow::SavedModel& model,
                                                       const std::set<std::string>& tags) {
  return FindMetaGraphIn(model, tags, "");
}

absl::StatusOr<SavedModelContents> ReadSavedModel(const std::string& dir,
                                                  const std::set<std::string>& tags, Env* env) {
  SavedModelContents contents;
  contents.dir = dir;
  ASSIGN_OR_RETURN(contents.saved_model, ReadSavedModelProto(dir, env));
  ASSIGN_OR_RETURN(contents.meta_graph,
                   FindMetaGraphIn(contents.saved_model, tags, absl::StrCat(" ", dir)));
  absl::StatusOr<std::vector<AssetFile>> assets = ResolveAssets(dir, contents.meta_graph, env);
  if (!assets.ok()) return Annotate(assets.status(), absl::StrCat("SavedModel ", dir));
  contents.assets = std::move(*assets);

  const std::string extra_dir = JoinPath(dir, kSavedModelAssetsExtraDirectory);
  if (env->IsDirectory(extra_dir)) {
    RETURN_IF_ERROR(ReadTree(extra_dir, "", 0, env, &contents.assets_extra));
  }
  const std::string prefix =
      JoinPath(JoinPath(dir, kSavedModelVariablesDirectory), kSavedModelVariablesFilename);
  if (env->FileExists(absl::StrCat(prefix, ".index"))) contents.variables_prefix = prefix;
  return contents;
}

absl::StatusOr<tensorflow::MetaGraphDef> ReadMetaGraphFile(const std::string& path, Env* env) {
  ASSIGN_OR_RETURN(std::string data, env->ReadFile(path));
  // Binary first, as TensorFlow does; a text file can occasionally parse as binary, but then
  // it leaves unknown fields behind, so those make text the better reading when it parses.
  tensorflow::MetaGraphDef binary;
  absl::Status binary_status = ParseBinaryProto(data, path, &binary);
  const bool clean_binary =
      binary_status.ok() && binary.GetReflection()->GetUnknownFields(binary).empty();
  if (clean_binary) return binary;
  tensorflow::MetaGraphDef text;
  std::string text_error = ParseTextProto(data, &text);
  if (text_error.empty()) return text;
  if (binary_status.ok()) return binary;
  return absl::DataLossError(absl::StrCat(
      path, ": neither a binary nor a text tensorflow.MetaGraphDef (as text: ", text_error, ")"));
}

}  // namespace savedserve
