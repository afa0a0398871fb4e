// The per-op differential suite: every case of op_cases*.cc run by TensorFlow.js (one node
// process for all of them) and by savedserve's kernels (optimized and reference variants;
// TF.js-only ops through `import tfjs`'s rewrite), compared within each case's tolerance
// (a fraction of the output's range; exact for ops that only move values). Prints the ops
// covered with the largest error seen, and the ops only one side implements. Fails when an op
// both implement has no case and no stated reason.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status.h"
#include "export/tfjs_graph_rewrite.h"
#include "gtest/gtest.h"
#include "kernels/kernel_testing.h"
#include "kernels/registry.h"
#include "runtime/loaded_model.h"
#include "tests/tfjs/op_cases.h"
#include "tests/tfjs/tfjs_oracle.h"

namespace savedserve::testing {
namespace {

std::string InputName(size_t i) { return absl::StrCat("in", i); }

// Placeholders in0..inN feeding node "op".
tensorflow::GraphDef CaseGraph(const OpCase& c) {
  tensorflow::GraphDef graph;
  tensorflow::NodeDef op = c.node;
  op.set_name("op");
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    tensorflow::NodeDef* p = graph.add_node();
    p->set_name(InputName(i));
    p->set_op("Placeholder");
    (*p->mutable_attr())["dtype"].set_type(c.inputs[i].dtype());
    op.add_input(InputName(i));
  }
  *graph.add_node() = op;
  *graph.mutable_library() = c.library;
  return graph;
}

int Compared(const OpCase& c) {
  return c.compared_outputs > 0 ? c.compared_outputs : c.num_outputs;
}

std::vector<std::string> Fetches(const OpCase& c) {
  std::vector<std::string> fetches;
  for (int i = 0; i < Compared(c); ++i) fetches.push_back(absl::StrCat("op:", i));
  return fetches;
}

// Our outputs: the kernel alone, or the graph (rewritten for TF.js-only ops; with its
// function library for While).
absl::StatusOr<std::vector<Tensor>> RunOurs(const OpCase& c, KernelVariant variant) {
  if (c.rewrite || c.library.function_size() > 0) {
    tensorflow::MetaGraphDef meta;
    *meta.mutable_graph_def() = CaseGraph(c);
    RETURN_IF_ERROR(RewriteTfjsOnlyOps(meta.mutable_graph_def()));
    LoadOptions options;
    options.reference_kernels = variant == KernelVariant::kReference;
    ASSIGN_OR_RETURN(auto model, LoadedModel::FromMetaGraph(meta, "", options));
    std::vector<std::pair<std::string, Tensor>> feeds;
    for (size_t i = 0; i < c.inputs.size(); ++i)
      feeds.push_back({InputName(i) + ":0", c.inputs[i]});
    return model->Run(feeds, Fetches(c), {});
  }
  OpRunner runner(c.node.op(), "op");
  for (const auto& [name, value] : c.node.attr()) runner.Attr(name, value);
  for (int i : c.constant_inputs) runner.ConstantInput(i);
  runner.NumOutputs(c.num_outputs);
  return runner.Run(c.inputs, variant);
}

// TF.js has no int64: it returns int64 outputs (Where's coordinates, say) as int32, so ours
// are narrowed to compare (a value that does not fit then differs).
Tensor AsTfjsType(const Tensor& ours, const Tensor& theirs) {
  if (ours.dtype() != tensorflow::DT_INT64 || theirs.dtype() != tensorflow::DT_INT32) return ours;
  Tensor narrowed(tensorflow::DT_INT32, ours.shape());
  for (int64_t i = 0; i < ours.num_elements(); ++i) {
    narrowed.data<int32_t>()[i] = static_cast<int32_t>(ours.data<int64_t>()[i]);
  }
  return narrowed;
}

// Max abs error as a fraction of the expected output's range (of max |value| when the range
// is 0); -1 when dtypes or shapes differ.
double RelativeError(const Tensor& got, const Tensor& want) {
  if (got.dtype() != want.dtype() || got.shape() != want.shape()) return -1;
  const double err = MaxAbsDiff(got, want);
  if (err == 0) return 0;
  double lo = 0, hi = 0, peak = 0;
  bool first = true;
  for (int64_t i = 0; i < want.num_elements(); ++i) {
    double v = want.dtype() == tensorflow::DT_FLOAT   ? want.data<float>()[i]
               : want.dtype() == tensorflow::DT_INT32 ? want.data<int32_t>()[i]
                                                      : want.data<bool>()[i];
    lo = first ? v : std::min(lo, v);
    hi = first ? v : std::max(hi, v);
    peak = std::max(peak, std::abs(v));
    first = false;
  }
  double scale = hi > lo ? hi - lo : std::max(peak, 1.0);
  return err / scale;
}

struct OpStats {
  int cases = 0;
  double max_optimized = 0;
  double max_reference = 0;
  double tolerance = 0;
  int rewritten = 0;  // cases of a TF.js-only op or fusion, run rewritten on our side
};

std::vector<OpCase> AllCases() {
  std::vector<OpCase> all;
  for (auto table : {ElementwiseCases, NnCases, ArrayCases, ImageCases, ControlFlowCases}) {
    for (OpCase& c : table()) all.push_back(std::move(c));
  }
  return all;
}

// Compares one case, both variants; records errors in `stats`.
void CompareCase(const OpCase& c, const OracleResult& tfjs, OpStats* stats) {
  ASSERT_TRUE(tfjs.ok) << c.label << ": TF.js failed: " << tfjs.error;
  ASSERT_EQ(tfjs.outputs.size(), static_cast<size_t>(Compared(c))) << c.label;
  const std::string& op = c.node.op();
  for (KernelVariant variant : {KernelVariant::kOptimized, KernelVariant::kReference}) {
    const bool optimized = variant == KernelVariant::kOptimized;
    const bool graph = c.rewrite || c.library.function_size() > 0;
    if (optimized && !graph && !KernelRegistry::Global().HasVariant(op, variant)) continue;
    auto ours = RunOurs(c, variant);
    ASSERT_TRUE(ours.ok()) << c.label << ": " << ours.status();
    for (int i = 0; i < Compared(c); ++i) {
      const double err = RelativeError(AsTfjsType((*ours)[i], tfjs.outputs[i]), tfjs.outputs[i]);
      EXPECT_GE(err, 0) << c.label << " output " << i << ": ours "
                        << DataTypeName((*ours)[i].dtype()) << " "
                        << (*ours)[i].shape().DebugString() << ", TF.js "
                        << DataTypeName(tfjs.outputs[i].dtype()) << " "
                        << tfjs.outputs[i].shape().DebugString();
      EXPECT_LE(err, c.tolerance) << c.label << " output " << i << " ("
                                  << (optimized ? "optimized" : "reference") << ")";
      double& max = optimized ? stats->max_optimized : stats->max_reference;
      max = std::max(max, err);
    }
  }
}

void PrintSummary(const std::map<std::string, OpStats>& stats,
                  const std::vector<std::string>& tfjs_ops) {
  std::printf("\n%-28s %5s %12s %12s %10s\n", "op", "cases", "optimized", "reference", "tolerance");
  for (const auto& [op, s] : stats) {
    std::string note = s.rewritten == 0
                           ? ""
                           : absl::StrCat("  (", s.rewritten, " TF.js-only; ours run rewritten)");
    std::printf("%-28s %5d %12.3g %12.3g %10.3g%s\n", op.c_str(), s.cases, s.max_optimized,
                s.max_reference, s.tolerance, note.c_str());
  }
  std::printf("(errors: max abs error / output range, over all cases of the op)\n");
  const std::set<std::string> theirs(tfjs_ops.begin(), tfjs_ops.end());
  std::vector<std::string> ours_only, theirs_only, uncompared;
  for (const std::string& op : KernelRegistry::Global().Ops()) {
    if (!theirs.contains(op)) ours_only.push_back(op);
  }
  for (const std::string& op : tfjs_ops) {
    if (!KernelRegistry::Global().Has(op) && !stats.contains(op)) theirs_only.push_back(op);
  }
  for (const auto& [op, why] : UncomparedOps()) uncompared.push_back(op + " (" + why + ")");
  std::printf("\nops covered (%zu): %s\n", stats.size(),
              absl::StrJoin(stats, " ", [](std::string* out, const auto& kv) {
                out->append(kv.first);
              }).c_str());
  std::printf("\nTF.js lacks (%zu): %s\n", ours_only.size(), absl::StrJoin(ours_only, " ").c_str());
  std::printf("\nsavedserve lacks (%zu): %s\n", theirs_only.size(),
              absl::StrJoin(theirs_only, " ").c_str());
  std::printf("\nboth have, not compared: %s\n", absl::StrJoin(uncompared, "; ").c_str());
}

TEST(TfjsKernels, EveryOpBothImplementMatchesTensorFlowJs) {
  SS_REQUIRE_TFJS_ORACLE(oracle);
  auto tfjs_ops = oracle.ListOps();
  ASSERT_TRUE(tfjs_ops.ok()) << tfjs_ops.status();
  const std::vector<OpCase> cases = AllCases();
  std::vector<OracleCase> jobs;
  for (const OpCase& c : cases) {
    OracleCase job;
    job.id = c.label;
    job.graph = CaseGraph(c);
    for (size_t i = 0; i < c.inputs.size(); ++i) job.feeds.push_back({InputName(i), c.inputs[i]});
    job.fetches = Fetches(c);
    jobs.push_back(std::move(job));
  }
  auto start = std::chrono::steady_clock::now();
  auto results = oracle.Run(jobs);
  ASSERT_TRUE(results.ok()) << results.status();
  auto tfjs_done = std::chrono::steady_clock::now();
  std::map<std::string, OpStats> stats;
  for (size_t i = 0; i < cases.size(); ++i) {
    OpStats& s = stats[cases[i].node.op()];
    ++s.cases;
    s.tolerance = std::max(s.tolerance, cases[i].tolerance);
    s.rewritten += cases[i].rewrite;
    CompareCase(cases[i], (*results)[i], &s);
  }
  auto ours_done = std::chrono::steady_clock::now();
  PrintSummary(stats, *tfjs_ops);
  std::printf("\n%zu cases: TF.js %.1f s (one node process), savedserve %.1f s\n", cases.size(),
              std::chrono::duration<double>(tfjs_done - start).count(),
              std::chrono::duration<double>(ours_done - tfjs_done).count());
  // Coverage: every op both implement has cases or a stated reason.
  const auto uncompared = UncomparedOps();
  for (const std::string& op : *tfjs_ops) {
    if (KernelRegistry::Global().Has(op) && !stats.contains(op) && !uncompared.contains(op)) {
      ADD_FAILURE() << op << " is implemented by both but has no differential case";
    }
  }
  for (const std::string& op : TfjsOnlyOps()) {
    EXPECT_TRUE(stats.contains(op)) << "TF.js-only op " << op << " is rewritten but not compared";
  }
}

}  // namespace
}  // namespace savedserve::testing
