// TensorFlow's HashTable ops. HashTableV2 (resource handle) and HashTable (TF1 ref handle)
// look up or create the table in the model's ResourceManager under container/shared_name
// (the node name when shared_name is empty: the init op and the serving graph run the same
// node, which in TensorFlow is one kernel) and output a scalar naming it. The other ops take
// that scalar: InitializeTable(V2), InitializeTableFromTextFile(V2), LookupTableImport(V2)
// fill the table, LookupTableFind(V2) and LookupTableSize(V2) read it.
#include "absl/strings/str_cat.h"
#include "base/env.h"
#include "base/status.h"
#include "kernels/ops/lookup_table.h"
#include "kernels/registry.h"

namespace savedserve {
namespace {

class HashTableKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    ASSIGN_OR_RETURN(DataType key_dtype, c.GetAttr<DataType>("key_dtype"));
    ASSIGN_OR_RETURN(DataType value_dtype, c.GetAttr<DataType>("value_dtype"));
    if (!IsSupportedTableKey(key_dtype) || !IsSupportedTableValue(value_dtype)) {
      return c.Error(absl::StrCat("no HashTable kernel maps ", DataTypeName(key_dtype), " to ",
                                  DataTypeName(value_dtype)));
    }
    ASSIGN_OR_RETURN(std::string container, c.GetAttrOr<std::string>("container", ""));
    ASSIGN_OR_RETURN(std::string shared_name, c.GetAttrOr<std::string>("shared_name", ""));
    if (shared_name.empty()) shared_name = c.name();
    const DataType handle_dtype =
        c.op() == "HashTableV2" ? tensorflow::DT_RESOURCE : tensorflow::DT_STRING;
    return std::unique_ptr<OpKernel>(new HashTableKernel(absl::StrCat(container, "/", shared_name),
                                                         key_dtype, value_dtype, handle_dtype));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    if (ctx.resources() == nullptr) return ctx.Error("no resource manager to hold tables");
    std::shared_ptr<LookupTable> table = ctx.resources()->LookupOrCreateTable(
        key_, [&] { return std::make_shared<LookupTable>(key_, key_dtype_, value_dtype_); });
    if (table->key_dtype() != key_dtype_ || table->value_dtype() != value_dtype_) {
      return ctx.Error(absl::StrCat("table ", key_, " exists with other dtypes"));
    }
    Tensor handle(handle_dtype_, TensorShape{});
    handle.data<std::string>()[0] = key_;
    ctx.set_output(0, std::move(handle));
    return absl::OkStatus();
  }

 private:
  HashTableKernel(std::string key, DataType key_dtype, DataType value_dtype, DataType handle_dtype)
      : key_(std::move(key)),
        key_dtype_(key_dtype),
        value_dtype_(value_dtype),
        handle_dtype_(handle_dtype) {}
  const std::string key_;
  const DataType key_dtype_;
  const DataType value_dtype_;
  const DataType handle_dtype_;
};

// The table input 0 names.
absl::StatusOr<std::shared_ptr<LookupTable>> TableInput(const KernelContext& ctx) {
  ASSIGN_OR_RETURN(Tensor handle, ctx.input(0));
  if ((handle.dtype() != tensorflow::DT_RESOURCE && handle.dtype() != tensorflow::DT_STRING) ||
      handle.num_elements() != 1) {
    return ctx.Error("input 0 must be a table handle");
  }
  const std::string& key = handle.data<std::string>()[0];
  std::shared_ptr<LookupTable> table =
      ctx.resources() == nullptr ? nullptr : ctx.resources()->FindTable(key);
  if (table == nullptr) return ctx.Error(absl::StrCat("Table ", key, " does not exist"));
  return table;
}

// Kernels without attributes worth checking at load: `Fn(ctx, table)` runs per call.
template <absl::Status (*Fn)(KernelContext&, LookupTable&)>
class TableOpKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    return std::unique_ptr<OpKernel>(new TableOpKernel);
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(std::shared_ptr<LookupTable> table, TableInput(ctx));
    absl::Status status = Fn(ctx, *table);
    return status.ok() ? status : NameError(ctx, status);
  }

 private:
  static absl::Status NameError(const KernelContext& ctx, const absl::Status& status) {
    return absl::Status(status.code(), absl::StrCat(ctx.node().op(), " '", ctx.node().name(),
                                                    "': ", status.message()));
  }
};

absl::Status Find(KernelContext& ctx, LookupTable& table) {
  ASSIGN_OR_RETURN(Tensor keys, ctx.input(1));
  ASSIGN_OR_RETURN(Tensor default_value, ctx.input(2));
  Tensor out;
  RETURN_IF_ERROR(table.Find(keys, default_value, &out));
  ctx.set_output(0, std::move(out));
  return absl::OkStatus();
}

absl::Status Size(KernelContext& ctx, LookupTable& table) {
  ctx.set_output(0, Tensor::Scalar<int64_t>(table.size()));
  return absl::OkStatus();
}

absl::Status Initialize(KernelContext& ctx, LookupTable& table) {
  ASSIGN_OR_RETURN(Tensor keys, ctx.input(1));
  ASSIGN_OR_RETURN(Tensor values, ctx.input(2));
  if (ctx.node().op() != "LookupTableImportV2" && ctx.node().op() != "LookupTableImport" &&
      keys.shape().rank() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("Keys must be a vector, but received shape ", keys.shape().DebugString()));
  }
  if (keys.shape() != values.shape()) {
    return absl::InvalidArgumentError(absl::StrCat("Expected shape ", keys.shape().DebugString(),
                                                   " for values, got ",
                                                   values.shape().DebugString()));
  }
  return table.Initialize(keys, values);
}

class InitializeTableFromTextFileKernel : public OpKernel {
 public:
  static absl::StatusOr<std::unique_ptr<OpKernel>> Create(const KernelConstruction& c) {
    TextFileColumns columns;
    ASSIGN_OR_RETURN(columns.key_index, c.GetAttr<int64_t>("key_index"));
    ASSIGN_OR_RETURN(columns.value_index, c.GetAttr<int64_t>("value_index"));
    ASSIGN_OR_RETURN(columns.vocab_size, c.GetAttrOr<int64_t>("vocab_size", -1));
    ASSIGN_OR_RETURN(std::string delimiter, c.GetAttrOr<std::string>("delimiter", "\t"));
    ASSIGN_OR_RETURN(int64_t offset, c.GetAttrOr<int64_t>("offset", 0));
    if (columns.key_index < -2 || columns.value_index < -2 || columns.vocab_size < -1) {
      return c.Error("key_index and value_index must be >= -2, vocab_size >= -1");
    }
    if (delimiter.size() != 1) return c.Error("delimiter should be only 1 char");
    if (offset != 0) return c.Error("a non-zero offset is not supported");
    columns.delimiter = delimiter[0];
    return std::unique_ptr<OpKernel>(new InitializeTableFromTextFileKernel(columns));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ASSIGN_OR_RETURN(std::shared_ptr<LookupTable> table, TableInput(ctx));
    ASSIGN_OR_RETURN(Tensor filename, ctx.input(1));
    if (filename.dtype() != tensorflow::DT_STRING || filename.shape().rank() != 0) {
      return ctx.Error("filename must be a string scalar");
    }
    const std::string& path = filename.data<std::string>()[0];
    absl::StatusOr<std::string> contents = Env::Default()->ReadFile(path);
    if (!contents.ok()) {
      return ctx.Error(
          absl::StrCat("reading vocabulary file ", path, ": ", contents.status().message()));
    }
    Tensor keys, values;
    absl::Status status = ParseTableTextFile(*contents, path, columns_, table->key_dtype(),
                                             table->value_dtype(), &keys, &values);
    if (status.ok()) status = table->Initialize(keys, values);
    return status.ok() ? status : ctx.Error(status.message());
  }

 private:
  explicit InitializeTableFromTextFileKernel(TextFileColumns columns) : columns_(columns) {}
  const TextFileColumns columns_;
};

SS_REGISTER_KERNEL("HashTableV2", kReference, CreateKernel<HashTableKernel>);
SS_REGISTER_KERNEL("HashTable", kReference, CreateKernel<HashTableKernel>);
SS_REGISTER_KERNEL("LookupTableFindV2", kReference, CreateKernel<TableOpKernel<Find>>);
SS_REGISTER_KERNEL("LookupTableFind", kReference, CreateKernel<TableOpKernel<Find>>);
SS_REGISTER_KERNEL("LookupTableSizeV2", kReference, CreateKernel<TableOpKernel<Size>>);
SS_REGISTER_KERNEL("LookupTableSize", kReference, CreateKernel<TableOpKernel<Size>>);
SS_REGISTER_KERNEL("InitializeTableV2", kReference, CreateKernel<TableOpKernel<Initialize>>);
SS_REGISTER_KERNEL("InitializeTable", kReference, CreateKernel<TableOpKernel<Initialize>>);
SS_REGISTER_KERNEL("LookupTableImportV2", kReference, CreateKernel<TableOpKernel<Initialize>>);
SS_REGISTER_KERNEL("LookupTableImport", kReference, CreateKernel<TableOpKernel<Initialize>>);
SS_REGISTER_KERNEL("InitializeTableFromTextFileV2", kReference,
                   CreateKernel<InitializeTableFromTextFileKernel>);
SS_REGISTER_KERNEL("InitializeTableFromTextFile", kReference,
                   CreateKernel<InitializeTableFromTextFileKernel>);

}  // namespace
}  // namespace savedserve
