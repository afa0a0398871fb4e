// GraphBuilder::AddSaver: the `save/` nodes of tf.compat.v1.train.Saver (V2 format), laid out
// as TF 1.14/1.15 writes them for variables without device placement (one shard, its save
// ops pinned to CPU:0; the restore op on CPU:0, as TF loads every tensor there first).
#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "export/graph_builder.h"

namespace savedserve {
namespace {

constexpr char kCpu0[] = "/device:CPU:0";

const PartialShape& Scalar() {
  static const PartialShape* scalar = new PartialShape(std::vector<int64_t>{});
  return *scalar;
}

Tensor StringScalar(const std::string& s) { return Tensor::Scalar<std::string>(s); }

Tensor StringVector(const std::vector<std::string>& values) {
  Tensor t(tensorflow::DT_STRING, TensorShape{static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), t.data<std::string>());
  return t;
}

NodeOptions OnCpu0() {
  NodeOptions options;
  options.device = kCpu0;
  return options;
}

// FNV-1a, for a stable (not secret) fingerprint of the variables.
uint64_t Fnv1a(absl::string_view data, uint64_t hash) {
  for (unsigned char c : data) hash = (hash ^ c) * 0x100000001b3ULL;
  return hash;
}

}  // namespace

std::string GraphBuilder::SaverTempSuffix() const {
  // TF puts a random uuid here, naming the directory shards are written to before the merge.
  // A fingerprint of the variables serves as well and keeps exports reproducible.
  std::string key;
  for (const VariableRecord& v : variables_) {
    absl::StrAppend(&key, v.name, "|", v.value.dtype(), "|", v.value.shape().DebugString(), ";");
  }
  char hex[33];
  std::snprintf(hex, sizeof(hex), "%016" PRIx64 "%016" PRIx64, Fnv1a(key, 0xcbf29ce484222325ULL),
                Fnv1a(key, 0x84222325cbf29ce4ULL));
  return absl::StrCat("_temp_", hex, "/part");
}

std::string GraphBuilder::SaveSharded(const std::string& scope,
                                      const std::vector<const VariableRecord*>& vars,
                                      const NodeOutput& prefix) {
  const std::string join = UniqueName(scope + "/StringJoin");
  NodeOutput suffix = Const(join + "/inputs_1", StringScalar(SaverTempSuffix()));
  NodeOutput tmp_prefix =
      AddNamedOp(join, "StringJoin", {prefix, suffix}, {}, {Scalar()}, {}).output();
  NodeOutput num_shards = Const(scope + "/num_shards", Tensor::Scalar<int32_t>(1));
  const std::string sharded = UniqueName(scope + "/ShardedFilename");
  NodeOutput shard = Const(sharded + "/shard", Tensor::Scalar<int32_t>(0), OnCpu0());
  NodeOutput filename = AddNamedOp(sharded, "ShardedFilename", {tmp_prefix, shard, num_shards}, {},
                                   {Scalar()}, OnCpu0())
                            .output();
  std::string save = SaveOp(scope, vars, filename, OnCpu0());
  NodeOptions after_save = OnCpu0();
  after_save.control_inputs = {save};
  after_save.colocate_with = {filename.node};
  NodeOutput saved = Identity(scope + "/control_dependency", filename, after_save);
  const std::string merge = UniqueName(scope + "/MergeV2Checkpoints");
  NodeOptions after_shards = OnCpu0();
  after_shards.control_inputs = {saved.node};
  NodeOutput prefixes =
      AddOp("Pack", merge + "/checkpoint_prefixes", {filename}, {{"axis", IntAttr(0)}},
            {PartialShape(std::vector<int64_t>{1})}, after_shards)
          .output();
  std::string merged = AddNamedOp(merge, "MergeV2Checkpoints", {prefixes, prefix},
                                  {{"delete_old_dirs", BoolAttr(true)}}, {}, OnCpu0())
                           .name;
  NodeOptions after_merge = OnCpu0();
  after_merge.control_inputs = {merged, saved.node};
  return Identity(scope + "/Identity", prefix, after_merge).tensor_name();
}

std::string GraphBuilder::SaveOp(const std::string& scope,
                                 const std::vector<const VariableRecord*>& vars,
                                 const NodeOutput& filename, const NodeOptions& options) {
  std::vector<std::string> names;
  std::vector<NodeOutput> inputs = {filename};
  for (const VariableRecord* v : vars) names.push_back(v->name);
  const std::string save = UniqueName(scope + "/SaveV2");
  inputs.push_back(Const(save + "/tensor_names", StringVector(names), options));
  inputs.push_back(Const(save + "/shape_and_slices",
                         StringVector(std::vector<std::string>(names.size())), options));
  for (const VariableRecord* v : vars) inputs.push_back(v->handles.ref);
  return AddNamedOp(save, "SaveV2", inputs, {}, {}, options).name;
}

std::string GraphBuilder::Restore(const std::string& scope,
                                  const std::vector<const VariableRecord*>& vars,
                                  const NodeOutput& prefix, bool sharded) {
  std::vector<std::string> names;
  std::vector<DataType> dtypes;
  std::vector<PartialShape> shapes;
  for (const VariableRecord* v : vars) {
    names.push_back(v->name);
    dtypes.push_back(v->value.dtype());
    shapes.push_back(PartialShape::UnknownRank());  // TF cannot know what a file holds
  }
  const std::string restore = UniqueName(scope + "/RestoreV2");
  NodeOutput tensor_names = Const(restore + "/tensor_names", StringVector(names), OnCpu0());
  NodeOutput slices = Const(restore + "/shape_and_slices",
                            StringVector(std::vector<std::string>(names.size())), OnCpu0());
  BuiltNode restored = AddNamedOp(restore, "RestoreV2", {prefix, tensor_names, slices},
                                  {{"dtypes", TypeListAttr(dtypes)}}, shapes, OnCpu0());
  std::vector<std::string> assigns;
  for (size_t i = 0; i < vars.size(); ++i) {
    assigns.push_back(
        Assign(scope + "/Assign", vars[i]->handles.ref, restored.output(static_cast<int>(i))).node);
  }
  if (!sharded) return Group(scope + "/restore_all", assigns);
  return Group(scope + "/restore_all", {Group(scope + "/restore_shard", assigns)});
}

tensorflow::SaverDef GraphBuilder::AddSaver(const SaverOptions& options) {
  if (!status_.ok()) return {};
  if (has_saver_ || variables_.empty()) {
    Fail(absl::FailedPreconditionError(has_saver_ ? "AddSaver() called twice"
                                                  : "AddSaver(): no variables to save"));
    return {};
  }
  std::vector<const VariableRecord*> vars;
  for (const VariableRecord& v : variables_) vars.push_back(&v);
  std::sort(vars.begin(), vars.end(),
            [](const VariableRecord* a, const VariableRecord* b) { return a->name < b->name; });
  const std::string scope = UniqueName("save");
  // The checkpoint prefix: a PlaceholderWithDefault("model") that callers feed.
  const std::string filename_scope = UniqueName(scope + "/filename");
  NodeOutput model = Const(filename_scope + "/input", StringScalar("model"));
  NodeOutput filename = AddNamedOp(filename_scope, "PlaceholderWithDefault", {model},
                                   {{"shape", ShapeAttr(Scalar())}}, {Scalar()}, {})
                            .output();
  NodeOutput prefix = PlaceholderWithDefault(scope + "/Const", filename, Scalar());
  std::string save_tensor;
  if (options.sharded) {
    save_tensor = SaveSharded(scope, vars, prefix);
  } else {
    std::string save = SaveOp(scope, vars, prefix, {});
    NodeOptions after_save;
    after_save.control_inputs = {save};
    after_save.colocate_with = {prefix.node};
    save_tensor = Identity(scope + "/control_dependency", prefix, after_save).tensor_name();
  }
  std::string restore_op = Restore(scope, vars, prefix, options.sharded);
  if (!status_.ok()) return {};
  saver_def_.set_filename_tensor_name(prefix.tensor_name());
  saver_def_.set_save_tensor_name(save_tensor);
  saver_def_.set_restore_op_name(restore_op);
  saver_def_.set_max_to_keep(options.max_to_keep);
  saver_def_.set_sharded(options.sharded);
  saver_def_.set_keep_checkpoint_every_n_hours(options.keep_checkpoint_every_n_hours);
  saver_def_.set_version(tensorflow::SaverDef::V2);
  has_saver_ = true;
  return saver_def_;
}

}  // namespace savedserve
