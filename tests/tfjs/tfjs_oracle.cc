#include "tests/tfjs/tfjs_oracle.h"

#include <cstdlib>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/env.h"
#include "base/status.h"
#include "google/protobuf/util/json_util.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "test_util/temp_dir.h"
#include "test_util/testdata.h"
#include "tools/npy.h"

namespace savedserve::testing {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string Quote(const std::string& s) { return "'" + s + "'"; }

absl::Status WriteCase(const OracleCase& c, size_t index, const std::string& dir, Writer* w) {
  w->StartObject();
  w->Key("id");
  w->String(c.id.c_str());
  if (!c.model_json.empty()) {
    w->Key("model");
    w->String(c.model_json.c_str());
  } else {
    std::string graph;
    auto status = google::protobuf::util::MessageToJsonString(c.graph, &graph);
    if (!status.ok()) return absl::InternalError(status.ToString());
    w->Key("graph");
    w->RawValue(graph.data(), graph.size(), rapidjson::kObjectType);
  }
  w->Key("feeds");
  w->StartObject();
  for (size_t i = 0; i < c.feeds.size(); ++i) {
    std::string file = absl::StrCat("in_", index, "_", i, ".npy");
    ASSIGN_OR_RETURN(std::string npy, tools::SerializeNpy(c.feeds[i].second));
    RETURN_IF_ERROR(Env::Default()->WriteFile(JoinPath(dir, file), npy));
    w->Key(c.feeds[i].first.c_str());
    w->String(file.c_str());
  }
  w->EndObject();
  w->Key("fetches");
  w->StartArray();
  for (const std::string& f : c.fetches) w->String(f.c_str());
  w->EndArray();
  w->Key("outputs");
  w->StartArray();
  for (size_t i = 0; i < c.fetches.size(); ++i) {
    w->String(absl::StrCat("out_", index, "_", i, ".npy").c_str());
  }
  w->EndArray();
  w->EndObject();
  return absl::OkStatus();
}

absl::StatusOr<OracleResult> ReadResult(const std::string& line, const OracleCase& c, size_t index,
                                        const std::string& dir) {
  rapidjson::Document doc;
  doc.Parse(line.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("ok")) {
    return absl::InternalError("bad oracle output line: " + line);
  }
  OracleResult result;
  result.ok = doc["ok"].GetBool();
  if (doc.HasMember("ms")) result.ms = doc["ms"].GetDouble();
  if (!result.ok) {
    result.error = doc["error"].GetString();
    return result;
  }
  for (size_t i = 0; i < c.fetches.size(); ++i) {
    ASSIGN_OR_RETURN(std::string bytes, Env::Default()->ReadFile(JoinPath(
                                            dir, absl::StrCat("out_", index, "_", i, ".npy"))));
    auto t = tools::ParseNpy(bytes);
    if (!t.ok()) return Annotate(t.status(), absl::StrCat(c.id, " output ", i));
    result.outputs.push_back(*std::move(t));
  }
  return result;
}

}  // namespace

absl::StatusOr<TfjsOracle> TfjsOracle::Find() {
  const char* dir = std::getenv("SAVEDSERVE_TFJS_ORACLE");
  if (dir == nullptr || *dir == '\0') {
    return absl::NotFoundError("SAVEDSERVE_TFJS_ORACLE is not set (run the tests with ctest)");
  }
  if (!Env::Default()->FileExists(JoinPath(dir, "node_modules/@tensorflow/tfjs-core"))) {
    return absl::NotFoundError(
        absl::StrCat("the npm packages are not installed in ", dir,
                     " (the tfjs_oracle_setup test installs them; it needs node and npm)"));
  }
  if (RunCommand("node --version >/dev/null 2>&1").exit_code != 0) {
    return absl::NotFoundError("node is not on PATH");
  }
  return TfjsOracle(dir);
}

absl::StatusOr<std::vector<std::string>> TfjsOracle::ListOps() const {
  CommandResult r = RunCommand("node " + Quote(JoinPath(dir_, "run.js")) + " --list-ops 2>&1");
  if (r.exit_code != 0) return absl::InternalError("run.js --list-ops failed: " + r.output);
  std::vector<std::string> ops = absl::StrSplit(r.output, '\n', absl::SkipEmpty());
  return ops;
}

absl::StatusOr<std::vector<OracleResult>> TfjsOracle::Run(
    const std::vector<OracleCase>& cases) const {
  TempDir tmp;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("cases");
  w.StartArray();
  for (size_t i = 0; i < cases.size(); ++i) RETURN_IF_ERROR(WriteCase(cases[i], i, tmp.path(), &w));
  w.EndArray();
  w.EndObject();
  const std::string job = JoinPath(tmp.path(), "job.json");
  RETURN_IF_ERROR(
      Env::Default()->WriteFile(job, std::string(buffer.GetString(), buffer.GetSize())));
  const std::string results = JoinPath(tmp.path(), "results.jsonl");
  CommandResult r = RunCommand("node " + Quote(JoinPath(dir_, "run.js")) + " " + Quote(job) + " >" +
                               Quote(results) + " 2>" + Quote(results + ".err"));
  if (r.exit_code != 0) {
    auto err = Env::Default()->ReadFile(results + ".err");
    return absl::InternalError(
        absl::StrCat("the TF.js oracle failed (exit ", r.exit_code, "): ", err.ok() ? *err : ""));
  }
  ASSIGN_OR_RETURN(std::string text, Env::Default()->ReadFile(results));
  // One JSON line per case; anything else a library printed to stdout is skipped.
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "{\"id\":")) lines.emplace_back(line);
  }
  if (lines.size() != cases.size()) {
    return absl::InternalError(absl::StrCat("the TF.js oracle answered ", lines.size(), " of ",
                                            cases.size(), " cases: ", text.substr(0, 2000)));
  }
  std::vector<OracleResult> out;
  for (size_t i = 0; i < cases.size(); ++i) {
    ASSIGN_OR_RETURN(OracleResult result, ReadResult(lines[i], cases[i], i, tmp.path()));
    out.push_back(std::move(result));
  }
  return out;
}

}  // namespace savedserve::testing
