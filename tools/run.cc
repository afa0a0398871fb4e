// `savedserve run`: loads a SavedModel, runs one signature on inputs given the way
// `saved_model_cli run` takes them (--inputs files, --input_exprs literals, --input_examples
// tf.Examples) and prints every output like it does ("Result for output key y:\n[2.5 3. ]"),
// optionally saving each as <outdir>/<key>.npy.
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/env.h"
#include "base/status.h"
#include "runtime/loaded_model.h"
#include "tools/commands.h"
#include "tools/npy.h"
#include "tools/numpy_format.h"
#include "tools/run_inputs.h"

namespace savedserve::tools {
namespace {

struct RunFlags {
  std::string dir, tag_set = "serve", signature_def = "serving_default";
  std::string inputs, input_exprs, input_examples, outdir;
  bool overwrite = false;
  int intra_op_threads = 0;
};

std::set<std::string> ParseTags(const std::string& flag) {
  std::set<std::string> tags;
  for (absl::string_view tag : absl::StrSplit(flag, ',', absl::SkipWhitespace())) {
    tags.emplace(absl::StripAsciiWhitespace(tag));
  }
  return tags;
}

// Later flags win, as in saved_model_cli: --inputs < --input_exprs < --input_examples.
absl::StatusOr<std::map<std::string, Tensor>> GatherInputs(const RunFlags& flags) {
  std::map<std::string, Tensor> inputs;
  ASSIGN_OR_RETURN(auto files, ParseInputFiles(flags.inputs, Env::Default()));
  ASSIGN_OR_RETURN(auto exprs, ParseInputExprs(flags.input_exprs));
  ASSIGN_OR_RETURN(auto examples, ParseInputExamples(flags.input_examples));
  for (auto* source : {&files, &exprs, &examples}) {
    for (auto& [key, tensor] : *source) {
      if (inputs.contains(key)) {
        std::cerr << "warning: input key " << key
                  << " is given by more than one option; the last one is used\n";
      }
      inputs[key] = std::move(tensor);
    }
  }
  return inputs;
}

absl::Status CheckInputKeys(const tensorflow::SignatureDef& signature,
                            const std::map<std::string, Tensor>& inputs) {
  std::vector<std::string> valid;
  for (const auto& [alias, info] : signature.inputs()) valid.push_back(alias);
  for (const auto& [key, tensor] : inputs) {
    if (!signature.inputs().contains(key)) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", key, "\" is not a valid input key. Please choose from \"",
                       absl::StrJoin(valid, "\", \""), "\", or use --show option."));
    }
  }
  return absl::OkStatus();
}

absl::Status SaveOutput(const RunFlags& flags, const std::string& key, const Tensor& value) {
  Env* env = Env::Default();
  RETURN_IF_ERROR(env->CreateDirs(flags.outdir));
  const std::string path = JoinPath(flags.outdir, key + ".npy");
  if (!flags.overwrite && env->FileExists(path)) {
    return absl::AlreadyExistsError(absl::StrCat(
        "Output file ", path,
        " already exists. Add \"--overwrite\" to overwrite the existing output files."));
  }
  ASSIGN_OR_RETURN(std::string bytes, SerializeNpy(value));
  RETURN_IF_ERROR(env->WriteFile(path, bytes));
  std::cout << "Output " << key << " is saved to " << path << "\n";
  return absl::OkStatus();
}

absl::Status Run(const RunFlags& flags) {
  if (flags.inputs.empty() && flags.input_exprs.empty() && flags.input_examples.empty()) {
    return absl::InvalidArgumentError(
        "At least one of --inputs, --input_exprs or --input_examples must be required");
  }
  ASSIGN_OR_RETURN(auto inputs, GatherInputs(flags));
  LoadOptions options;
  options.tags = ParseTags(flags.tag_set);
  options.intra_op_threads = flags.intra_op_threads;
  ASSIGN_OR_RETURN(std::unique_ptr<LoadedModel> model, LoadedModel::Load(flags.dir, options));
  auto signature = model->signatures().find(flags.signature_def);
  if (signature == model->signatures().end()) {
    std::vector<std::string> keys;
    for (const auto& [key, unused] : model->signatures()) keys.push_back(key);
    return absl::NotFoundError(absl::StrCat("no signature '", flags.signature_def,
                                            "'; the model has: ", absl::StrJoin(keys, ", ")));
  }
  RETURN_IF_ERROR(CheckInputKeys(signature->second, inputs));
  ASSIGN_OR_RETURN(auto outputs, model->RunSignature(flags.signature_def, inputs));
  for (const auto& [key, value] : outputs) {  // sorted by key, as saved_model_cli prints them
    std::cout << "Result for output key " << key << ":\n" << NumpyString(value) << "\n";
    if (!flags.outdir.empty()) RETURN_IF_ERROR(SaveOutput(flags, key, value));
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterRunCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a SignatureDef of a SavedModel on given inputs (like `saved_model_cli run`)");
  cmd->add_option("--dir", flags->dir, "SavedModel directory")->required();
  cmd->add_option("--tag_set", flags->tag_set, "Tags of the MetaGraphDef, comma-separated")
      ->capture_default_str();
  cmd->add_option("--signature_def", flags->signature_def, "SignatureDef key to run")
      ->capture_default_str();
  cmd->add_option("--inputs", flags->inputs,
                  "key=file.npy or key=file.npz[name], several separated by ';'");
  cmd->add_option("--input_exprs", flags->input_exprs,
                  "key=<literal> (numbers, True/False, 'strings', nested lists), ';'-separated");
  cmd->add_option("--input_examples", flags->input_examples,
                  "key=[{\"feature\":[values],...},...] as serialized tf.Examples, ';'-separated");
  cmd->add_option("--outdir", flags->outdir, "Save each output as <outdir>/<key>.npy");
  cmd->add_flag("--overwrite", flags->overwrite, "Overwrite existing files in --outdir");
  cmd->add_option("--intra_op_threads", flags->intra_op_threads,
                  "Threads for kernels (0: one per core)")
      ->capture_default_str();
  cmd->callback([flags, exit_code] {
    absl::Status status = Run(*flags);
    if (!status.ok()) {
      std::cerr << "savedserve run: " << status.message() << "\n";
      *exit_code = 1;
    }
  });
}

}  // namespace savedserve::tools
