#include "export/checkpoint_export.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/status.h"
#include "export/saved_model_builder.h"
#include "export/signature.h"
#include "format/saved_model.h"
#include "format/tensor_bundle.h"
#include "google/protobuf/text_format.h"
#include "tensorflow/python/training/checkpoint_state.pb.h"

namespace savedserve {
namespace {

bool BundleExists(const std::string& prefix, Env* env) {
  return env->FileExists(BundleIndexPath(prefix));
}

// Splits "node:1" into ("node", 1); "node" means output 0.
absl::Status SplitTensorName(const std::string& name, std::string* node, int* index) {
  size_t colon = name.rfind(':');
  *node = name;
  *index = 0;
  if (colon == std::string::npos) return absl::OkStatus();
  if (!absl::SimpleAtoi(absl::string_view(name).substr(colon + 1), index) || *index < 0) {
    return absl::InvalidArgumentError(absl::StrCat("bad tensor name '", name, "'"));
  }
  *node = name.substr(0, colon);
  return absl::OkStatus();
}

const tensorflow::OpDef* FindOpDef(const tensorflow::MetaGraphDef& meta, const std::string& op) {
  for (const auto& def : meta.meta_info_def().stripped_op_list().op()) {
    if (def.name() == op) return &def;
  }
  return nullptr;
}

// The value of attribute `name` on `node`, falling back to the op's default.
const tensorflow::AttrValue* FindAttr(const tensorflow::NodeDef& node, const tensorflow::OpDef& op,
                                      const std::string& name) {
  auto it = node.attr().find(name);
  if (it != node.attr().end()) return &it->second;
  for (const auto& attr : op.attr()) {
    if (attr.name() == name && attr.has_default_value()) return &attr.default_value();
  }
  return nullptr;
}

// The dtypes of all outputs of `node`, following the OpDef's output args.
absl::StatusOr<std::vector<DataType>> OutputTypes(const tensorflow::NodeDef& node,
                                                  const tensorflow::OpDef& op) {
  std::vector<DataType> types;
  for (const auto& arg : op.output_arg()) {
    int64_t count = 1;
    if (!arg.number_attr().empty()) {
      const auto* n = FindAttr(node, op, arg.number_attr());
      if (n == nullptr) return absl::InvalidArgumentError("missing attr " + arg.number_attr());
      count = n->i();
    }
    if (!arg.type_list_attr().empty()) {
      const auto* list = FindAttr(node, op, arg.type_list_attr());
      if (list == nullptr)
        return absl::InvalidArgumentError("missing attr " + arg.type_list_attr());
      for (int t : list->list().type()) types.push_back(static_cast<DataType>(t));
      continue;
    }
    DataType dtype = arg.type();
    if (!arg.type_attr().empty()) {
      const auto* t = FindAttr(node, op, arg.type_attr());
      if (t == nullptr) return absl::InvalidArgumentError("missing attr " + arg.type_attr());
      dtype = t->type();
    }
    for (int64_t i = 0; i < count; ++i) types.push_back(dtype);
  }
  return types;
}

PartialShape OutputShape(const tensorflow::NodeDef& node, int index) {
  auto shapes = node.attr().find("_output_shapes");
  if (shapes != node.attr().end() && index < shapes->second.list().shape_size()) {
    return PartialShape::FromProto(shapes->second.list().shape(index));
  }
  auto shape = node.attr().find("shape");
  if ((node.op() == "Placeholder" || node.op() == "PlaceholderWithDefault") &&
      shape != node.attr().end()) {
    return PartialShape::FromProto(shape->second.shape());
  }
  return PartialShape::UnknownRank();
}

// Every tensor of the checkpoint, in data-file order (so the rewritten shard keeps the
// original layout).
absl::StatusOr<VariableList> ReadAllVariables(const std::string& prefix, Env* env) {
  BundleReader::Options options;
  options.env = env;
  ASSIGN_OR_RETURN(auto reader, BundleReader::Open(prefix, options));
  std::vector<std::pair<std::pair<int, int64_t>, std::string>> order;
  for (const auto& key : reader->keys()) {
    ASSIGN_OR_RETURN(auto entry, reader->GetEntry(key));
    order.push_back({{entry.shard_id(), entry.offset()}, key});
  }
  std::sort(order.begin(), order.end());
  VariableList variables;
  for (const auto& [unused, key] : order) {
    ASSIGN_OR_RETURN(Tensor t, reader->Lookup(key));
    variables.emplace_back(key, std::move(t));
  }
  return variables;
}

absl::StatusOr<TensorInfoMap> BuildInfos(
    const tensorflow::MetaGraphDef& meta,
    const std::vector<std::pair<std::string, std::string>>& mapping) {
  TensorInfoMap infos;
  for (const auto& [alias, tensor] : mapping) {
    if (infos.contains(alias)) {
      return absl::InvalidArgumentError(absl::StrCat("alias '", alias, "' given twice"));
    }
    ASSIGN_OR_RETURN(infos[alias], TensorInfoFromGraph(meta, tensor));
  }
  return infos;
}

absl::StatusOr<tensorflow::SignatureDef> BuildSignature(const tensorflow::MetaGraphDef& meta,
                                                        const CheckpointExportOptions& options) {
  ASSIGN_OR_RETURN(std::string method, ParseMethodName(options.method));
  ASSIGN_OR_RETURN(TensorInfoMap inputs, BuildInfos(meta, options.inputs));
  ASSIGN_OR_RETURN(TensorInfoMap outputs, BuildInfos(meta, options.outputs));
  tensorflow::SignatureDef sig;
  sig.set_method_name(method);
  for (const auto& [alias, info] : inputs) (*sig.mutable_inputs())[alias] = info;
  for (const auto& [alias, info] : outputs) (*sig.mutable_outputs())[alias] = info;
  RETURN_IF_ERROR(ValidateSignature(options.signature_name, sig));
  return sig;
}

}  // namespace

absl::StatusOr<std::string> ResolveCheckpointPrefix(const std::string& prefix_or_dir, Env* env) {
  if (BundleExists(prefix_or_dir, env)) return prefix_or_dir;
  if (!env->IsDirectory(prefix_or_dir)) {
    return absl::NotFoundError(absl::StrCat("no checkpoint at ", prefix_or_dir, ": neither ",
                                            BundleIndexPath(prefix_or_dir),
                                            " nor a directory exists"));
  }
  std::string state_path = JoinPath(prefix_or_dir, "checkpoint");
  auto text = env->ReadFile(state_path);
  if (!text.ok()) {
    return absl::NotFoundError(
        absl::StrCat("no checkpoint in directory ", prefix_or_dir,
                     ": it has no `checkpoint` state file; pass the checkpoint prefix instead"));
  }
  tensorflow::CheckpointState state;
  if (!google::protobuf::TextFormat::ParseFromString(*text, &state) ||
      state.model_checkpoint_path().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(state_path, " is not a valid checkpoint state file"));
  }
  std::string prefix = state.model_checkpoint_path();
  if (prefix[0] != '/') prefix = JoinPath(prefix_or_dir, prefix);
  if (BundleExists(prefix, env)) return prefix;
  // A checkpoint directory that was moved still names its old absolute location.
  std::string moved = JoinPath(prefix_or_dir, Basename(prefix));
  if (BundleExists(moved, env)) return moved;
  return absl::NotFoundError(absl::StrCat(state_path, " names checkpoint ", prefix, " but ",
                                          BundleIndexPath(prefix), " does not exist"));
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseTensorMapping(
    const std::string& text) {
  std::vector<std::pair<std::string, std::string>> mapping;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    size_t eq = item.find('=');
    if (eq == absl::string_view::npos || eq == 0 || eq + 1 == item.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("expected alias=tensor_name, got '", item, "'"));
    }
    mapping.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
  }
  if (mapping.empty()) return absl::InvalidArgumentError("no alias=tensor_name pairs given");
  return mapping;
}

absl::StatusOr<tensorflow::TensorInfo> TensorInfoFromGraph(const tensorflow::MetaGraphDef& meta,
                                                           const std::string& tensor_name) {
  std::string node_name;
  int index;
  RETURN_IF_ERROR(SplitTensorName(tensor_name, &node_name, &index));
  const auto& nodes = meta.graph_def().node();
  auto node = std::find_if(nodes.begin(), nodes.end(),
                           [&](const auto& n) { return n.name() == node_name; });
  if (node == nodes.end()) {
    return absl::NotFoundError(
        absl::StrCat("tensor '", tensor_name, "': the graph has no node '", node_name, "'"));
  }
  const tensorflow::OpDef* op = FindOpDef(meta, node->op());
  if (op == nullptr) {
    return absl::NotFoundError(absl::StrCat("tensor '", tensor_name, "': op '", node->op(),
                                            "' is not in the meta graph's op list"));
  }
  auto types = OutputTypes(*node, *op);
  if (!types.ok()) return Annotate(types.status(), absl::StrCat("tensor '", tensor_name, "'"));
  if (index >= static_cast<int>(types->size())) {
    return absl::InvalidArgumentError(absl::StrCat("tensor '", tensor_name, "': node '", node_name,
                                                   "' has only ", types->size(), " output(s)"));
  }
  return BuildTensorInfo(absl::StrCat(node_name, ":", index), (*types)[index],
                         OutputShape(*node, index));
}

absl::StatusOr<VersionedExportResult> ExportCheckpoint(const CheckpointExportOptions& options) {
  Env* env = options.env;
  ASSIGN_OR_RETURN(std::string prefix, ResolveCheckpointPrefix(options.checkpoint, env));
  ASSIGN_OR_RETURN(tensorflow::MetaGraphDef meta, ReadMetaGraphFile(prefix + ".meta", env));
  ASSIGN_OR_RETURN(tensorflow::SignatureDef sig, BuildSignature(meta, options));
  ASSIGN_OR_RETURN(VariableList variables, ReadAllVariables(prefix, env));
  SignatureDefMap signatures = {{options.signature_name, sig}};
  auto write = [&](const std::string& dir) -> absl::Status {
    SavedModelBuilder::Options builder_options;
    builder_options.env = env;
    ASSIGN_OR_RETURN(auto builder, SavedModelBuilder::Create(dir, builder_options));
    MetaGraphOptions graph_options;
    graph_options.clear_devices = options.clear_devices;
    RETURN_IF_ERROR(builder->AddMetaGraphAndVariables(meta, options.tags, signatures, variables, {},
                                                      graph_options));
    return builder->Save(options.as_text).status();
  };
  return ExportVersioned(options.export_base, options.model_name, options.version, write, env);
}

}  // namespace savedserve
