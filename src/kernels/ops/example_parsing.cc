// tf.Example parsing (see example_parsing.h). Examples are parsed once into protos; each
// feature is then assembled column-wise across the batch.
#include "kernels/ops/example_parsing.h"

#include <algorithm>
#include <new>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "kernels/ops/array_util.h"
#include "tensorflow/core/example/example.pb.h"

namespace savedserve {
namespace {

using tensorflow::DT_FLOAT;
using tensorflow::DT_INT64;
using tensorflow::DT_STRING;

// Outputs larger than this many elements are refused rather than attempted.
constexpr int64_t kMaxOutputElements = int64_t{1} << 31;

// The batch being parsed, for lookups and error messages.
struct Batch {
  std::vector<tensorflow::Example> examples;
  const Tensor* names = nullptr;
  bool scalar = false;

  int64_t size() const { return static_cast<int64_t>(examples.size()); }
  std::string Name(int64_t i) const {
    return names->num_elements() > 0 ? names->data<std::string>()[i] : "<unknown>";
  }
};

absl::string_view TypeName(DataType dtype) {
  switch (dtype) {
    case DT_FLOAT:
      return "float";
    case DT_INT64:
      return "int64";
    case DT_STRING:
      return "string";
    default:
      return "invalid";
  }
}

DataType KindType(const tensorflow::Feature& f) {
  switch (f.kind_case()) {
    case tensorflow::Feature::kBytesList:
      return DT_STRING;
    case tensorflow::Feature::kFloatList:
      return DT_FLOAT;
    case tensorflow::Feature::kInt64List:
      return DT_INT64;
    default:
      return tensorflow::DT_INVALID;
  }
}

int64_t ValueCount(const tensorflow::Feature& f) {
  switch (f.kind_case()) {
    case tensorflow::Feature::kBytesList:
      return f.bytes_list().value_size();
    case tensorflow::Feature::kFloatList:
      return f.float_list().value_size();
    case tensorflow::Feature::kInt64List:
      return f.int64_list().value_size();
    default:
      return 0;
  }
}

// Copies f's values to out[offset, offset + ValueCount(f)). REQUIRES: matching dtypes.
void CopyValues(const tensorflow::Feature& f, Tensor& out, int64_t offset) {
  switch (f.kind_case()) {
    case tensorflow::Feature::kBytesList: {
      std::string* dst = out.data<std::string>() + offset;
      for (const std::string& v : f.bytes_list().value()) *dst++ = v;
      break;
    }
    case tensorflow::Feature::kFloatList:
      std::copy(f.float_list().value().begin(), f.float_list().value().end(),
                out.data<float>() + offset);
      break;
    case tensorflow::Feature::kInt64List:
      std::copy(f.int64_list().value().begin(), f.int64_list().value().end(),
                out.data<int64_t>() + offset);
      break;
    default:
      break;
  }
}

absl::StatusOr<Tensor> NewTensor(DataType dtype, std::vector<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0 || __builtin_mul_overflow(n, d, &n) || n > kMaxOutputElements) {
      return absl::InvalidArgumentError("parsed feature output is too large");
    }
  }
  try {
    return Tensor(dtype, TensorShape(std::move(dims)));
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("out of memory allocating a parsed feature");
  }
}

// Example i's value list for `key` of type `dtype`, or nullptr when absent or empty-kind.
absl::StatusOr<const tensorflow::Feature*> Find(const Batch& batch, int64_t i,
                                                const std::string& key, DataType dtype) {
  const auto& map = batch.examples[i].features().feature();
  auto it = map.find(key);
  if (it == map.end() || KindType(it->second) == tensorflow::DT_INVALID) return nullptr;
  const DataType got = KindType(it->second);
  if (got != dtype) {
    return absl::InvalidArgumentError(
        absl::StrCat("Name: ", batch.Name(i), ", Feature: ", key, ".  Data types don't match. ",
                     "Data type: ", TypeName(got), " but expected type: ", TypeName(dtype)));
  }
  return &it->second;
}

std::vector<int64_t> WithBatch(const Batch& batch, std::vector<int64_t> dims) {
  if (!batch.scalar) dims.insert(dims.begin(), batch.size());
  return dims;
}

absl::StatusOr<Tensor> ParseFixedDense(const Batch& batch, const DenseFeatureSpec& spec) {
  ASSIGN_OR_RETURN(Tensor out, NewTensor(spec.dtype, WithBatch(batch, spec.shape.dims())));
  const int64_t stride = DimProduct(TensorShape(spec.shape.dims()), 0, spec.shape.rank());
  for (int64_t i = 0; i < batch.size(); ++i) {
    ASSIGN_OR_RETURN(const tensorflow::Feature* f, Find(batch, i, spec.key, spec.dtype));
    if (f == nullptr) {
      if (spec.default_value.num_elements() == 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "Name: ", batch.Name(i), ", Feature: ", spec.key, " (data type: ", TypeName(spec.dtype),
            ") is required but could not be found."));
      }
      CopyElements(spec.default_value, 0, out, i * stride, stride);
      continue;
    }
    if (ValueCount(*f) != stride) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Name: ", batch.Name(i), ", Key: ", spec.key, ", Index: ", i, ".  Number of ",
          TypeName(spec.dtype), " values != expected.  Values size: ", ValueCount(*f),
          " but output shape: ", spec.shape.DebugString()));
    }
    CopyValues(*f, out, i * stride);
  }
  return out;
}

// A dense feature whose first dim is -1: rows of the remaining shape, padded to the
// longest example with the default element.
absl::StatusOr<Tensor> ParseVariableDense(const Batch& batch, const DenseFeatureSpec& spec) {
  const std::vector<int64_t> row_dims(spec.shape.dims().begin() + 1, spec.shape.dims().end());
  const int64_t row = DimProduct(TensorShape(row_dims), 0, static_cast<int>(row_dims.size()));
  std::vector<const tensorflow::Feature*> found(batch.size());
  int64_t max_rows = 0;
  for (int64_t i = 0; i < batch.size(); ++i) {
    ASSIGN_OR_RETURN(found[i], Find(batch, i, spec.key, spec.dtype));
    const int64_t n = found[i] != nullptr ? ValueCount(*found[i]) : 0;
    if ((row == 0 && n != 0) || (row != 0 && n % row != 0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Name: ", batch.Name(i), ", Key: ", spec.key, ", Index: ", i, ".  Number of ",
          TypeName(spec.dtype), " values is not a multiple of stride length. Saw ", n,
          " values but output shape is: ", spec.shape.DebugString()));
    }
    if (row != 0) max_rows = std::max(max_rows, n / row);
  }
  std::vector<int64_t> dims = row_dims;
  dims.insert(dims.begin(), max_rows);
  ASSIGN_OR_RETURN(Tensor out, NewTensor(spec.dtype, WithBatch(batch, dims)));
  const int64_t stride = max_rows * row;
  if (spec.default_value.num_elements() > 0 && out.num_elements() > 0) {
    FillElements(spec.default_value, 0, out, 0, out.num_elements());
  }
  for (int64_t i = 0; i < batch.size(); ++i) {
    if (found[i] != nullptr) CopyValues(*found[i], out, i * stride);
  }
  return out;
}

// Value lists of `key` across the batch (nullptr where missing) and their total size.
absl::StatusOr<std::vector<const tensorflow::Feature*>> Collect(const Batch& batch,
                                                                const std::string& key,
                                                                DataType dtype, int64_t* total,
                                                                int64_t* longest) {
  std::vector<const tensorflow::Feature*> found(batch.size());
  *total = 0;
  *longest = 0;
  for (int64_t i = 0; i < batch.size(); ++i) {
    ASSIGN_OR_RETURN(found[i], Find(batch, i, key, dtype));
    const int64_t n = found[i] != nullptr ? ValueCount(*found[i]) : 0;
    *total += n;
    *longest = std::max(*longest, n);
  }
  return found;
}

absl::Status ParseSparse(const Batch& batch, const SparseFeatureSpec& spec, ParsedExamples& out) {
  int64_t total, longest;
  ASSIGN_OR_RETURN(auto found, Collect(batch, spec.key, spec.dtype, &total, &longest));
  const int64_t rank = batch.scalar ? 1 : 2;
  ASSIGN_OR_RETURN(Tensor indices, NewTensor(DT_INT64, {total, rank}));
  ASSIGN_OR_RETURN(Tensor values, NewTensor(spec.dtype, {total}));
  Tensor shape(DT_INT64, TensorShape({rank}));
  int64_t* ix = indices.data<int64_t>();
  int64_t offset = 0;
  for (int64_t i = 0; i < batch.size(); ++i) {
    if (found[i] == nullptr) continue;
    const int64_t n = ValueCount(*found[i]);
    for (int64_t j = 0; j < n; ++j) {
      if (!batch.scalar) *ix++ = i;
      *ix++ = j;
    }
    CopyValues(*found[i], values, offset);
    offset += n;
  }
  if (!batch.scalar) shape.data<int64_t>()[0] = batch.size();
  shape.data<int64_t>()[rank - 1] = longest;
  out.sparse_indices.push_back(std::move(indices));
  out.sparse_values.push_back(std::move(values));
  out.sparse_shapes.push_back(std::move(shape));
  return absl::OkStatus();
}

absl::Status ParseRagged(const Batch& batch, const RaggedFeatureSpec& spec, ParsedExamples& out) {
  int64_t total, longest;
  ASSIGN_OR_RETURN(auto found, Collect(batch, spec.key, spec.dtype, &total, &longest));
  ASSIGN_OR_RETURN(Tensor values, NewTensor(spec.dtype, {total}));
  // A scalar input has a single row; TF's Python layer ignores its splits.
  const int64_t num_splits = batch.scalar ? 0 : batch.size() + 1;
  Tensor splits(spec.splits_dtype, TensorShape({num_splits}));
  int64_t offset = 0;
  for (int64_t i = 0; i < batch.size(); ++i) {
    if (found[i] != nullptr) {
      CopyValues(*found[i], values, offset);
      offset += ValueCount(*found[i]);
    }
    if (batch.scalar) continue;
    if (spec.splits_dtype == tensorflow::DT_INT32) {
      splits.data<int32_t>()[i + 1] = static_cast<int32_t>(offset);
    } else {
      splits.data<int64_t>()[i + 1] = offset;
    }
  }
  out.ragged_values.push_back(std::move(values));
  out.ragged_splits.push_back(std::move(splits));
  return absl::OkStatus();
}

bool IsFeatureType(DataType t) { return t == DT_FLOAT || t == DT_INT64 || t == DT_STRING; }

}  // namespace

absl::Status ValidateExampleParserSpec(const ExampleParserSpec& spec) {
  for (const auto& s : spec.sparse) {
    if (!IsFeatureType(s.dtype)) {
      return absl::InvalidArgumentError(absl::StrCat("sparse feature '", s.key, "' has dtype ",
                                                     DataTypeName(s.dtype),
                                                     "; expected float, int64 or string"));
    }
  }
  for (const auto& r : spec.ragged) {
    if (!IsFeatureType(r.dtype) ||
        (r.splits_dtype != tensorflow::DT_INT32 && r.splits_dtype != DT_INT64)) {
      return absl::InvalidArgumentError(
          absl::StrCat("ragged feature '", r.key, "' has unsupported value or split type"));
    }
  }
  for (const auto& d : spec.dense) {
    const std::string what = absl::StrCat("dense feature '", d.key, "'");
    if (!IsFeatureType(d.dtype)) {
      return absl::InvalidArgumentError(absl::StrCat(what, " has dtype ", DataTypeName(d.dtype),
                                                     "; expected float, int64 or string"));
    }
    if (d.shape.unknown_rank()) {
      return absl::InvalidArgumentError(absl::StrCat(what, " has a shape of unknown rank"));
    }
    const auto& dims = d.shape.dims();
    if (std::any_of(dims.begin() + (dims.empty() ? 0 : 1), dims.end(),
                    [](int64_t x) { return x < 0; })) {
      return absl::InvalidArgumentError(absl::StrCat(what, " has shape ", d.shape.DebugString(),
                                                     ": only the first dim may be unknown"));
    }
    const int64_t n = d.default_value.is_initialized() ? d.default_value.num_elements() : 0;
    if (n > 0 && d.default_value.dtype() != d.dtype) {
      return absl::InvalidArgumentError(absl::StrCat(what, " has a default of dtype ",
                                                     DataTypeName(d.default_value.dtype()),
                                                     ", expected ", DataTypeName(d.dtype)));
    }
    const bool variable = !dims.empty() && dims[0] < 0;
    if (variable && n > 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " is variable-length (shape ", d.shape.DebugString(),
                       ") and needs a default with exactly 1 element (the padding), got ", n));
    }
    if (!variable && n > 0 && n != TensorShape(dims).num_elements()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " has a default of shape ", d.default_value.shape().DebugString(),
                       " which does not match dense shape ", d.shape.DebugString()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ParsedExamples> ParseExamples(const ExampleParserSpec& spec,
                                             const Tensor& serialized, const Tensor& names) {
  if (serialized.dtype() != DT_STRING || serialized.shape().rank() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("serialized must be a string scalar or vector, got ",
                     DataTypeName(serialized.dtype()), " ", serialized.shape().DebugString()));
  }
  if (names.dtype() != DT_STRING ||
      (names.num_elements() > 0 && names.num_elements() != serialized.num_elements())) {
    return absl::InvalidArgumentError(absl::StrCat("names must be empty or match serialized ",
                                                   serialized.shape().DebugString(), ", got ",
                                                   names.shape().DebugString()));
  }
  Batch batch;
  batch.names = &names;
  batch.scalar = serialized.shape().rank() == 0;
  batch.examples.resize(serialized.num_elements());
  for (int64_t i = 0; i < batch.size(); ++i) {
    if (!batch.examples[i].ParseFromString(serialized.data<std::string>()[i])) {
      return absl::InvalidArgumentError(absl::StrCat("Name: ", batch.Name(i), ", Index: ", i,
                                                     ". Could not parse serialized Example"));
    }
  }
  ParsedExamples out;
  for (const auto& s : spec.sparse) RETURN_IF_ERROR(ParseSparse(batch, s, out));
  for (const auto& d : spec.dense) {
    const bool variable = d.shape.rank() > 0 && d.shape.dims()[0] < 0;
    ASSIGN_OR_RETURN(Tensor t, variable ? ParseVariableDense(batch, d) : ParseFixedDense(batch, d));
    out.dense_values.push_back(std::move(t));
  }
  for (const auto& r : spec.ragged) RETURN_IF_ERROR(ParseRagged(batch, r, out));
  return out;
}

}  // namespace savedserve

namespace savedserve {
namespace {

absl::StatusOr<std::vector<DataType>> TypeList(const KernelConstruction& c,
                                               const std::string& attr) {
  if (!c.HasAttr(attr)) return std::vector<DataType>{};
  return c.GetAttr<std::vector<DataType>>(attr);
}

}  // namespace

absl::StatusOr<ParseExampleAttrs> ReadParseExampleAttrs(const KernelConstruction& c,
                                                        const std::string& sparse_count_attr) {
  ParseExampleAttrs attrs;
  ASSIGN_OR_RETURN(attrs.sparse_types, TypeList(c, "sparse_types"));
  ASSIGN_OR_RETURN(attrs.dense_types, TypeList(c, "Tdense"));
  ASSIGN_OR_RETURN(attrs.ragged_value_types, TypeList(c, "ragged_value_types"));
  ASSIGN_OR_RETURN(attrs.ragged_split_types, TypeList(c, "ragged_split_types"));
  ASSIGN_OR_RETURN(int64_t num_sparse,
                   c.GetAttrOr<int64_t>(sparse_count_attr, attrs.sparse_types.size()));
  if (num_sparse != static_cast<int64_t>(attrs.sparse_types.size())) {
    return c.Error(absl::StrCat(sparse_count_attr, " is ", num_sparse, " but sparse_types has ",
                                attrs.sparse_types.size(), " entries"));
  }
  if (attrs.ragged_value_types.size() != attrs.ragged_split_types.size()) {
    return c.Error("ragged_value_types and ragged_split_types differ in length");
  }
  auto it = c.node().attr().find("dense_shapes");
  if (it != c.node().attr().end()) {
    for (const auto& shape : it->second.list().shape()) {
      attrs.dense_shapes.push_back(PartialShape::FromProto(shape));
    }
  }
  if (attrs.dense_shapes.size() != attrs.dense_types.size()) {
    return c.Error(absl::StrCat("dense_shapes has ", attrs.dense_shapes.size(),
                                " entries but Tdense has ", attrs.dense_types.size()));
  }
  return attrs;
}

absl::Status SetParsedOutputs(KernelContext& ctx, ParsedExamples parsed) {
  const size_t want = parsed.sparse_indices.size() * 3 + parsed.dense_values.size() +
                      parsed.ragged_values.size() * 2;
  if (static_cast<size_t>(ctx.num_outputs()) != want) {
    return ctx.Error(absl::StrCat("expected ", want, " outputs, the node has ", ctx.num_outputs()));
  }
  int next = 0;
  for (auto* list : {&parsed.sparse_indices, &parsed.sparse_values, &parsed.sparse_shapes,
                     &parsed.dense_values, &parsed.ragged_values, &parsed.ragged_splits}) {
    for (Tensor& t : *list) ctx.set_output(next++, std::move(t));
  }
  return absl::OkStatus();
}

}  // namespace savedserve
