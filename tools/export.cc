// `savedserve export`: a TF1 checkpoint -> a versioned SavedModel with one signature; and
// `savedserve export <model>`: a model built in C++ (half_plus_two, ssd300,
// ssd-mobilenet-v1).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <thread>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/env.h"
#include "export/checkpoint_export.h"
#include "export/demo_models.h"
#include "models/ssd/ssd300_model.h"
#include "models/ssd/ssd_mobilenet_model.h"
#include "tools/commands.h"

namespace savedserve::tools {
namespace {

struct ExportFlags {
  std::string checkpoint, inputs, outputs, signature_name = "serving_default";
  std::string method = "predict", tags = "serve", export_base, model_name, version = "next";
  bool clear_devices = false, as_text = false;
};

// On SIGINT/SIGTERM, removes this process's temporary export directories under `model_dir`
// before exiting, so an interrupted export leaves nothing behind (a numbered directory
// never exists before the final rename anyway).
void CleanUpOnSignal(const std::string& model_dir) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread([set, model_dir] {
    int sig = 0;
    sigwait(&set, &sig);
    std::string mine = std::string(kTempExportPrefix) + std::to_string(::getpid()) + "-";
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(model_dir, ec)) {
      if (entry.path().filename().string().rfind(mine, 0) == 0) {
        std::filesystem::remove_all(entry.path(), ec);
      }
    }
    std::fprintf(stderr, "export interrupted; nothing was written\n");
    std::_Exit(128 + sig);
  }).detach();
}

int RunExport(const ExportFlags& flags) {
  CheckpointExportOptions options;
  options.checkpoint = flags.checkpoint;
  options.signature_name = flags.signature_name;
  options.method = flags.method;
  options.export_base = flags.export_base;
  options.model_name = flags.model_name;
  options.clear_devices = flags.clear_devices;
  options.as_text = flags.as_text;
  options.tags.clear();
  for (auto tag : absl::StrSplit(flags.tags, ',', absl::SkipEmpty())) {
    options.tags.insert(std::string(tag));
  }
  auto inputs = ParseTensorMapping(flags.inputs);
  auto outputs = ParseTensorMapping(flags.outputs);
  auto version = ParseVersion(flags.version);
  for (const absl::Status& s : {inputs.status(), outputs.status(), version.status()}) {
    if (!s.ok()) {
      std::cerr << "savedserve export: " << s.message() << "\n";
      return 2;
    }
  }
  options.inputs = *inputs;
  options.outputs = *outputs;
  options.version = *version;
  CleanUpOnSignal(JoinPath(flags.export_base, flags.model_name));
  auto result = ExportCheckpoint(options);
  if (!result.ok()) {
    std::cerr << "savedserve export: " << result.status().message() << "\n";
    return 1;
  }
  std::cout << "Exported version " << result->version << " of model '" << flags.model_name
            << "' to " << result->path << "\n";
  return 0;
}

// Flags the checkpoint export needs. Not CLI11-required, so that model subcommands work
// without them; checked in the callback instead.
constexpr const char* kCheckpointExportFlags[] = {"--checkpoint", "--inputs", "--outputs",
                                                  "--export_base", "--model_name"};

// Runs the checkpoint export unless a model subcommand ran instead.
int RunExportCommand(const CLI::App& cmd, const ExportFlags& flags) {
  std::vector<std::string> missing;
  for (const char* flag : kCheckpointExportFlags) {
    if (cmd.count(flag) == 0) missing.push_back(flag);
  }
  if (!missing.empty()) {
    std::cerr << "savedserve export: missing required flag(s) " << absl::StrJoin(missing, ", ")
              << "\n  export a checkpoint: savedserve export --checkpoint PREFIX_OR_DIR "
                 "--inputs alias=tensor:0 --outputs alias=tensor:0 --export_base DIR "
                 "--model_name NAME\n  or a built-in model: savedserve export half_plus_two "
                 "--export_base DIR\n  (see savedserve export --help)\n";
    return 2;
  }
  return RunExport(flags);
}

// Flags shared by the model subcommands.
struct ModelExportFlags {
  std::string export_base, model_name, version = "next";
};

using ModelExportFn = std::function<absl::StatusOr<VersionedExportResult>(
    const std::string& export_base, const std::string& model_name, std::optional<int64_t> version)>;

int RunModelExport(const CLI::App& parent, const ModelExportFlags& flags,
                   const ModelExportFn& export_fn) {
  for (const char* flag : kCheckpointExportFlags) {
    if (parent.count(flag) > 0) {
      std::cerr << "savedserve export: " << flag
                << " belongs to checkpoint export, not to a model subcommand\n";
      return 2;
    }
  }
  auto version = ParseVersion(flags.version);
  if (!version.ok()) {
    std::cerr << "savedserve export: " << version.status().message() << "\n";
    return 2;
  }
  CleanUpOnSignal(JoinPath(flags.export_base, flags.model_name));
  auto result = export_fn(flags.export_base, flags.model_name, *version);
  if (!result.ok()) {
    std::cerr << "savedserve export: " << result.status().message() << "\n";
    return 1;
  }
  std::cout << "Exported version " << result->version << " of model '" << flags.model_name
            << "' to " << result->path << "\n";
  return 0;
}

// Adds `export <name>`, writing the model `export_fn` builds. Returns the subcommand, for
// the model's own flags.
CLI::App* RegisterModelExport(CLI::App* parent, const std::string& name,
                              const std::string& description, ModelExportFn export_fn,
                              int* exit_code) {
  auto flags = std::make_shared<ModelExportFlags>();
  flags->model_name = name;
  CLI::App* cmd = parent->add_subcommand(name, description);
  cmd->add_option("--export_base", flags->export_base, "Base directory of exported models")
      ->required();
  cmd->add_option("--model_name", flags->model_name, "Model name (a directory under the base)")
      ->capture_default_str();
  cmd->add_option("--version", flags->version, "Version number, or `next` (highest + 1)")
      ->capture_default_str();
  cmd->callback([parent, flags, export_fn, exit_code] {
    *exit_code = RunModelExport(*parent, *flags, export_fn);
  });
  return cmd;
}

// `--input_format float|jpeg` of the detector exports (docs/detection_models.md).
void AddInputFormatFlag(CLI::App* cmd, std::string* format) {
  cmd->add_option("--input_format", *format,
                  "`images` as float pixels [-1,H,W,3] in 0..255, or jpeg: encoded JPEG/PNG "
                  "strings [-1] decoded and resized in the graph")
      ->check(CLI::IsMember({"float", "jpeg"}))
      ->capture_default_str();
}

void RegisterSsd300Export(CLI::App* parent, int* exit_code) {
  auto options = std::make_shared<Ssd300Options>();
  auto format = std::make_shared<std::string>("float");
  CLI::App* cmd = RegisterModelExport(
      parent, "ssd300",
      "Write SSD300-VGG16 (docs/ssd.md, Pascal VOC, 300x300) with the weights of a TF1 "
      "checkpoint, or random ones (docs/detection_models.md)",
      [options, format](const std::string& base, const std::string& name,
                        std::optional<int64_t> version) {
        options->encoded_input = *format == "jpeg";
        if (options->checkpoint.empty()) {
          std::cout << "No --checkpoint: writing an UNTRAINED model with random weights (seed "
                    << options->seed
                    << "; meta_graph_version \"ssd300-vgg16 untrained seed=" << options->seed
                    << "\"); its detections mean nothing\n";
        }
        return ExportSsd300(*options, base, name, version);
      },
      exit_code);
  cmd->add_option("--checkpoint", options->checkpoint,
                  "TF1 checkpoint prefix (model.ckpt-N), or a directory whose `checkpoint` file "
                  "names the latest; variables are read by name (ssd_300_vgg/...)");
  cmd->add_option("--seed", options->seed, "Seed of the random weights used without --checkpoint")
      ->capture_default_str();
  AddInputFormatFlag(cmd, format.get());
}

void RegisterSsdMobilenetV1Export(CLI::App* parent, int* exit_code) {
  auto options = std::make_shared<SsdMobilenetV1Options>();
  auto format = std::make_shared<std::string>("float");
  CLI::App* cmd = RegisterModelExport(
      parent, "ssd-mobilenet-v1",
      "Write face-api.js's SSD-MobileNetV1 face detector (512x512) from its TF.js weights "
      "(docs/detection_models.md)",
      [options, format](const std::string& base, const std::string& name,
                        std::optional<int64_t> version) {
        options->encoded_input = *format == "jpeg";
        return ExportSsdMobilenetV1(*options, base, name, version);
      },
      exit_code);
  cmd->add_option("--weights", options->weights,
                  "The TF.js weights: ssd_mobilenetv1_model-weights_manifest.json or its "
                  "directory (with the .bin shard)")
      ->required();
  AddInputFormatFlag(cmd, format.get());
}

}  // namespace

void RegisterExportCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ExportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "export",
      "Export a TF1 checkpoint (.meta + .index + .data) as a versioned SavedModel, or write a "
      "built-in model (subcommands)");
  cmd->require_subcommand(0, 1);
  cmd->add_option("--checkpoint", flags->checkpoint,
                  "Checkpoint prefix, or a directory whose `checkpoint` file names the latest "
                  "(required for checkpoint export)");
  cmd->add_option("--inputs", flags->inputs,
                  "Signature inputs: alias=tensor:0,... (required for checkpoint export)");
  cmd->add_option("--outputs", flags->outputs,
                  "Signature outputs: alias=tensor:0,... (required for checkpoint export)");
  cmd->add_option("--signature_name", flags->signature_name, "Signature key")
      ->capture_default_str();
  cmd->add_option("--method", flags->method, "predict | classify | regress")->capture_default_str();
  cmd->add_option("--tags", flags->tags, "Comma-separated tag set")->capture_default_str();
  cmd->add_option("--export_base", flags->export_base,
                  "Base directory of exported models (required for checkpoint export)");
  cmd->add_option("--model_name", flags->model_name,
                  "Model name, a directory under the base (required for checkpoint export)");
  cmd->add_option("--version", flags->version, "Version number, or `next` (highest + 1)")
      ->capture_default_str();
  cmd->add_flag("--clear_devices", flags->clear_devices, "Strip device placements");
  cmd->add_flag("--as_text", flags->as_text, "Write saved_model.pbtxt instead of .pb");
  RegisterModelExport(
      cmd, "half_plus_two",
      "Write the demo model y = 0.5 * x + 2 (a TF1 graph built in C++; signature "
      "serving_default x -> y)",
      [](const std::string& base, const std::string& name, std::optional<int64_t> version) {
        return ExportHalfPlusTwo(base, name, version);
      },
      exit_code);
  RegisterSsd300Export(cmd, exit_code);
  RegisterSsdMobilenetV1Export(cmd, exit_code);
  // CLI11 runs a subcommand's callback before its parent's.
  cmd->callback([cmd, flags, exit_code] {
    if (!cmd->get_subcommands().empty()) return;
    *exit_code = RunExportCommand(*cmd, *flags);
  });
}

}  // namespace savedserve::tools
