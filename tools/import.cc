// `savedserve import tfjs MODEL.json`: a TensorFlow.js graph model -> a versioned SavedModel
// (src/export/tfjs_import.h does the work).
#include <iostream>
#include <memory>

#include "export/checkpoint_export.h"
#include "export/tfjs_import.h"
#include "tools/commands.h"

namespace savedserve::tools {
namespace {

struct ImportFlags {
  std::string model_json, export_base, model_name, version = "next", inputs, outputs;
};

int RunImportTfjs(const ImportFlags& flags) {
  TfjsImportOptions options;
  options.model_json = flags.model_json;
  auto version = ParseVersion(flags.version);
  if (!version.ok()) {
    std::cerr << "savedserve import tfjs: " << version.status().message() << "\n";
    return 2;
  }
  for (const auto& [text, mapping] :
       {std::pair{&flags.inputs, &options.inputs}, std::pair{&flags.outputs, &options.outputs}}) {
    if (text->empty()) continue;
    auto parsed = ParseTensorMapping(*text);
    if (!parsed.ok()) {
      std::cerr << "savedserve import tfjs: " << parsed.status().message() << "\n";
      return 2;
    }
    *mapping = *parsed;
  }
  auto result = ImportTfjsGraphModel(options, flags.export_base, flags.model_name, *version);
  if (!result.ok()) {
    std::cerr << "savedserve import tfjs: " << result.status().message() << "\n";
    return 1;
  }
  std::cout << "Imported " << flags.model_json << " as version " << result->version << " of model '"
            << flags.model_name << "' at " << result->path << "\n";
  return 0;
}

}  // namespace

void RegisterImportCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("import", "Import a model from another format");
  cmd->require_subcommand(1);
  auto flags = std::make_shared<ImportFlags>();
  CLI::App* tfjs = cmd->add_subcommand(
      "tfjs",
      "Import a TensorFlow.js graph model (model.json + weight shards) as a SavedModel whose "
      "serving_default signature is the model's own signature");
  tfjs->add_option("model_json", flags->model_json, "The model.json file")->required();
  tfjs->add_option("--export_base", flags->export_base, "Base directory of exported models")
      ->required();
  tfjs->add_option("--model_name", flags->model_name, "Model name (a directory under the base)")
      ->required();
  tfjs->add_option("--version", flags->version, "Version number, or `next` (highest + 1)")
      ->capture_default_str();
  tfjs->add_option("--inputs", flags->inputs,
                   "Signature inputs alias=node:0,... (replaces the model's own; required when "
                   "it has none)");
  tfjs->add_option("--outputs", flags->outputs,
                   "Signature outputs alias=node:0,... (replaces the model's own; required when "
                   "it has none)");
  tfjs->callback([flags, exit_code] { *exit_code = RunImportTfjs(*flags); });
}

}  // namespace savedserve::tools
