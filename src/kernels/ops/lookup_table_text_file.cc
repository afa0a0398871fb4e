// Vocabulary files for InitializeTableFromTextFile(V2): one entry per line, the key and the
// value each taken from a delimited field, the line number or the whole line.
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status.h"
#include "kernels/ops/lookup_table.h"

namespace savedserve {
namespace {

absl::Status CheckColumnType(int64_t index, DataType dtype, const char* what) {
  if (index == TextFileColumns::kLineNumber && dtype != tensorflow::DT_INT64) {
    return absl::InvalidArgumentError(absl::StrCat(what, " index -1 (the line number) needs a ",
                                                   what, " dtype of int64, got ",
                                                   DataTypeName(dtype)));
  }
  if (dtype != tensorflow::DT_STRING && dtype != tensorflow::DT_INT32 &&
      dtype != tensorflow::DT_INT64 && dtype != tensorflow::DT_FLOAT &&
      dtype != tensorflow::DT_DOUBLE) {
    return absl::InvalidArgumentError(
        absl::StrCat("a text file cannot give ", what, "s of ", DataTypeName(dtype)));
  }
  return absl::OkStatus();
}

// Stores `field` (or the line number) as element `i` of `out`.
bool StoreField(absl::string_view field, int64_t line_number, bool use_line_number, Tensor* out,
                int64_t i) {
  switch (out->dtype()) {
    case tensorflow::DT_STRING:
      out->data<std::string>()[i] = std::string(field);
      return true;
    case tensorflow::DT_INT64:
      if (use_line_number) {
        out->data<int64_t>()[i] = line_number;
        return true;
      }
      return absl::SimpleAtoi(field, &out->data<int64_t>()[i]);
    case tensorflow::DT_INT32:
      return absl::SimpleAtoi(field, &out->data<int32_t>()[i]);
    case tensorflow::DT_FLOAT:
      return absl::SimpleAtof(field, &out->data<float>()[i]);
    case tensorflow::DT_DOUBLE:
      return absl::SimpleAtod(field, &out->data<double>()[i]);
    default:
      return false;
  }
}

}  // namespace

absl::Status ParseTableTextFile(absl::string_view contents, const std::string& filename,
                                const TextFileColumns& columns, DataType key_dtype,
                                DataType value_dtype, Tensor* keys, Tensor* values) {
  RETURN_IF_ERROR(CheckColumnType(columns.key_index, key_dtype, "key"));
  RETURN_IF_ERROR(CheckColumnType(columns.value_index, value_dtype, "value"));
  std::vector<absl::string_view> lines = absl::StrSplit(contents, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();  // the final newline
  if (columns.vocab_size >= 0) {
    if (static_cast<int64_t>(lines.size()) < columns.vocab_size) {
      return absl::InvalidArgumentError(absl::StrCat("Invalid vocab_size in ", filename,
                                                     ": expected: ", columns.vocab_size,
                                                     ", got: ", lines.size()));
    }
    lines.resize(columns.vocab_size);
  }
  const int64_t n = static_cast<int64_t>(lines.size());
  *keys = Tensor(key_dtype, TensorShape{n});
  *values = Tensor(value_dtype, TensorShape{n});
  const int64_t max_index = std::max(columns.key_index, columns.value_index);
  for (int64_t i = 0; i < n; ++i) {
    absl::string_view line = lines[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Invalid content in ", filename, ": empty line found at line ", i + 1));
    }
    std::vector<absl::string_view> fields;
    if (max_index >= 0) fields = absl::StrSplit(line, columns.delimiter);
    if (max_index >= static_cast<int64_t>(fields.size()) && max_index >= 0) {
      return absl::InvalidArgumentError(absl::StrCat("Invalid number of columns in ", filename,
                                                     " line ", i, " (", line, ") : expected ",
                                                     max_index, " got ", fields.size()));
    }
    for (const auto& [index, out, what] : {std::tuple(columns.key_index, keys, "key"),
                                           std::tuple(columns.value_index, values, "value")}) {
      const absl::string_view field = index >= 0 ? fields[index] : line;
      if (!StoreField(field, i, index == TextFileColumns::kLineNumber, out, i)) {
        return absl::InvalidArgumentError(absl::StrCat("Field ", field, " in line ", i, " of ",
                                                       filename, " is not a valid ",
                                                       DataTypeName(out->dtype()), " ", what));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace savedserve
