#include "export/tfjs_import.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "export/checkpoint_export.h"
#include "export/signature.h"
#include "export/tfjs_graph_rewrite.h"
#include "format/op_defs.h"
#include "format/tfjs_weights.h"
#include "google/protobuf/util/json_util.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "tensor/tensor_proto.h"

namespace savedserve {
namespace {

// Parses one member of model.json (re-serialised) into a protobuf message.
absl::Status ParseMember(const rapidjson::Value& value, const std::string& source,
                         const char* member, google::protobuf::Message* message) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // as TF.js does: newer converters add fields
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(buffer.GetString(), buffer.GetSize()), message, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": `", member, "` is not a valid ",
                                                   message->GetTypeName(), ": ",
                                                   status.ToString()));
  }
  return absl::OkStatus();
}

// The model's signature: `signature` at the top level (tfjs-converter) or under
// `userDefinedMetadata` (some re-converted models). nullptr when there is none.
const rapidjson::Value* FindSignature(const rapidjson::Document& doc) {
  if (doc.HasMember("signature") && doc["signature"].IsObject()) return &doc["signature"];
  if (doc.HasMember("userDefinedMetadata") && doc["userDefinedMetadata"].IsObject()) {
    const auto& meta = doc["userDefinedMetadata"];
    if (meta.HasMember("signature") && meta["signature"].IsObject()) return &meta["signature"];
  }
  return nullptr;
}

// A Const node without a weight must carry its value itself (tfjs-converter leaves none,
// but hand-edited models may); a non-empty tensor without values is a missing weight rather
// than TensorFlow's "all zeros".
absl::Status CheckInlineValue(const tensorflow::NodeDef& node, const tensorflow::TensorProto& value,
                              const std::string& source) {
  tensorflow::TensorProto values_only = value;
  values_only.clear_dtype();
  values_only.clear_tensor_shape();
  values_only.clear_version_number();
  auto decoded = TensorFromProto(value);
  if (decoded.ok() && (decoded->num_elements() == 0 || values_only.ByteSizeLong() > 0)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      source, ": Const node '", node.name(), "' has no weight in the manifest and no value",
      decoded.ok() ? "" : absl::StrCat(" (", decoded.status().message(), ")")));
}

// Sets every Const node's value from the weight of the same name, checking that the
// weight's dtype and shape are the ones the node declares.
absl::Status BindWeights(const TfjsWeights& weights, tensorflow::GraphDef* graph) {
  std::map<std::string, const Tensor*> by_name;
  for (const auto& [name, tensor] : weights.tensors) by_name[name] = &tensor;
  for (tensorflow::NodeDef& node : *graph->mutable_node()) {
    if (node.op() != "Const") continue;
    tensorflow::TensorProto* value = (*node.mutable_attr())["value"].mutable_tensor();
    auto weight = by_name.find(node.name());
    if (weight == by_name.end()) {
      RETURN_IF_ERROR(CheckInlineValue(node, *value, weights.source));
      continue;
    }
    const Tensor& tensor = *weight->second;
    auto dtype = node.attr().find("dtype");
    DataType declared = dtype != node.attr().end() ? dtype->second.type() : value->dtype();
    if (declared != tensor.dtype()) {
      return absl::InvalidArgumentError(absl::StrCat(
          weights.source, ": weight '", node.name(), "' is ", DataTypeName(tensor.dtype()),
          " but its Const node declares ", DataTypeName(declared)));
    }
    if (value->has_tensor_shape()) {
      PartialShape shape = PartialShape::FromProto(value->tensor_shape());
      if (!shape.IsCompatibleWith(tensor.shape())) {
        return absl::InvalidArgumentError(absl::StrCat(
            weights.source, ": weight '", node.name(), "' has shape ", tensor.shape().DebugString(),
            " but its Const node declares ", shape.DebugString()));
      }
    }
    TensorToProto(tensor, value);
    (*node.mutable_attr())["dtype"].set_type(tensor.dtype());
  }
  return absl::OkStatus();
}

// "input:0" -> "input": signature keys that are tensor names become plain aliases.
std::string AliasFromKey(const std::string& key) {
  return absl::EndsWith(key, ":0") ? key.substr(0, key.size() - 2) : key;
}

tensorflow::SignatureDef RenameAliases(const tensorflow::SignatureDef& in) {
  tensorflow::SignatureDef out;
  out.set_method_name(kPredictMethodName);
  for (const auto& [key, info] : in.inputs()) (*out.mutable_inputs())[AliasFromKey(key)] = info;
  for (const auto& [key, info] : in.outputs()) (*out.mutable_outputs())[AliasFromKey(key)] = info;
  // Keep the original keys if stripping ":0" made two of them equal.
  if (out.inputs_size() != in.inputs_size() || out.outputs_size() != in.outputs_size()) {
    out = in;
    out.set_method_name(kPredictMethodName);
  }
  return out;
}

// A TensorInfo for `tensor` from the model's own signature when it lists it, else from the
// graph (OpDef output types, Placeholder shapes), else typed by the node's T/dtype attr.
absl::StatusOr<tensorflow::TensorInfo> InfoFor(const tensorflow::MetaGraphDef& meta,
                                               const tensorflow::SignatureDef& model_signature,
                                               const std::string& tensor) {
  std::string name = absl::StrContains(tensor, ':') ? tensor : tensor + ":0";
  for (const auto* map : {&model_signature.inputs(), &model_signature.outputs()}) {
    for (const auto& [key, info] : *map) {
      if (info.name() == name) return info;
    }
  }
  auto info = TensorInfoFromGraph(meta, name);
  if (info.ok()) return info;
  // Not typed by the OpDef table (e.g. _FusedConv2D): the node's own type attribute.
  std::string node_name = name.substr(0, name.rfind(':'));
  const auto& nodes = meta.graph_def().node();
  auto node = std::find_if(nodes.begin(), nodes.end(),
                           [&](const auto& n) { return n.name() == node_name; });
  if (node == nodes.end()) return info.status();
  for (const char* attr : {"T", "dtype"}) {
    auto it = node->attr().find(attr);
    if (it != node->attr().end()) {
      return BuildTensorInfo(name, it->second.type(), PartialShape::UnknownRank());
    }
  }
  return info.status();
}

absl::StatusOr<tensorflow::SignatureDef> BuildServingSignature(
    const tensorflow::MetaGraphDef& meta, const tensorflow::SignatureDef& model_signature,
    bool has_model_signature, const TfjsImportOptions& options) {
  if (!has_model_signature && (options.inputs.empty() || options.outputs.empty())) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.model_json,
                     " has no signature: give the inputs and outputs (--inputs "
                     "alias=node:0 --outputs alias=node:0)"));
  }
  tensorflow::SignatureDef sig = RenameAliases(model_signature);
  for (const auto& [mapping, target] : {std::pair{&options.inputs, sig.mutable_inputs()},
                                        std::pair{&options.outputs, sig.mutable_outputs()}}) {
    if (mapping->empty()) continue;
    target->clear();
    for (const auto& [alias, tensor] : *mapping) {
      if (target->contains(alias)) {
        return absl::InvalidArgumentError(absl::StrCat("alias '", alias, "' given twice"));
      }
      ASSIGN_OR_RETURN((*target)[alias], InfoFor(meta, model_signature, tensor));
    }
  }
  RETURN_IF_ERROR(ValidateSignature(kDefaultServingSignatureDefKey, sig));
  return sig;
}

// The OpDefs our table has for the graph's ops (consumers type tensors with them).
void AddStrippedOpList(tensorflow::MetaGraphDef* meta) {
  std::set<std::string> ops;
  for (const auto& node : meta->graph_def().node()) ops.insert(node.op());
  for (const std::string& op : ops) {
    if (const tensorflow::OpDef* def = RegisteredOpDef(op)) {
      *meta->mutable_meta_info_def()->mutable_stripped_op_list()->add_op() = *def;
    }
  }
}

absl::StatusOr<rapidjson::Document> ParseModelJson(const std::string& text,
                                                   const std::string& source) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": malformed JSON at offset ", doc.GetErrorOffset(), ": ",
                     rapidjson::GetParseError_En(doc.GetParseError())));
  }
  if (!doc.IsObject() || !doc.HasMember("modelTopology") || !doc["modelTopology"].IsObject()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": not a TF.js model (no `modelTopology` object)"));
  }
  if (doc.HasMember("format") && doc["format"].IsString() &&
      std::string(doc["format"].GetString()) != "graph-model") {
    return absl::InvalidArgumentError(absl::StrCat(source, ": format is '",
                                                   doc["format"].GetString(),
                                                   "'; only TF.js graph models can be imported"));
  }
  if (!doc["modelTopology"].HasMember("node")) {
    return absl::InvalidArgumentError(
        absl::StrCat(source,
                     ": `modelTopology` has no `node` list (a Keras layers model? only TF.js graph "
                     "models can be imported)"));
  }
  return doc;
}

}  // namespace

absl::StatusOr<ImportedGraphModel> ReadTfjsGraphModel(const TfjsImportOptions& options) {
  const std::string& source = options.model_json;
  ASSIGN_OR_RETURN(std::string text, options.env->ReadFile(source));
  ASSIGN_OR_RETURN(rapidjson::Document doc, ParseModelJson(text, source));
  ImportedGraphModel model;
  tensorflow::MetaGraphDef& meta = model.meta_graph;
  RETURN_IF_ERROR(
      ParseMember(doc["modelTopology"], source, "modelTopology", meta.mutable_graph_def()));
  ASSIGN_OR_RETURN(TfjsWeights weights,
                   ParseTfjsWeights(text, std::string(Dirname(source)), source, options.env));
  RETURN_IF_ERROR(BindWeights(weights, meta.mutable_graph_def()));
  RETURN_IF_ERROR(Annotate(RewriteTfjsOnlyOps(meta.mutable_graph_def()), source));
  AddStrippedOpList(&meta);
  std::string producer = "TF.js graph model";
  for (const char* key : {"convertedBy", "generatedBy"}) {
    if (doc.HasMember(key) && doc[key].IsString()) {
      absl::StrAppend(&producer, " ", key, " ", doc[key].GetString());
    }
  }
  meta.mutable_meta_info_def()->set_meta_graph_version(
      absl::StrCat("imported by savedserve from a ", producer));
  tensorflow::SignatureDef model_signature;
  const rapidjson::Value* signature = FindSignature(doc);
  if (signature != nullptr) {
    RETURN_IF_ERROR(ParseMember(*signature, source, "signature", &model_signature));
  }
  ASSIGN_OR_RETURN(model.signatures[kDefaultServingSignatureDefKey],
                   BuildServingSignature(meta, model_signature, signature != nullptr, options));
  RETURN_IF_ERROR(ValidateSignaturesAgainstGraph(model.signatures, meta.graph_def()));
  return model;
}

absl::StatusOr<VersionedExportResult> ImportTfjsGraphModel(const TfjsImportOptions& options,
                                                           const std::string& export_base,
                                                           const std::string& model_name,
                                                           std::optional<int64_t> version) {
  ASSIGN_OR_RETURN(ImportedGraphModel model, ReadTfjsGraphModel(options));
  auto write = [&](const std::string& dir) -> absl::Status {
    SavedModelBuilder::Options builder_options;
    builder_options.env = options.env;
    ASSIGN_OR_RETURN(auto builder, SavedModelBuilder::Create(dir, builder_options));
    MetaGraphOptions meta_options;
    meta_options.clear_devices = true;  // TF.js graphs name the converting machine's devices
    RETURN_IF_ERROR(builder->AddMetaGraphAndVariables(model.meta_graph, {kServeTag},
                                                      model.signatures, {}, {}, meta_options));
    return builder->Save().status();
  };
  return ExportVersioned(export_base, model_name, version, write, options.env);
}

}  // namespace savedserve
