// SaveV2 and MergeV2Checkpoints: the saver's write path. A serving runtime never needs
// them, but every TF1 and TF2 graph contains them, so they must at least be creatable.
// SaveV2 writes a single-shard bundle; MergeV2Checkpoints copies the tensors of several
// bundles into one at `destination_prefix` and deletes the sources (and, with
// delete_old_dirs, their directories once empty). Partial slices are not supported.
#include "base/env.h"
#include "base/status.h"
#include "format/tensor_bundle.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

absl::StatusOr<Tensor> StringInput(const KernelContext& ctx, int i, int64_t n, const char* what) {
  ASSIGN_OR_RETURN(Tensor t, ctx.input(i));
  if (t.dtype() != tensorflow::DT_STRING || (n >= 0 && t.num_elements() != n)) {
    return ctx.Error(n == 1 ? absl::StrCat(what, " must be a string scalar")
                            : absl::StrCat(what, " must hold ", n, " strings"));
  }
  return t;
}

class SaveV2Kernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(std::vector<DataType> dtypes, c.GetAttr<std::vector<DataType>>("dtypes"));
    if (c.num_inputs() != 3 + static_cast<int>(dtypes.size())) {
      return c.Error("expects prefix, tensor_names, shape_and_slices and one input per dtype");
    }
    return std::unique_ptr<OpKernel>(new SaveV2Kernel(static_cast<int>(dtypes.size())));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor prefix, StringInput(ctx, 0, 1, "prefix"));
    ASSIGN_OR_RETURN(Tensor names, StringInput(ctx, 1, n_, "tensor_names"));
    ASSIGN_OR_RETURN(Tensor slices, StringInput(ctx, 2, n_, "shape_and_slices"));
    ASSIGN_OR_RETURN(std::unique_ptr<BundleWriter> writer,
                     BundleWriter::Create(prefix.data<std::string>()[0], {}));
    for (int i = 0; i < n_; ++i) {
      if (!slices.data<std::string>()[i].empty()) {
        return absl::UnimplementedError(
            absl::StrCat("SaveV2 '", ctx.node().name(), "': saving slices is not supported"));
      }
      ASSIGN_OR_RETURN(Tensor value, ctx.input(3 + i));
      RETURN_IF_ERROR(writer->Add(names.data<std::string>()[i], value));
    }
    return writer->Finish();
  }

 private:
  explicit SaveV2Kernel(int n) : n_(n) {}
  const int n_;
};

// Removes the files of bundle `prefix`, and its directory when asked and left empty.
absl::Status DeleteBundle(const std::string& prefix, int num_shards, bool delete_dir) {
  Env* env = Env::Default();
  RETURN_IF_ERROR(env->DeleteRecursively(BundleIndexPath(prefix)));
  for (int s = 0; s < num_shards; ++s) {
    RETURN_IF_ERROR(env->DeleteRecursively(BundleDataPath(prefix, s, num_shards)));
  }
  if (!delete_dir) return absl::OkStatus();
  const std::string dir(Dirname(prefix));
  auto entries = env->ListDir(dir);
  if (entries.ok() && entries->empty()) return env->DeleteRecursively(dir);
  return absl::OkStatus();
}

class MergeV2CheckpointsKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(bool delete_old_dirs, c.GetAttrOr<bool>("delete_old_dirs", true));
    return std::unique_ptr<OpKernel>(new MergeV2CheckpointsKernel(delete_old_dirs));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(Tensor sources, StringInput(ctx, 0, -1, "checkpoint_prefixes"));
    ASSIGN_OR_RETURN(Tensor destination, StringInput(ctx, 1, 1, "destination_prefix"));
    const std::string& dest = destination.data<std::string>()[0];
    std::vector<std::unique_ptr<BundleReader>> readers;
    for (const std::string& prefix : sources.flat<std::string>()) {
      ASSIGN_OR_RETURN(auto reader, BundleReader::Open(prefix));
      readers.push_back(std::move(reader));
    }
    ASSIGN_OR_RETURN(std::unique_ptr<BundleWriter> writer, BundleWriter::Create(dest, {}));
    for (const auto& reader : readers) {
      for (const std::string& key : reader->keys()) {
        ASSIGN_OR_RETURN(Tensor value, reader->Lookup(key));
        RETURN_IF_ERROR(writer->Add(key, value));
      }
    }
    readers.clear();
    RETURN_IF_ERROR(writer->Finish());
    for (const std::string& prefix : sources.flat<std::string>()) {
      if (prefix == dest) continue;
      // Shard counts of the sources: SaveV2 writes one shard each.
      RETURN_IF_ERROR(DeleteBundle(prefix, 1, delete_old_dirs_));
    }
    return absl::OkStatus();
  }

 private:
  explicit MergeV2CheckpointsKernel(bool delete_old_dirs) : delete_old_dirs_(delete_old_dirs) {}
  const bool delete_old_dirs_;
};

SS_REGISTER_KERNEL("SaveV2", kReference, CreateKernel<SaveV2Kernel>);
SS_REGISTER_KERNEL("MergeV2Checkpoints", kReference, CreateKernel<MergeV2CheckpointsKernel>);

}  // namespace
}  // namespace savedserve
