// `savedserve bench`: times one signature of a SavedModel on random inputs of its declared
// shapes (unknown dims: --batch for the first, 1 for the rest; DT_STRING inputs get
// serialized empty tf.Examples), from --threads concurrent callers, and prints the median
// and 90th percentile latency, the best run, the process CPU time per run (all threads:
// what the run costs on a busy machine) and, where the kernels can count them, GFLOP/s.
// --input_exprs / --input_examples (as for `run`) replace chosen inputs, e.g. to give a
// parsing model the features it requires.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <iostream>
#include <memory>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/status.h"
#include "kernels/cpu/conv2d_onednn.h"
#include "runtime/loaded_model.h"
#include "tools/commands.h"
#include "tools/run_inputs.h"

namespace savedserve::tools {
namespace {

struct BenchFlags {
  std::string dir, tag_set = "serve", signature_def = "serving_default";
  std::string input_exprs, input_examples;
  int batch = 1, threads = 1, iterations = 100, warmup = 5, intra_op_threads = 0;
  bool optimize = true;
  std::string conv_winograd = "large";
};

// CPU time of the whole process (every thread) so far, in milliseconds.
double ProcessCpuMs() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

TensorShape InputShape(const tensorflow::TensorShapeProto& proto, int batch) {
  if (proto.unknown_rank()) return TensorShape{batch};
  TensorShape shape;
  for (int i = 0; i < proto.dim_size(); ++i) {
    const int64_t d = proto.dim(i).size();
    shape.AddDim(d >= 0 ? d : (i == 0 ? batch : 1));
  }
  return shape;
}

Tensor RandomInput(DataType dtype, const TensorShape& shape, std::mt19937& rng) {
  Tensor t(dtype, shape);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    const double u = uniform(rng);
    switch (dtype) {
      case tensorflow::DT_FLOAT:
        t.data<float>()[i] = static_cast<float>(u);
        break;
      case tensorflow::DT_DOUBLE:
        t.data<double>()[i] = u;
        break;
      case tensorflow::DT_INT32:
        t.data<int32_t>()[i] = static_cast<int32_t>(u * 10);
        break;
      case tensorflow::DT_INT64:
        t.data<int64_t>()[i] = static_cast<int64_t>(u * 10);
        break;
      case tensorflow::DT_UINT8:
        t.data<uint8_t>()[i] = static_cast<uint8_t>(u * 256);
        break;
      case tensorflow::DT_BOOL:
        t.data<bool>()[i] = u < 0.5;
        break;
      default:
        break;  // strings stay empty: a serialized empty tf.Example
    }
  }
  return t;
}

double Percentile(std::vector<double> sorted, double q) {
  if (sorted.empty()) return 0;
  const size_t at = std::min(sorted.size() - 1, static_cast<size_t>(q * (sorted.size() - 1) + 0.5));
  return sorted[at];
}

absl::Status Bench(const BenchFlags& flags) {
  LoadOptions options;
  options.tags.clear();
  for (absl::string_view tag : absl::StrSplit(flags.tag_set, ',', absl::SkipWhitespace())) {
    options.tags.emplace(absl::StripAsciiWhitespace(tag));
  }
  options.intra_op_threads = flags.intra_op_threads;
  options.optimize = flags.optimize;
  SetWinogradPolicy(*ParseWinogradPolicy(flags.conv_winograd));  // checked by the flag
  ASSIGN_OR_RETURN(std::unique_ptr<LoadedModel> model, LoadedModel::Load(flags.dir, options));
  auto sig = model->signatures().find(flags.signature_def);
  if (sig == model->signatures().end()) {
    return absl::NotFoundError(absl::StrCat("no signature '", flags.signature_def, "'"));
  }
  std::mt19937 rng(1234);
  std::map<std::string, Tensor> inputs;
  std::map<std::string, TensorShape> shapes;
  for (const auto& [alias, info] : sig->second.inputs()) {
    shapes[alias] = InputShape(info.tensor_shape(), flags.batch);
    inputs[alias] = RandomInput(BaseType(info.dtype()), shapes[alias], rng);
  }
  ASSIGN_OR_RETURN(auto exprs, ParseInputExprs(flags.input_exprs));
  ASSIGN_OR_RETURN(auto examples, ParseInputExamples(flags.input_examples));
  for (auto* given : {&exprs, &examples}) {
    for (auto& [alias, tensor] : *given) {
      shapes[alias] = tensor.shape();
      inputs[alias] = std::move(tensor);
    }
  }
  for (const auto& [alias, info] : sig->second.inputs()) {
    std::cout << "input " << alias << ": " << DataTypeShortName(inputs[alias].dtype()) << " "
              << shapes[alias].DebugString() << "\n";
  }
  for (int i = 0; i < flags.warmup; ++i)
    RETURN_IF_ERROR(model->RunSignature(flags.signature_def, inputs).status());

  const int threads = std::max(1, flags.threads);
  const int per_thread = std::max(1, flags.iterations / threads);
  std::vector<std::vector<double>> latencies(threads);
  std::atomic<bool> failed{false};
  absl::Status first_error;
  const auto start = std::chrono::steady_clock::now();
  const double start_cpu_ms = ProcessCpuMs();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread && !failed; ++i) {
        const auto begin = std::chrono::steady_clock::now();
        auto out = model->RunSignature(flags.signature_def, inputs);
        const auto end = std::chrono::steady_clock::now();
        if (!out.ok() && !failed.exchange(true)) first_error = out.status();
        latencies[t].push_back(std::chrono::duration<double, std::milli>(end - begin).count());
      }
    });
  }
  for (auto& w : workers) w.join();
  if (failed) return first_error;
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_ms = ProcessCpuMs() - start_cpu_ms;
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  const double median = Percentile(all, 0.5), p90 = Percentile(all, 0.9);
  std::cout << absl::StrFormat(
      "%d runs on %d thread(s), batch %d: median %.3f ms, p90 %.3f ms, min %.3f ms, "
      "%.1f runs/s, CPU %.1f ms per run\n",
      all.size(), threads, flags.batch, median, p90, all.front(), all.size() / wall_s,
      cpu_ms / all.size());
  const int64_t flops = model->EstimateFlops(flags.signature_def, shapes);
  if (flops > 0) {
    std::cout << absl::StrFormat(
        "%.6g MFLOP per run, %.3g GFLOP/s at the median, %.3g GFLOP/s "
        "overall\n",
        flops / 1e6, flops / (median * 1e6), flops * all.size() / wall_s / 1e9);
  } else {
    std::cout << "FLOPs: unknown for this graph's kernels\n";
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterBenchCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<BenchFlags>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Time a SignatureDef on random inputs: median and p90 latency, GFLOP/s");
  cmd->add_option("--dir", flags->dir, "SavedModel directory")->required();
  cmd->add_option("--tag_set", flags->tag_set, "Tags of the MetaGraphDef")->capture_default_str();
  cmd->add_option("--signature_def", flags->signature_def, "SignatureDef key")
      ->capture_default_str();
  cmd->add_option("--batch", flags->batch, "Size of unknown first dimensions")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--threads", flags->threads, "Concurrent callers")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--iterations", flags->iterations, "Timed runs in total")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--input_exprs", flags->input_exprs,
                  "Fixed inputs instead of random ones (as for run)");
  cmd->add_option("--input_examples", flags->input_examples,
                  "Fixed tf.Example inputs instead of empty ones (as for run)");
  cmd->add_option("--warmup", flags->warmup, "Untimed runs first")->capture_default_str();
  cmd->add_option("--optimize", flags->optimize,
                  "Freeze variables and rewrite the graph at load (false: run it as written)")
      ->capture_default_str();
  cmd->add_option("--conv_winograd", flags->conv_winograd, kConvWinogradHelp)
      ->check(CLI::IsMember(kConvWinogradValues))
      ->capture_default_str();
  cmd->add_option("--intra_op_threads", flags->intra_op_threads,
                  "Threads for kernels (0: one per core)")
      ->capture_default_str();
  cmd->callback([flags, exit_code] {
    absl::Status status = Bench(*flags);
    if (!status.ok()) {
      std::cerr << "savedserve bench: " << status.message() << "\n";
      *exit_code = 1;
    }
  });
}

}  // namespace savedserve::tools
