#include "export/saved_model_builder.h"

#include <limits>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status.h"
#include "export/signature.h"
#include "format/saved_model.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/text_format.h"
#include "tensorflow/core/protobuf/meta_graph.pb.h"

namespace savedserve {
namespace {

// With map entries sorted by key, as TensorFlow writes saved_model.pb, so the same model
// always gives the same bytes. False when the message exceeds protobuf's 2 GiB limit.
bool SerializeDeterministically(const google::protobuf::Message& message, std::string* out) {
  if (message.ByteSizeLong() > static_cast<size_t>(std::numeric_limits<int>::max())) return false;
  out->clear();
  google::protobuf::io::StringOutputStream stream(out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  return message.SerializeToCodedStream(&coded);
}

std::string TagSetString(const std::set<std::string>& tags) {
  return absl::StrCat("{", absl::StrJoin(tags, ","), "}");
}

// Node name of a tensor name "node:1" / "^node" / "node".
absl::string_view NodeName(absl::string_view tensor) {
  if (!tensor.empty() && tensor[0] == '^') tensor.remove_prefix(1);
  size_t colon = tensor.rfind(':');
  if (colon != absl::string_view::npos) {
    int index;
    if (absl::SimpleAtoi(tensor.substr(colon + 1), &index)) tensor = tensor.substr(0, colon);
  }
  return tensor;
}

// Filenames the meta graph already binds to tensors, in TF2's asset_file_def or in the
// `saved_model_assets` collection that TF1 builders wrote.
std::set<std::string> RecordedAssetFilenames(const tensorflow::MetaGraphDef& meta) {
  std::set<std::string> names;
  for (const auto& def : meta.asset_file_def()) names.insert(def.filename());
  auto it = meta.collection_def().find(kSavedModelAssetsKey);
  if (it != meta.collection_def().end()) {
    for (const auto& any : it->second.any_list().value()) {
      tensorflow::AssetFileDef def;
      if (any.UnpackTo(&def)) names.insert(def.filename());
    }
  }
  return names;
}

}  // namespace

absl::Status ValidateSignaturesAgainstGraph(const SignatureDefMap& signatures,
                                            const tensorflow::GraphDef& graph) {
  absl::flat_hash_set<absl::string_view> nodes;
  for (const auto& node : graph.node()) nodes.insert(node.name());
  for (const auto& [key, sig] : signatures) {
    if (key == kSavedModelInitOpSignatureKey) continue;  // holds an op, checked by TF at load
    for (const auto* map : {&sig.inputs(), &sig.outputs()}) {
      for (const auto& [alias, info] : *map) {
        if (info.name().empty()) {
          return absl::InvalidArgumentError(
              absl::StrCat("signature '", key, "': '", alias,
                           "' names no tensor (composite tensors are not "
                           "supported)"));
        }
        if (!nodes.contains(NodeName(info.name()))) {
          return absl::InvalidArgumentError(absl::StrCat("signature '", key, "': tensor '",
                                                         info.name(), "' of '", alias,
                                                         "' is not in the graph"));
        }
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<SavedModelBuilder>> SavedModelBuilder::Create(
    const std::string& export_dir, const Options& options) {
  Env* env = options.env;
  if (env->FileExists(export_dir)) {
    ASSIGN_OR_RETURN(auto entries, env->ListDir(export_dir));
    if (!entries.empty()) {
      return absl::AlreadyExistsError(
          absl::StrCat("export directory ", export_dir, " already exists and is not empty"));
    }
  }
  RETURN_IF_ERROR(env->CreateDirs(export_dir));
  auto builder = std::unique_ptr<SavedModelBuilder>(new SavedModelBuilder(export_dir, options));
  builder->saved_model_.set_saved_model_schema_version(1);
  return builder;
}

absl::Status SavedModelBuilder::AddMetaGraphAndVariables(tensorflow::MetaGraphDef meta_graph,
                                                         const std::set<std::string>& tags,
                                                         const SignatureDefMap& signatures,
                                                         const VariableList& variables,
                                                         const std::vector<AssetSpec>& assets,
                                                         const MetaGraphOptions& options) {
  if (variables_saved_) {
    return absl::FailedPreconditionError(
        "AddMetaGraphAndVariables may be called only once; use AddMetaGraph for more tag sets");
  }
  RETURN_IF_ERROR(CheckCanAdd(meta_graph, tags, signatures, options));
  Env* env = options_.env;
  std::string variables_dir = JoinPath(export_dir_, kSavedModelVariablesDirectory);
  RETURN_IF_ERROR(env->CreateDirs(variables_dir));
  if (!variables.empty()) {
    BundleWriter::Options bundle_options;
    bundle_options.env = env;
    bundle_options.compression = options_.compression;
    ASSIGN_OR_RETURN(auto writer,
                     BundleWriter::Create(JoinPath(variables_dir, kSavedModelVariablesFilename),
                                          bundle_options));
    for (const auto& [key, tensor] : variables) RETURN_IF_ERROR(writer->Add(key, tensor));
    RETURN_IF_ERROR(writer->Finish());
  }
  variables_saved_ = true;
  return Record(std::move(meta_graph), tags, signatures, assets, options);
}

absl::Status SavedModelBuilder::AddMetaGraph(tensorflow::MetaGraphDef meta_graph,
                                             const std::set<std::string>& tags,
                                             const SignatureDefMap& signatures,
                                             const std::vector<AssetSpec>& assets,
                                             const MetaGraphOptions& options) {
  if (!variables_saved_) {
    return absl::FailedPreconditionError(
        "AddMetaGraphAndVariables must be called before AddMetaGraph");
  }
  RETURN_IF_ERROR(CheckCanAdd(meta_graph, tags, signatures, options));
  return Record(std::move(meta_graph), tags, signatures, assets, options);
}

absl::Status SavedModelBuilder::CheckCanAdd(const tensorflow::MetaGraphDef& meta,
                                            const std::set<std::string>& tags,
                                            const SignatureDefMap& signatures,
                                            const MetaGraphOptions& options) const {
  if (saved_) return absl::FailedPreconditionError("the SavedModel was already saved");
  if (tags.empty()) return absl::InvalidArgumentError("a meta graph needs at least one tag");
  for (const auto& existing : saved_model_.meta_graphs()) {
    const auto& t = existing.meta_info_def().tags();
    if (std::set<std::string>(t.begin(), t.end()) == tags) {
      return absl::AlreadyExistsError(
          absl::StrCat("a meta graph with tag set ", TagSetString(tags), " was already added"));
    }
  }
  if (!options.init_op.empty() && (meta.collection_def().contains(kSavedModelMainOpKey) ||
                                   meta.collection_def().contains(kSavedModelLegacyInitOpKey))) {
    return absl::InvalidArgumentError("the graph already has an init op collection");
  }
  if (options.validate_signatures) {
    RETURN_IF_ERROR(ValidateSignaturesAgainstGraph(signatures, meta.graph_def()));
  }
  return absl::OkStatus();
}

absl::Status SavedModelBuilder::Record(tensorflow::MetaGraphDef meta,
                                       const std::set<std::string>& tags,
                                       const SignatureDefMap& signatures,
                                       const std::vector<AssetSpec>& assets,
                                       const MetaGraphOptions& options) {
  if (options.clear_devices) {
    for (auto& node : *meta.mutable_graph_def()->mutable_node()) node.clear_device();
  }
  auto* info = meta.mutable_meta_info_def();
  if (std::set<std::string>(info->tags().begin(), info->tags().end()) != tags) {
    info->clear_tags();
    for (const auto& tag : tags) info->add_tags(tag);
  }
  meta.clear_signature_def();
  for (const auto& [key, sig] : signatures) (*meta.mutable_signature_def())[key] = sig;
  if (!options.init_op.empty()) {
    (*meta.mutable_collection_def())[kSavedModelMainOpKey].mutable_node_list()->add_value(
        options.init_op);
  }
  RETURN_IF_ERROR(CopyAssets(assets, &meta));
  *saved_model_.add_meta_graphs() = std::move(meta);
  return absl::OkStatus();
}

absl::Status SavedModelBuilder::CopyAssets(const std::vector<AssetSpec>& assets,
                                           tensorflow::MetaGraphDef* meta) {
  if (assets.empty()) return absl::OkStatus();
  Env* env = options_.env;
  std::string assets_dir = JoinPath(export_dir_, kSavedModelAssetsDirectory);
  RETURN_IF_ERROR(env->CreateDirs(assets_dir));
  std::set<std::string> recorded = RecordedAssetFilenames(*meta);
  for (const AssetSpec& asset : assets) {
    if (asset.filename.empty() || asset.filename.find('/') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("asset filename '", asset.filename, "' must be a plain file name"));
    }
    std::string target = JoinPath(assets_dir, asset.filename);
    if (!env->FileExists(target)) {  // shared by several meta graphs: copy once
      if (asset.source_path.empty()) {
        RETURN_IF_ERROR(env->WriteFile(target, asset.contents));
      } else {
        ASSIGN_OR_RETURN(std::string contents, env->ReadFile(asset.source_path));
        RETURN_IF_ERROR(env->WriteFile(target, contents));
      }
    }
    if (recorded.contains(asset.filename)) continue;
    auto* def = meta->add_asset_file_def();
    def->set_filename(asset.filename);
    def->mutable_tensor_info()->set_name(asset.tensor_name);
    def->mutable_tensor_info()->set_dtype(tensorflow::DT_STRING);
  }
  return absl::OkStatus();
}

absl::Status SavedModelBuilder::AddExtraAsset(const std::string& relative_path,
                                              absl::string_view contents) {
  if (relative_path.empty() || relative_path[0] == '/' ||
      relative_path.find("..") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("extra asset path '", relative_path, "' must be relative, without '..'"));
  }
  std::string path =
      JoinPath(JoinPath(export_dir_, kSavedModelAssetsExtraDirectory), relative_path);
  RETURN_IF_ERROR(options_.env->CreateDirs(std::string(Dirname(path))));
  return options_.env->WriteFile(path, contents);
}

absl::StatusOr<std::string> SavedModelBuilder::Save(bool as_text) {
  if (saved_) return absl::FailedPreconditionError("Save may be called only once");
  if (saved_model_.meta_graphs().empty()) {
    return absl::FailedPreconditionError("nothing to save: add a meta graph first");
  }
  std::string data;
  std::string path;
  if (as_text) {
    path = JoinPath(export_dir_, kSavedModelFilenamePbTxt);
    if (!google::protobuf::TextFormat::PrintToString(saved_model_, &data)) {
      return absl::InternalError("could not print the SavedModel as text");
    }
  } else {
    path = JoinPath(export_dir_, kSavedModelFilenamePb);
    if (!SerializeDeterministically(saved_model_, &data)) {
      return absl::InvalidArgumentError("the SavedModel is too large to serialize (> 2 GiB)");
    }
  }
  RETURN_IF_ERROR(options_.env->WriteFile(path, data));
  saved_ = true;
  return path;
}

}  // namespace savedserve
