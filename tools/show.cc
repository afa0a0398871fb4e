// `savedserve show`: prints a SavedModel's tag sets, signature keys or signatures in the
// layout of TensorFlow's `saved_model_cli show`, so people and scripts used to that tool can
// read it unchanged. Only saved_model.pb(txt) is read: assets and variables need not exist.
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/status.h"
#include "format/saved_model.h"
#include "tools/commands.h"

namespace savedserve::tools {
namespace {

struct ShowOptions {
  std::string dir;
  bool all = false;
  std::string tag_set;  // "serve" or "serve,gpu"; repeated flags arrive joined by '\n'
  std::string signature_def;
};

std::set<std::string> ParseTagSet(const std::string& flag) {
  std::set<std::string> tags;
  for (absl::string_view tag : absl::StrSplit(flag, absl::ByAnyChar(",\n"))) {
    tag = absl::StripAsciiWhitespace(tag);
    if (!tag.empty()) tags.emplace(tag);
  }
  return tags;
}

// Python's repr() of a str, which saved_model_cli uses to print tag sets ('serve').
std::string PythonRepr(const std::string& s) {
  const bool has_single = s.find('\'') != std::string::npos;
  const char quote = (has_single && s.find('"') == std::string::npos) ? '"' : '\'';
  std::string out(1, quote);
  for (char c : s) {
    if (c == quote || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  out += quote;
  return out;
}

// saved_model_cli's shape layout: "(-1, 1)", "()" for a scalar, "unknown_rank".
std::string ShapeString(const tensorflow::TensorShapeProto& shape) {
  if (shape.unknown_rank()) return "unknown_rank";
  std::vector<std::string> dims;
  for (const auto& dim : shape.dim()) dims.push_back(absl::StrCat(dim.size()));
  return absl::StrCat("(", absl::StrJoin(dims, ", "), ")");
}

std::string DataTypeString(int dtype) {
  const std::string& name =
      tensorflow::DataType_IsValid(dtype)
          ? tensorflow::DataType_Name(static_cast<tensorflow::DataType>(dtype))
          : std::string();
  return name.empty() ? absl::StrCat("<unknown dtype ", dtype, ">") : name;
}

void PrintTensorInfo(std::ostream& out, const std::string& indent,
                     const tensorflow::TensorInfo& info) {
  out << indent << "    dtype: " << DataTypeString(info.dtype()) << "\n";
  out << indent << "    shape: " << ShapeString(info.tensor_shape()) << "\n";
  out << indent << "    name: " << info.name() << "\n";
}

// The inputs/outputs block; protobuf maps are unordered, saved_model_cli sorts by key.
void PrintSignature(std::ostream& out, int indent_level, const tensorflow::SignatureDef& sig) {
  const std::string indent(2 * indent_level, ' ');
  const std::string inner(2 * (indent_level + 1), ' ');
  out << indent << "The given SavedModel SignatureDef contains the following input(s):\n";
  std::map<std::string, tensorflow::TensorInfo> inputs(sig.inputs().begin(), sig.inputs().end());
  for (const auto& [key, info] : inputs) {
    out << indent << "  inputs['" << key << "'] tensor_info:\n";
    PrintTensorInfo(out, inner, info);
  }
  out << indent << "The given SavedModel SignatureDef contains the following output(s):\n";
  std::map<std::string, tensorflow::TensorInfo> outputs(sig.outputs().begin(), sig.outputs().end());
  for (const auto& [key, info] : outputs) {
    out << indent << "  outputs['" << key << "'] tensor_info:\n";
    PrintTensorInfo(out, inner, info);
  }
  out << indent << "Method name is: " << sig.method_name() << "\n";
}

std::vector<std::string> SortedSignatureKeys(const tensorflow::MetaGraphDef& meta_graph) {
  std::vector<std::string> keys;
  for (const auto& [key, sig] : meta_graph.signature_def()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

// Tag lists in stored order, sorted as saved_model_cli sorts them (lists, lexicographically).
std::vector<std::vector<std::string>> SortedTagLists(const tensorflow::SavedModel& model) {
  std::vector<std::vector<std::string>> lists;
  for (const auto& meta_graph : model.meta_graphs()) {
    const auto& tags = meta_graph.meta_info_def().tags();
    lists.emplace_back(tags.begin(), tags.end());
  }
  std::sort(lists.begin(), lists.end());
  return lists;
}

void PrintTagSets(std::ostream& out, const tensorflow::SavedModel& model) {
  out << "The given SavedModel contains the following tag-sets:\n";
  for (std::vector<std::string> tags : SortedTagLists(model)) {
    std::sort(tags.begin(), tags.end());
    out << PythonRepr(absl::StrJoin(tags, ", ")) << "\n";
  }
}

void PrintSignatureKeys(std::ostream& out, const tensorflow::MetaGraphDef& meta_graph) {
  out << "The given SavedModel MetaGraphDef contains SignatureDefs with the following keys:\n";
  for (const std::string& key : SortedSignatureKeys(meta_graph)) {
    out << "SignatureDef key: \"" << key << "\"\n";
  }
}

absl::Status PrintOneSignature(std::ostream& out, const tensorflow::MetaGraphDef& meta_graph,
                               const std::string& key) {
  auto it = meta_graph.signature_def().find(key);
  if (it == meta_graph.signature_def().end()) {
    return absl::NotFoundError(absl::StrCat(
        "SignatureDef key \"", key,
        "\" not found; available keys: ", absl::StrJoin(SortedSignatureKeys(meta_graph), ", ")));
  }
  PrintSignature(out, 0, it->second);
  return absl::OkStatus();
}

absl::Status PrintAll(std::ostream& out, const tensorflow::SavedModel& model) {
  for (const std::vector<std::string>& tags : SortedTagLists(model)) {
    out << "\nMetaGraphDef with tag-set: '" << absl::StrJoin(tags, ", ")
        << "' contains the following SignatureDefs:\n";
    ASSIGN_OR_RETURN(tensorflow::MetaGraphDef meta_graph,
                     FindMetaGraph(model, std::set<std::string>(tags.begin(), tags.end())));
    for (const std::string& key : SortedSignatureKeys(meta_graph)) {
      out << "\nsignature_def['" << key << "']:\n";
      PrintSignature(out, 1, meta_graph.signature_def().at(key));
    }
  }
  return absl::OkStatus();
}

absl::Status RunShow(const ShowOptions& options, std::ostream& out) {
  ASSIGN_OR_RETURN(tensorflow::SavedModel model, ReadSavedModelProto(options.dir));
  if (options.all) return PrintAll(out, model);
  if (options.tag_set.empty()) {
    PrintTagSets(out, model);
    return absl::OkStatus();
  }
  absl::StatusOr<tensorflow::MetaGraphDef> meta_graph =
      FindMetaGraph(model, ParseTagSet(options.tag_set));
  if (!meta_graph.ok()) return Annotate(meta_graph.status(), options.dir);
  if (options.signature_def.empty()) {
    PrintSignatureKeys(out, *meta_graph);
    return absl::OkStatus();
  }
  return PrintOneSignature(out, *meta_graph, options.signature_def);
}

}  // namespace

void RegisterShowCommand(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<ShowOptions>();
  CLI::App* show =
      app.add_subcommand("show",
                         "Show a SavedModel's tag sets, signatures and their inputs/outputs "
                         "(the layout of `saved_model_cli show`)");
  show->add_option("--dir", options->dir, "SavedModel directory")->required();
  CLI::Option* all =
      show->add_flag("--all", options->all, "Show every tag set's every SignatureDef");
  CLI::Option* tag_set =
      show->add_option("--tag_set", options->tag_set,
                       "Tags of the MetaGraphDef, comma-separated (e.g. serve or serve,gpu)")
          ->multi_option_policy(CLI::MultiOptionPolicy::Join);
  CLI::Option* signature_def = show->add_option("--signature_def", options->signature_def,
                                                "SignatureDef key to show (needs --tag_set)");
  all->excludes(tag_set);
  all->excludes(signature_def);
  signature_def->needs(tag_set);
  show->callback([options, exit_code] {
    std::ostringstream out;
    absl::Status status = RunShow(*options, out);
    if (!status.ok()) {
      std::cerr << "savedserve show: " << status.message() << "\n";
      *exit_code = 1;
      return;
    }
    std::cout << out.str() << std::flush;
  });
}

}  // namespace savedserve::tools
